"""Re-screening: after the sanctions list is updated, every accepted applicant is screened again, and a potential
match opens a screening alert for compliance (the review queue shows them). Alerts are keyed by decision and list
version, so running it twice on one list raises nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from engine.checks.name_matching import screen
from engine.checks.providers import Register
from engine.checks.sanctions import subjects_of
from engine.decision.service import APPLICATION_ADAPTER
from engine.registers.records import NameQuery, SanctionsEntry
from engine.store.checks import accepted_applicants, open_screening_alert


@dataclass(frozen=True, slots=True)
class RescreenReport:
    list_version: str
    screened: int
    potential_matches: int
    new_alerts: int


def rescreen_accepted(
    engine: Engine,
    sanctions_list: Register[NameQuery, SanctionsEntry],
    *,
    list_version: str,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> RescreenReport:
    screened = matched = opened = 0
    with engine.connect() as reader:
        for accepted in accepted_applicants(reader):
            application = APPLICATION_ADAPTER.validate_python(accepted.payload)
            matches = []
            for subject in subjects_of(application):
                answer = sanctions_list.lookup(NameQuery(name=subject.name, kind=subject.kind))
                found = screen(
                    subject.name, birth_date=subject.birth_date, candidates=answer.records, kind=subject.kind
                )
                matches += [
                    {
                        "role": subject.role,
                        "entry_id": match.entry_id,
                        "matched_name": match.matched_name,
                        "score": round(match.score, 4),
                        "birth_date_agrees": match.birth_date_agrees,
                    }
                    for match in found
                    if match.potential_match
                ]
            screened += 1
            if progress is not None:
                progress(screened)
            if not matches:
                continue
            matched += 1
            with engine.begin() as writer:
                opened += open_screening_alert(
                    writer,
                    decision_id=accepted.decision_id,
                    application_id=accepted.application_id,
                    list_version=list_version,
                    matches=matches,
                    now=now,
                )
    return RescreenReport(list_version=list_version, screened=screened, potential_matches=matched, new_alerts=opened)
