"""The authority rules of review: which route a case takes, and which role may hold and decide it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from engine.review.cases import case_facts
from engine.review.intake import ReviewRules, new_case
from engine.review.roles import (
    CaseFacts,
    CaseReason,
    Role,
    Route,
    forward_route,
    needs_senior,
    route_for,
    why_cannot_decide,
    why_cannot_hold,
)

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
    Role.PRIVACY: set(),
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


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN, Role.PRIVACY])
def test_auditor_admin_and_privacy_officer_never_hold_or_decide(role: Role) -> None:
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


# --- authority across roles: what needs a senior, and where a cleared case goes ------------------------------------


@pytest.mark.parametrize(
    ("sources", "routes", "limit", "expected"),
    [
        pytest.param({"policy"}, set(), SENIOR_LIMIT, False, id="at-the-limit"),
        pytest.param({"policy"}, set(), SENIOR_LIMIT + 1, True, id="above-the-limit"),
        pytest.param({"authority"}, set(), 1_000_000, True, id="beyond-the-delegated-authority"),
        pytest.param({"check", "policy"}, {"fraud", "compliance"}, 1_000_000, False, id="checks-and-rules"),
        pytest.param({"policy"}, {"senior_underwriting"}, 1_000_000, True, id="a-policy-reason-for-a-senior"),
    ],
)
def test_needs_senior(sources: set[str], routes: set[str], limit: int, expected: bool) -> None:
    answer = needs_senior(
        reason_routes=routes, reason_sources=sources, insured_limit_eur=limit, senior_limit_eur=SENIOR_LIMIT
    )
    assert answer is expected


CLEARING_CELLS = [
    # (role, route, machine view, needs senior, outcome): may decide?
    (role, route, view, senior, outcome)
    for role, route in ((Role.COMPLIANCE, Route.COMPLIANCE), (Role.FRAUD, Route.FRAUD))
    for view in MACHINE_VIEWS
    for senior in (False, True)
    for outcome in OUTCOMES
]


@pytest.mark.parametrize(
    ("role", "route", "view", "senior", "outcome"),
    CLEARING_CELLS,
    ids=[f"{c[0].value}-machine_{c[2]}-senior_{c[3]}-{c[4]}" for c in CLEARING_CELLS],
)
def test_compliance_and_fraud_accept_only_what_needs_no_other_authority(
    role: Role, route: Route, view: str | None, senior: bool, outcome: str
) -> None:
    case = CaseFacts(route=route, insured_limit_eur=1_000_000, machine_view=view, needs_senior=senior)
    why = why_cannot_decide(role, case, outcome=outcome, senior_limit_eur=SENIOR_LIMIT)
    needs_more = outcome == "accepted" and (senior or view == "rejected")
    assert (why is None) is not needs_more, why
    if needs_more:
        assert why is not None and "senior underwriter" in why and "forward" in why


def test_a_senior_accepts_what_needs_a_senior_and_an_underwriter_does_not() -> None:
    case = CaseFacts(route=Route.SENIOR_UNDERWRITING, insured_limit_eur=1_000_000, machine_view=None, needs_senior=True)
    assert why_cannot_decide(Role.SENIOR_UNDERWRITER, case, outcome="accepted", senior_limit_eur=SENIOR_LIMIT) is None
    underwriting = CaseFacts(
        route=Route.UNDERWRITING, insured_limit_eur=1_000_000, machine_view=None, needs_senior=True
    )
    why = why_cannot_decide(Role.UNDERWRITER, underwriting, outcome="accepted", senior_limit_eur=SENIOR_LIMIT)
    assert why is not None and "senior underwriter" in why and "forward" not in why  # only clearing roles forward


@pytest.mark.parametrize(
    ("view", "senior", "expected"),
    [
        (None, False, Route.UNDERWRITING),
        ("accepted", False, Route.UNDERWRITING),
        ("rejected", False, Route.SENIOR_UNDERWRITING),
        (None, True, Route.SENIOR_UNDERWRITING),
        ("accepted", True, Route.SENIOR_UNDERWRITING),
        ("rejected", True, Route.SENIOR_UNDERWRITING),
    ],
)
def test_forward_route(view: str | None, senior: bool, expected: Route) -> None:
    for route in (Route.COMPLIANCE, Route.FRAUD):
        case = CaseFacts(route=route, insured_limit_eur=1_000_000, machine_view=view, needs_senior=senior)
        assert forward_route(case) is expected


def _case_of(reasons: list[dict[str, str]], *, insured_limit_eur: int = 1_000_000) -> dict[str, object]:
    record = {
        "id": "d-1",
        "application_id": "a-1",
        "product": "AVP",
        "basis": "automated",
        "outcome": "referred",
        "advice": None,
        "reasons": reasons,
    }
    return new_case(
        record,
        reason=CaseReason.REFERRED,
        insured_limit_eur=insured_limit_eur,
        opened_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        rules=ReviewRules(senior_limit_eur=SENIOR_LIMIT),
    )


SANCTIONS = {"code": "SANCTIONS_POTENTIAL_MATCH", "source": "check", "route": "compliance"}


def test_a_case_with_a_sanctions_question_and_cover_above_the_limit_is_forwarded_to_a_senior() -> None:
    case = _case_of([SANCTIONS], insured_limit_eur=SENIOR_LIMIT + 1)
    assert (case["route"], case["needs_senior"]) == ("compliance", True)
    assert forward_route(case_facts(case)) is Route.SENIOR_UNDERWRITING


def test_a_policy_reason_routed_to_a_senior_keeps_needing_a_senior_after_compliance() -> None:
    senior_reason = {"code": "LARGE_PRIVATE_YACHT", "source": "policy", "route": "senior_underwriting"}
    alone = _case_of([senior_reason])
    assert alone["route"] == "senior_underwriting"  # without the sanctions question: only a senior decides

    case = _case_of([senior_reason, SANCTIONS])
    assert case["route"] == "compliance"
    facts = case_facts(case)
    assert why_cannot_decide(Role.COMPLIANCE, facts, outcome="accepted", senior_limit_eur=SENIOR_LIMIT) is not None
    assert forward_route(facts) is Route.SENIOR_UNDERWRITING
