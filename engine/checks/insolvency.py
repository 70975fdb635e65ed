"""The insolvency check: bankruptcy, suspension of payments or WSNP in the insolvency register, for the applicant
and, for business insurance, the company (by KvK number). An entry whose insolvency ended more than 6 months ago is
no longer taken into account."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from engine.checks.common import AnyApplication, Stopwatch, dutch_day, months_ago, person_query, result
from engine.checks.providers import Register
from engine.domain.application import AvbApplication
from engine.domain.checks import CheckResult
from engine.domain.facts import CHECK_FACTS, INSOLVENCY_IGNORED_AFTER_MONTHS, FactSpec
from engine.registers.records import InsolvencyEntry, InsolvencyQuery

IGNORE_AFTER_MONTHS = INSOLVENCY_IGNORED_AFTER_MONTHS


@dataclass(frozen=True)
class InsolvencyCheck:
    register: Register[InsolvencyQuery, InsolvencyEntry]
    timeout_seconds: float = 0.25
    name: ClassVar[str] = "insolvency"
    facts: ClassVar[tuple[FactSpec, ...]] = CHECK_FACTS["insolvency"]

    @property
    def source(self) -> str:
        return self.register.source

    def run(self, application: AnyApplication, *, now: datetime) -> CheckResult:
        watch = Stopwatch()
        kvk = application.company.kvk_number if isinstance(application, AvbApplication) else None
        answer = self.register.lookup(InsolvencyQuery(person=person_query(application.applicant), kvk_number=kvk))
        today = dutch_day(now)
        relevant = relevant_entries(answer.records, today=today)
        person = [entry for entry in relevant if entry.subject == "person"]
        company = [entry for entry in relevant if entry.subject == "company"]
        facts = {
            "person_active": any(_active(entry, today) for entry in person),
            "person_ended_recently": any(not _active(entry, today) for entry in person),
            "company_active": any(_active(entry, today) for entry in company),
            "company_ended_recently": any(not _active(entry, today) for entry in company),
            "kind": _main_kind(relevant, today),
            "undeclared": bool(relevant) and not application.disclosure.insolvency,
        }
        details = {"entries": [entry.model_dump(mode="json") for entry in relevant]}
        return result(
            self.name,
            hit=bool(relevant),
            facts=facts,
            answer=answer,
            source=self.source,
            now=now,
            watch=watch,
            details=details,
        )


def relevant_entries(entries: Iterable[InsolvencyEntry], *, today: date) -> list[InsolvencyEntry]:
    """Entries that began by ``today`` and are running or ended at most 6 months ago (an entry is ignored from the
    day after the 6 months have passed)."""
    cutoff = months_ago(today, IGNORE_AFTER_MONTHS)
    kept = [
        entry for entry in entries if entry.started_on <= today and (entry.ended_on is None or entry.ended_on >= cutoff)
    ]
    return sorted(kept, key=lambda entry: (entry.started_on, entry.case_number))


def _active(entry: InsolvencyEntry, today: date) -> bool:
    return entry.ended_on is None or entry.ended_on > today


def _main_kind(entries: list[InsolvencyEntry], today: date) -> str:
    """The kind of the most recent running case, else of the most recently ended one."""
    active = [entry for entry in entries if _active(entry, today)]
    chosen = (active or entries)[-1:]
    return chosen[0].kind if chosen else "none"
