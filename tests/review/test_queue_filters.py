"""The review queue's filters and pages, on a queue seeded once per backend with one case of each kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.review.due import DUTCH_TIME
from engine.review.roles import Role, Route
from tests.api.support import assert_no_internals, example
from tests.review.support import REJECTION, World, case_row, set_case

# label: the example submitted, or the route a planted person's application lands on
SEED: dict[str, str | Route] = {
    "mine": "avp-referred-prior-cancellation",  # claimed by the underwriter
    "overdue": "avp-referred-credit-arrears",  # due an hour ago
    "senior": "avb-referred-above-authority",  # due later today
    "sanctions": Route.COMPLIANCE,  # due in three days
    "fraud": Route.FRAUD,
    "contested_accept": "avp-accepted",  # the applicant contests the automated acceptance
    "contested_reject": "avp-rejected-claims",  # ... and the automated rejection
    "decided": "avp-referred-prior-cancellation",  # decided by the underwriter
}
CONTESTED = {"contested_accept", "contested_reject"}
ACTIVE = {"mine", "overdue", "senior", "sanctions", "fraud", "contested_accept", "contested_reject"}


@pytest.fixture(scope="module")
def queue(world: World) -> dict[str, str]:
    """The seeded queue: case id by label."""
    ids: dict[str, str] = {}
    for label, source in SEED.items():
        if isinstance(source, Route):
            ids[label] = world.new_case(source)["id"]
            continue
        decision = world.submit(example(source))
        if label in CONTESTED:
            answer = world.client.post(
                f"/v1/applicant/decisions/{decision['decision_id']}/review-requests",
                json={"statement": "Graag opnieuw bekijken."},
                headers={"X-Applicant-Token": decision["applicant_token"]},
            )
            assert answer.status_code == 202, answer.text
            ids[label] = answer.json()["case_id"]
        else:
            ids[label] = case_row(world.engine, decision_id=decision["decision_id"])["id"]
    underwriter = world.headers(Role.UNDERWRITER)
    for label in ("mine", "decided"):
        assert world.client.post(f"/v1/staff/cases/{ids[label]}/claim", headers=underwriter).status_code == 200
    decided = world.client.post(f"/v1/staff/cases/{ids['decided']}/decision", json=REJECTION, headers=underwriter)
    assert decided.status_code == 201, decided.text
    now = datetime.now(UTC)
    end_of_today = datetime.combine(
        now.astimezone(DUTCH_TIME).date() + timedelta(days=1), datetime.min.time(), DUTCH_TIME
    )
    set_case(world.engine, ids["overdue"], due_at=now - timedelta(hours=1))
    set_case(world.engine, ids["senior"], due_at=max(now + timedelta(seconds=5), end_of_today - timedelta(minutes=1)))
    set_case(world.engine, ids["sanctions"], due_at=end_of_today + timedelta(days=3))
    return ids


def _labels(queue: dict[str, str], items: list[dict[str, Any]]) -> list[str]:
    by_id = {case_id: label for label, case_id in queue.items()}
    return [by_id.get(item["id"], f"unknown case {item['id']}") for item in items]


FILTERS = [
    ({}, ACTIVE),
    ({"state": "active"}, ACTIVE),
    ({"state": "open"}, ACTIVE - {"mine"}),
    ({"state": "claimed"}, {"mine"}),
    ({"state": "decided"}, {"decided"}),
    ({"product": "AVB"}, {"senior"}),
    ({"product": "AVP"}, ACTIVE - {"senior"}),
    ({"reason": "contested"}, {"contested_accept", "contested_reject"}),
    ({"reason": "referred"}, {"mine", "overdue", "senior", "sanctions", "fraud"}),
    ({"reason": "objected"}, set()),
    ({"route": "underwriting"}, {"mine", "overdue", "contested_accept", "contested_reject"}),
    ({"route": "senior_underwriting"}, {"senior"}),
    ({"route": "compliance"}, {"sanctions"}),
    ({"route": "fraud"}, {"fraud"}),
    ({"code": "CREDIT_ARREARS"}, {"overdue"}),
    ({"code": "CLAIMS_FREQUENCY_HIGH"}, {"contested_reject"}),
    ({"code": "SANCTIONS_POTENTIAL_MATCH"}, {"sanctions"}),
    ({"code": "AUTHORITY_LIMIT_EXCEEDED"}, {"senior"}),
    ({"code": "CREDIT"}, set()),  # a whole code, not a prefix
    ({"code": "PREVIOUSLY_REFUSED_OR_CANCELLED", "state": "decided"}, {"decided"}),
    ({"due": "overdue"}, {"overdue"}),
    ({"due": "today"}, {"overdue", "senior"}),
    ({"due": "week"}, {"overdue", "senior", "sanctions"}),
    ({"mine": "true"}, {"mine"}),
    ({"mine": "false"}, ACTIVE),
    ({"mine": "true", "state": "decided"}, {"decided"}),
    ({"product": "AVP", "reason": "referred", "route": "underwriting"}, {"mine", "overdue"}),
    ({"route": "underwriting", "due": "overdue", "mine": "true"}, set()),
]


@pytest.mark.parametrize(
    ("params", "expected"), FILTERS, ids=["&".join(f"{k}={v}" for k, v in p.items()) or "none" for p, _ in FILTERS]
)
def test_filter(world: World, queue: dict[str, str], params: dict[str, str], expected: set[str]) -> None:
    answer = world.client.get("/v1/staff/cases", params=params, headers=world.headers(Role.UNDERWRITER))
    assert answer.status_code == 200, answer.text
    page = answer.json()
    labels = _labels(queue, page["items"])
    assert sorted(labels) == sorted(expected)
    assert page["total"] == len(expected)
    assert page["overdue"] == len(expected & {"overdue"})
    assert [item["overdue"] for item in page["items"]] == [label == "overdue" for label in labels]


def test_mine_is_the_callers_own(world: World, queue: dict[str, str]) -> None:
    for member in (world.other_underwriter, world.staff[Role.SENIOR_UNDERWRITER], world.staff[Role.AUDITOR]):
        page = world.client.get("/v1/staff/cases", params={"mine": "true"}, headers=member.headers).json()
        assert (page["total"], page["items"]) == (0, [])


def test_the_queue_is_soonest_due_first_in_pages(world: World, queue: dict[str, str]) -> None:
    headers = world.headers(Role.AUDITOR)
    seen: list[str] = []
    for offset in (0, 3, 6, 9):
        page = world.client.get("/v1/staff/cases", params={"limit": 3, "offset": offset}, headers=headers).json()
        assert page["total"] == len(ACTIVE) and page["overdue"] == 1
        assert len(page["items"]) == max(0, min(3, len(ACTIVE) - offset))
        seen += _labels(queue, page["items"])
    assert sorted(seen) == sorted(ACTIVE)  # every case once, none twice
    assert seen[:3] == ["overdue", "senior", "sanctions"]
    whole = world.client.get("/v1/staff/cases", headers=headers).json()["items"]
    assert _labels(queue, whole) == seen
    assert [item["due_at"] for item in whole] == sorted(item["due_at"] for item in whole)


@pytest.mark.parametrize(
    "params",
    [
        {"state": "everything"},
        {"product": "WA"},
        {"reason": "bored"},
        {"route": "nowhere"},
        {"code": "credit_arrears"},
        {"code": "X" * 65},
        {"due": "tomorrow"},
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
    ],
    ids=lambda p: "&".join(f"{k}={str(v)[:12]}" for k, v in p.items()),
)
def test_an_unknown_filter_value_is_422(world: World, queue: dict[str, str], params: dict[str, Any]) -> None:
    answer = world.client.get("/v1/staff/cases", params=params, headers=world.headers(Role.UNDERWRITER))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["query", next(iter(params))]


BEYOND_INT64 = "9223372036854775808"  # 2**63: no database takes it as an OFFSET
BAD_QUERIES = [
    ("/v1/staff/cases", {"offset": BEYOND_INT64}),
    ("/v1/staff/cases", {"offset": "10000001"}),
    ("/v1/staff/cases", {"offset": "1" + "0" * 40}),
    ("/v1/staff/cases", {"limit": BEYOND_INT64}),
    ("/v1/staff/decisions", {"offset": BEYOND_INT64}),
    ("/v1/staff/decisions", {"offset": "10000001"}),
    ("/v1/staff/decisions", {"limit": BEYOND_INT64}),
    ("/v1/staff/decisions", {"date_to": "9999-12-31"}),  # the day after it is beyond what a date holds
    ("/v1/staff/decisions", {"date_from": "9999-12-31"}),
    ("/v1/staff/decisions", {"date_from": "0001-01-01"}),
    ("/v1/staff/decisions", {"date_to": "0001-01-01"}),
    ("/v1/staff/decisions", {"date_to": "2024-02-30"}),
    ("/v1/staff/overview", {"days": BEYOND_INT64}),
    ("/v1/staff/overview", {"days": "0"}),
]


@pytest.mark.parametrize(
    ("path", "params"),
    BAD_QUERIES,
    ids=[f"{path.rsplit('/', 1)[1]}-{k}={v[:12]}" for path, p in BAD_QUERIES for k, v in p.items()],
)
def test_query_values_out_of_range_are_422_never_a_server_error(
    world: World, path: str, params: dict[str, str]
) -> None:
    answer = world.client.get(path, params=params, headers=world.headers(Role.AUDITOR))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["query", next(iter(params))]
    assert_no_internals(answer)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/staff/cases", {"offset": "10000000"}),
        ("/v1/staff/decisions", {"offset": "10000000"}),
        ("/v1/staff/decisions", {"date_from": "2000-01-01", "date_to": "2999-12-31"}),
    ],
    ids=["cases-offset-max", "decisions-offset-max", "decisions-widest-dates"],
)
def test_query_values_at_the_bounds_are_answered(
    world: World, queue: dict[str, str], path: str, params: dict[str, str]
) -> None:
    answer = world.client.get(path, params=params, headers=world.headers(Role.AUDITOR))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    if "offset" in params:
        assert body["items"] == []
    else:
        assert body["total"] >= 1


NUL_REQUESTS = {
    "decisions-query": ("GET", "/v1/staff/decisions?decision_id=a%00b", None),
    "case-path": ("GET", "/v1/staff/cases/a%00b", None),
    "decision-path": ("GET", "/v1/staff/decisions/a%00b", None),
    "login-username": ("POST", "/v1/staff/sessions", {"username": "a\x00b", "password": "not the password"}),
}


@pytest.mark.parametrize("name", list(NUL_REQUESTS))
def test_a_nul_character_in_staff_input_is_never_a_server_error(world: World, name: str) -> None:
    method, path, body = NUL_REQUESTS[name]
    answer = world.client.request(method, path, json=body, headers=world.headers(Role.AUDITOR))
    assert answer.status_code in (200, 401, 404, 422), answer.text
    assert_no_internals(answer)


def test_a_nul_character_in_an_applicants_statement_is_never_a_server_error(world: World) -> None:
    decision = world.submit(example("avp-accepted"))
    answer = world.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "De schade\x00 was niet van mij."},
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert answer.status_code in (202, 422), answer.text
    assert_no_internals(answer)
