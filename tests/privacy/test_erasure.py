"""Erasure: a person seeded through the real API (checks on, a contest with a statement and corrections, a human
decision whose texts name them, staff reads, privacy requests weighed, refused, extended and limits lifted with
reasons naming them, a legal hold placed and released naming them) leaves no personal value anywhere in the database
once erased, nor a subject key of their erased applications, while the decision records all stay and the audit chain
verifies; a held application is kept with its reason."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from engine.examples import dutch_today
from engine.privacy.erasure import erase_application, erase_subject
from engine.privacy.holds import HOLD_TEXTS, HoldKind, place_hold, release_hold
from engine.privacy.requests import add_event
from engine.privacy.subject import subject_of
from engine.store.audit import verify_chain
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    Base,
    DecisionRecord,
    ErasureRecord,
    IdentifierSightingRecord,
    LegalHoldRecord,
    PrivacyRequestEventRecord,
    PrivacyRequestRecord,
    ProcessingLimitRecord,
    ReviewCaseRecord,
    SubjectKeyRecord,
    table_of,
)
from tests.api.support import app_engine
from tests.conftest import Api
from tests.factories import avp_body

APPLICATIONS = table_of(ApplicationRecord)
PERSONAL = table_of(ApplicationPersonalDataRecord)
DECISIONS = table_of(DecisionRecord)
ERASURES = table_of(ErasureRecord)
SIGHTINGS = table_of(IdentifierSightingRecord)
REQUESTS = table_of(PrivacyRequestRecord)
CASES = table_of(ReviewCaseRecord)
REQUEST_EVENTS = table_of(PrivacyRequestEventRecord)
LIMITS = table_of(ProcessingLimitRecord)
HOLDS = table_of(LegalHoldRecord)
SUBJECT_KEYS = table_of(SubjectKeyRecord)

# A person whose every value is distinctive enough to be searched for in the whole database.
PERSON = {
    "given_names": "Wilhelmina Ottoline",
    "family_name_prefix": None,
    "family_name": "Zwartkopvink",
    "date_of_birth": "1979-03-14",
    "email": "w.zwartkopvink.7731@example.org",
    "phone": "06 87654321",
    "iban": "NL91ABNA0417164300",
    "address": {"street": "Oude Lijsterbesstraat", "house_number": 17, "postcode": "9735 VP", "city": "Groningen"},
}
# What must not be found anywhere afterwards (case-insensitive), in the forms the engine may store them.
NEEDLES = (
    "Wilhelmina",
    "Ottoline",
    "Zwartkopvink",
    "1979-03-14",
    "14-03-1979",
    "w.zwartkopvink.7731@example.org",
    "zwartkopvink.7731",
    "87654321",
    "wilhelmina.o.z@example.net",
    "NL91ABNA0417164300",
    "NL91 ABNA",
    "Lijsterbesstraat",
    "9735 VP",
    "9735VP",
    "idem-zwartkopvink",
)
NOTE = "Called Wilhelmina Zwartkopvink on 06 87654321 about Oude Lijsterbesstraat 17."
RATIONALE = "Mrs Zwartkopvink (born 1979-03-14, NL91ABNA0417164300) explained the gap in the file; acceptable."
EXPLANATION = "Beste Wilhelmina Zwartkopvink, wij accepteren uw aanvraag voor Oude Lijsterbesstraat 17, 9735 VP."
# What staff write about the person's privacy requests, limits and holds (free text that names them).
GROUNDS = "Mrs Zwartkopvink (06 87654321) is party to an open third-party claim that needs her file."
REFUSAL = "Mrs Wilhelmina Zwartkopvink objected last week already; this repeats that objection."
LIFT = "Mrs Zwartkopvink confirmed on 06 87654321 that her data at Oude Lijsterbesstraat 17 are right."
EXTENSION = "The file of Wilhelmina Zwartkopvink (born 1979-03-14) sits with two insurers we must ask first."
HOLD = "Claim 2026-0042 by Wilhelmina Zwartkopvink, Oude Lijsterbesstraat 17, 9735 VP."
RELEASE = "Claim of Mrs Zwartkopvink (NL91ABNA0417164300) settled and paid."
EVENT_NOTE = "Called Mrs Zwartkopvink on 06 87654321 to confirm her identity."


def person_body(**overrides: Any) -> dict[str, Any]:
    fields = {f"applicant__{key}": value for key, value in PERSON.items()}
    return avp_body(dutch_today(), **(fields | overrides))


def submit(api: Api, body: dict[str, Any], *, idempotency_key: str | None = None) -> dict[str, Any]:
    answer = api.submit(body, idempotency_key=idempotency_key)
    assert answer.status_code == 201, answer.text
    decision: dict[str, Any] = answer.json()
    return decision


def contest_and_decide(api: Api, decision: dict[str, Any]) -> str:
    """The applicant contests naming their details; an underwriter reads, returns with a note, claims and decides
    with texts naming them. Returns the case id."""
    answer = api.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/review-requests",
        json={
            "statement": f"Ik ben {PERSON['given_names']} {PERSON['family_name']}, geboren 1979-03-14, IBAN "
            f"NL91ABNA0417164300, telefoon 06 87654321, e-mail {PERSON['email']}.",
            "corrections": [
                {"field": "applicant.address.street", "value": "Oude Lijsterbesstraat 17 (not 71)"},
                {"field": "applicant.address.postcode", "value": "9735 VP"},
            ],
        },
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert answer.status_code == 202, answer.text
    case_id = str(answer.json()["case_id"])
    underwriter = api.staff("senior_underwriter")
    assert api.client.get(f"/v1/staff/cases/{case_id}", headers=underwriter).status_code == 200
    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=underwriter).status_code == 200
    returned = api.client.post(f"/v1/staff/cases/{case_id}/return", json={"note": NOTE}, headers=underwriter)
    assert returned.status_code == 200, returned.text
    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=underwriter).status_code == 200
    decided = api.client.post(
        f"/v1/staff/cases/{case_id}/decision",
        json={"outcome": "accepted", "rationale": RATIONALE, "applicant_explanation": EXPLANATION},
        headers=underwriter,
    )
    assert decided.status_code == 201, decided.text
    assert api.client.get(f"/v1/staff/decisions/{decision['decision_id']}", headers=underwriter).status_code == 200
    return case_id


def application_of(engine: Engine, decision_id: str) -> str:
    with engine.connect() as connection:
        return str(
            connection.execute(select(DECISIONS.c.application_id).where(DECISIONS.c.id == decision_id)).scalar_one()
        )


def file_request(api: Api, decision: dict[str, Any], **body: Any) -> dict[str, Any]:
    """A privacy request the applicant files with their decision's token, in words naming them."""
    answer = api.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/privacy-requests",
        json={"statement": f"Ik ben {PERSON['given_names']} {PERSON['family_name']}, {PERSON['email']}.", **body},
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert answer.status_code == 202, answer.text
    request: dict[str, Any] = answer.json()
    return request


