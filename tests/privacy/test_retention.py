"""Retention on a database seeded with records of every age, just inside and just outside each period (an explicit
`now`, never a sleep); a run interrupted after some batches and run again ends where one uninterrupted run ends, and
never erases an application twice."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from engine.config import Environment, Settings
from engine.decision.core import DUTCH_TIME
from engine.decision.service import DecisionRuntime, submit_application
from engine.examples import load_example
from engine.privacy import retention
from engine.privacy.config import PrivacyConfig, load_privacy_config
from engine.privacy.holds import HoldKind, place_hold
from engine.privacy.retention import add_months, without_expired
from engine.review.roles import Role
from engine.review.staff import create_staff
from engine.store.audit import verify_chain
from engine.store.clients import create_api_client
from engine.store.database import Database
from engine.store.decisions import latest_decision_id
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    CheckDetailRecord,
    ErasureRecord,
    IdentifierSightingRecord,
    PrivacyRequestEventRecord,
    PrivacyRequestRecord,
    ProcessingLimitRecord,
    RetentionRunRecord,
    ReviewCaseRecord,
    StaffAccessRecord,
    table_of,
)
from tests.factories import application, avp_body

APPLICATIONS = table_of(ApplicationRecord)
PERSONAL = table_of(ApplicationPersonalDataRecord)
DETAILS = table_of(CheckDetailRecord)
ERASURES = table_of(ErasureRecord)
SIGHTINGS = table_of(IdentifierSightingRecord)
REQUESTS = table_of(PrivacyRequestRecord)
REQUEST_EVENTS = table_of(PrivacyRequestEventRecord)
LIMITS = table_of(ProcessingLimitRecord)
RUNS = table_of(RetentionRunRecord)
CASES = table_of(ReviewCaseRecord)
ACCESS = table_of(StaffAccessRecord)

_serial = itertools.count(1)
TODAY = date(2029, 12, 20)  # the policies take effect from 2026-11-01: every age fits after it
NOW = datetime.combine(TODAY, time(10, 0), tzinfo=DUTCH_TIME).astimezone(UTC)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=DUTCH_TIME).astimezone(UTC)


def months_ago(months: int, days: int = 0) -> date:
    return add_months(TODAY, -months) - timedelta(days=days)


@pytest.fixture(scope="module")
def config() -> PrivacyConfig:
    return load_privacy_config()


@dataclass
class Seeded:
    """What the seeded database holds, by what must happen to it."""

    erased: set[str] = field(default_factory=set)  # applications a run must erase
    kept: set[str] = field(default_factory=set)  # applications it must keep
    held: str = ""


def _submit(db: Database, runtime: DecisionRuntime, client_id: str, body: dict[str, Any], when: datetime) -> str:
    submitted = submit_application(
        db=db, runtime=runtime, client_id=client_id, application=application(body), idempotency_key=None, now=when
    )
    return str(submitted.record["application_id"])


def _decided(db: Database, runtime: DecisionRuntime, client_id: str, kind: str, day: date) -> str:
    """An application decided at noon of ``day``: `accepted`, `rejected`, or `referred` (its case closed)."""
    body = {
        "accepted": lambda: avp_body(day),
        "rejected": lambda: load_example("avp-rejected-claims", today=day),
        "referred": lambda: load_example("avp-referred-prior-cancellation", today=day),
    }[kind]()
    serial = next(_serial)  # one person each, sharing no identifier with another (no fraud velocity)
    body["applicant"]["email"] = f"person{serial}@example.nl"
    body["applicant"]["phone"] = f"06 {20000000 + serial}"
    body["applicant"].pop("iban", None)
    application_id = _submit(db, runtime, client_id, body, at(day))
    with db.engine.begin() as connection:  # a referral's case is decided elsewhere: no open dispute holds it
        connection.execute(update(CASES).where(CASES.c.application_id == application_id).values(state="decided"))
    return application_id


def _details(engine: Engine, application_id: str, check: str, details: dict[str, Any]) -> None:
    with engine.begin() as connection:
        decision_id = latest_decision_id(connection, application_id)
        connection.execute(insert(DETAILS).values(decision_id=decision_id, check=check, details=details))


def seed(db: Database, runtime: DecisionRuntime) -> Seeded:
    engine = db.engine
    seeded = Seeded()
    with engine.begin() as connection:
        client, _ = create_api_client(connection, name="retention form", now=at(months_ago(36)))
        staff = create_staff(
            connection, username="auditor-r", display_name="A", role=Role.AUDITOR, password="x" * 12, now=NOW
        )
    # rejected and referred: 12 months from the decision; the day after the anniversary they go
    seeded.erased.add(_decided(db, runtime, client.id, "rejected", months_ago(12, days=1)))
    seeded.erased.add(_decided(db, runtime, client.id, "referred", months_ago(12, days=1)))
    seeded.kept.add(_decided(db, runtime, client.id, "rejected", months_ago(12)))
    seeded.kept.add(_decided(db, runtime, client.id, "referred", months_ago(11)))
    held = _decided(db, runtime, client.id, "rejected", months_ago(30))
    with engine.begin() as connection:
        place_hold(connection, application_id=held, kind=HoldKind.OPEN_CLAIM, reason="claim", by="claims", now=NOW)
    seeded.kept.add(held)
    seeded.held = held
    # accepted: 84 months from the end of cover
    for ended, fate in ((months_ago(84, days=1), seeded.erased), (months_ago(84), seeded.kept), (None, seeded.kept)):
        accepted = _decided(db, runtime, client.id, "accepted", months_ago(2))
        with engine.begin() as connection:
            connection.execute(update(APPLICATIONS).where(APPLICATIONS.c.id == accepted).values(cover_ended_on=ended))
        fate.add(accepted)
    recent = _decided(db, runtime, client.id, "accepted", months_ago(1))
    seeded.kept.add(recent)
    # check details: of a decision 12 months + 1 day old (goes) and one 11 months old (stays, but lapsed entries go)
    old_accepted = _decided(db, runtime, client.id, "accepted", months_ago(12, days=1))
    seeded.kept.add(old_accepted)
    with engine.begin() as connection:  # what the checks left is replaced by rows of known ages and contents
        connection.execute(delete(DETAILS))
        connection.execute(delete(SIGHTINGS))
    _details(engine, old_accepted, "credit", {"note": "old"})
    _details(engine, held, "credit", {"note": "held"})
    _details(engine, recent, "claims_history", {"registrations": [_registration(5, 1), _registration(5, -1)]})
    _details(engine, recent, "insolvency", {"entries": [_insolvency(6, 1), _insolvency(6, 0), _insolvency(None, 0)]})
    _details(engine, recent, "fraud", {"shared": {}, "incidents": [_incident(0), _incident(1)], "window_days": 30})
    with engine.begin() as connection:
        for number, last_seen in enumerate((months_ago(12, days=1), months_ago(12), months_ago(0))):
            connection.execute(
                insert(SIGHTINGS).values(
                    key=f"{number:064x}",
                    person="p" * 64,
                    kind="email",
                    first_seen=at(last_seen),
                    last_seen=at(last_seen),
                )
            )
        for when in (months_ago(24, days=1), months_ago(24)):
            connection.execute(
                insert(ACCESS).values(at=at(when), staff_id=staff.id, action="view_case", application_id=recent)
            )
        for number, closed in enumerate((months_ago(24, days=1), months_ago(24), None)):
            connection.execute(
                insert(REQUESTS).values(
                    id=f"request-{number}",
                    kind="access",
                    state="completed" if closed else "open",
                    application_id=recent,
                    subject_keys=[],
                    language="nl",
                    channel="applicant",
                    filed_by="applicant",
                    verification=None,
                    received_at=at(months_ago(30)),
                    due_at=at(months_ago(29)),
                    details={"statement": "mijn adres is Voorstraat 1"},
                    closed_at=at(closed) if closed else None,
                    # and what staff wrote about it (a request is refused or extended, or weighed, with reasons)
                    refusal_reason="Mr Voorstraat asked the same last week" if closed else None,
                    extension_reason="Mr Voorstraat's file sits with an insurer" if closed else None,
                    result={"outcome": "continued", "grounds": "Mr Voorstraat's claim", "limit_id": f"limit-{number}"}
                    if closed
                    else None,
                )
            )
            if closed:  # what staff wrote: a note in its events, the reason the limit it placed was lifted
                connection.execute(
                    insert(REQUEST_EVENTS).values(
                        request_id=f"request-{number}",
                        at=at(closed),
                        actor=staff.id,
                        kind="noted",
                        data={"reason": "spoke to Mr Voorstraat", "months": 2},
                    )
                )
                connection.execute(
                    insert(LIMITS).values(
                        id=f"limit-{number}",
                        kind="no_further_processing",
                        request_id=f"request-{number}",
                        started_at=at(months_ago(30)),
                        started_by="system",
                        lifted_at=at(closed),
                        lifted_by=staff.id,
                        lift_reason="Mr Voorstraat has an open claim",
                    )
                )
    return seeded


def _registration(years: int, days_after: int) -> dict[str, Any]:
    """A claims registration that lapses (5 years after registration) ``days_after`` days before TODAY."""
    registered = add_months(TODAY, -12 * years) - timedelta(days=days_after)
    return {"kind": "claim", "registered_on": registered.isoformat(), "ends_on": None, "insurer": "X", "amount_eur": 1}


def _insolvency(months: int | None, days: int) -> dict[str, Any]:
    """An insolvency that ended ``months`` months and ``days`` days ago (None: still running)."""
    ended = None if months is None else (add_months(TODAY, -months) - timedelta(days=days)).isoformat()
    return {
        "case_number": "F.01/20/1",
        "kind": "bankruptcy",
        "subject": "person",
        "started_on": "2015-01-01",
        "ended_on": ended,
    }


def _incident(days: int) -> dict[str, Any]:
    """An incident-register entry ending ``days`` days from TODAY (the check counts it until the day before)."""
    return {
        "id": "INC-1",
        "category": "fraud",
        "registered_on": "2020-01-01",
        "ends_on": (TODAY + timedelta(days=days)).isoformat(),
        "matched_on": ["email"],
    }


@pytest.fixture
def seeded(db: Database, checked_runtime: DecisionRuntime) -> Seeded:
    return seed(db, checked_runtime)


EXPECTED = {
    "rejected_applications": 2,
    "accepted_after_cover_end": 1,
    "check_results": 1,
    "expired_register_data": 3,
    "fraud_sightings": 1,
    "access_log": 1,
    "privacy_requests": 1,
}


def state(engine: Engine) -> dict[str, Any]:
    """What retention can change, without its timestamps and random values."""
    with engine.connect() as connection:
        return {
            "personal": sorted(connection.execute(select(PERSONAL.c.application_id)).scalars()),
            "erased": sorted(
                connection.execute(select(APPLICATIONS.c.id).where(APPLICATIONS.c.erased_at.is_not(None))).scalars()
            ),
            "erasures": sorted(connection.execute(select(ERASURES.c.application_id, ERASURES.c.category)).all()),
            "details": sorted(
                (d, c, repr(sorted(v.items())))
                for d, c, v in connection.execute(select(DETAILS.c.decision_id, DETAILS.c.check, DETAILS.c.details))
            ),
            "sightings": sorted(connection.execute(select(SIGHTINGS.c.key)).scalars()),
            "access": sorted(connection.execute(select(ACCESS.c.id)).scalars()),
            "requests": sorted(
                (row.id, _items(row.details), row.refusal_reason, row.extension_reason, _items(row.result))
                for row in connection.execute(select(REQUESTS))
            ),
            "request_events": sorted(
                (i, _items(d))
                for i, d in connection.execute(select(REQUEST_EVENTS.c.request_id, REQUEST_EVENTS.c.data))
            ),
            "limits": sorted(connection.execute(select(LIMITS.c.id, LIMITS.c.lift_reason)).all()),
        }


def _items(value: dict[str, Any] | None) -> str:
    """A JSON object as text independent of the order the database keeps its keys in."""
    return repr(sorted(value.items())) if value is not None else "None"


def test_the_plan_counts_what_is_due_per_category(db: Database, seeded: Seeded, config: PrivacyConfig) -> None:
    with db.engine.connect() as connection:
        assert retention.plan(connection, config, now=NOW) == EXPECTED
    before = state(db.engine)
    report = retention.run(db.engine, config, now=NOW, by="test", dry_run=True)
    assert report.counts == EXPECTED
    assert state(db.engine) == before, "a dry run changes nothing"


def test_a_run_erases_what_is_past_its_period_and_keeps_the_rest(
    db: Database, seeded: Seeded, config: PrivacyConfig
) -> None:
    report = retention.run(db.engine, config, now=NOW, by="test", batch_size=2)

    assert report.counts == EXPECTED
    after = state(db.engine)
    assert set(after["erased"]) == seeded.erased
    assert seeded.kept <= set(after["personal"])
    assert not seeded.erased & set(after["personal"])
    assert len(after["sightings"]) == 2 and len(after["access"]) == 1
    erased = "[erased]"
    result = _items({"outcome": "continued", "grounds": erased, "limit_id": "limit-0"})
    assert [r for r in after["requests"] if r[0] == "request-0"] == [("request-0", "[]", erased, erased, result)]
    assert next(r for r in after["requests"] if r[0] == "request-1")[1:4] == (
        _items({"statement": "mijn adres is Voorstraat 1"}),
        "Mr Voorstraat asked the same last week",
        "Mr Voorstraat's file sits with an insurer",
    ), "a request closed 24 months ago today keeps its words"
    assert after["request_events"] == [
        ("request-0", _items({"reason": erased, "months": 2})),
        ("request-1", _items({"reason": "spoke to Mr Voorstraat", "months": 2})),
    ]
    assert after["limits"] == [("limit-0", erased), ("limit-1", "Mr Voorstraat has an open claim")]
    by_check = {check: value for _, check, value in after["details"]}
    assert "credit" in by_check  # the held application's old details stay
    assert "2015-01-01" in by_check["insolvency"] and by_check["insolvency"].count("case_number") == 2
    assert by_check["claims_history"].count("registered_on") == 1
    assert by_check["fraud"].count("INC-1") == 1
    with db.engine.connect() as connection:
        run_row = connection.execute(select(RUNS).where(RUNS.c.id == report.id)).mappings().one()
        assert verify_chain(connection).ok
    assert run_row["finished_at"] is not None and run_row["counts"] == EXPECTED and not run_row["dry_run"]
    # nothing is left to do
    assert retention.run(db.engine, config, now=NOW, by="test").counts == dict.fromkeys(EXPECTED, 0)


class Interrupted(Exception):
    pass


def test_an_interrupted_run_and_a_rerun_end_like_one_run(
    db: Database, checked_runtime: DecisionRuntime, seeded: Seeded, config: PrivacyConfig, tmp_path: Any
) -> None:
    batches = []

    def crash_after_three(category: str, done: int) -> None:
        batches.append((category, done))
        if len(batches) == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        retention.run(db.engine, config, now=NOW, by="test", batch_size=1, progress=crash_after_three)
    with db.engine.connect() as connection:
        unfinished = connection.execute(select(RUNS).where(RUNS.c.finished_at.is_(None))).mappings().one()
        done_so_far = len(connection.execute(select(ERASURES)).all())
    assert unfinished["counts"]["rejected_applications"] == done_so_far == 2, "whole batches, each recorded"

    again = retention.run(db.engine, config, now=NOW, by="test", batch_size=1)

    assert again.counts["rejected_applications"] == 0 and again.counts["accepted_after_cover_end"] == 1
    interrupted_state = state(db.engine)
    with db.engine.connect() as connection:
        erasures = connection.execute(select(ERASURES.c.application_id)).scalars().all()
    assert len(erasures) == len(set(erasures)) == len(seeded.erased), "never erased twice"

    # one uninterrupted run on an identical database ends in the same state
    other = Database.open(_fresh_copy(db, tmp_path))
    try:
        twin = seed(other, checked_runtime)
        retention.run(other.engine, config, now=NOW, by="test", batch_size=1)
        assert _shape(state(other.engine), twin) == _shape(interrupted_state, seeded)
    finally:
        other.close()
        _drop(other.engine.url)


def _fresh_copy(db: Database, tmp_path: Any) -> str:
    """A fresh database of the same kind (SQLite here; PostgreSQL gets another database on the same server)."""
    from engine.store.db import create_db_engine, upgrade

    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        target = f"sqlite:///{tmp_path / 'twin.db'}"
    else:
        import psycopg

        name = f"twin_{uuid.uuid4().hex[:12]}"
        admin = url.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}".encode())
        target = url.set(database=name).render_as_string(hide_password=False)
    engine = create_db_engine(target)
    upgrade(engine)
    engine.dispose()
    return target


def _drop(url: Any) -> None:
    if url.get_backend_name() == "postgresql":
        import psycopg

        admin = url.set(database="postgres").render_as_string(hide_password=False).replace("+psycopg", "")
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)".encode())


def _shape(found: dict[str, Any], seeded: Seeded) -> dict[str, Any]:
    """A state with application ids replaced by what they are (erased/kept), so two seedings compare."""
    names = {a: "erased" for a in seeded.erased} | {a: "kept" for a in seeded.kept}
    return {
        "personal": sorted(names.get(a, a) for a in found["personal"]),
        "erased": sorted(names.get(a, a) for a in found["erased"]),
        "erasures": sorted((names.get(a, a), c) for a, c in found["erasures"]),
        "details": sorted((c, v) for _, c, v in found["details"]),
        "sightings": found["sightings"],
        "access": len(found["access"]),
        "requests": found["requests"],
        "request_events": found["request_events"],
        "limits": found["limits"],
    }


def test_register_entries_lapse_when_their_source_drops_them() -> None:
    kept, removed = without_expired(
        "claims_history", {"registrations": [_registration(5, -1), _registration(5, 0)]}, due_before=TODAY
    )
    # the check stops counting a registration on its fifth anniversary: from then on it has lapsed
    assert removed == 1 and kept["registrations"] == [_registration(5, -1)]
    _, undated = without_expired("claims_history", {"registrations": [{"kind": "claim"}]}, due_before=TODAY)
    assert undated == 0, "an entry we cannot date stays"


def test_months_are_calendar_months() -> None:
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


def test_the_settings_point_at_the_shipped_schedule() -> None:
    assert set(load_privacy_config(Settings(environment=Environment.TEST).privacy_config).retention) == set(EXPECTED)
