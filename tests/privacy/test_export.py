"""Access and portability: the export of everything held about a person is complete (every row of theirs in every
table about a person appears, a withheld one by its id), holds nothing of anyone else, withholds what the decision
notice withholds (fraud and sanctions screening) with the legal ground and without telling which, and its CSV
archive says the same as its JSON."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, insert, select, update

import engine.review.staff as staff_module
from engine.api.app import create_app
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.decision.service import NEUTRAL_CODE, submit_application
from engine.domain.facts import CHECK_FACTS
from engine.examples import dutch_today
from engine.privacy.config import load_privacy_config
from engine.privacy.export import (  # the private helpers: the status and details of a check, directly
    ABOUT_A_PERSON,
    CSV_FILES,
    INCIDENT_FACT,
    LEGAL_DUTY,
    NOT_ABOUT_AN_APPLICANT,
    RESTRICTABLE_CHECKS,
    RESTRICTED,
    STAFF_NAME,
    STAFF_ROLE,
    WITHHELD_GROUND,
    WITHHELD_WHAT,
    _checks_shown,
    _details_shown,
    _mask_for,
    csv_cell,
    csv_tables,
    export_csv,
    subject_export,
)
from engine.privacy.holds import HOLD_TEXTS, HoldKind
from engine.privacy.subject import parse_application, person_keys, subject_of
from engine.registers.planted import PLANTED
from engine.store.checks import open_screening_alert
from engine.store.clients import create_api_client
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    Base,
    DecisionRecord,
    ErasureRecord,
    LegalHoldRecord,
    PolicyVersionRecord,
    PrivacyRequestEventRecord,
    PrivacyRequestRecord,
    ProcessingLimitKeyRecord,
    ProcessingLimitRecord,
    ReviewCaseRecord,
    ScreeningAlertRecord,
    table_of,
)
from tests.conftest import Api
from tests.factories import avp_body, planted_fields
from tests.review.conftest import _module_database
from tests.review.support import fraud_body, person_body, sanctioned_body

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
STATEMENT = "De schade van 2024 heb ik zelf betaald; die had niet mee mogen tellen."
CORRECTIONS = [{"field": "applicant.address.postcode", "value": "3511 AX"}]
RATIONALE = "Read the applicant's statement and the claims register; the original outcome stands."
EXPLANATION = "Wij hebben uw toelichting gelezen; de beslissing blijft staan."


# --- classification -------------------------------------------------------------------------------------------------


def test_every_table_is_classified_once() -> None:
    tables = set(Base.metadata.tables)
    about, not_about = set(ABOUT_A_PERSON), set(NOT_ABOUT_AN_APPLICANT)
    assert not about & not_about, about & not_about
    assert tables - about - not_about == set(), "classify the new table in engine/privacy/export.py"
    assert (about | not_about) - tables == set(), "a classified table no longer exists"


# --- a seeded world: the person, and another beside them -------------------------------------------------------------


@dataclass
class Person:
    keys: list[str]
    applications: list[str]
    decisions: list[str]
    family_name: str
    email: str


@dataclass
class Suspect(Person):
    """A person with a sanctions referral (and a re-screening alert and a sanctions hold) and a fraud referral, whose
    cases the compliance and the fraud staff handled."""

    notice: dict[str, Any]  # the notice of the fraud and sanctions referral, as the applicant's API shows it
    cases: list[str]
    alert_id: str
    hold_id: str
    staff: list[str]  # the fraud and compliance staff's usernames and display names


@dataclass
class World:
    engine: Engine
    person: Person
    other: Person
    suspect: Suspect
    incident: Person  # a planted person with an entry in the insurers' incident register (the fraud role's)
    clean: Person  # a planted person in no register but the credit register
    earlier: Person  # another such person, decided only under AVP 1.0.0 (which has no incident-register rule)

    def export(self, who: Person) -> dict[str, Any]:
        with self.engine.connect() as connection:
            return subject_export(connection, who.keys, now=NOW, config=load_privacy_config())


def _submitted(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    answer = api.submit(body)
    assert answer.status_code == 201, answer.text
    decision: dict[str, Any] = answer.json()
    return decision


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def _applicant_post(api: Api, decision: dict[str, Any], what: str, body: dict[str, Any]) -> Any:
    return _ok(
        api.client.post(
            f"/v1/applicant/decisions/{decision['decision_id']}/{what}",
            json=body,
            headers={"X-Applicant-Token": decision["applicant_token"]},
        ),
        202,
    )


def _other_body(today: date) -> dict[str, Any]:
    return avp_body(
        today,
        applicant__given_names="Pieter",
        applicant__family_name_prefix=None,
        applicant__family_name="Jansen",
        applicant__date_of_birth=(today - timedelta(days=365 * 52)).isoformat(),
        applicant__email="p.jansen@example.com",
        applicant__phone="06 87654321",
        applicant__address={"street": "Vismarkt", "house_number": 7, "postcode": "9711 KR", "city": "Groningen"},
    )


def _privacy_rows(engine: Engine, application_id: str, *, staff_id: str, hold: bool) -> None:
    """What the privacy services (written alongside) will store, inserted directly: a request with its events, a
    restriction (lifted) over the person's identity and person keys, a legal hold, an erasure record."""
    with engine.begin() as connection:
        keys = subject_of(connection, application_id)
        people = person_keys(connection, [application_id])
        request_id = str(uuid.uuid4())
        connection.execute(
            insert(table_of(PrivacyRequestRecord)).values(
                id=request_id,
                kind="restriction",
                state="completed",
                application_id=application_id,
                subject_keys=keys,
                language="nl",
                channel="applicant",
                filed_by="applicant",
                verification=None,
                received_at=NOW - timedelta(days=20),
                due_at=NOW + timedelta(days=10),
                details={"statement": f"Bevries mijn gegevens ({application_id[:8]})."},
                closed_at=NOW - timedelta(days=19),
                closed_by=staff_id,
            )
        )
        for kind, days, actor in (("filed", 20, "applicant"), ("completed", 19, staff_id)):
            connection.execute(
                insert(table_of(PrivacyRequestEventRecord)).values(
                    request_id=request_id, at=NOW - timedelta(days=days), actor=actor, kind=kind, data={"by": actor}
                )
            )
        limit_id = str(uuid.uuid4())
        connection.execute(
            insert(table_of(ProcessingLimitRecord)).values(
                id=limit_id,
                kind="restriction",
                request_id=request_id,
                started_at=NOW - timedelta(days=19),
                started_by=staff_id,
                lifted_at=NOW - timedelta(days=2),
                lifted_by=staff_id,
                lift_reason="The applicant asked to lift it.",
            )
        )
        connection.execute(
            insert(table_of(ProcessingLimitKeyRecord)),
            [{"limit_id": limit_id, "key": key, "key_kind": "identity"} for key in keys]
            + [{"limit_id": limit_id, "key": key, "key_kind": "person"} for key in people],
        )
        if hold:
            connection.execute(
                insert(table_of(LegalHoldRecord)).values(
                    id=str(uuid.uuid4()),
                    application_id=application_id,
                    kind="open_dispute",
                    reason="A complaint at Kifid is pending.",
                    placed_by=staff_id,
                    placed_at=NOW - timedelta(days=5),
                    until=(NOW + timedelta(days=200)).date(),
                )
            )
        connection.execute(
            insert(table_of(ErasureRecord)).values(
                application_id=application_id,
                at=NOW - timedelta(days=1),
                cause="request",
                request_id=request_id,
                category=None,
                removed={"application_personal_data": 0},
            )
        )


