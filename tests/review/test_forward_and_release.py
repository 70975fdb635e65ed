"""Authority across roles: compliance and fraud decide their own question, but accepting cover that needs a senior
underwriter's authority (cover above the senior limit, a sector outside the delegated authority) or overturning a
knockout is not theirs: they clear their part and forward the case to (senior) underwriting. And releasing: a
senior underwriter or an admin puts a case someone else holds (absent, left) back in the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.review.roles import Role, Route
from tests.api.support import example
from tests.review.support import (
    ACCEPTANCE,
    REJECTION,
    Member,
    World,
    case_row,
    change,
    events_of,
    fraud_body,
    new_member,
    review_counts,
    sanctioned_body,
    sector_body,
    set_case,
)

UW, SR, CO, FR, AU, AD = (
    Role.UNDERWRITER,
    Role.SENIOR_UNDERWRITER,
    Role.COMPLIANCE,
    Role.FRAUD,
    Role.AUDITOR,
    Role.ADMIN,
)
PERSON: dict[Role, Callable[[], dict[str, Any]]] = {CO: sanctioned_body, FR: fraud_body}
ROUTE_OF: dict[Role, Route] = {CO: Route.COMPLIANCE, FR: Route.FRAUD}
NOTE = "Cleared: a namesake, not the listed person (passport and KvK extract checked)."


def _by_person(role: Role, base: dict[str, Any] | None) -> dict[str, Any]:
    """``base`` (an application) made by the person who sends it to ``role``'s route: the planted sanctions match
    for compliance, the planted fraud-register person for fraud; without ``base``, that person's own application."""
    person = PERSON[role]()
    if base is None:
        return person
    for key in ("given_names", "family_name_prefix", "family_name", "date_of_birth", "email", "phone", "address"):
        base["applicant"][key] = person["applicant"][key]
    return base


# What needs more than compliance or fraud to accept: (the application, needs_senior, the machine's view).
NEEDS_SENIOR: dict[str, tuple[Callable[[], dict[str, Any]], bool, str | None]] = {
    "cover-above-senior-limit": (lambda: example("avb-referred-above-authority"), True, None),
    "sector-outside-authority": (sector_body, True, None),
    "knockout": (lambda: example("avp-rejected-claims"), False, "rejected"),
}
CLEARING = [pytest.param(CO, id="compliance"), pytest.param(FR, id="fraud")]


def _case(world: World, role: Role, kind: str | None) -> dict[str, Any]:
    """A fresh open case on ``role``'s route, of ``kind`` (None: nothing beyond the sanctions or fraud question)."""
    base = None if kind is None else NEEDS_SENIOR[kind][0]()
    decision = world.submit(_by_person(role, base))
    assert decision["outcome"] == "referred", decision
    case = case_row(world.engine, decision_id=decision["decision_id"])
    assert (case["route"], case["state"]) == (ROUTE_OF[role].value, "open"), case
    if kind is not None:
        _, needs_senior, view = NEEDS_SENIOR[kind]
        assert (bool(case["needs_senior"]), case["machine_view"]) == (needs_senior, view), case
    else:
        assert (bool(case["needs_senior"]), case["machine_view"]) == (False, None), case
    return case


def _post(world: World, case_id: str, action: str, member: Member, body: dict[str, Any] | None = None) -> Any:
    return world.client.post(f"/v1/staff/cases/{case_id}/{action}", json=body, headers=member.headers)


def _claim(world: World, case_id: str, member: Member) -> None:
    answer = _post(world, case_id, "claim", member)
    assert answer.status_code == 200, answer.text


def _permissions(world: World, case_id: str, member: Member) -> dict[str, Any]:
    seen = world.client.get(f"/v1/staff/cases/{case_id}", headers=member.headers)
    assert seen.status_code == 200, seen.text
    permissions: dict[str, Any] = seen.json()["permissions"]
    return permissions


# --- what compliance and fraud may decide -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NEEDS_SENIOR))
@pytest.mark.parametrize("role", CLEARING)
def test_compliance_and_fraud_reject_but_do_not_accept_what_needs_a_senior(world: World, role: Role, kind: str) -> None:
    case = _case(world, role, kind)
    holder = world.staff[role]
    _claim(world, case["id"], holder)
    permissions = _permissions(world, case["id"], holder)
    assert (permissions["decide"], permissions["forward"], permissions["return"]) == (True, True, True)
    assert "forward" in permissions["why_not"], permissions

    before = review_counts(world.engine)
    accepted = _post(world, case["id"], "decision", holder, ACCEPTANCE)
    assert accepted.status_code == 403, accepted.text
    assert "forward" in accepted.json()["detail"]
    assert "senior underwriter" in accepted.json()["detail"]
    assert change(before, review_counts(world.engine)) == {}

    rejected = _post(world, case["id"], "decision", holder, REJECTION)
    assert rejected.status_code == 201, rejected.text
    assert (rejected.json()["outcome"], rejected.json()["reviewer"]) == ("rejected", holder.username)
    assert case_row(world.engine, id=case["id"])["state"] == "decided"