def staff_post(api: Api, officer: dict[str, str], path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = api.client.post(path, json=body, headers=officer)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def weigh_refuse_lift_and_hold(
    api: Api, officer: dict[str, str], decision: dict[str, Any], application_id: str
) -> None:
    """The privacy officer weighs an objection to further processing (processing continues on grounds naming the
    person), refuses a second objection and lifts a restriction with reasons naming them, and a note naming them is
    added to a request's events; a legal hold is placed and released with reasons naming them."""
    objection = file_request(api, decision, kind="objection", scope="processing")
    weighed = staff_post(
        api,
        officer,
        f"/v1/staff/privacy-requests/{objection['id']}/objection-decision",
        {"continue_processing": True, "grounds": GROUNDS},
    )
    assert weighed["result"]["outcome"] == "continued" and weighed["result"]["grounds"] == GROUNDS
    again = file_request(api, decision, kind="objection", scope="processing")
    staff_post(api, officer, f"/v1/staff/privacy-requests/{again['id']}/refusal", {"reason": REFUSAL})
    restriction = file_request(api, decision, kind="restriction")
    staff_post(api, officer, f"/v1/staff/privacy-limits/{restriction['result']['limit_id']}/lift", {"reason": LIFT})
    now = datetime.now(UTC)
    with app_engine(api).begin() as connection:
        add_event(connection, request_id=again["id"], at=now, actor="privacy", kind="noted", data={"note": EVENT_NOTE})
        hold = place_hold(
            connection, application_id=application_id, kind=HoldKind.OPEN_CLAIM, reason=HOLD, by="claims", now=now
        )
        release_hold(connection, hold_id=hold["id"], by="claims", reason=RELEASE, now=now)


def scan(engine: Engine, needles: tuple[str, ...] = NEEDLES) -> list[str]:
    """Where any needle occurs: 'table.column: needle', over every column of every row of every table."""
    found = []
    lowered = [needle.lower() for needle in needles]
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or isinstance(value, bool | int | float):
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    text = text.lower()
                    found += [f"{table.name}.{column}: {n}" for n in lowered if n in text]
    return sorted(set(found))


def counts(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_erasure_leaves_no_personal_value_anywhere_and_the_chain_verifies(api: Api) -> None:
    engine = app_engine(api)
    officer = api.staff("privacy")
    first = submit(api, person_body(), idempotency_key="idem-zwartkopvink-1")
    case_id = contest_and_decide(api, first)
    # a second application of the same person, with another e-mail address (found through name, birth and address)
    second = submit(api, person_body(applicant__email="wilhelmina.o.z@example.net"))
    assert second["outcome"] == "accepted", second["reasons"]
    other = application_of(engine, submit(api, avp_body(dutch_today()))["decision_id"])  # someone else: stays
    application_id = application_of(engine, first["decision_id"])
    weigh_refuse_lift_and_hold(api, officer, first, application_id)
    erasure = file_request(api, first, kind="erasure")
    staff_post(api, officer, f"/v1/staff/privacy-requests/{erasure['id']}/extension", {"reason": EXTENSION})
    erased = {application_id, application_of(engine, second["decision_id"])}
    before = scan(engine)
    for where in (
        "application_personal_data.payload",
        "review_cases.statement",
        "human_decision_texts",
        "review_events.data",
        "privacy_requests.details",
        "privacy_requests.result",
        "privacy_requests.refusal_reason",
        "privacy_requests.extension_reason",
        "privacy_request_events.data",
        "processing_limits.lift_reason",
        "legal_holds.reason",
        "legal_holds.release_reason",
        "applications.idempotency_key",
    ):
        assert any(hit.startswith(where) for hit in before), where
    with engine.connect() as connection:
        assert set(connection.execute(select(SUBJECT_KEYS.c.application_id)).scalars()) >= erased
        keys = subject_of(connection, application_id)
    decisions_before = counts(engine, DECISIONS)

    with engine.begin() as connection:
        outcome = erase_subject(connection, keys, request_id=erasure["id"], now=datetime.now(UTC))

    assert not outcome.held and not outcome.already_erased, outcome.held
    assert set(outcome.erased) == erased
    assert outcome.requests_cleared == 4  # the two objections, the restriction, the erasure request itself
    assert scan(engine) == []
    assert counts(engine, DECISIONS) == decisions_before
    with engine.connect() as connection:
        report = verify_chain(connection)
        assert report.ok, report.problem
        assert report.checked == decisions_before
        rows = connection.execute(select(APPLICATIONS).where(APPLICATIONS.c.id.in_(erased))).mappings().all()
        assert all(row["erased_at"] is not None and row["idempotency_key"] is None for row in rows)
        removed = connection.execute(select(ERASURES.c.removed).where(ERASURES.c.application_id == application_id))
        assert {
            "application_personal_data",
            "review_cases",
            "human_decision_texts",
            "legal_holds",
            "subject_keys",
        } <= set(removed.scalar_one())
        still = connection.execute(select(PERSONAL.c.application_id)).scalars().all()
        keyed = set(connection.execute(select(SUBJECT_KEYS.c.application_id)).scalars())
        # that the requests were made and handled, and when, stays; so do the limits and holds, without their words
        requests = {(r["kind"], r["state"]): r for r in connection.execute(select(REQUESTS)).mappings()}
        limits = connection.execute(select(LIMITS)).mappings().all()
        holds = connection.execute(select(HOLDS)).mappings().all()
        events = connection.execute(select(REQUEST_EVENTS.c.data).where(REQUEST_EVENTS.c.kind == "noted")).scalars()
        noted = [data for data in events if "note" in data]
    assert not keyed & erased, "no subject key of an erased application is left"
    assert other in still and other in keyed, "another person's data and keys stay"
    assert sorted(requests) == [
        ("erasure", "open"),
        ("objection", "completed"),
        ("objection", "refused"),
        ("restriction", "completed"),
    ]
    assert all(r["closed_at"] is not None for (kind, _), r in requests.items() if kind != "erasure")
    weighed = requests["objection", "completed"]
    assert weighed["result"]["outcome"] == "continued" and weighed["result"]["grounds"] == "[erased]"
    assert weighed["result"]["limit_id"] and weighed["details"] == {"scope": "processing"}, "codes stay, words go"
    assert requests["objection", "refused"]["refusal_reason"] == "[erased]"
    assert requests["erasure", "open"]["extension_reason"] == "[erased]" and requests["erasure", "open"]["extended_at"]
    assert len(limits) == 3 and all(row["lifted_at"] is not None and row["lift_reason"] == "[erased]" for row in limits)
    assert [(h["reason"], h["release_reason"], h["released_at"] is not None) for h in holds] == [
        ("[erased]", "[erased]", True)
    ]
    assert noted == [{"note": "[erased]"}]
    # the person's case is still there, as a fact, with its texts gone
    assert api.client.get(
        f"/v1/applicant/decisions/{first['decision_id']}", headers={"X-Applicant-Token": first["applicant_token"]}
    ).status_code in (200, 404, 410)
    assert case_id


def test_erasing_twice_changes_nothing_the_second_time(api: Api) -> None:
    engine = app_engine(api)
    decision = submit(api, person_body())
    application_id = application_of(engine, decision["decision_id"])
    now = datetime.now(UTC)
    with engine.begin() as connection:
        first = erase_application(connection, application_id, cause="request", now=now)
    with engine.begin() as connection:
        again = erase_application(connection, application_id, cause="request", now=now)

    assert list(first.erased) == [application_id]
    assert again.erased == {} and again.already_erased == [application_id]
    assert counts(engine, ERASURES) == 1


def test_a_held_application_is_kept_with_its_reason_while_the_other_is_erased(api: Api) -> None:
    engine = app_engine(api)
    held = application_of(engine, submit(api, person_body())["decision_id"])
    free = application_of(
        engine, submit(api, person_body(applicant__email="wilhelmina.other@example.org"))["decision_id"]
    )
    now = datetime.now(UTC)
    with engine.begin() as connection:
        hold = place_hold(
            connection, application_id=held, kind=HoldKind.OPEN_CLAIM, reason="claim 2026-0042", by="claims", now=now
        )
        keys = subject_of(connection, free)
        outcome = erase_subject(connection, keys, request_id=None, now=now)

    assert set(outcome.erased) == {free}
    assert [h.kind for h in outcome.held[held]] == [HoldKind.OPEN_CLAIM]
    assert outcome.held[held][0].reason == HOLD_TEXTS[HoldKind.OPEN_CLAIM]
    assert outcome.held[held][0].id == hold["id"]
    assert outcome.as_dict()["held"][0]["reason"]["en"].startswith("A claim on this insurance")
    with engine.connect() as connection:
        kept = set(connection.execute(select(PERSONAL.c.application_id)).scalars())
        persons = set(connection.execute(select(SIGHTINGS.c.person)).scalars())
    assert held in kept and free not in kept
    assert persons, "the person's sightings stay while their held application still holds personal data"


def test_a_rectified_application_is_erased_with_all_its_versions(api: Api) -> None:
    engine = app_engine(api)
    old = application_of(engine, submit(api, person_body())["decision_id"])
    new = application_of(engine, submit(api, person_body())["decision_id"])
    with engine.begin() as connection:  # as rectification links them
        connection.execute(APPLICATIONS.update().where(APPLICATIONS.c.id == old).values(superseded_by=new))
        connection.execute(APPLICATIONS.update().where(APPLICATIONS.c.id == new).values(supersedes_id=old))
        outcome = erase_application(connection, new, cause="request", now=datetime.now(UTC))

    assert set(outcome.erased) == {old, new}
    assert counts(engine, PERSONAL) == 0


def test_a_sanctions_hit_holds_until_compliance_says_the_regime_ended_five_years_ago(api: Api) -> None:
    engine = app_engine(api)
    body = person_body(
        applicant__given_names="Fiktiv", applicant__family_name="Primerov", applicant__date_of_birth="1971-04-12"
    )
    application_id = application_of(engine, submit(api, body)["decision_id"])
    now = datetime.now(UTC)
    with engine.begin() as connection:
        refused = erase_application(connection, application_id, cause="request", now=now)
    # referred to compliance: an open case (a dispute until decided) and the sanctions hit
    assert [h.kind for h in refused.held[application_id]] == [HoldKind.OPEN_DISPUTE, HoldKind.SANCTIONS]
    assert all(h.derived for h in refused.held[application_id])

    with engine.begin() as connection:
        place_hold(
            connection,
            application_id=application_id,
            kind=HoldKind.SANCTIONS,
            reason="regime ended 2019-01-31",
            by="compliance",
            now=now,
            until=date(2024, 1, 31),
        )
        lapsed = erase_application(connection, application_id, cause="request", now=now)
        connection.execute(CASES.update().where(CASES.c.application_id == application_id).values(state="decided"))
        erased = erase_application(connection, application_id, cause="request", now=now)
    assert [h.kind for h in lapsed.held[application_id]] == [HoldKind.OPEN_DISPUTE], "the sanctions hold lapsed"
    assert list(erased.erased) == [application_id]