def _seed(api: Api) -> World:
    engine: Engine = api.client.app.state.services.db.engine  # type: ignore[attr-defined]
    today = dutch_today()
    underwriter = api.staff("underwriter", "export-underwriter")
    auditor = api.staff("auditor", "export-auditor")
    staff_id = _ok(api.client.get("/v1/staff/me", headers=underwriter))["id"]

    # the person: an accepted application, contested with a statement and corrections, decided by a person ...
    first = _submitted(api, avp_body(today))
    assert first["outcome"] == "accepted", first
    case = _applicant_post(api, first, "review-requests", {"statement": STATEMENT, "corrections": CORRECTIONS})
    _ok(api.client.post(f"/v1/staff/cases/{case['case_id']}/claim", headers=underwriter))
    _ok(api.client.get(f"/v1/staff/cases/{case['case_id']}", headers=underwriter))
    decision = {"outcome": "rejected", "rationale": RATIONALE, "applicant_explanation": EXPLANATION}
    human = _ok(api.client.post(f"/v1/staff/cases/{case['case_id']}/decision", json=decision, headers=underwriter), 201)
    _ok(api.client.get(f"/v1/staff/decisions/{first['decision_id']}", headers=auditor))
    # ... and a second application with a new e-mail address, to which they object
    second = _submitted(api, avp_body(today, applicant__email="sanne@example.org"))
    _applicant_post(api, second, "objection", {"statement": "Ik wil dat een mens beslist."})
    # the other person, beside them
    other = _submitted(api, _other_body(today))
    _applicant_post(api, other, "objection", {})
    _ok(api.client.get(f"/v1/staff/decisions/{other['decision_id']}", headers=auditor))

    for mine in (first, second, other):
        with engine.begin() as connection:
            assert open_screening_alert(
                connection,
                decision_id=mine["decision_id"],
                application_id=mine["application_id"],
                list_version="test-list-2",
                matches=[{"entry_id": "X-1", "matched_name": "Someone Else", "score": 0.91}],
                now=NOW,
            )
    _privacy_rows(engine, first["application_id"], staff_id=staff_id, hold=False)
    _privacy_rows(engine, second["application_id"], staff_id=staff_id, hold=True)
    _privacy_rows(engine, other["application_id"], staff_id=staff_id, hold=True)
    suspect = _seed_suspect(api, engine)
    incident = _planted(api, engine, "incident_active")
    assert incident.decisions, "referred to the fraud team"
    clean = _planted(api, engine, "clean")
    earlier = _planted_earlier(api, engine, "clean_accents")

    with engine.connect() as connection:
        keys = subject_of(connection, first["application_id"])
        other_keys = subject_of(connection, other["application_id"])
    assert len(keys) == 3, "the second application is found by name and date of birth, with its new e-mail key"
    return World(
        engine=engine,
        person=Person(
            keys=keys,
            applications=[first["application_id"], second["application_id"]],
            decisions=[first["decision_id"], human["id"], second["decision_id"]],
            family_name="Vries",
            email="sanne.devries@example.nl",
        ),
        other=Person(
            keys=other_keys,
            applications=[other["application_id"]],
            decisions=[other["decision_id"]],
            family_name="Jansen",
            email="p.jansen@example.com",
        ),
        suspect=suspect,
        incident=incident,
        clean=clean,
        earlier=earlier,
    )


def _planted(api: Api, engine: Engine, key: str) -> Person:
    """A planted register person's application, through the API with the checks on."""
    planted = PLANTED[key]
    decision = _submitted(api, person_body(planted))
    with engine.connect() as connection:
        keys = subject_of(connection, decision["application_id"])
    return Person(
        keys=keys,
        applications=[decision["application_id"]],
        decisions=[decision["decision_id"]],
        family_name=planted.family_name,
        email=planted.email,
    )


def _planted_earlier(api: Api, engine: Engine, key: str) -> Person:
    """A planted register person's application, decided with the checks on on a day when AVP 1.0.0 was in effect."""
    services = api.client.app.state.services  # type: ignore[attr-defined]
    day = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    with engine.begin() as connection:
        client, _ = create_api_client(connection, name="export form, earlier", now=day)
    planted = PLANTED[key]
    submitted = submit_application(
        db=services.db,
        runtime=services.runtime,
        client_id=client.id,
        application=parse_application(avp_body(day.date(), **planted_fields(planted))),
        idempotency_key=None,
        now=day,
    )
    record = submitted.record
    assert record["policy_version"] == "1.0.0", record["policy_version"]
    with engine.connect() as connection:
        keys = subject_of(connection, record["application_id"])
    return Person(
        keys=keys,
        applications=[record["application_id"]],
        decisions=[record["id"]],
        family_name=planted.family_name,
        email=planted.email,
    )


