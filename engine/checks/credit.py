"""The credit check: what a credit bureau holds on the applicant (score band, payment arrears, WSNP).

The register is keyed by name, date of birth and address; the result records which bureau answered and the
version of its data, as a credit check must say where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from engine.checks.common import AnyApplication, Stopwatch, dutch_day, months_ago, person_query, result
from engine.checks.providers import Register
from engine.domain.checks import CheckResult
from engine.domain.facts import CHECK_FACTS, CREDIT_RECENT_MONTHS, FactSpec
from engine.registers.records import CreditFile, PersonQuery

RECENT_MONTHS = CREDIT_RECENT_MONTHS


@dataclass(frozen=True)
class CreditCheck:
    bureau: Register[PersonQuery, CreditFile]
    timeout_seconds: float = 0.25
    name: ClassVar[str] = "credit"
    facts: ClassVar[tuple[FactSpec, ...]] = CHECK_FACTS["credit"]

    @property
    def source(self) -> str:
        return self.bureau.source

    def run(self, application: AnyApplication, *, now: datetime) -> CheckResult:
        watch = Stopwatch()
        answer = self.bureau.lookup(person_query(application.applicant))
        credit_file = answer.records[0] if answer.records else None
        facts = credit_facts(credit_file, now=now)
        hit = bool(facts["arrears_count"] or facts["arrears_recent_count"] or facts["debt_restructuring"])
        return result(self.name, hit=hit, facts=facts, answer=answer, source=self.source, now=now, watch=watch)


def credit_facts(credit_file: CreditFile | None, *, now: datetime) -> dict[str, bool | int | str]:
    if credit_file is None:
        return {
            "found": False,
            "score_band": "none",
            "arrears_count": 0,
            "arrears_recent_count": 0,
            "arrears_open_eur": 0,
            "debt_restructuring": False,
        }
    today = dutch_day(now)
    recent_since = months_ago(today, RECENT_MONTHS)
    known = [arrear for arrear in credit_file.arrears if arrear.registered_on <= today]
    open_arrears = [arrear for arrear in known if arrear.resolved_on is None or arrear.resolved_on > today]
    return {
        "found": True,
        "score_band": credit_file.score_band,
        "arrears_count": len(open_arrears),
        "arrears_recent_count": sum(1 for arrear in known if arrear.registered_on > recent_since),
        "arrears_open_eur": sum(arrear.amount_eur for arrear in open_arrears),
        "debt_restructuring": credit_file.debt_restructuring,
    }
