"""What an applicant can do with their decision's token: see it, ask for a person to take it again (with their
statement and corrections), object to automated decision-making; and what a wrong token gets (nothing, slowly)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest
from sqlalchemy import Engine

from engine.review.due import DUTCH_TIME, add_one_month, add_working_days
from engine.review.roles import Role
from tests.api.support import example
from tests.conftest import Api
from tests.review.support import (
    World,
    case_row,
    case_rows,
    change,
    engine_of,
    events_of,
    new_member,
    review_counts,
    submitted,
)

STATEMENT = "Ik heb de schade van 2024 zelf betaald; die had niet meegeteld moeten worden."


def _review_request(api: Api, decision: dict[str, Any], body: dict[str, Any], token: str | None = None) -> Any:
    return api.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/review-requests",
        json=body,
        headers={"X-Applicant-Token": token if token is not None else decision["applicant_token"]},
    )


def _objection(api: Api, decision: dict[str, Any], statement: str | None = None, token: str | None = None) -> Any:
    return api.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/objection",
        json={} if statement is None else {"statement": statement},
        headers={"X-Applicant-Token": token if token is not None else decision["applicant_token"]},
    )


def _engine(api: Api) -> Engine:
    return engine_of(api)


def _assert_due_within_five_working_days(opened_at: datetime, due_by: datetime) -> None:
    opened = opened_at.astimezone(DUTCH_TIME)
    due = due_by.astimezone(DUTCH_TIME)
    one_month = datetime.combine(add_one_month(opened.date()), opened.timetz())
    assert opened < due <= one_month
    if due < one_month:
        assert due.time() == time(17, 0)
        assert due.date() == add_working_days(opened.date(), 5)


# --- a wrong token ------------------------------------------------------------------------------------------------


def test_a_wrong_token_another_decisions_token_and_a_missing_decision_answer_alike(api: Api) -> None:
    mine = submitted(api, example("avp-accepted"))
    theirs = submitted(api, example("avb-accepted"))
    before = review_counts(_engine(api))
    answers = {
        "wrong token": api.applicant(mine["decision_id"], "not-the-token"),
        "another decision's token": api.applicant(mine["decision_id"], theirs["applicant_token"]),
        "missing decision": api.applicant("00000000-0000-4000-8000-000000000000", mine["applicant_token"]),
        "review request, wrong token": _review_request(api, mine, {"statement": STATEMENT}, token="nope"),
        "objection, another decision's token": _objection(api, mine, token=theirs["applicant_token"]),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 404)
    bodies = {answer.text for answer in answers.values()}
    assert len(bodies) == 1, bodies
    assert answers["wrong token"].json() == {"detail": "not found"}
    assert change(before, review_counts(_engine(api))) == {}
    assert api.applicant(mine["decision_id"], mine["applicant_token"]).status_code == 200


def test_after_ten_failures_even_the_right_token_is_refused_for_a_while(api: Api) -> None:
    decision = submitted(api, example("avp-accepted"))
    for attempt in range(10):  # GETs and POSTs count together
        if attempt % 2:
            answer = api.applicant(decision["decision_id"], f"guess-{attempt}")
        else:
            answer = _review_request(api, decision, {"statement": STATEMENT}, token=f"guess-{attempt}")
        assert answer.status_code == 404, (attempt, answer.text)
    before = review_counts(_engine(api))

    refused = api.applicant(decision["decision_id"], decision["applicant_token"])
    assert refused.status_code == 429, refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 300
    posted = _review_request(api, decision, {"statement": STATEMENT})
    assert posted.status_code == 429
    assert "Retry-After" in posted.headers
    assert change(before, review_counts(_engine(api))) == {}, "a refused request changed something"


# --- asking for a person ------------------------------------------------------------------------------------------


def test_a_review_request_opens_a_contested_case_and_a_second_one_joins_it(world: World) -> None:
    decision = world.submit(example("avp-accepted"))
    assert (decision["outcome"], decision["basis"]) == ("accepted", "automated")
    corrections = [{"field": "disclosure.claims_last_5_years", "value": "De schade van 2024 was maar 300 euro."}]

    first = _review_request(world.api, decision, {"statement": STATEMENT, "corrections": corrections})

    assert first.status_code == 202, first.text
    receipt = first.json()
    assert (receipt["reason"], receipt["state"], receipt["opened"]) == ("contested", "open", True)
    case = case_row(world.engine, id=receipt["case_id"])
    assert (case["reason"], case["state"], case["decision_id"]) == ("contested", "open", decision["decision_id"])
    assert (case["machine_view"], case["route"]) == ("accepted", "underwriting")
    assert case["statement"] == STATEMENT
    assert case["corrections"] == corrections
    assert datetime.fromisoformat(receipt["due_by"]) == case["due_at"]
    _assert_due_within_five_working_days(case["opened_at"], case["due_at"])
    assert case["due_at"].astimezone(DUTCH_TIME).strftime("%d-%m-%Y %H:%M") in receipt["message"]

    mine = world.api.applicant(decision["decision_id"], decision["applicant_token"]).json()
    assert mine["status"] == "in_review"
    assert mine["review"]["case_id"] == case["id"] and mine["review"]["reason"] == "contested"
    assert datetime.fromisoformat(mine["review"]["due_by"]) == case["due_at"]
    assert (mine["outcome"], mine["basis"]) == ("accepted", "automated")  # the decision stands until a person decides

    more = "Bijgevoegd: de factuur van de reparatie."
    extra = [{"field": "applicant.address.postcode", "value": "3511 AX"}]
    second = _review_request(world.api, decision, {"statement": more, "corrections": extra})

    assert second.status_code == 202, second.text
    assert (second.json()["case_id"], second.json()["opened"]) == (case["id"], False)
    assert len(case_rows(world.engine, application_id=decision["application_id"])) == 1
    joined = case_row(world.engine, id=case["id"])
    assert joined["statement"].startswith(STATEMENT) and joined["statement"].endswith(more)
    assert joined["corrections"] == corrections + extra
    assert [event["kind"] for event in events_of(world.engine, case["id"])] == ["opened", "statement_added"]
    listed = world.client.get("/v1/staff/cases", headers=world.headers(Role.UNDERWRITER), params={"limit": 500})
    [item] = [item for item in listed.json()["items"] if item["id"] == case["id"]]
    assert item["has_statement"] is True and item["reason"] == "contested"


@pytest.mark.parametrize(
    ("corrections", "loc"),
    [
        pytest.param([{"field": "applicant.shoe_size", "value": "43"}], ["body", "corrections", 0, "field"], id="0"),
        pytest.param(
            [
                {"field": "applicant.address.postcode", "value": "3511 AX"},
                {"field": "cover.colour", "value": "blauw"},
            ],
            ["body", "corrections", 1, "field"],
            id="1",
        ),
        pytest.param([{"field": "Applicant Name", "value": "x"}], ["body", "corrections", 0, "field"], id="pattern"),
    ],
)
def test_a_correction_of_an_unknown_field_is_422_and_changes_nothing(
    world: World, corrections: list[dict[str, str]], loc: list[Any]
) -> None:
    decision = world.submit(example("avp-accepted"))
    before = review_counts(world.engine)
    answer = _review_request(world.api, decision, {"statement": STATEMENT, "corrections": corrections})
    assert answer.status_code == 422, answer.text
    assert [problem["loc"] for problem in answer.json()["detail"]] == [loc]
    assert change(before, review_counts(world.engine)) == {}


@pytest.mark.parametrize(
    ("statement", "status"),
    [("x" * 4001, 422), ("x" * 4000, 202), ("   ", 422), ("", 422)],
    ids=["4001", "4000", "blank", "empty"],
)
def test_the_statement_is_required_and_at_most_4000_characters(world: World, statement: str, status: int) -> None:
    decision = world.submit(example("avp-accepted"))
    before = review_counts(world.engine)
    answer = _review_request(world.api, decision, {"statement": statement})
    assert answer.status_code == status, answer.text
    if status == 422:
        assert [problem["loc"] for problem in answer.json()["detail"]] == [["body", "statement"]]
        assert change(before, review_counts(world.engine)) == {}
    else:
        assert case_row(world.engine, id=answer.json()["case_id"])["statement"] == statement


def test_a_review_request_on_a_referral_joins_its_case(world: World) -> None:
    decision = world.submit(example("avp-referred-prior-cancellation"))
    case = case_row(world.engine, decision_id=decision["decision_id"])
    answer = _review_request(world.api, decision, {"statement": STATEMENT})
    assert answer.status_code == 202, answer.text
    assert (answer.json()["case_id"], answer.json()["opened"], answer.json()["reason"]) == (
        case["id"],
        False,
        "referred",
    )
    assert case_row(world.engine, id=case["id"])["statement"] == STATEMENT


# --- objecting to automated decisions -----------------------------------------------------------------------------


def test_an_objection_to_an_automated_acceptance_opens_an_objected_case(api: Api) -> None:
    decision = submitted(api, example("avp-accepted"))
    answer = _objection(api, decision, "Ik wil dat een mens naar mijn aanvraag kijkt.")
    assert answer.status_code == 202, answer.text
    receipt = answer.json()
    assert (receipt["reason"], receipt["opened"], receipt["standing_objection"]) == ("objected", True, True)
    case = case_row(_engine(api), id=receipt["case_id"])
    assert (case["reason"], case["state"], case["machine_view"]) == ("objected", "open", "accepted")
    assert case["statement"] == "Ik wil dat een mens naar mijn aanvraag kijkt."
    _assert_due_within_five_working_days(case["opened_at"], case["due_at"])
    assert review_counts(_engine(api))["objections"] == 2  # filed under name and birth date, and e-mail and birth date
    mine = api.applicant(decision["decision_id"], decision["applicant_token"]).json()
    assert mine["status"] == "in_review" and mine["review"]["reason"] == "objected"


def test_an_objection_holds_for_a_later_application_from_another_email_address(api: Api) -> None:
    first = submitted(api, example("avp-accepted"))
    assert _objection(api, first).status_code == 202
    body = example("avp-accepted")
    body["applicant"]["email"] = "s.de.vries@elders.example.nl"
    body["applicant"]["phone"] = "06 87654321"

    later = submitted(api, body)

    assert (later["outcome"], later["basis"]) == ("referred", "automated")
    assert [reason["code"] for reason in later["reasons"]] == ["OBJECTED_EARLIER"]
    seen = api.applicant(later["decision_id"], later["applicant_token"]).json()
    assert [reason["code"] for reason in seen["reasons"]] == ["OBJECTED_EARLIER"]
    assert seen["status"] == "in_review" and seen["review"]["reason"] == "objected"
    case = case_row(_engine(api), decision_id=later["decision_id"])
    assert (case["reason"], case["state"], case["machine_view"]) == ("objected", "open", "accepted")
    auditor = new_member(api, Role.AUDITOR)
    queue = api.client.get("/v1/staff/cases", headers=auditor.headers, params={"reason": "objected"}).json()
    assert {item["decision_id"] for item in queue["items"]} == {first["decision_id"], later["decision_id"]}


def test_an_objection_on_a_referral_joins_the_open_case(api: Api) -> None:
    decision = submitted(api, example("avp-referred-prior-cancellation"))
    case = case_row(_engine(api), decision_id=decision["decision_id"])
    answer = _objection(api, decision, "Geen computer, alstublieft.")
    assert answer.status_code == 202, answer.text
    assert (answer.json()["case_id"], answer.json()["opened"]) == (case["id"], False)
    assert len(case_rows(_engine(api), application_id=decision["application_id"])) == 1
    joined = case_row(_engine(api), id=case["id"])
    assert joined["statement"] == "Geen computer, alstublieft."
    assert events_of(_engine(api), case["id"])[-1]["kind"] == "objection"
    assert review_counts(_engine(api))["objections"] == 2
