"""The retention run on a database the size of years of traffic: the dry run (`plan`), the real run (`run`, batches of
100), a second run that must find nothing, and `verify_chain` afterwards (which must pass).

    .venv/bin/python bench/bench_retention.py [--applications 20000] [--batch-size 100] [--database-url URL]

The database is seeded as of a fixed moment (``NOW``, mid-2035, so every period fits after the policies took effect
on 2026-11-01), with about half of each retention category past its period:

- twelve template applications (each kind in `workload.py`) decided the real way, `submit_application()` with the
  six checks on the embedded registers; their records are the first of the chain.
- the other applications copy a template's decision record with their own ids, date, applicant (name, birth date,
  address, e-mail, phone), salt, digest, subject keys and identifier sightings (computed by the engine's own
  functions from the varied application), chained with `record_hash` and written in transactions of 2,000
  applications. Rejected and referred ones are decided before or after the 12-month cutoff (half each); accepted ones
  half with a cover that ended before the 84-month cutoff, a fifth decided over a year ago with cover running, the
  rest recent. Each decision keeps the template's check details, with claims, insolvency and incident-register
  entries added to some of them, about half of which have lapsed at their source by ``NOW``.
- staff access-log rows (one per two applications) over the last four years, and privacy requests (one per 100
  applications) closed over the last four years: half older than their 24 months.

The decision facts are the template's (they describe the template's applicant); the chain and the input digests
verify. Without ``--database-url`` it uses a fresh SQLite file in a temporary directory; a PostgreSQL database
(``postgresql+psycopg://...``) must be empty of decisions, since the run erases what is due. The exit status is 1
when the chain does not verify or the second run did anything.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import workload
from sqlalchemy import func, insert, select, update

from engine.bootstrap import build_runtime
from engine.checks.assembly import build_checks
from engine.checks.fraud import identifier_keys, person_fingerprint
from engine.config import Environment, Settings
from engine.decision.core import DUTCH_TIME
from engine.decision.service import APPLICATION_ADAPTER, DecisionRuntime, submit_application
from engine.decision.tokens import applicant_token, token_hash
from engine.logs import configure_logging
from engine.privacy import retention
from engine.privacy.config import load_privacy_config
from engine.privacy.retention import add_months, start_of
from engine.privacy.subject import subject_key_rows
from engine.review.roles import Role
from engine.review.staff import create_staff
from engine.store.audit import canonical_json, input_digest, record_hash, sha256_hex, verify_chain
from engine.store.checks import SqlVelocityCounter
from engine.store.clients import create_api_client
from engine.store.database import Database
from engine.store.db import upgrade
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    AuditChainHeadRecord,
    CheckDetailRecord,
    DecisionRecord,
    ErasureRecord,
    IdentifierSightingRecord,
    PrivacyRequestRecord,
    StaffAccessRecord,
    SubjectKeyRecord,
    table_of,
)

APPLICATIONS = table_of(ApplicationRecord)
PERSONAL = table_of(ApplicationPersonalDataRecord)
DECISIONS = table_of(DecisionRecord)
HEAD = table_of(AuditChainHeadRecord)
DETAILS = table_of(CheckDetailRecord)
SIGHTINGS = table_of(IdentifierSightingRecord)
SUBJECT_KEYS = table_of(SubjectKeyRecord)
ACCESS = table_of(StaffAccessRecord)
REQUESTS = table_of(PrivacyRequestRecord)
ERASURES = table_of(ErasureRecord)

TODAY = date(2035, 6, 15)
NOW = datetime(2035, 6, 15, 10, 0, tzinfo=DUTCH_TIME).astimezone(UTC)
FIRST_DAY = date(2026, 11, 2)  # the day after the policies took effect
CHUNK = 2000  # applications per seeding transaction

GIVEN = ["Sanne", "Pieter", "Fatima", "Daan", "Emma", "Mohammed", "Lotte", "Jan", "Noor", "Bram", "Yara", "Thijs"]
FAMILY = [(None, "Bakker"), ("de", "Vries"), ("van", "Dijk"), (None, "Yilmaz"), ("van der", "Berg"), (None, "Smit")]
FAMILY += [(None, "Jansen"), ("de", "Boer"), (None, "Visser"), ("van den", "Heuvel"), (None, "Mulder"), (None, "Kaya")]
ACTIONS = ["view_case", "view_decision", "privacy_export"]


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def moment(rng: random.Random, day: date) -> datetime:
    """A moment during office hours (Dutch time) of ``day``, in UTC."""
    return (start_of(day) + timedelta(seconds=rng.randint(8 * 3600, 20 * 3600))).astimezone(UTC)


# --- the templates: decided the real way ---------------------------------------------------------------------------


def templates(db: Database, runtime: DecisionRuntime, client_id: str) -> list[dict[str, Any]]:
    """Each kind of application in `workload.py` decided by submit_application() with the checks: its decision
    record (without its place in the chain) and its check details."""
    decided = datetime.now(UTC)
    made = []
    for _, _, body in workload.variants():
        submitted = submit_application(
            db=db,
            runtime=runtime,
            client_id=client_id,
            application=APPLICATION_ADAPTER.validate_python(body),
            idempotency_key=None,
            now=decided,
        )
        made.append(str(submitted.record["id"]))
    out = []
    with db.engine.connect() as connection:
        for decision_id in made:
            row = dict(connection.execute(select(DECISIONS).where(DECISIONS.c.id == decision_id)).mappings().one())
            details = connection.execute(
                select(DETAILS.c.check, DETAILS.c.restricted_to, DETAILS.c.details).where(
                    DETAILS.c.decision_id == decision_id
                )
            ).all()
            payload = connection.execute(
                select(PERSONAL.c.payload).where(PERSONAL.c.application_id == row["application_id"])
            ).scalar_one()
            for name in ("seq", "prev_hash", "record_hash"):
                row.pop(name)
            out.append({"decision": row, "details": [tuple(d) for d in details], "payload": payload})
    return out


# --- the copies ------------------------------------------------------------------------------------------------------


def dates_for(rng: random.Random, outcome: str, months: dict[str, int]) -> tuple[date, date | None]:
    """The day of the decision and, for accepted cover, the day it ended (None: still running); about half of each
    category past its period at NOW."""
    decided_due = cutoff_day(months["rejected_applications"]) - timedelta(days=2)
    recent = (decided_due + timedelta(days=3), TODAY - timedelta(days=1))
    if outcome != "accepted":
        if rng.random() < 0.5:
            return day_between(rng, FIRST_DAY, decided_due), None
        return day_between(rng, *recent), None
    cover_due = cutoff_day(months["accepted_after_cover_end"])
    draw = rng.random()
    if draw < 0.5:  # cover ended before the cutoff: due
        decided = day_between(rng, FIRST_DAY, cover_due - timedelta(days=60))
        return decided, day_between(rng, decided + timedelta(days=30), cover_due - timedelta(days=1))
    if draw < 0.7:  # decided over a year ago, cover running or ended within the period: kept, its details due
        decided = day_between(rng, cover_due, decided_due)
        ended = (
            day_between(rng, decided + timedelta(days=30), TODAY - timedelta(days=1)) if rng.random() < 0.5 else None
        )
        return decided, ended
    return day_between(rng, *recent), None


def cutoff_day(months: int) -> date:
    return add_months(TODAY, -months)


def register_details(rng: random.Random, check: str, details: dict[str, Any], decided: date) -> dict[str, Any]:
    """The template's details, with register entries for some applicants (known at the decision, about half of them
    lapsed at their source by NOW when the decision is recent)."""
    if check == "claims_history" and rng.random() < 0.3:
        registrations = []
        for _ in range(rng.randint(1, 3)):
            registered = day_between(rng, decided - timedelta(days=365 * 9), decided - timedelta(days=1))
            registrations.append(
                {
                    "kind": "claim",
                    "registered_on": registered.isoformat(),
                    "ends_on": None,
                    "insurer": rng.choice(["Achmea", "ASR", "NN", "Allianz"]),
                    "amount_eur": rng.randint(200, 9000),
                }
            )
        return {**details, "registrations": registrations}
    if check == "insolvency" and rng.random() < 0.05:
        ended = day_between(rng, decided - timedelta(days=540), decided) if rng.random() < 0.8 else None
        entry = {
            "case_number": f"F.{rng.randint(1, 20):02d}/{decided.year % 100:02d}/{rng.randint(1, 999)}",
            "kind": "bankruptcy",
            "subject": "person",
            "started_on": (decided - timedelta(days=900)).isoformat(),
            "ended_on": ended.isoformat() if ended else None,
        }
        return {**details, "entries": [entry]}
    if check == "fraud" and rng.random() < 0.03:
        incident = {
            "id": f"INC-{rng.randint(1, 9999)}",
            "category": "fraud",
            "registered_on": (decided - timedelta(days=400)).isoformat(),
            "ends_on": day_between(rng, decided, decided + timedelta(days=365)).isoformat(),
            "matched_on": ["email"],
        }
        return {**details, "incidents": [incident]}
    return details


def applicant(rng: random.Random, payload: dict[str, Any], serial: int) -> dict[str, Any]:
    body = {**payload, "applicant": dict(payload["applicant"], address=dict(payload["applicant"]["address"]))}
    person = body["applicant"]
    person["given_names"] = rng.choice(GIVEN)
    person["family_name_prefix"], person["family_name"] = rng.choice(FAMILY)
    born = date.fromisoformat(person["date_of_birth"]) - timedelta(days=rng.randint(0, 9000))
    person["date_of_birth"] = born.isoformat()
    person["address"]["house_number"] = rng.randint(1, 400)
    person["email"] = f"applicant{serial}@example.nl"
    person["phone"] = f"06 {30000000 + serial:08d}"
    return body


def seed(db: Database, runtime: DecisionRuntime, client_id: str, count: int, months: dict[str, int]) -> dict[str, int]:
    rng = random.Random(20350615)
    made = templates(db, runtime, client_id)
    secret = runtime.token_key  # no review intake: the service keys subjects with the token key, as here
    with db.engine.connect() as connection:
        head = connection.execute(select(HEAD.c.seq, HEAD.c.record_hash)).one()
    seq, prev = head.seq, head.record_hash
    sightings: dict[tuple[str, str], dict[str, Any]] = {}
    application_ids: list[str] = []
    totals = dict.fromkeys(("applications", "decisions", "subject_keys", "check_details", "register_entries"), 0)
    totals["applications"] = totals["decisions"] = len(made)
    totals["check_details"] = sum(len(template["details"]) for template in made)
    outcomes = [template["decision"]["outcome"] for template in made]
    for start in range(len(made), count, CHUNK):
        rows: dict[str, list[dict[str, Any]]] = {"app": [], "personal": [], "keys": [], "decision": [], "detail": []}
        for serial in range(start, min(count, start + CHUNK)):
            template = made[serial % len(made)]
            decision = template["decision"]
            outcomes.append(decision["outcome"])
            decided_day, ended = dates_for(rng, decision["outcome"], months)
            decided = moment(rng, decided_day)
            application = APPLICATION_ADAPTER.validate_python(applicant(rng, template["payload"], serial))
            payload = application.model_dump(mode="json")
            salt = secrets.token_hex(16)
            application_id, decision_id = str(uuid.uuid4()), str(uuid.uuid4())
            application_ids.append(application_id)
            rows["app"].append(
                {
                    "id": application_id,
                    "client_id": client_id,
                    "product": decision["product"],
                    "received_at": decided,
                    "idempotency_key": None,
                    "request_hash": sha256_hex(canonical_json(payload)),
                    "supersedes_id": None,
                    "cover_ended_on": ended,
                }
            )
            rows["personal"].append({"application_id": application_id, "payload": payload, "salt": salt})
            keys = subject_key_rows(application, secret=secret)  # as the service files them
            rows["keys"] += [
                {"application_id": application_id, "kind": kind, "identity_key": key} for kind, key in keys
            ]
            seq += 1
            row = dict(
                decision,
                id=decision_id,
                application_id=application_id,
                decided_at=decided,
                applicant_token_hash=token_hash(applicant_token(runtime.token_key, decision_id)),
                input_digest=input_digest(payload, salt),
                seq=seq,
                prev_hash=prev,
            )
            row["record_hash"] = prev = record_hash(row, prev)
            rows["decision"].append(row)
            for check, restricted_to, details in template["details"]:
                changed = register_details(rng, check, details, decided_day)
                if changed is not details:
                    key = retention.REGISTER_ENTRIES[check][0]
                    totals["register_entries"] += len(changed[key])
                rows["detail"].append(
                    {"decision_id": decision_id, "check": check, "restricted_to": restricted_to, "details": changed}
                )
            person = person_fingerprint(application)
            for kind, key in identifier_keys(application).items():
                seen = sightings.setdefault(
                    (key, person), {"key": key, "person": person, "kind": kind, "first_seen": decided}
                )
                seen["first_seen"] = min(seen["first_seen"], decided)
                seen["last_seen"] = max(seen.get("last_seen", decided), decided)
        with db.engine.begin() as connection:
            connection.execute(insert(APPLICATIONS), rows["app"])
            connection.execute(insert(PERSONAL), rows["personal"])
            connection.execute(insert(SUBJECT_KEYS), rows["keys"])
            connection.execute(insert(DECISIONS), rows["decision"])
            connection.execute(insert(DETAILS), rows["detail"])
            connection.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=seq, record_hash=prev))
        totals["applications"] += len(rows["app"])
        totals["decisions"] += len(rows["decision"])
        totals["subject_keys"] += len(rows["keys"])
        totals["check_details"] += len(rows["detail"])
    with db.engine.begin() as connection:
        connection.execute(insert(SIGHTINGS), list(sightings.values()))
        staff = [
            create_staff(
                connection,
                username=f"staff{n}",
                display_name=f"Staff {n}",
                role=Role.UNDERWRITER,
                password="bench password, not secret",
                now=NOW - timedelta(days=1500),
            )
            for n in range(3)
        ]
        window = (add_months(TODAY, -48), TODAY - timedelta(days=1))
        access = [
            {
                "at": moment(rng, day_between(rng, *window)),
                "staff_id": rng.choice(staff).id,
                "action": rng.choice(ACTIONS),
                "application_id": rng.choice(application_ids),
            }
            for _ in range(count // 2)
        ]
        connection.execute(insert(ACCESS), access)
        requests = []
        for number in range(max(1, count // 100)):
            closed = moment(rng, day_between(rng, *window))
            requests.append(
                {
                    "id": str(uuid.uuid4()),
                    "kind": "access",
                    "state": "completed",
                    "application_id": rng.choice(application_ids),
                    "subject_keys": [],
                    "language": "nl",
                    "channel": "applicant",
                    "filed_by": "applicant",
                    "verification": None,
                    "received_at": closed - timedelta(days=20),
                    "due_at": closed + timedelta(days=10),
                    "details": {"statement": f"Graag inzage in mijn gegevens ({number})."},
                    "closed_at": closed,
                    "closed_by": staff[0].id,
                }
            )
        connection.execute(insert(REQUESTS), requests)
        totals["accepted"] = outcomes.count("accepted")
        totals["rejected_or_referred"] = len(outcomes) - totals["accepted"]
        totals["sightings"] = len(sightings)
        totals["access_log"] = len(access)
        totals["privacy_requests"] = len(requests)
        totals["sightings_total"] = connection.execute(select(func.count()).select_from(SIGHTINGS)).scalar_one()
    return totals


# --- the measurements ------------------------------------------------------------------------------------------------


def rows_removed(db: Database) -> int:
    """Rows the run's erasures deleted or cleared, over every table (from the erasures' own accounts)."""
    with db.engine.connect() as connection:
        return sum(sum(removed.values()) for removed in connection.execute(select(ERASURES.c.removed)).scalars())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=100, help="the run's batch size (the default of run())")
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        return measure(url, args.applications, args.batch_size)


def measure(url: str, count: int, batch_size: int) -> int:
    settings = Settings(environment=Environment.TEST, database_url=url, log_json=False, log_level="WARNING")
    configure_logging(level=settings.log_level, json=False)  # one line per erased application is not the figure
    config = load_privacy_config(settings.privacy_config)
    months = {name: rule.months for name, rule in config.retention.items()}
    runtime = build_runtime(settings)
    db = Database.open(url)  # as the CLI opens it: SQLite in WAL with synchronous=FULL
    upgrade(db.engine)
    with db.engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(DECISIONS)).scalar_one():
            print("the database holds decisions already: use an empty one (the run erases what is due)")
            return 2
    checks = build_checks(settings, velocity=SqlVelocityCounter(db.engine))
    runtime = runtime.with_checks(checks.checks, executor=checks.executor, budget_seconds=checks.budget_seconds)
    with db.engine.begin() as connection:
        client, _ = create_api_client(connection, name="bench", now=datetime.now(UTC))
    print(f"seeding {count} applications on {db.engine.url.get_backend_name()} (now = {NOW.isoformat()}) ...")
    started = time.perf_counter()
    try:
        seeded = seed(db, runtime, client.id, count, months)
    finally:
        checks.close()
    print(f"  seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k} {v}" for k, v in seeded.items()))

    started = time.perf_counter()
    with db.engine.connect() as connection:
        before = verify_chain(connection)
    verify_before = time.perf_counter() - started

    started = time.perf_counter()
    with db.engine.connect() as connection:
        planned = retention.plan(connection, config, now=NOW)
    plan_seconds = time.perf_counter() - started

    started = time.perf_counter()
    report = retention.run(db.engine, config, now=NOW, by="bench", batch_size=batch_size)
    run_seconds = time.perf_counter() - started
    erasure_rows = rows_removed(db)

    started = time.perf_counter()
    again = retention.run(db.engine, config, now=NOW, by="bench", batch_size=batch_size)
    again_seconds = time.perf_counter() - started

    started = time.perf_counter()
    with db.engine.connect() as connection:
        after = verify_chain(connection)
    verify_seconds = time.perf_counter() - started
    db.close()

    print()
    print(f"{'category':<26} {'seeded':>8} {'plan':>8} {'run':>8} {'2nd run':>8}")
    seeded_per = {
        "rejected_applications": seeded["rejected_or_referred"],
        "accepted_after_cover_end": seeded["accepted"],
        "check_results": seeded["check_details"],
        "expired_register_data": seeded["register_entries"],
        "fraud_sightings": seeded["sightings_total"],
        "access_log": seeded["access_log"],
        "privacy_requests": seeded["privacy_requests"],
    }
    for name in report.counts:
        figures = (seeded_per[name], planned[name], report.counts[name], again.counts[name])
        print(f"{name:<26} " + " ".join(f"{figure:>8}" for figure in figures))
    erased = report.counts["rejected_applications"] + report.counts["accepted_after_cover_end"]
    other = sum(v for k, v in report.counts.items() if k not in ("rejected_applications", "accepted_after_cover_end"))
    rows = erasure_rows + other
    print()
    print(f"applications seeded          {seeded['applications']:>10}")
    print(f"verify_chain before          {verify_before:10.2f} s  ({before.checked} records, ok={before.ok})")
    print(f"plan (dry run)               {plan_seconds:10.2f} s")
    print(
        f"run, batches of {batch_size:<4}         {run_seconds:10.2f} s  "
        f"{erased / run_seconds:8.0f} applications erased/s, {rows / run_seconds:8.0f} rows/s "
        f"({erased} applications, {erasure_rows} rows by erasure + {other} by the other categories)"
    )
    print(f"second run                   {again_seconds:10.2f} s  ({sum(again.counts.values())} items)")
    print(f"verify_chain after           {verify_seconds:10.2f} s  ({after.checked} records, ok={after.ok})")
    failed = False
    if not (before.ok and after.ok):
        print(f"FAIL: the chain does not verify: {after}")
        failed = True
    if any(again.counts.values()):
        print(f"FAIL: the second run did something: {again.counts}")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