def _seed_suspect(api: Api, engine: Engine) -> Suspect:
    """Through the API with the checks on: a fraud referral (an e-mail address in the fraud incident register), then
    the same person (the same e-mail address) under a name on the sanctions list, a fraud and a sanctions referral.
    Fraud decides the first case, compliance views and forwards the second; a re-screening alert, a sanctions hold
    and an erasure refused under it on the second."""
    compliance = api.staff("compliance", "export-compliance")
    fraud = api.staff("fraud", "export-fraud")
    flagged = _submitted(api, fraud_body())
    assert flagged["outcome"] == "referred", flagged
    names = {key: sanctioned_body()["applicant"][key] for key in ("given_names", "family_name", "date_of_birth")}
    both = fraud_body()
    both["applicant"] |= names
    sanctioned = _submitted(api, both)
    assert sanctioned["outcome"] == "referred", sanctioned
    notice = _ok(api.applicant(sanctioned["decision_id"], sanctioned["applicant_token"]))
    cases = []
    for decision, member, handle in (
        (flagged, fraud, "decision"),
        (sanctioned, compliance, "forward"),
    ):
        with engine.connect() as connection:
            rows = connection.execute(
                select(table_of(ReviewCaseRecord)).where(
                    table_of(ReviewCaseRecord).c.decision_id == decision["decision_id"]
                )
            ).mappings()
            [case] = [dict(row) for row in rows]
        cases.append(case["id"])
        _ok(api.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=member))
        _ok(api.client.get(f"/v1/staff/cases/{case['id']}", headers=member))
        _ok(api.client.get(f"/v1/staff/decisions/{decision['decision_id']}", headers=member))
        if handle == "forward":
            note = {"note": "Sanctions hit is a namesake; cleared by compliance."}
            _ok(api.client.post(f"/v1/staff/cases/{case['id']}/forward", json=note, headers=member))
        else:
            body = {
                "outcome": "rejected",
                "rationale": "Fraud team: incident register entry confirmed for this e-mail address.",
                "applicant_explanation": "Wij kunnen u deze verzekering niet aanbieden.",
            }
            _ok(api.client.post(f"/v1/staff/cases/{case['id']}/decision", json=body, headers=member), 201)
    hold_id = str(uuid.uuid4())
    with engine.begin() as connection:
        assert open_screening_alert(
            connection,
            decision_id=sanctioned["decision_id"],
            application_id=sanctioned["application_id"],
            list_version="test-list-2",
            matches=[{"entry_id": "X-2", "matched_name": "Fiktiv Primerov", "score": 0.97}],
            now=NOW,
        )
        alert_id = connection.execute(
            select(table_of(ScreeningAlertRecord).c.id).where(
                table_of(ScreeningAlertRecord).c.application_id == sanctioned["application_id"]
            )
        ).scalar_one()
        connection.execute(
            insert(table_of(LegalHoldRecord)).values(
                id=hold_id,
                application_id=sanctioned["application_id"],
                kind=HoldKind.SANCTIONS.value,
                reason="Sanctions screening records (Sanctiewet 1977): keep five years after the regime ends.",
                placed_by="export-compliance",
                placed_at=NOW - timedelta(days=3),
            )
        )
        # the person is the keys of both applications (the names differ, so one application's keys may not reach both)
        keys = sorted(
            {*subject_of(connection, flagged["application_id"]), *subject_of(connection, sanctioned["application_id"])}
        )
        refused = str(uuid.uuid4())  # an erasure refused under the sanctions hold, as the erasure service records it
        held = {"application_id": sanctioned["application_id"], "kind": "sanctions", "hold_id": hold_id, "until": None}
        connection.execute(
            insert(table_of(PrivacyRequestRecord)).values(
                id=refused,
                kind="erasure",
                state="refused",
                application_id=sanctioned["application_id"],
                subject_keys=keys,
                language="nl",
                channel="applicant",
                filed_by="applicant",
                received_at=NOW - timedelta(days=2),
                due_at=NOW + timedelta(days=28),
                details={},
                result={
                    "erased": [],
                    "removed": {sanctioned["application_id"]: {"screening_alerts": 1}},
                    "held": [held | {"reason": HOLD_TEXTS[HoldKind.SANCTIONS].model_dump()}],
                },
                # the words a refusal under a sanctions hold quoted before they were made neutral
                refusal_reason="De wet (Sanctiewet 1977) verplicht ons de gegevens van een sanctiecontrole te bewaren "
                "tot vijf jaar na het einde van de sanctieregeling.",
                closed_at=NOW - timedelta(days=1),
                closed_by="system",
            )
        )
        connection.execute(
            insert(table_of(PrivacyRequestEventRecord)).values(
                request_id=refused, at=NOW - timedelta(days=1), actor="system", kind="refused", data={"held": [held]}
            )
        )
        decisions = connection.execute(
            select(table_of(DecisionRecord).c.id).where(
                table_of(DecisionRecord).c.application_id.in_([flagged["application_id"], sanctioned["application_id"]])
            )
        ).scalars()
        decision_ids = list(decisions)
    _privacy_rows(engine, flagged["application_id"], staff_id="privacy-officer", hold=False)
    return Suspect(
        keys=keys,
        applications=[flagged["application_id"], sanctioned["application_id"]],
        decisions=decision_ids,
        family_name=names["family_name"],
        email=both["applicant"]["email"],
        notice=notice,
        cases=cases,
        alert_id=alert_id,
        hold_id=hold_id,
        staff=["export-compliance", "export-fraud", "Export-Compliance", "Export-Fraud"],
    )


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, registers: LocalRegisters
) -> Iterator[World]:
    """One app on a fresh database for the module, seeded once: the person and another beside them."""
    with (
        pytest.MonkeyPatch.context() as patch,
        _module_database(request, tmp_path_factory.mktemp("export-world")) as url,
    ):
        # argon2 at its real cost is ~130 ms per hash and login; these tests test exports, not hashing
        patch.setattr(staff_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        settings = Settings(environment=Environment.TEST, database_url=url, log_json=False, log_level="WARNING")
        app = create_app(settings, registers=registers)
        with TestClient(app, raise_server_exceptions=False) as client:
            with app.state.services.db.engine.begin() as connection:
                _, key = create_api_client(connection, name="export form", now=datetime.now(UTC))
            yield _seed(Api(client, key))


# --- where a row of each table shows in the export -------------------------------------------------------------------

Tables = dict[str, tuple[list[str], list[dict[str, Any]]]]


def _has(tables: Tables, part: str, **values: Any) -> bool:
    return any(all(row.get(k) == v for k, v in values.items()) for row in tables[part][1])


def _payload_shown(document: dict[str, Any], row: dict[str, Any]) -> bool:
    return any(
        a["id"] == row["application_id"] and a["application"] == row["payload"] for a in document["applications"]
    )


def _detail_shown(tables: Tables, row: dict[str, Any]) -> bool:
    """A detail anyone may see, as it is; one of the fraud or sanctions check or restricted to a role, as the
    decision's one withheld entry."""
    if row["restricted_to"] is None and row["check"] not in ("fraud", "sanctions"):
        return _has(tables, "check_details", decision_id=row["decision_id"], check=row["check"], details=row["details"])
    return _has(tables, "check_details", decision_id=row["decision_id"], check="withheld", withheld=True, details=None)


def _alert_withheld(document: dict[str, Any], row: dict[str, Any]) -> bool:
    """A re-screening alert is left out entirely: it belongs to the export of the person whose application it is
    about, which does not show it (not even its id) and says that screening results are withheld."""
    return (
        any(a["id"] == row["application_id"] for a in document["applications"])
        and row["id"] not in json.dumps(document)
        and document["withheld"]["what"] == WITHHELD_WHAT
        and "screening_alerts" not in document
    )


def _hold_shown(tables: Tables, row: dict[str, Any]) -> bool:
    """A legal hold, by its application and the reason the applicant reads (without its kind, dates or ids); that
    each application shows as many holds as it has is checked apart, by count."""
    text = HOLD_TEXTS[HoldKind(row["kind"])]
    return _has(tables, "legal_holds", application_id=row["application_id"], reason_nl=text.nl, reason_en=text.en)


def _text_shown(tables: Tables, row: dict[str, Any]) -> bool:
    """A person's decision texts: the rationale of the fraud or compliance staff is withheld (shown as empty)."""
    explained = {"decision_id": row["decision_id"], "applicant_explanation": row["applicant_explanation"]}
    return _has(tables, "human_decisions", **explained, rationale=row["rationale"]) or _has(
        tables, "human_decisions", **explained, reviewer_role=STAFF_ROLE, rationale=None
    )


# For each table about a person: whether a row of it is in an export (the document and its tables).
SHOWN: dict[str, Callable[[dict[str, Any], Tables, dict[str, Any]], bool]] = {
    "applications": lambda d, t, r: _has(t, "applications", id=r["id"], erased_at=r["erased_at"]),
    "application_personal_data": lambda d, t, r: _payload_shown(d, r),
    "subject_keys": lambda d, t, r: any(
        a["id"] == r["application_id"] and r["identity_key"] in a["identity_keys"] for a in d["applications"]
    ),
    "decision_records": lambda d, t, r: _has(t, "decisions", id=r["id"], outcome=r["outcome"], basis=r["basis"]),
    "check_details": lambda d, t, r: _detail_shown(t, r),
    "human_decision_texts": lambda d, t, r: _text_shown(t, r),
    "identifier_sightings": lambda d, t, r: _has(t, "identifier_sightings", key=r["key"], person_key=r["person"]),
    "screening_alerts": lambda d, t, r: _alert_withheld(d, r),
    "review_cases": lambda d, t, r: _has(
        t, "review_cases", id=r["id"], statement=r["statement"], corrections=r["corrections"]
    ),
    "review_events": lambda d, t, r: _has(t, "review_events", id=r["id"], kind=r["kind"]),
    "staff_access_log": lambda d, t, r: _has(t, "staff_access", id=r["id"], action=r["action"]),
    "automated_decision_objections": lambda d, t, r: _has(t, "objections", id=r["id"], identity_key=r["identity_key"]),
    "privacy_requests": lambda d, t, r: _has(t, "privacy_requests", id=r["id"], details=r["details"]),
    "privacy_request_events": lambda d, t, r: _has(t, "privacy_request_events", id=r["id"]),
    "processing_limits": lambda d, t, r: _has(t, "processing_limits", id=r["id"], in_force=r["lifted_at"] is None),
    "processing_limit_keys": lambda d, t, r: _has(t, "processing_limit_keys", limit_id=r["limit_id"], key=r["key"]),
    "legal_holds": lambda d, t, r: _hold_shown(t, r),
    "erasures": lambda d, t, r: _has(t, "erasures", id=r["id"], cause=r["cause"]),
}


def test_every_table_about_a_person_says_where_its_rows_show() -> None:
    assert set(SHOWN) == set(ABOUT_A_PERSON)


def test_every_row_of_the_person_is_exported_and_none_of_the_other(world: World) -> None:
    """Six people share the database; every row of every table about a person shows in exactly one of their
    exports (a masked row by its id, a legal hold by its application and count), and the person's and the suspect's
    exports have rows from every such table."""
    exports = {
        who: world.export(getattr(world, who)) for who in ("person", "other", "suspect", "incident", "clean", "earlier")
    }
    tables = {who: csv_tables(document) for who, document in exports.items()}
    missing: list[str] = []
    shown_in_both: list[str] = []
    person_rows: dict[str, int] = dict.fromkeys(ABOUT_A_PERSON, 0)
    suspect_rows: dict[str, int] = dict.fromkeys(ABOUT_A_PERSON, 0)
    with world.engine.connect() as connection:
        for name in ABOUT_A_PERSON:
            for row in connection.execute(select(Base.metadata.tables[name])).mappings():
                where = [who for who in exports if SHOWN[name](exports[who], tables[who], dict(row))]
                if not where:
                    missing.append(f"{name}: {dict(row)}")
                elif len(where) > 1:
                    shown_in_both.append(f"{name}: {dict(row)}")
                elif where == ["person"]:
                    person_rows[name] += 1
                elif where == ["suspect"]:
                    suspect_rows[name] += 1
    assert missing == [], "\n".join(m[:160] for m in missing)
    assert shown_in_both == []
    assert [name for name, count in person_rows.items() if count == 0] == [], "seed the person's data in every table"
    masked = ("screening_alerts", "legal_holds", "review_cases", "review_events", "staff_access_log", "check_details")
    assert [name for name in masked if suspect_rows[name] == 0] == [], "seed the suspect's masked rows"
    with world.engine.connect() as connection:
        held = Counter(connection.execute(select(table_of(LegalHoldRecord).c.application_id)).scalars())
    shown = sum((Counter(h["application_id"] for h in d["legal_holds"]) for d in exports.values()), Counter[str]())
    assert shown == held and held


def test_nothing_of_the_other_person_appears_in_the_persons_export(world: World) -> None:
    text = json.dumps(world.export(world.person), ensure_ascii=False)
    other = world.other
    for trace in [*other.applications, *other.decisions, *other.keys, other.family_name, other.email]:
        assert trace not in text
    for trace in [*world.person.applications, *world.person.decisions, world.person.email]:
        assert trace in text


def test_the_export_tells_the_person_what_a_decision_rested_on(world: World) -> None:
    document = world.export(world.person)
    assert document["format"] == {"name": "underwrite-subject-export", "version": 1}
    assert document["generated_at"] == NOW.isoformat()
    first, second = document["applications"]
    assert first["application"]["applicant"]["email"] == world.person.email
    assert second["application"]["applicant"]["email"] == "sanne@example.org"
    automated, human = first["decisions"]
    assert (automated["basis"], human["basis"], human["replaces"]) == ("automated", "human", automated["id"])
    assert human["human_decision"]["rationale"] == RATIONALE
    assert human["human_decision"]["reviewer_role"] == "underwriter"
    assert all(set(reason["text"]) == {"nl", "en"} for reason in human["reasons"])
    checks = {check["check"]: check for check in automated["checks"]}
    assert set(checks) >= {"credit", "claims_history", "withheld"} and not set(checks) & {"fraud", "sanctions"}
    assert checks["withheld"] == {"check": "withheld", "withheld": True, "ground": WITHHELD_GROUND}
    assert all(check["source"] and "status" in check for name, check in checks.items() if name != "withheld")
    assert automated["rules"] and automated["facts"] and automated["notice"]["outcome"] == "accepted"
    assert automated["rules_withheld"] >= 3  # FRAUD_SIGNALS, SANCTIONS_POTENTIAL_MATCH, INCIDENT_REGISTER: for all
    assert not [name for name in automated["facts"] if name.startswith(("fraud.", "sanctions."))]
    if automated["model"] is not None:
        assert automated["model"]["version"] and automated["model"]["contributions"]
    [withheld] = [d for d in automated["check_details"] if d["withheld"]]  # one entry, whatever lies behind it
    assert (withheld["check"], withheld["details"], withheld["ground"]) == ("withheld", None, WITHHELD_GROUND)
    assert "Art. 41 UAVG" in withheld["ground"]["en"] and "23(1)(d)" in withheld["ground"]["en"]
    assert any(not d["withheld"] and d["details"] for d in automated["check_details"])
    assert document["withheld"] == {"what": WITHHELD_WHAT, "ground": WITHHELD_GROUND}
    [contested, objected] = document["review_cases"]
    assert (contested["reason"], contested["statement"], contested["corrections"]) == (
        "contested",
        STATEMENT,
        CORRECTIONS,
    )
    assert objected["reason"] == "objected"
    assert [e["kind"] for e in contested["events"]][:3] == ["opened", "claimed", "viewed"]
    reads = {(a["action"], a["staff"], a["role"]) for a in document["staff_access"]}
    assert reads >= {("view_case", "Export-Underwriter", "underwriter"), ("view_decision", "Export-Auditor", "auditor")}
    assert [limit["in_force"] for limit in document["processing_limits"]] == [False, False]
    assert {"insurers", "investigators"} <= set(document["recipients"])
    assert document["retention"]["rejected_applications"]["months"] == 12


def test_the_csv_archive_holds_the_same_rows_as_the_json(world: World) -> None:
    document = world.export(world.person)
    data = export_csv(document)
    assert data == export_csv(document), "the same document gives the same archive"
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == sorted(["README.txt", *(f"{name}.csv" for name in CSV_FILES)])
    readme = archive.read("README.txt").decode("utf-8")
    assert all(f"{name}.csv:" in readme for name in CSV_FILES)
    expected = csv_tables(document)
    for name, (header, rows) in expected.items():
        with archive.open(f"{name}.csv") as raw:
            parsed = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))
        assert parsed[0] == header, name
        assert parsed[1:] == [[csv_cell(row[column]) for column in header] for row in rows], name
    # independently of the flattening: the JSON's ids, file by file
    by_file = {
        name: [dict(zip(rows[0], row, strict=True)) for row in rows[1:]] for name, rows in _read(archive).items()
    }
    applications = document["applications"]
    decisions = [d for a in applications for d in a["decisions"]]
    assert [r["id"] for r in by_file["applications"]] == [a["id"] for a in applications]
    assert by_file["applications"][0]["application.applicant.email"] == world.person.email
    assert [r["id"] for r in by_file["decisions"]] == [d["id"] for d in decisions]
    assert len(by_file["reasons"]) == sum(len(d["reasons"]) for d in decisions)
    assert len(by_file["rules"]) == sum(len(d["rules"]) for d in decisions)
    assert len(by_file["checks"]) == sum(len(d["checks"]) for d in decisions)
    assert len(by_file["check_details"]) == sum(len(d["check_details"]) for d in decisions)
    assert [r["id"] for r in by_file["review_cases"]] == [c["id"] for c in document["review_cases"]]
    assert [int(r["id"]) for r in by_file["review_events"]] == [
        e["id"] for c in document["review_cases"] for e in c["events"]
    ]
    assert by_file["human_decisions"][0]["rationale"] == RATIONALE
    assert [int(r["id"]) for r in by_file["staff_access"]] == [a["id"] for a in document["staff_access"]]
    assert "screening_alerts" not in document and "Legal ground: " in readme
    for part in ("privacy_requests", "processing_limits"):
        assert [r["id"] for r in by_file[part]] == [item["id"] for item in document[part]], part
    assert [(r["application_id"], r["reason_en"], r["in_force"]) for r in by_file["legal_holds"]] == [
        (h["application_id"], h["reason"]["en"], csv_cell(h["in_force"])) for h in document["legal_holds"]
    ]


