"""THE ROLE MATRIX: every staff endpoint × every role (and, for claiming and deciding, every route) gets exactly
the expected status. A refused request (403, 401) changes nothing at all; an allowed one changes exactly what it
should."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from engine.review.roles import Role, Route
from tests.review.support import (
    REJECTION,
    ROLES,
    SECTOR_APPLICATION,
    SESSIONS,
    World,
    case_row,
    change,
    log_in,
    review_counts,
)

UW, SR, CO, FR, AU, AD = (
    Role.UNDERWRITER,
    Role.SENIOR_UNDERWRITER,
    Role.COMPLIANCE,
    Role.FRAUD,
    Role.AUDITOR,
    Role.ADMIN,
)
READERS = {UW, SR, CO, FR, AU}  # the queue and the decisions: everyone but the admin
CASE_WORKERS = {UW, SR, CO, FR}
CLEARING = {CO, FR}  # forward a case they hold and have cleared to underwriting
RELEASERS = {SR, AD}  # put a case someone else holds back in the queue
# Who may hold (claim and decide) a case on each route: written out from the rules.
HOLDS = {(UW, Route.UNDERWRITING), (SR, Route.UNDERWRITING), (SR, Route.SENIOR_UNDERWRITING)}
HOLDS |= {(CO, Route.COMPLIANCE), (FR, Route.FRAUD)}
# The cases claimed and decided in the matrix: one on every route, and on the senior route two: a sector outside
# the delegated authority within the senior cover limit (so a refusal there is about the route alone), and cover
# above the limit.
KINDS: dict[str, tuple[Route, tuple[Any, str] | None]] = {
    "underwriting": (Route.UNDERWRITING, None),
    "senior_sector": (Route.SENIOR_UNDERWRITING, SECTOR_APPLICATION),
    "senior_above_limit": (Route.SENIOR_UNDERWRITING, None),
    "compliance": (Route.COMPLIANCE, None),
    "fraud": (Route.FRAUD, None),
}
OWN_ROUTE = {UW: Route.UNDERWRITING, SR: Route.SENIOR_UNDERWRITING, CO: Route.COMPLIANCE, FR: Route.FRAUD}

SWITCH_BODY = {"product": "AVB", "reason": "Role matrix: a test of who may use the switch."}

# What an allowed call changes (review_counts before → after).
CHANGES: dict[str, dict[str, int]] = {
    "list_cases": {},
    "get_case": {"events": 1, "access_log": 1},  # viewed: in the case's history and in the access log
    "claim": {"cases:open": -1, "cases:claimed": 1, "case_versions": 1, "events": 1},
    "return": {"cases:claimed": -1, "cases:open": 1, "case_versions": 1, "events": 1},
    "forward": {"cases:claimed": -1, "cases:open": 1, "case_versions": 1, "events": 1},
    "release": {"cases:claimed": -1, "cases:open": 1, "case_versions": 1, "events": 1},
    "decision": {"cases:claimed": -1, "cases:decided": 1, "case_versions": 1, "events": 1, "decisions": 1, "texts": 1},
    "list_decisions": {},
    "get_decision": {"access_log": 1},
    "overview": {},
    "automation": {},
    "suspend": {"suspensions": 1, "suspensions:active": 1},
    "resume": {"suspensions:active": -1},
}
ENDPOINTS = list(CHANGES)


def _expected(endpoint: str, role: Role, kind: str | None) -> int:
    if endpoint in ("list_cases", "get_case", "list_decisions", "get_decision"):
        return 200 if role in READERS else 403
    if endpoint in ("overview", "automation"):
        return 200
    if endpoint in ("suspend", "resume"):
        return 200 if role is AD else 403
    if endpoint == "return":
        return 200 if role in CASE_WORKERS else 403
    if endpoint == "forward":
        return 200 if role in CLEARING else 403
    if endpoint == "release":
        return 200 if role in RELEASERS else 403
    assert kind is not None
    route = KINDS[kind][0]
    if endpoint == "claim":
        return 200 if (role, route) in HOLDS else 403
    return 201 if (role, route) in HOLDS else 403  # decision


CELLS = [
    (endpoint, role, kind, _expected(endpoint, role, kind))
    for endpoint in ENDPOINTS
    for role in ROLES
    for kind in (list(KINDS) if endpoint in ("claim", "decision") else [None])
]


def _cell_id(cell: tuple[str, Role, str | None, int]) -> str:
    endpoint, role, kind, status = cell
    return "-".join([endpoint, role.value, *([kind] if kind else []), str(status)])


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any] | None = None
    cleanup: list[Callable[[], None]] = field(default_factory=list)


def _admin_switch(world: World, action: str) -> Callable[[], None]:
    def run() -> None:
        answer = world.client.post(f"/v1/staff/automation/{action}", json=SWITCH_BODY, headers=world.headers(AD))
        assert answer.status_code in (200, 409), answer.text

    return run


def _held_by_other_underwriter(world: World) -> dict[str, Any]:
    case = world.new_case(Route.UNDERWRITING)
    answer = world.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=world.other_underwriter.headers)
    assert answer.status_code == 200, answer.text
    return case_row(world.engine, id=case["id"])


def _prepare(world: World, endpoint: str, role: Role, kind: str | None, allowed: bool) -> Call:
    """The request of one cell, on a case in the state the request needs (so a refusal is about the role only)."""
    if endpoint == "list_cases":
        return Call("GET", "/v1/staff/cases")
    if endpoint == "get_case":
        return Call("GET", f"/v1/staff/cases/{world.open_case(Route.UNDERWRITING)['id']}")
    if endpoint == "list_decisions":
        return Call("GET", "/v1/staff/decisions")
    if endpoint == "get_decision":
        return Call("GET", f"/v1/staff/decisions/{world.open_case(Route.UNDERWRITING)['decision_id']}")
    if endpoint == "overview":
        return Call("GET", "/v1/staff/overview")
    if endpoint == "automation":
        return Call("GET", "/v1/staff/automation")
    if endpoint == "suspend":
        return Call("POST", "/v1/staff/automation/suspend", SWITCH_BODY, [_admin_switch(world, "resume")])
    if endpoint == "resume":
        _admin_switch(world, "suspend")()
        return Call("POST", "/v1/staff/automation/resume", SWITCH_BODY, [_admin_switch(world, "resume")])
    if endpoint == "claim":
        assert kind is not None
        route, application = KINDS[kind]
        case = world.new_case(route, application) if allowed else world.open_case(route, application)
        return Call("POST", f"/v1/staff/cases/{case['id']}/claim")
    if endpoint == "return":
        # A case worker gives back a case of their own route that they hold; others try an underwriter's case.
        case = world.claimed_case(OWN_ROUTE[role], role) if allowed else world.held_case(Route.UNDERWRITING)
        return Call("POST", f"/v1/staff/cases/{case['id']}/return", {"note": "Back to the queue: on leave."})
    if endpoint == "forward":
        # Compliance and fraud forward a case of their route that they hold; the others try a case they hold
        # themselves (an underwriter, a senior) or, holding none, a compliance case someone else holds.
        case = world.claimed_case(OWN_ROUTE[role], role) if role in OWN_ROUTE else world.held_case(Route.COMPLIANCE)
        return Call("POST", f"/v1/staff/cases/{case['id']}/forward", {"note": "Cleared: not the listed person."})
    if endpoint == "release":
        # Always a case held by someone else: the second underwriter's.
        case = _held_by_other_underwriter(world)
        return Call("POST", f"/v1/staff/cases/{case['id']}/release", {"note": "The holder is on leave."})
    assert endpoint == "decision" and kind is not None
    route, application = KINDS[kind]
    case = world.claimed_case(route, role, application) if allowed else world.held_case(route, application)
    return Call("POST", f"/v1/staff/cases/{case['id']}/decision", REJECTION)


@pytest.mark.parametrize(("endpoint", "role", "kind", "status"), CELLS, ids=[_cell_id(c) for c in CELLS])
def test_role_matrix(world: World, endpoint: str, role: Role, kind: str | None, status: int) -> None:
    call = _prepare(world, endpoint, role, kind, allowed=status != 403)
    try:
        before = review_counts(world.engine)
        answer = world.client.request(call.method, call.path, json=call.body, headers=world.headers(role))
        after = review_counts(world.engine)
    finally:
        for step in call.cleanup:
            step()
    assert answer.status_code == status, answer.text
    if status == 403:
        assert change(before, after) == {}, f"a refused {endpoint} changed something"
        assert answer.json()["detail"]
    else:
        assert change(before, after) == CHANGES[endpoint]


@pytest.mark.parametrize("role", sorted(CASE_WORKERS))
def test_a_claim_makes_the_claimant_the_holder(world: World, role: Role) -> None:
    case = world.new_case(OWN_ROUTE[role])
    answer = world.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=world.headers(role))
    assert answer.status_code == 200, answer.text
    assert answer.json()["claimed_by"] == world.staff[role].username
    row = case_row(world.engine, id=case["id"])
    assert (row["state"], row["claimed_by"]) == ("claimed", world.staff[role].id)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_case_view_tells_each_role_whether_it_may_claim(world: World, kind: str) -> None:
    route, application = KINDS[kind]
    case = world.open_case(route, application)
    for role in sorted(READERS):
        seen = world.client.get(f"/v1/staff/cases/{case['id']}", headers=world.headers(role))
        assert seen.status_code == 200, seen.text
        permissions = seen.json()["permissions"]
        assert permissions["claim"] is ((role, route) in HOLDS), (role, permissions)
        assert permissions["decide"] is False and permissions["return"] is False
        assert permissions["forward"] is False and permissions["release"] is False
        assert (permissions["why_not"] is None) is ((role, route) in HOLDS)


# --- not logged in ------------------------------------------------------------------------------------------------


def _any_call(world: World, endpoint: str) -> Call:
    """The request of ``endpoint`` on a real case and decision (so only the session can be wrong)."""
    case = world.open_case(Route.UNDERWRITING)
    paths = {
        "list_cases": ("GET", "/v1/staff/cases", None),
        "get_case": ("GET", f"/v1/staff/cases/{case['id']}", None),
        "claim": ("POST", f"/v1/staff/cases/{case['id']}/claim", None),
        "return": ("POST", f"/v1/staff/cases/{case['id']}/return", {"note": "Back to the queue."}),
        "forward": ("POST", f"/v1/staff/cases/{case['id']}/forward", {"note": "Cleared."}),
        "release": ("POST", f"/v1/staff/cases/{case['id']}/release", {"note": "The holder is on leave."}),
        "decision": ("POST", f"/v1/staff/cases/{case['id']}/decision", REJECTION),
        "list_decisions": ("GET", "/v1/staff/decisions", None),
        "get_decision": ("GET", f"/v1/staff/decisions/{case['decision_id']}", None),
        "overview": ("GET", "/v1/staff/overview", None),
        "automation": ("GET", "/v1/staff/automation", None),
        "suspend": ("POST", "/v1/staff/automation/suspend", SWITCH_BODY),
        "resume": ("POST", "/v1/staff/automation/resume", SWITCH_BODY),
    }
    method, path, body = paths[endpoint]
    return Call(method, path, body)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@pytest.fixture(scope="module")
def expired(world: World) -> dict[str, str]:
    """The headers of an admin session (an admin may call the switch) whose time has run out."""
    _, headers, token = log_in(world.api, world.staff[AD].username)
    with world.engine.begin() as connection:
        done = connection.execute(
            update(SESSIONS)
            .where(SESSIONS.c.token_hash == _token_hash(token))
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        assert done.rowcount == 1
    return headers


@pytest.fixture(scope="module")
def logged_out(world: World) -> dict[str, str]:
    """The headers of a senior underwriter's session that logged out."""
    _, headers, _ = log_in(world.api, world.staff[SR].username)
    assert world.client.get("/v1/staff/me", headers=headers).status_code == 200
    assert world.client.delete("/v1/staff/sessions/current", headers=headers).status_code == 204
    return headers