@pytest.mark.parametrize("role", CLEARING)
def test_compliance_and_fraud_accept_what_needs_no_other_authority(world: World, role: Role) -> None:
    case = _case(world, role, None)
    holder = world.staff[role]
    _claim(world, case["id"], holder)
    permissions = _permissions(world, case["id"], holder)
    assert (permissions["decide"], permissions["forward"], permissions["why_not"]) == (True, True, None)

    accepted = _post(world, case["id"], "decision", holder, ACCEPTANCE)

    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["outcome"] == "accepted"


# --- forwarding -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NEEDS_SENIOR))
@pytest.mark.parametrize("role", CLEARING)
def test_a_cleared_case_is_forwarded_to_a_senior_underwriter_who_accepts_it(
    world: World, role: Role, kind: str
) -> None:
    case = _case(world, role, kind)
    holder, senior = world.staff[role], world.staff[SR]
    _claim(world, case["id"], holder)
    before = review_counts(world.engine)

    forwarded = _post(world, case["id"], "forward", holder, {"note": NOTE})

    assert forwarded.status_code == 200, forwarded.text
    summary = forwarded.json()
    assert (summary["state"], summary["route"], summary["claimed_by"]) == ("open", "senior_underwriting", None)
    row = case_row(world.engine, id=case["id"])
    assert (row["state"], row["route"], row["claimed_by"], row["claimed_at"]) == (
        "open",
        "senior_underwriting",
        None,
        None,
    )
    assert change(before, review_counts(world.engine)) == {
        "cases:claimed": -1,
        "cases:open": 1,
        "case_versions": 1,
        "events": 1,
    }
    last = events_of(world.engine, case["id"])[-1]
    assert (last["kind"], last["actor"]) == ("forwarded", holder.username)
    assert last["data"] == {"note": NOTE, "from_route": ROUTE_OF[role].value, "to_route": "senior_underwriting"}

    # Forwarded, it is no longer the clearing role's: neither they nor an underwriter take it; a senior does.
    assert _permissions(world, case["id"], holder)["claim"] is False
    assert _post(world, case["id"], "claim", holder).status_code == 403
    assert _post(world, case["id"], "claim", world.staff[UW]).status_code == 403
    assert _permissions(world, case["id"], senior)["claim"] is True
    _claim(world, case["id"], senior)
    accepted = _post(world, case["id"], "decision", senior, ACCEPTANCE)
    assert accepted.status_code == 201, accepted.text
    human = accepted.json()
    assert (human["outcome"], human["basis"], human["reviewer"]) == ("accepted", "human", senior.username)
    assert [event["kind"] for event in events_of(world.engine, case["id"]) if event["kind"] != "viewed"] == [
        "opened",
        "claimed",
        "forwarded",
        "claimed",
        "decided",
    ]


@pytest.mark.parametrize("role", CLEARING)
def test_a_cleared_case_that_needs_no_senior_is_forwarded_to_any_underwriter(world: World, role: Role) -> None:
    case = _case(world, role, None)
    holder, underwriter = world.staff[role], world.staff[UW]
    _claim(world, case["id"], holder)

    forwarded = _post(world, case["id"], "forward", holder, {"note": NOTE})

    assert forwarded.status_code == 200, forwarded.text
    assert (forwarded.json()["state"], forwarded.json()["route"]) == ("open", "underwriting")
    assert events_of(world.engine, case["id"])[-1]["data"] == {
        "note": NOTE,
        "from_route": ROUTE_OF[role].value,
        "to_route": "underwriting",
    }
    _claim(world, case["id"], underwriter)
    accepted = _post(world, case["id"], "decision", underwriter, ACCEPTANCE)
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize("role", [UW, SR])
def test_underwriters_do_not_forward_even_a_case_they_hold(world: World, role: Role) -> None:
    route = Route.UNDERWRITING if role is UW else Route.SENIOR_UNDERWRITING
    case = world.claimed_case(route, role)
    before = review_counts(world.engine)

    answer = _post(world, case["id"], "forward", world.staff[role], {"note": NOTE})

    assert answer.status_code == 403, answer.text
    assert change(before, review_counts(world.engine)) == {}
    row = case_row(world.engine, id=case["id"])
    assert (row["state"], row["route"], row["claimed_by"]) == ("claimed", route.value, world.staff[role].id)
    assert _permissions(world, case["id"], world.staff[role])["forward"] is False