def _read(archive: zipfile.ZipFile) -> dict[str, list[list[str]]]:
    out = {}
    for name in CSV_FILES:
        with archive.open(f"{name}.csv") as raw:
            out[name] = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))
    return out


def test_an_erased_application_is_listed_without_its_personal_data(world: World) -> None:
    application_id = world.other.applications[0]
    applications, personal = table_of(ApplicationRecord), table_of(ApplicationPersonalDataRecord)
    with world.engine.begin() as connection:
        saved = connection.execute(select(personal).where(personal.c.application_id == application_id)).mappings().one()
        connection.execute(delete(personal).where(personal.c.application_id == application_id))
        connection.execute(update(applications).where(applications.c.id == application_id).values(erased_at=NOW))
    try:
        document = world.export(world.other)
    finally:
        with world.engine.begin() as connection:
            connection.execute(insert(personal).values(**saved))
            connection.execute(update(applications).where(applications.c.id == application_id).values(erased_at=None))
    [application] = document["applications"]
    assert (application["application"], application["erased_at"]) == (None, NOW.isoformat())
    assert [d["id"] for d in application["decisions"]] == world.other.decisions
    assert document["identifier_sightings"] == []  # found through the personal data, which are gone
    assert document["erasures"] and document["objections"]
    archive = zipfile.ZipFile(io.BytesIO(export_csv(document)))
    header = archive.read("applications.csv").decode("utf-8").splitlines()[0]
    assert "application." not in header


