"""A person's decision on a review case: only by the holder, within their authority, with a rationale; recorded as
a new decision record (basis `human`) that replaces the machine's, in the same verified chain, never replayed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from engine.decision.service import DecisionRuntime, replay_decision
from engine.errors import NotReplayable
from engine.review.roles import Role, Route
from engine.store.audit import verify_chain
from engine.store.decisions import get_decision
from tests.api.support import example
from tests.conftest import Api
from tests.review.support import (
    ACCEPTANCE,
    ACCESS,
    HOLDER_OF,
    REJECTION,
    SECTOR_APPLICATION,
    World,
    case_row,
    change,
    engine_of,
    events_of,
    new_member,
    review_counts,
    set_case,
    submitted,
)

UW, SR = Role.UNDERWRITER, Role.SENIOR_UNDERWRITER


def _decide(world: World, case_id: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return world.client.post(f"/v1/staff/cases/{case_id}/decision", json=body, headers=headers)


def _claim(world: World, case_id: str, headers: dict[str, str]) -> Any:
    answer = world.client.post(f"/v1/staff/cases/{case_id}/claim", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


def _contested(world: World, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An automated decision of example ``name`` that the applicant contests: (the decision, its case)."""
    decision = world.submit(example(name))
    answer = world.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "Drie van die schades waren van mijn ex-partner, niet van mij."},
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert answer.status_code == 202, answer.text
    return decision, case_row(world.engine, id=answer.json()["case_id"])


def test_deciding_needs_a_claim_first(world: World) -> None:
    case = world.open_case(Route.UNDERWRITING)
    before = review_counts(world.engine)
    answer = _decide(world, case["id"], REJECTION, world.headers(UW))
    assert answer.status_code == 409, answer.text
    assert "claim it first" in answer.json()["detail"]
    assert change(before, review_counts(world.engine)) == {}


def test_only_the_holder_decides(world: World) -> None:
    case = world.held_case(Route.UNDERWRITING)  # held by the first underwriter
    before = review_counts(world.engine)
    answer = _decide(world, case["id"], REJECTION, world.other_underwriter.headers)
    assert answer.status_code == 409, answer.text
    assert world.staff[UW].username in answer.json()["detail"]
    assert (
        world.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=world.other_underwriter.headers).status_code
        == 409
    )
    assert (
        world.client.post(
            f"/v1/staff/cases/{case['id']}/return", json={"note": "not mine"}, headers=world.other_underwriter.headers
        ).status_code
        == 409
    )
    assert change(before, review_counts(world.engine)) == {}


@pytest.fixture(scope="module")
def deductible_case(world: World) -> str:
    """A referral applied for with a deductible of EUR 250, held by the underwriter."""
    body = example("avp-referred-prior-cancellation")
    body["cover"]["deductible_eur"] = 250
    decision = world.submit(body)
    case_id = str(case_row(world.engine, decision_id=decision["decision_id"])["id"])
    _claim(world, case_id, world.headers(UW))
    return case_id


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        pytest.param(REJECTION | {"rationale": "Too risky, sorry."}, ["body", "rationale"], id="rationale-19-chars"),
        pytest.param(REJECTION | {"rationale": " " * 30 + "short" + " " * 30}, ["body", "rationale"], id="padded"),
        pytest.param(
            REJECTION | {"applicant_explanation": "Nee."}, ["body", "applicant_explanation"], id="explanation"
        ),
        pytest.param(
            REJECTION | {"conditions": {"deductible_eur": 500}}, ["body", "conditions"], id="reject-deductible"
        ),
        pytest.param(
            REJECTION | {"conditions": {"exclusions": ["Schade aan gehuurde zaken"]}},
            ["body", "conditions"],
            id="reject-exclusion",
        ),
        pytest.param(
            ACCEPTANCE | {"conditions": {"deductible_eur": 250}},
            ["body", "conditions", "deductible_eur"],
            id="deductible-equal",
        ),
        pytest.param(
            ACCEPTANCE | {"conditions": {"deductible_eur": 100}},
            ["body", "conditions", "deductible_eur"],
            id="deductible-lower",
        ),
        pytest.param(
            ACCEPTANCE | {"conditions": {"deductible_eur": 0}},
            ["body", "conditions", "deductible_eur"],
            id="deductible-zero",
        ),
        pytest.param(REJECTION | {"outcome": "referred"}, ["body", "outcome"], id="outcome-referred"),
    ],
)
def test_an_invalid_decision_is_422_and_changes_nothing(
    world: World, deductible_case: str, body: dict[str, Any], loc: list[Any]
) -> None:
    case = case_row(world.engine, id=deductible_case)
    assert case["state"] == "claimed"
    before = review_counts(world.engine)
    answer = _decide(world, case["id"], body, world.headers(UW))
    assert answer.status_code == 422, answer.text
    assert [problem["loc"][: len(loc)] for problem in answer.json()["detail"]] == [loc]
    assert change(before, review_counts(world.engine)) == {}


