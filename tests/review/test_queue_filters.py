"""The review queue's filters and pages, on a queue seeded once per backend with one case of each kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.review.due import DUTCH_TIME
from engine.review.roles import Role, Route
from tests.api.support import example
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