def test_an_unknown_person_gets_an_empty_export(world: World) -> None:
    with world.engine.connect() as connection:
        document = subject_export(connection, ["0" * 64], now=NOW)
    assert document["applications"] == [] and document["staff_access"] == [] and "recipients" not in document
    assert export_csv(document)


# --- what the notice withholds, the export withholds -----------------------------------------------------------------

# What would tell a suspect of a fraud or sanctions suspicion: the reason and rule codes, the checks' names and
# facts, the roles and routes, and the staff's names.
TELLING = [
    "FRAUD_SIGNALS",
    "SANCTIONS_POTENTIAL_MATCH",
    "INCIDENT_REGISTER",
    "fraud.",
    "sanctions.",
    "incident_register",
]
TELLING_VALUES = {"fraud", "sanctions", "compliance"}  # as a whole value: a check, role, route or hold kind


def _strings(value: Any) -> Iterator[str]:
    """Every key and text value in a JSON value, recursively."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _tells(texts: list[str], suspect: Suspect) -> list[str]:
    """The texts that give something away: a telling code, fact or name in them, a telling value as a whole, or,
    apart from the withheld-ground and withheld-what texts (which speak of fraud and sanctions in general, the same
    for everyone), any mention of fraud or sanctions."""
    general = {*WITHHELD_GROUND.values(), *WITHHELD_WHAT.values()}
    told = []
    for text in texts:
        if text in general:
            continue
        lowered = text.lower()
        if (
            text in TELLING_VALUES
            or any(trace.lower() in lowered for trace in [*TELLING, *suspect.staff, suspect.alert_id])
            or "fraud" in lowered
            or "sanction" in lowered
        ):
            told.append(text)
    return told


def test_the_export_withholds_what_the_notice_withholds(world: World) -> None:
    """A person with a sanctions referral, a fraud referral, a re-screening alert and a sanctions hold, whose cases
    compliance and fraud handled: neither the JSON nor the CSV tells of it, while both say, with the ground, that
    something of the kind is withheld; their notice shows the same neutral reason as the export."""
    suspect = world.suspect
    document = world.export(suspect)
    about_them = {key: value for key, value in document.items() if key not in ("recipients", "retention", "withheld")}
    assert _tells(list(_strings(about_them)), suspect) == []
    archive = zipfile.ZipFile(io.BytesIO(export_csv(document)))
    cells = [cell for rows in _read(archive).values() for row in rows for cell in row]
    assert _tells(cells, suspect) == []
    # nor in the README, beyond the general statement and ground
    readme = archive.read("README.txt").decode("utf-8")
    for trace in [*TELLING, *suspect.staff]:
        assert trace not in readme, trace

    # what the applicant was told, and what the export shows
    [told] = suspect.notice["reasons"]  # in the notice's language
    _, sanctioned = document["applications"]
    decisions = {d["id"]: d for a in document["applications"] for d in a["decisions"]}
    machine = sanctioned["decisions"][0]
    [noticed] = machine["notice"]["reasons"]
    neutral_text = noticed["text"]
    assert told["code"] == noticed["code"] == NEUTRAL_CODE and told["text"] in neutral_text.values()
    assert "controleren" in neutral_text["nl"] and "verify" in neutral_text["en"]
    assert [r for r in machine["reasons"] if r["code"] == NEUTRAL_CODE] == [
        {
            "code": NEUTRAL_CODE,
            "effect": "refer",
            "source": "policy",
            "route": RESTRICTED,
            "text": neutral_text,
            "underwriter_text": None,
        }
    ]
    assert machine["rules_withheld"] >= 3 and machine["rules"]
    assert {check["check"] for check in machine["checks"]} >= {"credit", "withheld"}
    assert [d for d in machine["check_details"] if d["withheld"]] == [
        {
            "decision_id": machine["id"],
            "check": "withheld",
            "restricted_to": RESTRICTED,
            "withheld": True,
            "ground": WITHHELD_GROUND,
            "details": None,
        }
    ]
    assert all(c.get("restricted_to") in (None, RESTRICTED) for d in decisions.values() for c in d["checks"])
    # the person's decision of the fraud staff: their role neutral, their reasoning withheld, their words kept
    [human] = [d for d in decisions.values() if d["basis"] == "human"]
    assert human["human_decision"]["reviewer_role"] == STAFF_ROLE and human["human_decision"]["rationale"] is None
    assert human["human_decision"]["applicant_explanation"] == "Wij kunnen u deze verzekering niet aanbieden."

    cases = {case["id"]: case for case in document["review_cases"]}
    assert set(suspect.cases) <= set(cases)
    decided, forwarded = (cases[case_id] for case_id in suspect.cases)
    assert decided["route"] == RESTRICTED and decided["reason_codes"] == sorted(decided["reason_codes"])
    assert forwarded["route"] not in ("fraud", "compliance")
    assert NEUTRAL_CODE in decided["reason_codes"] and NEUTRAL_CODE in forwarded["reason_codes"]
    assert decided["claimed_by"] == STAFF_NAME
    staff_events = [e for c in (forwarded, decided) for e in c["events"] if e["kind"] in ("claimed", "viewed")]
    assert staff_events and all((e["actor"], e["actor_role"]) == (STAFF_NAME, STAFF_ROLE) for e in staff_events)
    [forward] = [e for e in forwarded["events"] if e["kind"] == "forwarded"]
    assert forward["data"]["from_route"] == RESTRICTED and forward["data"]["note"] is None
    reads = [a for a in document["staff_access"] if a["case_id"] in suspect.cases or a["decision_id"] in decisions]
    assert reads and all((a["staff"], a["role"]) == (STAFF_NAME, STAFF_ROLE) for a in reads)

    assert "screening_alerts" not in document and "screening_alerts.csv" not in archive.namelist()
    [hold] = [h for h in document["legal_holds"] if h["application_id"] == sanctioned["id"]]
    assert hold == {
        "application_id": sanctioned["id"],
        "reason": HOLD_TEXTS[HoldKind.SANCTIONS].model_dump(),
        "in_force": True,
    }
    [refused] = [r for r in document["privacy_requests"] if r["state"] == "refused"]
    assert refused["refusal_reason"] == "Bewaard omdat de wet ons verplicht deze gegevens te bewaren."
    assert [h["kind"] for h in refused["result"]["held"]] == [LEGAL_DUTY]
    assert document["withheld"] == {"what": WITHHELD_WHAT, "ground": WITHHELD_GROUND}


def test_the_withheld_parts_look_the_same_with_or_without_a_suspicion(world: World) -> None:
    """Neither the statement of what is withheld nor the shape of a decision's withheld parts differs between a
    person without any suspicion and one with both: only the outcome and the neutral reason (which their notice
    shows too) do."""
    clean, suspect = world.export(world.person), world.export(world.suspect)
    assert clean["withheld"] == suspect["withheld"]

    def shape(document: dict[str, Any]) -> set[Any]:
        machine = [d for a in document["applications"] for d in a["decisions"] if d["basis"] == "automated"]
        return {
            (
                d["rules_withheld"],
                tuple(sorted(name.split(".")[0] for name in d["facts"])),
                tuple(c["check"] for c in d["checks"]),
                tuple(c["check"] for c in d["check_details"] if c["withheld"]),
            )
            for d in machine
        }

    assert shape(clean) == shape(suspect)
    # an open dispute and a sanctions hold: the same fields, none of them a kind, a date, an id or a member of staff
    holds = [hold for document in (clean, suspect) for hold in document["legal_holds"]]
    assert len(holds) >= 2 and {tuple(sorted(hold)) for hold in holds} == {("application_id", "in_force", "reason")}


# --- one shape for everyone: the claims-history check and legal holds -------------------------------------------------


def _automated(document: dict[str, Any]) -> dict[str, Any]:
    decisions: list[dict[str, Any]] = [d for a in document["applications"] for d in a["decisions"]]
    [decision] = [d for d in decisions if d["basis"] == "automated"]
    return decision


def _claims(decision: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A decision's claims-history check entry and its check detail entries."""
    [check] = [c for c in decision["checks"] if c["check"] == "claims_history"]
    return check, [d for d in decision["check_details"] if d["check"] == "claims_history"]


