"""A loaded, validated and compiled product policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.domain.decision import Effect, LocalText, PolicyRef, Reason, RuleEvaluation, RuleResult
from engine.domain.products import Product
from engine.policy.facts import FactValue, nest


@dataclass(frozen=True, slots=True)
class ReasonText:
    code: str
    applicant: LocalText
    underwriter: str
    route: str | None = None

    def reason(self, effect: Effect | None, source: str) -> Reason:
        return Reason(
            code=self.code,
            effect=effect,
            applicant_text=self.applicant,
            underwriter_text=self.underwriter,
            source=source,
            route=self.route,
        )


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One knockout or referral rule: a condition compiled by the ZEN expression engine, and its texts."""

    text: ReasonText
    effect: Effect
    condition: str
    facts: tuple[str, ...]
    expression: Any  # zen.PyExpression: compiled once when the policy loads

    @property
    def code(self) -> str:
        return self.text.code

    def evaluate(self, facts: Mapping[str, FactValue]) -> RuleEvaluation:
        used = {name: facts.get(name) for name in self.facts}
        missing = [name for name, value in used.items() if value is None]
        if missing:  # missing data is never read as bad data: the rule cannot say anything
            result = RuleResult.NOT_EVALUABLE
        else:
            try:  # the expression gets only the facts it names: handing over all of them costs ~10x per rule
                hit = self.expression.evaluate(nest(used)) is True
                result = RuleResult.HIT if hit else RuleResult.NO_HIT
            except RuntimeError:  # e.g. a division by zero the policy did not guard: a person decides
                result = RuleResult.NOT_EVALUABLE
        return RuleEvaluation(code=self.code, effect=self.effect, result=result, facts_used=used, missing_facts=missing)


@dataclass(frozen=True, slots=True)
class Authority:
    """Limits of the insurers' delegation (volmacht): beyond them a person decides."""

    max_insured_limit_eur: int
    excluded_sbi_prefixes: tuple[str, ...]
    limit_text: ReasonText
    sector_text: ReasonText


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Risk-score thresholds: at or above ``refer_at`` a person decides, at or above ``reject_at`` reject."""

    refer_at: float
    reject_at: float
    refer_text: ReasonText
    reject_text: ReasonText


@dataclass(frozen=True, slots=True)
class Policy:
    product: Product
    version: str
    content_hash: str
    effective_from: date
    source: str  # the policy document as loaded, kept so any version can be stored and replayed
    knockouts: tuple[CompiledRule, ...]
    referrals: tuple[CompiledRule, ...]
    authority: Authority
    thresholds: Thresholds

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(product=self.product.value, version=self.version, content_hash=self.content_hash)

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        return self.knockouts + self.referrals
