"""Re-screening: after the sanctions list is updated, every accepted applicant is screened again with the sanctions
check, and a potential match is recorded as an open screening alert for compliance (`screening_alerts`). Alerts
are keyed by decision and list version, so running it twice on one list raises nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from engine.checks.sanctions import SanctionsCheck
from engine.decision.service import APPLICATION_ADAPTER
from engine.store.checks import accepted_applicants, open_screening_alert


@dataclass(frozen=True, slots=True)
class RescreenReport:
    list_version: str
    screened: int
    potential_matches: int
    new_alerts: int


def rescreen_accepted(
    engine: Engine,
    check: SanctionsCheck,
    *,
    list_version: str,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> RescreenReport:
    screened = matched = opened = 0
    with engine.connect() as reader:
        for accepted in accepted_applicants(reader):
            result = check.run(APPLICATION_ADAPTER.validate_python(accepted.payload), now=now)
            screened += 1
            if progress is not None:
                progress(screened)
            if not result.facts.get("potential_match"):
                continue
            matched += 1
            with engine.begin() as writer:
                opened += open_screening_alert(
                    writer,
                    decision_id=accepted.decision_id,
                    application_id=accepted.application_id,
                    list_version=list_version,
                    matches=result.details["matches"],
                    now=now,
                )
    return RescreenReport(list_version=list_version, screened=screened, potential_matches=matched, new_alerts=opened)
