"""Request and response models of the applicant and staff (review) endpoints."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from engine.api.schemas import NextStepOut, ReasonOut, ScoreExplanationOut
from engine.domain.decision import RiskScore
from engine.domain.products import Product

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # line breaks and tabs are fine in free text


class Strict(BaseModel):
    """No unknown fields; no control characters in text (a NUL would not even be storable on PostgreSQL)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and _CONTROL.search(text) for text in texts):
            raise ValueError("must not contain control characters")
        return value


# --- applicant ----------------------------------------------------------------------------------------------------


class CorrectionIn(Strict):
    field: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z0-9_.]+$")] = Field(
        description="The field of the application that is wrong, as a dotted path, e.g. `applicant.address.postcode` "
        "or `disclosure.claims_last_5_years`."
    )
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="What it should be, in your own words."
    )


class ReviewRequestIn(Strict):
    statement: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)] = Field(
        description="Your point of view: why the decision should be different (at most 4,000 characters)."
    )
    corrections: list[CorrectionIn] = Field(default_factory=list, max_length=20)


class ObjectionIn(Strict):
    statement: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] | None = Field(
        default=None, description="Optionally, why you object."
    )


class ReviewStatusOut(BaseModel):
    case_id: str
    reason: Literal["referred", "contested", "objected"]
    state: Literal["open", "claimed", "decided"]
    due_by: datetime = Field(description="A person decides by this moment at the latest.")


class DecisionHistoryOut(BaseModel):
    decision_id: str
    outcome: str
    basis: str
    decided_at: datetime


class ActionOut(BaseModel):
    action: str
    method: str
    href: str


class ApplicantDecisionOut(BaseModel):
    decision_id: str = Field(description="The current decision about the application (a person's, once one decided).")
    application_id: str
    product: str
    status: Literal["decided", "in_review"] = Field(
        description="`in_review` while a person is to decide (a referral, a review request or an objection)."
    )
    outcome: str
    basis: str
    decided_at: datetime
    language: str
    reasons: list[ReasonOut]
    next_steps: list[NextStepOut]
    score_explanation: ScoreExplanationOut | None = Field(
        default=None, description="The risk model's main reasons and a counterfactual, when the model had a part."
    )
    review: ReviewStatusOut | None
    history: list[DecisionHistoryOut] = Field(description="Every decision about the application, oldest first.")
    actions: list[ActionOut]


class ReceiptOut(BaseModel):
    case_id: str | None
    reason: str | None
    state: str | None
    due_by: datetime | None
    opened: bool = Field(description="True when this request opened a case; false when it joined the open one.")
    standing_objection: bool = Field(description="True when an objection was filed for later applications too.")
    message: str = Field(description="What happens next and by when, in the application's language.")


# --- staff --------------------------------------------------------------------------------------------------------


class LoginIn(Strict):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class StaffOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: str


class SessionOut(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    expires_at: datetime
    staff: StaffOut


class CaseSummaryOut(BaseModel):
    id: str
    product: str
    reason: str
    route: str
    state: str
    opened_at: datetime
    due_at: datetime
    overdue: bool
    claimed_by: str | None
    claimed_at: datetime | None
    decision_id: str
    application_id: str
    reason_codes: list[str]
    insured_limit_eur: int
    has_statement: bool


class CasePageOut(BaseModel):
    total: int
    overdue: int
    items: list[CaseSummaryOut]


class ReasonDetailOut(BaseModel):
    code: str
    effect: str | None = None
    source: str
    route: str | None = None
    applicant_text: dict[str, str]
    underwriter_text: str


class DecisionDetailOut(BaseModel):
    id: str
    application_id: str
    product: str
    outcome: str
    basis: str
    advice: str | None
    decided_at: datetime
    replaces_id: str | None
    reasons: list[ReasonDetailOut]
    rules: list[dict[str, Any]]
    facts: dict[str, Any]
    checks: list[dict[str, Any]]
    score: RiskScore | None = Field(
        description="The risk model's score: probability, model version and hash, every feature's contribution on the "
        "logit scale, the main reasons and a verified counterfactual; none when no model scored the decision."
    )
    policy: dict[str, str]
    notice: dict[str, Any]
    review: dict[str, Any] | None = Field(
        description="A person's decision: reviewer, role, case, conditions, rationale and explanation."
    )


class DecisionSummaryOut(BaseModel):
    id: str
    application_id: str
    product: str
    outcome: str
    basis: str
    decided_at: datetime
    replaces_id: str | None
    reviewer: str | None


class DecisionPageOut(BaseModel):
    total: int
    items: list[DecisionSummaryOut]


class CorrectionOut(BaseModel):
    field: str
    value: str


class EventOut(BaseModel):
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any]


class PermissionsOut(BaseModel):
    claim: bool
    decide: bool
    return_: bool = Field(alias="return", serialization_alias="return")
    forward: bool = Field(description="Compliance or fraud: forward the cleared case to underwriting.")
    release: bool = Field(description="Senior underwriter or admin: take the case from its holder.")
    why_not: str | None

    model_config = ConfigDict(populate_by_name=True)


class CaseOut(BaseModel):
    case: CaseSummaryOut
    statement: str | None
    corrections: list[CorrectionOut]
    outcome_decision_id: str | None
    decided_at: datetime | None
    application: dict[str, Any] | None = Field(description="The application as received (null once erased).")
    decision: DecisionDetailOut
    check_details: dict[str, dict[str, Any]] = Field(
        description="What lies behind the checks, as far as the role may see."
    )
    history: list[DecisionSummaryOut]
    events: list[EventOut]
    permissions: PermissionsOut


class ReturnIn(Strict):
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ConditionsIn(Strict):
    deductible_eur: int | None = Field(default=None, gt=0, le=1_000_000, description="A higher deductible.")
    exclusions: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]] = Field(
        default_factory=list,
        max_length=5,
        description="Exclusion clauses: the risk excluded (e.g. `schade door de hond`), never a person's name. They "
        "are contract terms and stay in the permanent decision record, also after the person's data are erased.",
    )


class HumanDecisionIn(Strict):
    outcome: Literal["accepted", "rejected"]
    rationale: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=4000)] = Field(
        description="Why, for the record and the auditors (at least 20 characters)."
    )
    applicant_explanation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=2000)] = (
        Field(description="The reasons in plain words for the applicant, in their language.")
    )
    conditions: ConditionsIn = Field(default_factory=ConditionsIn, description="Only with `accepted`.")


class QueueFiguresOut(BaseModel):
    open: int
    claimed: int
    overdue: int
    by_route: dict[str, int]
    by_reason: dict[str, int]
    age: list[dict[str, Any]]


class ReviewerFiguresOut(BaseModel):
    username: str
    decided: int
    agreement_rate: float | None
    median_handling_seconds: float | None
    flagged: bool = Field(description="Near-total agreement with the machine at very short handling times.")


class OverviewOut(BaseModel):
    queue: QueueFiguresOut
    outcomes_per_day: list[dict[str, Any]]
    overrides_per_day: list[dict[str, Any]]
    reviewers: list[ReviewerFiguresOut]


class SuspendIn(Strict):
    product: Product | None = Field(default=None, description="`AVP`, `AVB`, or null for every product.")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000)]


class SuspensionOut(BaseModel):
    id: str
    product: str | None
    reason: str
    suspended_by: str
    suspended_at: datetime


class ProductAutomationOut(BaseModel):
    automated: bool
    suspension: SuspensionOut | None


class AutomationOut(BaseModel):
    products: dict[str, ProductAutomationOut]
    suspensions: list[SuspensionOut]
