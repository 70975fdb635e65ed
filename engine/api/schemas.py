"""Response models of the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from engine.domain.decision import Basis, Outcome


class ReasonOut(BaseModel):
    code: str = Field(description="Stable UPPER_SNAKE reason code.")
    text: str = Field(description="Plain-language explanation in the requested language.")


class NextStepOut(BaseModel):
    action: str
    text: str


class FactorOut(BaseModel):
    feature: str = Field(description="The fact the risk model read, e.g. `disclosure.claims_5y_count`.")
    effect: str = Field(
        description="`raises` or `lowers`: what it did to the risk, compared with the average applicant."
    )
    text: str = Field(description="Plain-language reason in the requested language.")


class CounterfactualOut(BaseModel):
    changes: dict[str, int] = Field(description="The change of cover that gives the better outcome, by fact name.")
    outcome: Outcome = Field(description="The outcome the changed application gets (verified by deciding it again).")
    text: str


class ScoreExplanationOut(BaseModel):
    """The risk model's part in the outcome, when it had one: its main reasons, and for an outcome that rests on the
    score, the smallest change within the applicant's control that would have given a better one (if any)."""

    factors: list[FactorOut]
    counterfactual: CounterfactualOut | None = None

    @classmethod
    def from_notice(cls, notice: dict[str, Any], language: str) -> ScoreExplanationOut | None:
        explanation = notice.get("score_explanation")
        if not explanation:
            return None
        counterfactual = explanation.get("counterfactual")
        return cls(
            factors=[
                FactorOut(feature=f["feature"], effect=f["effect"], text=f["text"][language])
                for f in explanation["factors"]
            ],
            counterfactual=CounterfactualOut(
                changes=counterfactual["changes"],
                outcome=counterfactual["outcome"],
                text=counterfactual["text"][language],
            )
            if counterfactual
            else None,
        )


class PolicyOut(BaseModel):
    version: str
    content_hash: str


class DecisionOut(BaseModel):
    decision_id: str
    application_id: str
    product: str
    outcome: Outcome
    basis: Basis
    decided_at: datetime
    language: str
    reasons: list[ReasonOut]
    next_steps: list[NextStepOut]
    score_explanation: ScoreExplanationOut | None = Field(
        default=None, description="The risk model's main reasons and a counterfactual, when the model had a part."
    )
    policy: PolicyOut
    superseded_by: str | None = Field(
        default=None,
        description="A later decision about the same application (a person's, after a review), when there is one.",
    )
    applicant_token: str | None = Field(
        default=None,
        description="Secret for the applicant's own requests about this decision. Returned only to the client "
        "that submitted the application (and again on an idempotent retry); stored only as a hash.",
    )

    @classmethod
    def from_record(
        cls, record: dict[str, Any], *, language: str | None = None, token: str | None = None
    ) -> DecisionOut:
        notice = record["notice"]
        lang = language or notice["language"]
        return cls(
            decision_id=record["id"],
            application_id=record["application_id"],
            product=record["product"],
            outcome=Outcome(record["outcome"]),
            basis=Basis(record["basis"]),
            decided_at=record["decided_at"],
            language=lang,
            reasons=[ReasonOut(code=r["code"], text=r["text"][lang]) for r in notice["reasons"]],
            next_steps=[NextStepOut(action=s["action"], text=s["text"][lang]) for s in notice["next_steps"]],
            score_explanation=ScoreExplanationOut.from_notice(notice, lang),
            policy=PolicyOut(version=record["policy_version"], content_hash=record["policy_hash"]),
            applicant_token=token,
        )


class NoticeSectionOut(BaseModel):
    id: str
    title: str
    body: str


class NoticeOut(BaseModel):
    product: str
    version: str
    content_hash: str
    effective_from: date
    language: str
    sections: list[NoticeSectionOut]


class ProblemDetail(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    detail: str | list[ProblemDetail]


class HealthOut(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
