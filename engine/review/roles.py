"""Staff roles and their authority over review cases: small, pure policy functions (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    UNDERWRITER = "underwriter"
    SENIOR_UNDERWRITER = "senior_underwriter"
    COMPLIANCE = "compliance"  # sanctions matches
    FRAUD = "fraud"  # fraud signals
    AUDITOR = "auditor"  # reads everything, changes nothing
    ADMIN = "admin"  # staff accounts and the automation switch; decides no cases
    PRIVACY = "privacy"  # the privacy officer: data-subject requests, restrictions, legal holds; decides no cases


class Route(StrEnum):
    """Who must look at a case."""

    UNDERWRITING = "underwriting"
    SENIOR_UNDERWRITING = "senior_underwriting"
    COMPLIANCE = "compliance"
    FRAUD = "fraud"


class CaseReason(StrEnum):
    REFERRED = "referred"  # the machine referred the application to a person
    CONTESTED = "contested"  # the applicant asked for a person to take the decision again
    OBJECTED = "objected"  # the applicant objects to automated decision-making


class CaseState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DECIDED = "decided"


# Which roles may hold (claim and decide) a case on each route.
HOLDERS: dict[Route, frozenset[Role]] = {
    Route.UNDERWRITING: frozenset({Role.UNDERWRITER, Role.SENIOR_UNDERWRITER}),
    Route.SENIOR_UNDERWRITING: frozenset({Role.SENIOR_UNDERWRITER}),
    Route.COMPLIANCE: frozenset({Role.COMPLIANCE}),
    Route.FRAUD: frozenset({Role.FRAUD}),
}
CLEARING_ROLES = frozenset({Role.COMPLIANCE, Role.FRAUD})  # decide their own question, forward the rest
CASE_ROLES = frozenset({Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.COMPLIANCE, Role.FRAUD})


def route_for(
    *, reason_routes: set[str], reason_sources: set[str], insured_limit_eur: int, senior_limit_eur: int
) -> Route:
    """The route of a new case: a sanctions match goes to compliance, a fraud signal to fraud (in that order: a
    sanctions question comes first); cover above the senior limit or beyond the insurers' delegated authority to a
    senior underwriter; everything else to any underwriter."""
    if Route.COMPLIANCE.value in reason_routes:
        return Route.COMPLIANCE
    if Route.FRAUD.value in reason_routes:
        return Route.FRAUD
    if (
        insured_limit_eur > senior_limit_eur
        or "authority" in reason_sources
        or Route.SENIOR_UNDERWRITING.value in (reason_routes)
    ):
        return Route.SENIOR_UNDERWRITING
    return Route.UNDERWRITING


def needs_senior(
    *, reason_routes: set[str], reason_sources: set[str], insured_limit_eur: int, senior_limit_eur: int
) -> bool:
    """Whether accepting needs a senior underwriter's authority: cover above the senior limit, beyond the insurers'
    delegated authority (an `authority` reason), or a reason the policy routes to a senior."""
    return (
        insured_limit_eur > senior_limit_eur
        or "authority" in reason_sources
        or Route.SENIOR_UNDERWRITING.value in reason_routes
    )


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What authority depends on."""

    route: Route
    insured_limit_eur: int
    machine_view: str | None  # the machine's outcome or advice: `accepted`, `rejected`, or None (it could not say)
    needs_senior: bool = False  # cover above the senior limit or beyond the delegated authority


def why_cannot_hold(role: Role, case: CaseFacts, *, senior_limit_eur: int) -> str | None:
    """None when ``role`` may claim the case, else why not (in words for the reviewer)."""
    if role not in CASE_ROLES:
        return f"the {role.value} role does not decide cases"
    if role not in HOLDERS[case.route]:
        needed = " or ".join(sorted(r.value for r in HOLDERS[case.route]))
        return f"this case is routed to {case.route.value}: it needs the {needed} role"
    if case.insured_limit_eur > senior_limit_eur and role is Role.UNDERWRITER:
        return f"an insured limit above EUR {senior_limit_eur:,} needs a senior underwriter"
    return None


def why_cannot_decide(role: Role, case: CaseFacts, *, outcome: str, senior_limit_eur: int) -> str | None:
    """None when ``role`` may decide the case with ``outcome``, else why not. Compliance and fraud decide their
    own question; an acceptance that also needs an underwriter's authority (a knockout to overturn, cover above
    the senior limit or beyond the delegated authority) is forwarded to underwriting once they have cleared it."""
    if (reason := why_cannot_hold(role, case, senior_limit_eur=senior_limit_eur)) is not None:
        return reason
    if outcome != "accepted" or role is Role.SENIOR_UNDERWRITER:
        return None
    forward = " (clear your part and forward the case to underwriting)" if role in CLEARING_ROLES else ""
    if case.machine_view == "rejected":
        return f"accepting overturns a knockout (the machine would reject): that needs a senior underwriter{forward}"
    if case.needs_senior:
        return f"accepting this cover needs a senior underwriter's authority{forward}"
    return None


def forward_route(case: CaseFacts) -> Route:
    """Where a case goes once compliance or fraud has cleared its part: to a senior underwriter when accepting it
    needs one, else to any underwriter."""
    return Route.SENIOR_UNDERWRITING if case.needs_senior or case.machine_view == "rejected" else Route.UNDERWRITING
