"""Access and portability: the export of everything held about a person is complete (every row of theirs in every
table about a person appears), holds nothing of anyone else, withholds restricted check details with the legal
ground, and its CSV archive says the same as its JSON."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
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
from engine.examples import dutch_today
from engine.privacy.config import load_privacy_config
from engine.privacy.export import (
    ABOUT_A_PERSON,
    CSV_FILES,
    NOT_ABOUT_AN_APPLICANT,
    csv_cell,
    csv_tables,
    export_csv,
    subject_export,
)
from engine.privacy.subject import person_keys, subject_of
from engine.store.checks import open_screening_alert
from engine.store.clients import create_api_client
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    Base,
    ErasureRecord,
    LegalHoldRecord,
    PrivacyRequestEventRecord,
    PrivacyRequestRecord,
    ProcessingLimitKeyRecord,
    ProcessingLimitRecord,
    table_of,
)
from tests.conftest import Api
from tests.factories import avp_body
from tests.review.conftest import _module_database

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
class World:
    engine: Engine
    person: Person
    other: Person

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
    if row["restricted_to"] is None:
        return _has(tables, "check_details", decision_id=row["decision_id"], check=row["check"], details=row["details"])
    return _has(
        tables, "check_details", decision_id=row["decision_id"], check=row["check"], withheld=True, details=None
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
    "human_decision_texts": lambda d, t, r: _has(
        t,
        "human_decisions",
        decision_id=r["decision_id"],
        rationale=r["rationale"],
        applicant_explanation=r["applicant_explanation"],
    ),
    "identifier_sightings": lambda d, t, r: _has(t, "identifier_sightings", key=r["key"], person_key=r["person"]),
    "screening_alerts": lambda d, t, r: _has(t, "screening_alerts", id=r["id"], withheld=True),
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
    "legal_holds": lambda d, t, r: _has(t, "legal_holds", id=r["id"], reason=r["reason"]),
    "erasures": lambda d, t, r: _has(t, "erasures", id=r["id"], cause=r["cause"]),
}


def test_every_table_about_a_person_says_where_its_rows_show() -> None:
    assert set(SHOWN) == set(ABOUT_A_PERSON)


def test_every_row_of_the_person_is_exported_and_none_of_the_other(world: World) -> None:
    """Two people share the database; every row of every table about a person shows in exactly one of their
    exports, and the person's export has rows from every such table."""
    exports = {"person": world.export(world.person), "other": world.export(world.other)}
    tables = {who: csv_tables(document) for who, document in exports.items()}
    missing: list[str] = []
    shown_in_both: list[str] = []
    person_rows: dict[str, int] = dict.fromkeys(ABOUT_A_PERSON, 0)
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
    assert missing == []
    assert shown_in_both == []
    assert [name for name, count in person_rows.items() if count == 0] == [], "seed the person's data in every table"


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
    assert {check["check"] for check in automated["checks"]} >= {"credit", "fraud", "sanctions"}
    assert all(check["source"] and "status" in check for check in automated["checks"])
    assert automated["rules"] and automated["facts"] and automated["notice"]["outcome"] == "accepted"
    if automated["model"] is not None:
        assert automated["model"]["version"] and automated["model"]["contributions"]
    withheld = [d for d in automated["check_details"] if d["withheld"]]
    assert withheld and all(d["details"] is None and "Art. 41 UAVG" in d["ground"]["en"] for d in withheld)
    assert {d["check"] for d in withheld} >= {"fraud"}
    assert any(not d["withheld"] and d["details"] for d in automated["check_details"])
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
    for part in ("screening_alerts", "legal_holds", "privacy_requests", "processing_limits"):
        assert [r["id"] for r in by_file[part]] == [item["id"] for item in document[part]], part


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