def test_a_higher_deductible_than_applied_for_is_accepted(world: World) -> None:
    body = example("avp-referred-prior-cancellation")
    body["cover"]["deductible_eur"] = 250
    decision = world.submit(body)
    case = case_row(world.engine, decision_id=decision["decision_id"])
    _claim(world, case["id"], world.headers(UW))
    answer = _decide(world, case["id"], ACCEPTANCE | {"conditions": {"deductible_eur": 251}}, world.headers(UW))
    assert answer.status_code == 201, answer.text


def test_only_a_senior_underwriter_accepts_over_a_knockout(world: World, runtime: DecisionRuntime) -> None:
    decision, case = _contested(world, "avp-rejected-claims")
    assert (decision["outcome"], decision["basis"]) == ("rejected", "automated")
    assert (case["reason"], case["route"], case["machine_view"]) == ("contested", "underwriting", "rejected")
    underwriter, senior = world.staff[UW], world.staff[SR]

    _claim(world, case["id"], underwriter.headers)
    seen = world.client.get(f"/v1/staff/cases/{case['id']}", headers=underwriter.headers).json()
    assert "senior underwriter" in seen["permissions"]["why_not"]
    before = review_counts(world.engine)
    refused = _decide(world, case["id"], ACCEPTANCE, underwriter.headers)
    assert refused.status_code == 403, refused.text
    assert "knockout" in refused.json()["detail"]
    assert change(before, review_counts(world.engine)) == {}

    returned = world.client.post(
        f"/v1/staff/cases/{case['id']}/return",
        json={"note": "Accepting needs a senior: over to them."},
        headers=underwriter.headers,
    )
    assert returned.status_code == 200, returned.text
    _claim(world, case["id"], senior.headers)
    decided = _decide(world, case["id"], ACCEPTANCE | {"conditions": {"deductible_eur": 250}}, senior.headers)
    assert decided.status_code == 201, decided.text
    human = decided.json()
    assert (human["outcome"], human["basis"], human["reviewer"]) == ("accepted", "human", senior.username)

    # The case is closed and points at the person's decision.
    closed = case_row(world.engine, id=case["id"])
    assert (closed["state"], closed["outcome_decision_id"]) == ("decided", human["id"])
    assert closed["decided_at"] is not None
    assert [event["kind"] for event in events_of(world.engine, case["id"])] == [
        "opened",
        "claimed",
        "viewed",
        "returned",
        "claimed",
        "decided",
    ]

    # The person's decision record: basis human, replacing the machine's, with the review and the machine's view.
    with world.engine.connect() as connection:
        record = get_decision(connection, human["id"])
        assert record is not None
        assert (record["basis"], record["outcome"], record["replaces_id"]) == ("human", "accepted", case["decision_id"])
        assert record["advice"] == "rejected"  # the machine's view, kept as advice
        review = record["review"]
        assert review["reviewer"] == senior.username and review["reviewer_id"] == senior.id
        assert (review["role"], review["case_id"], review["case_reason"]) == (
            "senior_underwriter",
            case["id"],
            "contested",
        )
        assert review["machine_view"] == "rejected"
        assert review["conditions"] == {"deductible_eur": 250, "exclusions": []}
        assert ACCEPTANCE["rationale"] not in str(record)  # the free text sits beside the chain, not in it

        # The chain still verifies, with the person's record in it.
        report = verify_chain(connection)
        assert report.ok, report
        assert report.checked >= 2

        # A person's decision is not replayed; the machine's decision it replaced still replays as recorded.
        with pytest.raises(NotReplayable):
            replay_decision(connection=connection, runtime=runtime, decision_id=human["id"])
        served = world.api.client.app.state.services.runtime  # type: ignore[attr-defined]  # with the models
        original = replay_decision(connection=connection, runtime=served, decision_id=case["decision_id"])
        assert original.matches, original.differences
        assert original.stored_outcome == "rejected"

    # Staff see the rationale and the explanation with the decision.
    detail = world.client.get(f"/v1/staff/decisions/{human['id']}", headers=world.headers(Role.AUDITOR))
    assert detail.status_code == 200, detail.text
    shown = detail.json()["review"]
    assert shown["rationale"] == ACCEPTANCE["rationale"]
    assert shown["applicant_explanation"] == ACCEPTANCE["applicant_explanation"]
    assert shown["reviewer"] == senior.username

    # The applicant sees the person's decision, with their explanation.
    mine = world.api.applicant(decision["decision_id"], decision["applicant_token"]).json()
    assert (mine["decision_id"], mine["basis"], mine["status"]) == (human["id"], "human", "decided")
    assert ACCEPTANCE["applicant_explanation"] in mine["reasons"][0]["text"]


