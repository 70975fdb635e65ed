"""Decisions, reasons and what the applicant may do next."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from engine.domain.checks import CheckResult


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REFERRED = "referred"


class Basis(StrEnum):
    AUTOMATED = "automated"
    HUMAN = "human"


class Effect(StrEnum):
    REJECT = "reject"
    REFER = "refer"


class RuleResult(StrEnum):
    HIT = "hit"
    NO_HIT = "no_hit"
    NOT_EVALUABLE = "not_evaluable"  # a fact it needs is missing (e.g. a check was unavailable)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalText(Frozen):
    nl: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.nl


class Reason(Frozen):
    code: str = Field(description="Stable UPPER_SNAKE reason code.")
    effect: Effect | None = Field(default=None, description="What the reason does to the outcome, if anything.")
    applicant_text: LocalText
    underwriter_text: str
    source: str = Field(description="Where the reason comes from: `core`, `policy`, `authority`, `threshold`, `check`.")
    route: str | None = Field(
        default=None,
        description="Who must look at a referral: `underwriting`, `senior_underwriting`, `compliance` (sanctions) or "
        "`fraud`; none means any underwriter.",
    )

    @model_serializer(mode="wrap")
    def _without_empty_route(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # records written before reasons had a route must replay byte for byte
        data: dict[str, Any] = handler(self)
        if data.get("route") is None:
            data.pop("route", None)
        return data


class RuleEvaluation(Frozen):
    """One rule of the policy, evaluated against one application's facts."""

    code: str
    effect: Effect
    result: RuleResult
    facts_used: dict[str, object] = Field(default_factory=dict)
    missing_facts: list[str] = Field(default_factory=list)


class NextStep(Frozen):
    action: str = Field(description="`request_human_review`, `contest`, `object_to_automated_decision`, `wait`.")
    text: LocalText


class PolicyRef(Frozen):
    product: str
    version: str
    content_hash: str


class ModelRef(Frozen):
    version: str
    content_hash: str


class ScoreFactor(Frozen):
    """One of the main reasons behind a score: a feature whose contribution raised or lowered the risk."""

    feature: str
    effect: Literal["raises", "lowers"]
    contribution: float = Field(description="On the logit scale, compared with the average applicant.")
    text: LocalText


class Counterfactual(Frozen):
    """The smallest change within the applicant's control (cover, deductible) that changes the outcome, verified by
    deciding the changed application again."""

    changes: dict[str, int] = Field(description="Fact name → the value that would change the outcome.")
    outcome: Outcome
    probability: float
    text: LocalText


class RiskScore(Frozen):
    """The risk model's estimate for one application (the scoring seam)."""

    probability: float = Field(ge=0.0, le=1.0)
    model: ModelRef
    contributions: dict[str, float] = Field(
        default_factory=dict, description="Per feature, on the logit scale: base_logit plus these is the logit."
    )
    base_logit: float | None = Field(default=None, description="The average applicant's logit (the intercept).")
    factors: list[ScoreFactor] = Field(default_factory=list)
    counterfactual: Counterfactual | None = None


class Decision(Frozen):
    """What decide() concludes: outcome, reasons, and the facts and rule results behind them. It holds no direct
    identifiers (no names, contact details or address); those stay with the application."""

    outcome: Outcome
    basis: Basis
    advice: Outcome | None = Field(
        default=None,
        description="The machine's view when a person must decide (objection, referral): advice only.",
    )
    processed: bool = Field(default=True, description="False when the application was not processed at all.")
    reasons: list[Reason]
    rules: list[RuleEvaluation]
    facts: dict[str, object]
    checks: list[CheckResult] = Field(default_factory=list)
    score: RiskScore | None = None
    policy: PolicyRef
    next_steps: list[NextStep]