@pytest.mark.parametrize("role", CLEARING)
def test_only_the_holder_forwards(world: World, role: Role) -> None:
    colleague = new_member(world.api, role)
    case = _case(world, role, "cover-above-senior-limit")

    before = review_counts(world.engine)
    unclaimed = _post(world, case["id"], "forward", world.staff[role], {"note": NOTE})
    assert unclaimed.status_code == 409, unclaimed.text
    assert "claim it first" in unclaimed.json()["detail"]

    _claim(world, case["id"], world.staff[role])
    before = review_counts(world.engine)
    answer = _post(world, case["id"], "forward", colleague, {"note": NOTE})
    assert answer.status_code == 409, answer.text
    assert world.staff[role].username in answer.json()["detail"]
    assert change(before, review_counts(world.engine)) == {}
    assert case_row(world.engine, id=case["id"])["route"] == ROUTE_OF[role].value

    # Only the holder is offered to forward it.
    assert _permissions(world, case["id"], world.staff[role])["forward"] is True
    assert _permissions(world, case["id"], colleague)["forward"] is False
    for reader in (UW, SR, CO, FR, AU):
        if reader is not role:
            assert _permissions(world, case["id"], world.staff[reader])["forward"] is False, reader


@pytest.mark.parametrize("note", ["", "   ", "x" * 2001])
def test_a_forward_without_a_proper_note_is_422(world: World, note: str) -> None:
    case = world.claimed_case(Route.COMPLIANCE)
    before = review_counts(world.engine)
    answer = _post(world, case["id"], "forward", world.staff[CO], {"note": note})
    assert answer.status_code == 422, answer.text
    assert change(before, review_counts(world.engine)) == {}


# --- releasing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("releaser", [SR, AD])
def test_a_senior_underwriter_or_an_admin_releases_a_case_someone_else_holds(world: World, releaser: Role) -> None:
    holder = world.staff[UW]
    case = world.claimed_case(Route.UNDERWRITING, UW)
    set_case(world.engine, case["id"], claimed_at=datetime.now(UTC) - timedelta(seconds=120))
    before = review_counts(world.engine)

    answer = _post(world, case["id"], "release", world.staff[releaser], {"note": "Uma is on leave for a month."})

    assert answer.status_code == 200, answer.text
    assert (answer.json()["state"], answer.json()["claimed_by"]) == ("open", None)
    row = case_row(world.engine, id=case["id"])
    assert (row["state"], row["claimed_by"], row["claimed_at"], row["route"]) == ("open", None, None, "underwriting")
    assert 120 <= row["handling_seconds"] < 180
    assert change(before, review_counts(world.engine)) == {
        "cases:claimed": -1,
        "cases:open": 1,
        "case_versions": 1,
        "events": 1,
    }
    last = events_of(world.engine, case["id"])[-1]
    assert (last["kind"], last["actor"]) == ("released", world.staff[releaser].username)
    assert last["data"] == {"note": "Uma is on leave for a month.", "holder": holder.username}

    # The former holder no longer decides it; anyone on the route may claim it again.
    refused = _post(world, case["id"], "decision", holder, REJECTION)
    assert refused.status_code == 409, refused.text
    _claim(world, case["id"], world.other_underwriter)


@pytest.mark.parametrize("role", [UW, CO, FR, AU])
def test_other_roles_do_not_release(world: World, role: Role) -> None:
    case = world.claimed_case(Route.UNDERWRITING, SR)  # held by the senior: no role's own case
    before = review_counts(world.engine)

    answer = _post(world, case["id"], "release", world.staff[role], {"note": "Let me have it."})

    assert answer.status_code == 403, answer.text
    assert change(before, review_counts(world.engine)) == {}
    assert case_row(world.engine, id=case["id"])["claimed_by"] == world.staff[SR].id


def test_releasing_a_case_nobody_holds_is_409(world: World) -> None:
    case = world.new_case(Route.UNDERWRITING)
    before = review_counts(world.engine)
    answer = _post(world, case["id"], "release", world.staff[SR], {"note": "Nothing to release."})
    assert answer.status_code == 409, answer.text
    assert "open" in answer.json()["detail"]

    decided = world.claimed_case(Route.UNDERWRITING, UW)
    assert _post(world, decided["id"], "decision", world.staff[UW], REJECTION).status_code == 201
    before = review_counts(world.engine)
    answer = _post(world, decided["id"], "release", world.staff[AD], {"note": "Too late."})
    assert answer.status_code == 409, answer.text
    assert change(before, review_counts(world.engine)) == {}
    assert case_row(world.engine, id=decided["id"])["state"] == "decided"


def test_the_case_view_offers_release_to_a_senior_only_for_someone_elses_case(world: World) -> None:
    case = world.claimed_case(Route.UNDERWRITING, UW)
    assert _permissions(world, case["id"], world.staff[SR])["release"] is True
    for role in (UW, CO, FR, AU):
        assert _permissions(world, case["id"], world.staff[role])["release"] is False, role
    assert _permissions(world, case["id"], world.other_underwriter)["release"] is False

    own = world.claimed_case(Route.UNDERWRITING, SR)
    assert _permissions(world, own["id"], world.staff[SR])["release"] is False
    opened = world.new_case(Route.UNDERWRITING)
    assert _permissions(world, opened["id"], world.staff[SR])["release"] is False