def test_every_view_of_a_case_and_of_a_decision_is_in_the_access_log(world: World) -> None:
    case = world.new_case(Route.UNDERWRITING)
    auditor, underwriter = world.staff[Role.AUDITOR], world.staff[UW]
    assert world.client.get(f"/v1/staff/cases/{case['id']}", headers=auditor.headers).status_code == 200
    assert world.client.get(f"/v1/staff/cases/{case['id']}", headers=underwriter.headers).status_code == 200
    assert world.client.get(f"/v1/staff/decisions/{case['decision_id']}", headers=auditor.headers).status_code == 200
    # Lists and searches show no personal data and are not logged; a missing decision is not logged either.
    assert world.client.get("/v1/staff/cases", headers=auditor.headers).status_code == 200
    assert (
        world.client.get(
            "/v1/staff/decisions/00000000-0000-4000-8000-000000000000", headers=auditor.headers
        ).status_code
        == 404
    )
    with world.engine.connect() as connection:
        rows = connection.execute(
            select(ACCESS.c.staff_id, ACCESS.c.action, ACCESS.c.case_id, ACCESS.c.decision_id, ACCESS.c.application_id)
            .where(ACCESS.c.application_id == case["application_id"])
            .order_by(ACCESS.c.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        (auditor.id, "view_case", case["id"], case["decision_id"], case["application_id"]),
        (underwriter.id, "view_case", case["id"], case["decision_id"], case["application_id"]),
        (auditor.id, "view_decision", None, case["decision_id"], case["application_id"]),
    ]


def test_returning_a_case_puts_it_back_with_the_note_and_counts_the_time_held(world: World) -> None:
    case = world.claimed_case(Route.UNDERWRITING)
    set_case(world.engine, case["id"], claimed_at=datetime.now(UTC) - timedelta(seconds=90))

    answer = world.client.post(
        f"/v1/staff/cases/{case['id']}/return",
        json={"note": "Waiting for the broker's letter."},
        headers=world.headers(UW),
    )

    assert answer.status_code == 200, answer.text
    assert (answer.json()["state"], answer.json()["claimed_by"]) == ("open", None)
    returned = case_row(world.engine, id=case["id"])
    assert (returned["state"], returned["claimed_by"], returned["claimed_at"]) == ("open", None, None)
    assert 90 <= returned["handling_seconds"] < 150
    last = events_of(world.engine, case["id"])[-1]
    assert (last["kind"], last["actor"], last["data"]) == (
        "returned",
        world.staff[UW].username,
        {"note": "Waiting for the broker's letter."},
    )

    # Held again and decided: the time adds up over both claims.
    _claim(world, case["id"], world.other_underwriter.headers)
    set_case(world.engine, case["id"], claimed_at=datetime.now(UTC) - timedelta(seconds=30))
    assert _decide(world, case["id"], REJECTION, world.other_underwriter.headers).status_code == 201
    decided = case_row(world.engine, id=case["id"])
    assert returned["handling_seconds"] + 30 <= decided["handling_seconds"] < returned["handling_seconds"] + 90


def test_a_decided_case_cannot_be_claimed_returned_or_decided_again(world: World) -> None:
    case = world.claimed_case(Route.UNDERWRITING)
    assert _decide(world, case["id"], REJECTION, world.headers(UW)).status_code == 201
    before = review_counts(world.engine)
    headers = world.headers(UW)
    assert world.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=headers).status_code == 409
    assert (
        world.client.post(f"/v1/staff/cases/{case['id']}/return", json={"note": "x"}, headers=headers).status_code
        == 409
    )
    assert _decide(world, case["id"], ACCEPTANCE, headers).status_code == 409
    assert change(before, review_counts(world.engine)) == {}


CONTESTED_ROUTES = [
    pytest.param(Route.UNDERWRITING, None, id="underwriting"),
    pytest.param(Route.SENIOR_UNDERWRITING, None, id="senior-cover-above-authority"),
    pytest.param(Route.SENIOR_UNDERWRITING, SECTOR_APPLICATION, id="senior-sector-outside-authority"),
    pytest.param(Route.COMPLIANCE, None, id="compliance-sanctions"),
    pytest.param(Route.FRAUD, None, id="fraud"),
]


