"""The identity check: age at the application date, whether postcode, house number and city belong together, and
whether the e-mail address is a disposable one."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from engine.checks.common import AnyApplication, Stopwatch, dutch_day, result
from engine.checks.providers import Register
from engine.domain.application import age_on
from engine.domain.checks import CheckResult
from engine.domain.facts import CHECK_FACTS, FactSpec
from engine.registers.identifiers import compact_postcode, fold
from engine.registers.records import AddressRange, PostcodeQuery


@dataclass(frozen=True)
class IdentityCheck:
    postcodes: Register[PostcodeQuery, AddressRange]
    disposable_domains: Set[str] = field(default_factory=frozenset)
    timeout_seconds: float = 0.25
    name: ClassVar[str] = "identity"
    facts: ClassVar[tuple[FactSpec, ...]] = CHECK_FACTS["identity"]

    @property
    def source(self) -> str:
        return self.postcodes.source

    def run(self, application: AnyApplication, *, now: datetime) -> CheckResult:
        watch = Stopwatch()
        address = application.applicant.address
        answer = self.postcodes.lookup(PostcodeQuery(postcode=compact_postcode(address.postcode)))
        ranges = answer.records
        number_fits = [r for r in ranges if r.first_number <= address.house_number <= r.last_number]
        consistent = any(fold(r.city) == fold(address.city) for r in number_fits)
        domain = application.applicant.email.rsplit("@", 1)[-1].lower()
        disposable = domain in self.disposable_domains
        facts = {
            "identity.age_years": age_on(application.applicant.date_of_birth, dutch_day(now)),
            "identity.postcode_known": bool(ranges),
            "identity.address_consistent": consistent,
            "identity.disposable_email": disposable,
        }
        return result(
            self.name,
            hit=not consistent or disposable,
            facts={name.removeprefix("identity."): value for name, value in facts.items()},
            answer=answer,
            source=self.source,
            now=now,
            watch=watch,
        )
