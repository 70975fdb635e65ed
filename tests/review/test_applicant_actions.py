"""What an applicant can do with their decision's token: see it, ask for a person to take it again (with their
statement and corrections), object to automated decision-making; and what a wrong token gets (nothing, slowly)."""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from typing import Any

import pytest
from sqlalchemy import Engine, select

from engine.registers.identifiers import fold
from engine.review.applicant import MAX_CASE_STATEMENTS, SEPARATOR
from engine.review.due import DUTCH_TIME, add_one_month, add_working_days
from engine.review.intake import identity_keys
from engine.review.roles import Role
from tests.api.support import example
from tests.conftest import Api
from tests.factories import application
from tests.review.support import (
    OBJECTIONS,
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


def test_failures_count_per_decision_so_one_guessed_decision_does_not_lock_out_the_others(world: World) -> None:
    """Applicants behind one address (a NAT, a proxy) are not locked out by a guesser at another decision: the
    failures count per address and decision."""
    guessed, other = world.submit(example("avp-accepted")), world.submit(example("avp-accepted"))
    for attempt in range(9):  # nine wrong guesses on the other decision: below the limit, and counted apart
        assert world.api.applicant(other["decision_id"], f"other-{attempt}").status_code == 404
    for attempt in range(10):
        assert world.api.applicant(guessed["decision_id"], f"guess-{attempt}").status_code == 404

    refused = world.api.applicant(guessed["decision_id"], guessed["applicant_token"])
    assert refused.status_code == 429, refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 300
    assert _review_request(world.api, guessed, {"statement": STATEMENT}).status_code == 429

    mine = world.api.applicant(other["decision_id"], other["applicant_token"])
    assert mine.status_code == 200, mine.text
    asked = _review_request(world.api, other, {"statement": STATEMENT})
    assert asked.status_code == 202, asked.text
    # the other decision's tenth failure blocks it in its turn
    assert world.api.applicant(other["decision_id"], "other-9").status_code == 404
    assert world.api.applicant(other["decision_id"], other["applicant_token"]).status_code == 429


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


# --- what a case holds from the applicant -------------------------------------------------------------------------


def test_a_case_refuses_statements_beyond_12000_characters_and_keeps_the_first(world: World) -> None:
    decision = world.submit(example("avp-accepted"))
    first, second = "a" * 4000, "b" * 4000
    third = "c" * (MAX_CASE_STATEMENTS - len(first) - len(second) - 2 * len(SEPARATOR))  # up to the limit exactly
    for statement in (first, second, third):
        answer = _review_request(world.api, decision, {"statement": statement})
        assert answer.status_code == 202, answer.text
    case_id = answer.json()["case_id"]
    full = case_row(world.engine, id=case_id)["statement"]
    assert full == SEPARATOR.join((first, second, third)) and len(full) == 12_000
    before = review_counts(world.engine)

    refused = _review_request(world.api, decision, {"statement": "d"})

    assert refused.status_code == 409, refused.text
    assert "holds as much as it can take" in refused.json()["detail"]
    assert change(before, review_counts(world.engine)) == {}
    assert case_row(world.engine, id=case_id)["statement"] == full  # nothing dropped, nothing added
    # refused for being full, not for a wrong token: the applicant still sees their decision
    assert world.api.applicant(decision["decision_id"], decision["applicant_token"]).status_code == 200


def test_statements_that_together_exceed_the_limit_are_refused_whole(world: World) -> None:
    decision = world.submit(example("avp-accepted"))
    for statement in ("a" * 4000, "b" * 4000):
        assert _review_request(world.api, decision, {"statement": statement}).status_code == 202
    case_id = case_row(world.engine, decision_id=decision["decision_id"])["id"]
    stored = case_row(world.engine, id=case_id)["statement"]
    before = review_counts(world.engine)

    refused = _review_request(world.api, decision, {"statement": "c" * 4000})  # 12,018 with the separators

    assert refused.status_code == 409, refused.text
    assert change(before, review_counts(world.engine)) == {}
    assert case_row(world.engine, id=case_id)["statement"] == stored
    assert stored.startswith("a" * 4000)


def test_a_case_refuses_corrections_beyond_fifty(world: World) -> None:
    decision = world.submit(example("avp-accepted"))
    corrections = [{"field": "applicant.address.postcode", "value": f"3511 A{n % 10}"} for n in range(20)]
    for _ in range(2):
        answer = _review_request(world.api, decision, {"statement": STATEMENT, "corrections": corrections})
        assert answer.status_code == 202, answer.text
    case_id = answer.json()["case_id"]
    before = review_counts(world.engine)

    refused = _review_request(world.api, decision, {"statement": "Nog meer.", "corrections": corrections})

    assert refused.status_code == 409, refused.text
    assert change(before, review_counts(world.engine)) == {}
    case = case_row(world.engine, id=case_id)
    assert case["corrections"] == corrections * 2
    assert "Nog meer." not in case["statement"]


def test_an_objection_to_a_full_case_is_refused_and_files_nothing(api: Api) -> None:
    decision = submitted(api, example("avp-accepted"))
    for statement in ("a" * 4000, "b" * 4000, "c" * 3982):
        assert _review_request(api, decision, {"statement": statement}).status_code == 202
    before = review_counts(_engine(api))

    refused = _objection(api, decision, "Ik wil geen geautomatiseerde besluiten.")

    assert refused.status_code == 409, refused.text
    assert change(before, review_counts(_engine(api))) == {}, "a refused objection filed something"
    # an objection without a statement adds nothing to the case, and is filed
    assert _objection(api, decision).status_code == 202
    assert review_counts(_engine(api))["objections"] == 2


# --- objections under the applicant's identity ---------------------------------------------------------------------


def _objection_keys(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(select(OBJECTIONS.c.identity_key)).scalars())


def test_objecting_twice_files_the_objection_once_per_identity_key(api: Api) -> None:
    decision = submitted(api, example("avp-accepted"))
    first = _objection(api, decision, "Ik wil dat een mens beslist.")
    assert first.status_code == 202, first.text
    keys = _objection_keys(_engine(api))
    assert len(keys) == 2 and len(set(keys)) == 2

    again = _objection(api, decision, "Nogmaals: een mens, alstublieft.")

    assert again.status_code == 202, again.text
    assert (again.json()["case_id"], again.json()["opened"]) == (first.json()["case_id"], False)
    assert _objection_keys(_engine(api)) == keys
    # a later application of the same person objected to as well: still the same two rows
    later = submitted(api, example("avp-accepted"))
    assert [reason["code"] for reason in later["reasons"]] == ["OBJECTED_EARLIER"]
    assert _objection(api, later).status_code == 202
    assert _objection_keys(_engine(api)) == keys


def test_objection_keys_depend_on_the_server_secret(api: Api) -> None:
    """Not a plain SHA-256 of name and date of birth (which anyone could compute by trying names and birth dates):
    an HMAC under the server's secret."""
    body = example("avp-accepted")
    decision = submitted(api, body)
    assert _objection(api, decision).status_code == 202
    stored = _objection_keys(_engine(api))
    person = application(body)
    secret = api.client.app.state.services.settings.secret_key.get_secret_value().encode()

    assert stored == sorted(identity_keys(person, secret=secret))
    under_a, under_b = identity_keys(person, secret=b"a"), identity_keys(person, secret=b"b")
    assert len(under_a) == len(under_b) == 2
    assert not set(under_a) & set(under_b)
    applicant = person.applicant
    born = applicant.date_of_birth.isoformat()
    name = fold(f"{applicant.given_names}{applicant.family_name_prefix or ''}{applicant.family_name}")
    plain = {
        hashlib.sha256(text.encode()).hexdigest()
        for text in (
            f"name:{name}|{born}",
            f"email:{applicant.email.strip().lower()}|{born}",
            f"objection-identity:name:{name}|{born}",
            f"objection-identity:email:{applicant.email.strip().lower()}|{born}",
        )
    }
    assert not plain & set(stored), "an objection key is a plain hash of who the applicant is"