def test_an_incident_register_entry_looks_like_none(world: World) -> None:
    """A planted person with an entry in the insurers' incident register (the fraud role's) and a clean planted
    person, both decided through the API with the checks on: their claims-history check and its details have the same
    keys, status and facts and no role marker; the entry is withheld under the one ground for both."""
    incident, clean = world.export(world.incident), world.export(world.clean)
    flagged, plain = _automated(incident), _automated(clean)
    assert (flagged["outcome"], plain["outcome"]) == ("referred", "accepted")
    assert [r["code"] for r in flagged["reasons"]] == [NEUTRAL_CODE]  # as their notice says
    (check, details), (clean_check, clean_details) = _claims(flagged), _claims(plain)
    assert set(check) == set(clean_check) and "restricted_to" not in check
    assert check["status"] == clean_check["status"] == "clear"  # the registrations shown: none
    assert check["facts"] == clean_check["facts"] and "incident_register" not in check["facts"]
    assert RESTRICTED not in check.values()
    assert len(details) == len(clean_details) == 1 and set(details[0]) == set(clean_details[0])
    assert details[0] == clean_details[0] | {"decision_id": flagged["id"]}
    assert (details[0]["restricted_to"], details[0]["withheld"], details[0]["details"]) == (
        None,
        False,
        {"registrations": []},
    )
    assert [d | {"decision_id": None} for d in flagged["check_details"] if d["withheld"]] == [
        d | {"decision_id": None} for d in plain["check_details"] if d["withheld"]
    ]
    assert [c["check"] for c in flagged["checks"]] == [c["check"] for c in plain["checks"]]
    assert set(flagged["facts"]) == set(plain["facts"]) and INCIDENT_FACT not in flagged["facts"]
    assert flagged["rules_withheld"] == plain["rules_withheld"]
    # nor anywhere else in the JSON or the CSV
    about_them = {key: value for key, value in incident.items() if key not in ("recipients", "retention", "withheld")}
    assert _tells(list(_strings(about_them)), world.suspect) == []
    archive = zipfile.ZipFile(io.BytesIO(export_csv(incident)))
    assert _tells([cell for rows in _read(archive).values() for row in rows for cell in row], world.suspect) == []


