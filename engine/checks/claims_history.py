"""The claims-history check: the insurers' shared register (shaped like Stichting CIS), and what the applicant
declared.

A `claim` registration records that a claim was made, not who was at fault. Registrations count only within their
legal term, measured from the day they were registered: claims and contractual registrations 5 years, financial
non-compliance (`non_payment`) 3 years; an incident-register entry counts until its own end date and never longer
than 8 years. A registered claim the applicant did not declare is a non-disclosure signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from engine.checks.common import AnyApplication, Stopwatch, dutch_day, person_query, result
from engine.checks.providers import Register
from engine.domain.application import DeclaredClaim, years_before
from engine.domain.checks import CheckResult
from engine.domain.facts import CHECK_FACTS, CLAIM_MATCH_DAYS, FactSpec
from engine.registers.records import ClaimsRegistration, PersonQuery

TERM_YEARS = {"claim": 5, "contractual": 5, "non_payment": 3, "incident": 8}
MATCH_DAYS = CLAIM_MATCH_DAYS


@dataclass(frozen=True)
class ClaimsHistoryCheck:
    register: Register[PersonQuery, ClaimsRegistration]
    timeout_seconds: float = 0.25
    name: ClassVar[str] = "claims_history"
    facts: ClassVar[tuple[FactSpec, ...]] = CHECK_FACTS["claims_history"]

    @property
    def source(self) -> str:
        return self.register.source

    def run(self, application: AnyApplication, *, now: datetime) -> CheckResult:
        watch = Stopwatch()
        answer = self.register.lookup(person_query(application.applicant))
        today = dutch_day(now)
        counted = in_force(answer.records, today=today)
        facts = history_facts(counted, application, today=today)
        details = {"registrations": [registration.model_dump(mode="json") for registration in counted]}
        return result(
            self.name,
            hit=bool(counted),
            facts=facts,
            answer=answer,
            source=self.source,
            now=now,
            watch=watch,
            details=details,
            restricted_to="fraud" if facts["incident_register"] else None,  # an incident entry is the fraud role's
        )


def in_force(registrations: Iterable[ClaimsRegistration], *, today: date) -> list[ClaimsRegistration]:
    """The registrations still within their legal term on ``today``, oldest first."""
    kept = []
    for registration in registrations:
        if registration.registered_on > today:
            continue
        if registration.registered_on <= years_before(today, TERM_YEARS[registration.kind]):
            continue
        if registration.kind == "incident" and registration.ends_on is not None and registration.ends_on <= today:
            continue
        kept.append(registration)
    return sorted(kept, key=lambda registration: (registration.registered_on, registration.kind))


def history_facts(
    counted: Sequence[ClaimsRegistration], application: AnyApplication, *, today: date
) -> dict[str, bool | int]:
    claims = [registration for registration in counted if registration.kind == "claim"]
    one_year_ago = years_before(today, 1)
    undeclared = undeclared_claims(claims, application.disclosure.claims_last_5_years)
    cancellations = sum(1 for registration in counted if registration.kind in {"non_payment", "contractual"})
    return {
        "registered_5y": len(claims),
        "registered_1y": sum(1 for claim in claims if claim.registered_on > one_year_ago),
        "non_payment_3y": sum(1 for registration in counted if registration.kind == "non_payment"),
        "contractual_5y": sum(1 for registration in counted if registration.kind == "contractual"),
        "incident_register": any(registration.kind == "incident" for registration in counted),
        "undeclared_count": len(undeclared),
        "non_disclosure": bool(undeclared)
        or (cancellations > 0 and not application.disclosure.refused_or_cancelled_before),
    }


def undeclared_claims(
    registered: Sequence[ClaimsRegistration], declared: Sequence[DeclaredClaim]
) -> list[ClaimsRegistration]:
    """Registered claims with no declared claim within :data:`MATCH_DAYS`; each declared claim explains at most one
    registration, the nearest in time first."""
    window = timedelta(days=MATCH_DAYS)
    pairs = sorted(
        (abs(claim.registered_on - stated.date), r, d)
        for r, claim in enumerate(registered)
        for d, stated in enumerate(declared)
        if abs(claim.registered_on - stated.date) <= window
    )
    explained: set[int] = set()
    used: set[int] = set()
    for _, r, d in pairs:
        if r not in explained and d not in used:
            explained.add(r)
            used.add(d)
    return [claim for r, claim in enumerate(registered) if r not in explained]