def _contested_persons_decision(
    world: World, route: Route, application: tuple[Any, str] | None
) -> tuple[Any, dict[str, Any]]:
    """The holder on ``route`` rejects a referral; the applicant contests that person's decision: (the member who
    decided, the new case)."""
    decision, case = world.new_referral(route, application)
    holder = world.staff[HOLDER_OF[route]]
    _claim(world, case["id"], holder.headers)
    assert _decide(world, case["id"], REJECTION, holder.headers).status_code == 201

    answer = world.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "Ik ben niet de persoon die u bedoelt; hier is mijn paspoort."},
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert answer.status_code == 202, answer.text
    contested = case_row(world.engine, id=answer.json()["case_id"])
    assert contested["reason"] == "contested"
    return holder, contested


@pytest.mark.parametrize(("route", "application"), CONTESTED_ROUTES)
def test_contesting_a_persons_decision_keeps_the_case_on_its_route(
    world: World, route: Route, application: tuple[Any, str] | None
) -> None:
    """The holder on the route rejects; the applicant contests that decision. The new case must stay with the role
    the route needs: otherwise an ordinary underwriter could accept a potential sanctions match that compliance
    rejected, a fraud suspect the fraud team rejected, or a sector outside the insurers' delegated authority. (An
    underwriter other than the one who decided tries: the one who decided may not review their own decision.)"""
    _, contested = _contested_persons_decision(world, route, application)

    assert contested["route"] == route.value
    claim = world.client.post(f"/v1/staff/cases/{contested['id']}/claim", headers=world.other_underwriter.headers)
    assert claim.status_code == (200 if route is Route.UNDERWRITING else 403), claim.text
    if route is Route.UNDERWRITING:
        assert case_row(world.engine, id=contested["id"])["claimed_by"] == world.other_underwriter.id
    else:
        assert "routed to" in claim.json()["detail"]


FOUR_EYES = "you took the decision this case contests: another person must review it"


@pytest.mark.parametrize(("route", "application"), CONTESTED_ROUTES)
def test_the_person_whose_decision_is_contested_may_not_review_it(
    world: World, route: Route, application: tuple[Any, str] | None
) -> None:
    """Four eyes: a contested decision of a person is taken again by another person, on every route."""
    decider, contested = _contested_persons_decision(world, route, application)

    seen = world.client.get(f"/v1/staff/cases/{contested['id']}", headers=decider.headers)
    assert seen.status_code == 200, seen.text
    permissions = seen.json()["permissions"]
    assert permissions["claim"] is False, permissions
    assert permissions["decide"] is False and permissions["forward"] is False
    assert permissions["why_not"] == FOUR_EYES
    before = review_counts(world.engine)
    refused = world.client.post(f"/v1/staff/cases/{contested['id']}/claim", headers=decider.headers)
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == FOUR_EYES
    assert change(before, review_counts(world.engine)) == {}
    assert case_row(world.engine, id=contested["id"])["state"] == "open"


def test_another_underwriter_takes_the_contested_decision_again(world: World) -> None:
    """The case the first underwriter may not review: the second sees it as claimable, claims and decides it."""
    decider, contested = _contested_persons_decision(world, Route.UNDERWRITING, None)
    assert decider.id == world.staff[UW].id
    other = world.other_underwriter

    seen = world.client.get(f"/v1/staff/cases/{contested['id']}", headers=other.headers).json()
    assert (seen["permissions"]["claim"], seen["permissions"]["why_not"]) == (True, None)
    _claim(world, contested["id"], other.headers)
    decided = _decide(world, contested["id"], ACCEPTANCE, other.headers)
    assert decided.status_code == 201, decided.text
    assert (decided.json()["reviewer"], decided.json()["replaces_id"]) == (other.username, contested["decision_id"])


def _samples(api: Api, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples of one metric, by their labels."""
    answer = api.client.get("/metrics")
    assert answer.status_code == 200
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
        if sample.name == name
    }


def test_a_persons_decision_is_counted_apart_from_the_machines(api: Api) -> None:
    decision = submitted(api, example("avp-referred-prior-cancellation"))
    case_id = case_row(engine_of(api), decision_id=decision["decision_id"])["id"]
    underwriter = new_member(api, UW)
    referred = {(("outcome", "referred"), ("product", "AVP")): 1.0}
    assert _samples(api, "underwrite_decisions_total") == referred
    assert _samples(api, "underwrite_human_decisions_total") == {}

    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=underwriter.headers).status_code == 200
    decided = api.client.post(f"/v1/staff/cases/{case_id}/decision", json=ACCEPTANCE, headers=underwriter.headers)
    assert decided.status_code == 201, decided.text

    exposed = api.client.get("/metrics").text
    assert 'underwrite_human_decisions_total{outcome="accepted",product="AVP"} 1.0' in exposed
    assert _samples(api, "underwrite_human_decisions_total") == {(("outcome", "accepted"), ("product", "AVP")): 1.0}
    assert _samples(api, "underwrite_decisions_total") == referred  # the machine's count is the machine's only
