"""The switch that stops automated decisions: while suspended (for a product, or for all), every new application
is referred to a person, says so in its answer, and opens a case; resumed, decisions are automated again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from engine.decision.service import DecisionRuntime, replay_decision
from engine.review.roles import Role
from tests.api.support import example
from tests.conftest import Api
from tests.review.support import case_row, engine_of, new_member, review_counts, submitted

REASON = "Model drift found in the weekly back-test; people decide until it is retrained."


def _switch(api: Api, admin: Any, action: str, product: str | None, reason: str = REASON) -> Any:
    return api.client.post(
        f"/v1/staff/automation/{action}", json={"product": product, "reason": reason}, headers=admin.headers
    )


def _engine(api: Api) -> Engine:
    return engine_of(api)


def _assert_suspended_referral(api: Api, decision: dict[str, Any], machine: str) -> None:
    assert (decision["outcome"], decision["basis"]) == ("referred", "automated")
    assert [reason["code"] for reason in decision["reasons"]] == ["AUTOMATION_SUSPENDED"]
    case = case_row(_engine(api), decision_id=decision["decision_id"])
    assert (case["reason"], case["state"]) == ("referred", "open")
    assert "AUTOMATION_SUSPENDED" in case["reason_codes"]
    assert case["machine_view"] == machine  # what the machine would have decided, as advice for the reviewer
    seen = api.applicant(decision["decision_id"], decision["applicant_token"]).json()
    assert seen["status"] == "in_review"
    assert [reason["code"] for reason in seen["reasons"]] == ["AUTOMATION_SUSPENDED"]


def test_suspending_one_product_refers_its_applications_until_resumed(api: Api, runtime: DecisionRuntime) -> None:
    admin = new_member(api, Role.ADMIN)
    suspended = _switch(api, admin, "suspend", "AVP")
    assert suspended.status_code == 200, suspended.text
    products = suspended.json()["products"]
    assert products["AVP"]["automated"] is False and products["AVB"]["automated"] is True

    shown = api.client.get("/v1/staff/automation", headers=new_member(api, Role.UNDERWRITER).headers).json()
    [suspension] = shown["suspensions"]
    assert (suspension["product"], suspension["reason"], suspension["suspended_by"]) == ("AVP", REASON, admin.username)
    assert shown["products"]["AVP"]["suspension"] == suspension and shown["products"]["AVB"]["suspension"] is None

    referred = submitted(api, example("avp-accepted"))
    _assert_suspended_referral(api, referred, machine="accepted")
    avb = submitted(api, example("avb-accepted"))
    assert (avb["outcome"], avb["basis"]) == ("accepted", "automated")

    before = review_counts(_engine(api))
    twice = _switch(api, admin, "suspend", "AVP")
    assert twice.status_code == 409, twice.text
    assert review_counts(_engine(api)) == before

    with _engine(api).connect() as connection:  # a decision made while suspended replays as recorded
        served = api.client.app.state.services.runtime  # type: ignore[attr-defined]  # with the models that scored it
        report = replay_decision(connection=connection, runtime=served, decision_id=referred["decision_id"])
    assert report.matches, report.differences
    assert report.replayed_reasons[0] == "AUTOMATION_SUSPENDED"

    resumed = _switch(api, admin, "resume", "AVP", "Retrained and back-tested; automated again.")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["products"]["AVP"]["automated"] is True and resumed.json()["suspensions"] == []
    again = submitted(api, example("avp-accepted"))
    assert (again["outcome"], again["basis"], again["reasons"]) == ("accepted", "automated", [])
    assert _switch(api, admin, "resume", "AVP").status_code == 409


def test_suspending_every_product(api: Api) -> None:
    admin = new_member(api, Role.ADMIN)
    suspended = _switch(api, admin, "suspend", None)
    assert suspended.status_code == 200, suspended.text
    assert {name: p["automated"] for name, p in suspended.json()["products"].items()} == {"AVP": False, "AVB": False}
    assert suspended.json()["products"]["AVB"]["suspension"]["product"] is None

    _assert_suspended_referral(api, submitted(api, example("avp-accepted")), machine="accepted")
    _assert_suspended_referral(api, submitted(api, example("avb-accepted")), machine="accepted")
    _assert_suspended_referral(api, submitted(api, example("avp-rejected-claims")), machine="rejected")
    assert _switch(api, admin, "suspend", None).status_code == 409

    resumed = _switch(api, admin, "resume", None)
    assert resumed.status_code == 200, resumed.text
    assert {name: p["automated"] for name, p in resumed.json()["products"].items()} == {"AVP": True, "AVB": True}
    assert submitted(api, example("avb-accepted"))["outcome"] == "accepted"


def test_a_standing_objection_comes_before_suspended_automation(api: Api) -> None:
    admin = new_member(api, Role.ADMIN)
    first = submitted(api, example("avp-accepted"))
    objected = api.client.post(
        f"/v1/applicant/decisions/{first['decision_id']}/objection",
        json={},
        headers={"X-Applicant-Token": first["applicant_token"]},
    )
    assert objected.status_code == 202, objected.text
    assert _switch(api, admin, "suspend", "AVP").status_code == 200
    later = submitted(api, example("avp-accepted"))
    assert [reason["code"] for reason in later["reasons"]] == ["OBJECTED_EARLIER"]
    assert case_row(_engine(api), decision_id=later["decision_id"])["reason"] == "objected"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"product": "AVP", "reason": "slow"}, 422),  # a reason of at least 5 characters
        ({"product": "XYZ", "reason": "Not a product at all."}, 422),
        ({"reason": "Everything, with product left out."}, 200),  # product defaults to null: every product
    ],
)
def test_the_switch_needs_a_reason_and_a_known_product(api: Api, body: dict[str, Any], status: int) -> None:
    admin = new_member(api, Role.ADMIN)
    answer = api.client.post("/v1/staff/automation/suspend", json=body, headers=admin.headers)
    assert answer.status_code == status, answer.text
    assert review_counts(_engine(api))["suspensions"] == (1 if status == 200 else 0)
