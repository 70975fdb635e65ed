"""The authority rules of review: which route a case takes, and which role may hold and decide it."""

from __future__ import annotations

import itertools

import pytest

from engine.review.roles import CaseFacts, Role, Route, route_for, why_cannot_decide, why_cannot_hold

SENIOR_LIMIT = 2_500_000


@pytest.mark.parametrize(
    ("routes", "sources", "limit", "expected"),
    [
        pytest.param(set(), {"policy"}, 1_000_000, Route.UNDERWRITING, id="plain-referral"),
        pytest.param(set(), set(), SENIOR_LIMIT, Route.UNDERWRITING, id="limit-at-the-senior-limit"),
        pytest.param(set(), {"policy"}, SENIOR_LIMIT + 1, Route.SENIOR_UNDERWRITING, id="limit-above-senior-limit"),
        pytest.param(set(), {"authority"}, 1_000_000, Route.SENIOR_UNDERWRITING, id="authority-source"),
        pytest.param({"senior_underwriting"}, {"policy"}, 1_000_000, Route.SENIOR_UNDERWRITING, id="senior-route"),
        pytest.param({"fraud"}, {"policy"}, 1_000_000, Route.FRAUD, id="fraud"),
        pytest.param({"compliance"}, {"policy"}, 1_000_000, Route.COMPLIANCE, id="compliance"),
        pytest.param({"fraud", "compliance"}, {"policy"}, 1_000_000, Route.COMPLIANCE, id="compliance-before-fraud"),
        pytest.param({"fraud"}, {"authority"}, 9_000_000, Route.FRAUD, id="fraud-before-senior"),
        pytest.param({"compliance"}, {"authority"}, 9_000_000, Route.COMPLIANCE, id="compliance-before-senior"),
        pytest.param(
            {"compliance", "fraud", "senior_underwriting"},
            {"authority"},
            9_000_000,
            Route.COMPLIANCE,
            id="compliance-before-everything",
        ),
    ],
)
def test_route_for(routes: set[str], sources: set[str], limit: int, expected: Route) -> None:
    route = route_for(
        reason_routes=routes, reason_sources=sources, insured_limit_eur=limit, senior_limit_eur=SENIOR_LIMIT
    )
    assert route is expected


# What each role may do, written out as the rules say it (not derived from the code's own tables).
ROUTES_HELD_BY: dict[Role, set[Route]] = {
    Role.UNDERWRITER: {Route.UNDERWRITING},
    Role.SENIOR_UNDERWRITER: {Route.UNDERWRITING, Route.SENIOR_UNDERWRITING},
    Role.COMPLIANCE: {Route.COMPLIANCE},
    Role.FRAUD: {Route.FRAUD},
    Role.AUDITOR: set(),
    Role.ADMIN: set(),
}
BOUND_BY_SENIOR_LIMIT = {Role.UNDERWRITER}  # may not hold a case whose cover exceeds the senior limit
MAY_OVERTURN_KNOCKOUT = {Role.SENIOR_UNDERWRITER}  # may accept where the machine would reject

LIMITS = {"below": SENIOR_LIMIT, "above": SENIOR_LIMIT + 1}
MACHINE_VIEWS = ["accepted", "rejected", None]
OUTCOMES = ["accepted", "rejected"]

CELLS = list(itertools.product(list(Role), list(Route), MACHINE_VIEWS, OUTCOMES, list(LIMITS)))


def _may_hold(role: Role, route: Route, cover: str) -> bool:
    return route in ROUTES_HELD_BY[role] and not (cover == "above" and role in BOUND_BY_SENIOR_LIMIT)


def _may_decide(role: Role, route: Route, view: str | None, outcome: str, cover: str) -> bool:
    knockout_overturned = outcome == "accepted" and view == "rejected"
    return _may_hold(role, route, cover) and not (knockout_overturned and role not in MAY_OVERTURN_KNOCKOUT)


def _cell_id(cell: tuple[Role, Route, str | None, str, str]) -> str:
    role, route, view, outcome, cover = cell
    return f"{role.value}-{route.value}-machine_{view}-{outcome}-{cover}"


@pytest.mark.parametrize(("role", "route", "view", "outcome", "cover"), CELLS, ids=[_cell_id(c) for c in CELLS])
def test_authority_table(role: Role, route: Route, view: str | None, outcome: str, cover: str) -> None:
    case = CaseFacts(route=route, insured_limit_eur=LIMITS[cover], machine_view=view)
    hold = why_cannot_hold(role, case, senior_limit_eur=SENIOR_LIMIT)
    decide = why_cannot_decide(role, case, outcome=outcome, senior_limit_eur=SENIOR_LIMIT)
    assert (hold is None) is _may_hold(role, route, cover), hold
    assert (decide is None) is _may_decide(role, route, view, outcome, cover), decide
    for why in (hold, decide):
        assert why is None or why.strip(), "a refusal says why"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_auditor_and_admin_never_hold_or_decide(role: Role) -> None:
    for route, view, outcome, cover in itertools.product(list(Route), MACHINE_VIEWS, OUTCOMES, list(LIMITS)):
        case = CaseFacts(route=route, insured_limit_eur=LIMITS[cover], machine_view=view)
        assert why_cannot_hold(role, case, senior_limit_eur=SENIOR_LIMIT) is not None
        assert why_cannot_decide(role, case, outcome=outcome, senior_limit_eur=SENIOR_LIMIT) is not None


@pytest.mark.parametrize(
    ("role", "route", "fragment"),
    [
        (Role.UNDERWRITER, Route.UNDERWRITING, "senior underwriter"),
        (Role.COMPLIANCE, Route.COMPLIANCE, "senior underwriter"),
        (Role.FRAUD, Route.FRAUD, "senior underwriter"),
    ],
)
def test_accepting_over_a_knockout_names_the_senior_underwriter(role: Role, route: Route, fragment: str) -> None:
    case = CaseFacts(route=route, insured_limit_eur=1_000_000, machine_view="rejected")
    why = why_cannot_decide(role, case, outcome="accepted", senior_limit_eur=SENIOR_LIMIT)
    assert why is not None and fragment in why
    assert why_cannot_decide(role, case, outcome="rejected", senior_limit_eur=SENIOR_LIMIT) is None


def test_a_route_refusal_names_the_role_needed() -> None:
    case = CaseFacts(route=Route.SENIOR_UNDERWRITING, insured_limit_eur=1_000_000, machine_view=None)
    why = why_cannot_hold(Role.UNDERWRITER, case, senior_limit_eur=SENIOR_LIMIT)
    assert why is not None and "senior_underwriter" in why