SESSIONLESS = ["none", "garbage", "not_bearer", "expired", "logged_out"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("session", SESSIONLESS)
def test_without_a_valid_session_every_endpoint_is_401_and_changes_nothing(
    world: World, expired: dict[str, str], logged_out: dict[str, str], endpoint: str, session: str
) -> None:
    headers = {
        "none": {},
        "garbage": {"Authorization": "Bearer st_this-is-not-a-session"},
        "not_bearer": {"Authorization": f"Basic {world.staff[AD].headers['Authorization'].split()[1]}"},
        "expired": expired,
        "logged_out": logged_out,
    }[session]
    call = _any_call(world, endpoint)
    before = review_counts(world.engine)
    answer = world.client.request(call.method, call.path, json=call.body, headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert change(before, review_counts(world.engine)) == {}


def test_an_expired_session_works_until_it_expires(world: World) -> None:
    _, headers, token = log_in(world.api, world.staff[AU].username)
    assert world.client.get("/v1/staff/cases", headers=headers).status_code == 200
    with world.engine.begin() as connection:
        connection.execute(
            update(SESSIONS)
            .where(SESSIONS.c.token_hash == _token_hash(token))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert world.client.get("/v1/staff/cases", headers=headers).status_code == 401
    assert world.client.get("/v1/staff/me", headers=headers).status_code == 401


def test_logout_ends_only_that_session(world: World) -> None:
    member = world.staff[UW]
    _, first, token = log_in(world.api, member.username)
    _, second, _ = log_in(world.api, member.username)
    assert world.client.delete("/v1/staff/sessions/current", headers=first).status_code == 204
    assert world.client.get("/v1/staff/me", headers=first).status_code == 401
    assert world.client.get("/v1/staff/cases", headers=first).status_code == 401
    assert world.client.delete("/v1/staff/sessions/current", headers=first).status_code == 401
    me = world.client.get("/v1/staff/me", headers=second)
    assert me.status_code == 200 and me.json()["username"] == member.username
    with world.engine.connect() as connection:
        ended = connection.execute(SESSIONS.select().where(SESSIONS.c.token_hash == _token_hash(token))).one()
    assert ended.ended_at is not None