def test_a_registration_shown_counts_in_the_status_an_incident_entry_does_not(world: World) -> None:
    """The claims-history check's status is the one it would have without the incident-register entry: a claim
    registered beside the entry still shows, and makes it a hit; the entry alone does not; unavailable stays so."""
    with world.engine.connect() as connection:
        mask = _mask_for(connection)
    incident: dict[str, Any] = {
        "kind": "incident",
        "registered_on": "2024-11-25",
        "ends_on": "2032-11-25",
        "insurer": "X",
    }
    claim: dict[str, Any] = {
        "kind": "claim",
        "registered_on": "2025-03-01",
        "ends_on": None,
        "insurer": "Y",
        "amount_eur": 1200,
    }
    facts: dict[str, Any] = {"registered_5y": 0, "registered_1y": 0, "non_payment_3y": 0, "contractual_5y": 0}
    facts |= {"incident_register": True, "undeclared_count": 0, "non_disclosure": False}
    base: dict[str, Any] = {"check": "claims_history", "status": "hit", "source": "cis", "restricted_to": "fraud"}
    alone = base | {"facts": facts}
    beside = base | {"facts": facts | {"registered_5y": 1, "registered_1y": 1}}
    down = base | {"status": "unavailable", "facts": {}, "restricted_to": None}
    shown = [c for c in _checks_shown([alone, beside, down], mask) if c["check"] == "claims_history"]
    assert [c["status"] for c in shown] == ["clear", "hit", "unavailable"]
    assert all("restricted_to" not in c and "incident_register" not in c["facts"] for c in shown)
    rows = [{"check": "claims_history", "restricted_to": "fraud", "details": {"registrations": [incident, claim]}}]
    details = _details_shown("d", rows, mask)
    assert details == [
        {
            "decision_id": "d",
            "check": "claims_history",
            "restricted_to": None,
            "withheld": False,
            "ground": None,
            "details": {"registrations": [claim]},
        },
        {
            "decision_id": "d",
            "check": "withheld",
            "restricted_to": RESTRICTED,
            "withheld": True,
            "ground": WITHHELD_GROUND,
            "details": None,
        },
    ]
    clean: list[dict[str, Any]] = [{"check": "claims_history", "restricted_to": None, "details": {"registrations": []}}]
    assert _details_shown("d", clean, mask) == [details[0] | {"details": {"registrations": []}}, details[1]]


def test_the_mask_is_the_same_whichever_policy_decided(world: World) -> None:
    """A person decided only under a policy version without the incident-register rule (AVP 1.0.0) is masked as
    one decided under the newest: the mask comes from every stored policy version and the fixed confidential facts,
    not from the policies of the person's own decisions."""
    earlier, newest = _automated(world.export(world.earlier)), _automated(world.export(world.clean))
    assert (earlier["policy_version"], newest["policy_version"]) == ("1.0.0", "1.2.0")
    with world.engine.connect() as connection:
        policies = table_of(PolicyVersionRecord)
        source = connection.execute(
            select(policies.c.source).where(policies.c.product == "AVP", policies.c.version == "1.0.0")
        ).scalar_one()
    assert "INCIDENT_REGISTER" not in source and "incident_register" not in source
    assert "incident_register" not in json.dumps(earlier).lower()
    assert INCIDENT_FACT not in earlier["facts"] and INCIDENT_FACT not in newest["facts"]
    claims = [{n for n in d["facts"] if n.startswith("claims.")} for d in (earlier, newest)]
    assert claims[0] == claims[1] and claims[0]
    (check, details), (clean_check, clean_details) = _claims(earlier), _claims(newest)
    assert set(check) == set(clean_check) and check["facts"] == clean_check["facts"]
    assert [d["details"] for d in details] == [d["details"] for d in clean_details]


def test_every_check_that_may_restrict_or_carry_a_confidential_fact_is_screened() -> None:
    """The checks that restrict a finding to a role (besides fraud and sanctions) are listed, and the incident
    register's fact is a claims-history fact."""
    assert INCIDENT_FACT in {spec.name for spec in CHECK_FACTS["claims_history"]}
    assert "claims_history" in RESTRICTABLE_CHECKS and set(RESTRICTABLE_CHECKS) <= set(CHECK_FACTS)


def test_a_legal_hold_shows_its_reason_and_whether_it_holds(world: World) -> None:
    """A legal hold shows the application it is on, its reason as the applicant reads it and whether it is still in
    force: not its kind, dates, id or the member of staff who placed it; released or past its end, not in force."""
    holds = table_of(LegalHoldRecord)
    application_id = world.person.applications[1]
    with world.engine.connect() as connection:
        [row] = connection.execute(select(holds).where(holds.c.application_id == application_id)).mappings().all()
    shown = {"application_id": application_id, "reason": HOLD_TEXTS[HoldKind.OPEN_DISPUTE].model_dump()}
    document = world.export(world.person)
    assert document["legal_holds"] == [shown | {"in_force": True}]
    text = json.dumps(document["legal_holds"])
    for value in (row["id"], row["reason"], row["placed_by"], row["placed_at"].date().isoformat(), str(row["until"])):
        assert value not in text
    header = zipfile.ZipFile(io.BytesIO(export_csv(document))).read("legal_holds.csv").decode("utf-8").splitlines()[0]
    assert header == "application_id,reason_nl,reason_en,in_force"
    for change in (
        {"released_at": NOW - timedelta(days=1), "released_by": row["placed_by"], "release_reason": "Settled."},
        {"until": (NOW - timedelta(days=1)).date()},
    ):
        with world.engine.begin() as connection:
            connection.execute(update(holds).where(holds.c.id == row["id"]).values(**change))
        try:
            assert world.export(world.person)["legal_holds"] == [shown | {"in_force": False}]
        finally:
            with world.engine.begin() as connection:
                connection.execute(update(holds).where(holds.c.id == row["id"]).values(**{k: row[k] for k in change}))
