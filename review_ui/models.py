"""What the staff API answers, as typed read-only models (field names as in the API contract).

Unknown fields are ignored, so the backend may add to an answer without breaking the dashboard; the loosely shaped
parts (the application as received, facts, notices, check details) stay plain dictionaries.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Staff(Answer):
    id: str
    username: str
    display_name: str
    role: str


class Session(Answer):
    token: str
    expires_at: datetime
    staff: Staff


class CaseSummary(Answer):
    id: str
    product: str
    reason: str
    route: str | None = None
    state: str
    opened_at: datetime
    due_at: datetime
    overdue: bool
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    decision_id: str
    application_id: str
    reason_codes: list[str] = Field(default_factory=list)
    insured_limit_eur: int | None = None
    has_statement: bool = False


class CasePage(Answer):
    total: int
    overdue: int
    items: list[CaseSummary]


class LocalText(Answer):
    nl: str = ""
    en: str = ""


class Reason(Answer):
    code: str
    effect: str | None = None
    source: str | None = None
    route: str | None = None
    applicant_text: LocalText = Field(default_factory=LocalText)
    underwriter_text: str = ""


class RuleEvaluation(Answer):
    code: str
    effect: str | None = None
    result: str
    facts_used: dict[str, Any] = Field(default_factory=dict)
    missing_facts: list[str] = Field(default_factory=list)


class CheckResult(Answer):
    check: str
    status: str
    facts: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None
    source_version: str | None = None
    retrieved_at: datetime | None = None
    duration_ms: float | None = None
    restricted_to: str | None = None
    error: str | None = None


class VersionRef(Answer):
    version: str
    content_hash: str | None = None


class ScoreFactor(Answer):
    feature: str
    effect: str
    contribution: float
    text: dict[str, str]


class Counterfactual(Answer):
    changes: dict[str, int]
    outcome: str
    probability: float
    text: dict[str, str]


class RiskScore(Answer):
    probability: float
    model: VersionRef
    contributions: dict[str, float] = Field(default_factory=dict)
    base_logit: float | None = None
    factors: list[ScoreFactor] = Field(default_factory=list)
    counterfactual: Counterfactual | None = None


class HumanReview(Answer):
    reviewer: str
    role: str | None = None
    rationale: str = ""
    case_id: str | None = None
    conditions: dict[str, Any] | None = None


class DecisionSummary(Answer):
    id: str
    application_id: str
    product: str
    outcome: str
    basis: str
    decided_at: datetime
    replaces_id: str | None = None
    reviewer: str | None = None


class DecisionPage(Answer):
    total: int
    items: list[DecisionSummary]


class DecisionDetail(Answer):
    id: str
    application_id: str
    product: str
    outcome: str
    basis: str
    advice: str | None = None
    decided_at: datetime
    replaces_id: str | None = None
    reasons: list[Reason] = Field(default_factory=list)
    rules: list[RuleEvaluation] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    checks: list[CheckResult] = Field(default_factory=list)
    score: RiskScore | None = None
    policy: VersionRef | None = None
    notice: dict[str, Any] | None = None
    review: HumanReview | None = None


class Correction(Answer):
    field: str
    value: str


class CaseEvent(Answer):
    at: datetime
    actor: str | None = None
    kind: str
    data: dict[str, Any] = Field(default_factory=dict)


class Permissions(Answer):
    claim: bool = False
    decide: bool = False
    return_: bool = Field(default=False, alias="return")
    forward: bool = False
    release: bool = False
    why_not: str | None = None


class CaseDetail(Answer):
    case: CaseSummary
    statement: str | None = None
    corrections: list[Correction] = Field(default_factory=list)
    outcome_decision_id: str | None = None
    decided_at: datetime | None = None
    application: dict[str, Any] | None = None  # null once erased
    decision: DecisionDetail
    check_details: dict[str, Any] = Field(default_factory=dict)
    history: list[DecisionSummary] = Field(default_factory=list)
    events: list[CaseEvent] = Field(default_factory=list)
    permissions: Permissions = Field(default_factory=Permissions)


class AgeBucket(Answer):
    bucket: str
    count: int


class QueueFigures(Answer):
    open: int
    claimed: int
    overdue: int
    by_route: dict[str, int] = Field(default_factory=dict)
    by_reason: dict[str, int] = Field(default_factory=dict)
    age: list[AgeBucket] = Field(default_factory=list)


class OutcomeCount(Answer):
    day: date
    basis: str
    outcome: str
    count: int


class OverrideCount(Answer):
    day: date
    count: int


class ReviewerFigures(Answer):
    username: str
    decided: int
    agreement_rate: float | None = None
    median_handling_seconds: float | None = None
    flagged: bool = False


class Overview(Answer):
    queue: QueueFigures
    outcomes_per_day: list[OutcomeCount] = Field(default_factory=list)
    overrides_per_day: list[OverrideCount] = Field(default_factory=list)
    reviewers: list[ReviewerFigures] = Field(default_factory=list)


class Suspension(Answer):
    id: str
    product: str | None = None
    reason: str
    suspended_by: str | None = None
    suspended_at: datetime | None = None


class ProductAutomation(Answer):
    automated: bool
    suspension: dict[str, Any] | None = None


class AutomationStatus(Answer):
    products: dict[str, ProductAutomation]
    suspensions: list[Suspension] = Field(default_factory=list)


class NewDecision(Answer):
    """A rectified application decided again."""

    id: str
    application_id: str
    outcome: str


class PrivacyRequestSummary(Answer):
    """A data-subject request on its legal clock (``on_time``, ``due_soon``, ``overdue`` or ``closed``)."""

    id: str
    kind: str
    state: str
    clock: str
    received_at: datetime
    due_at: datetime
    extended_at: datetime | None = None
    extension_reason: str | None = None
    closed_at: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    result: dict[str, Any] | None = None
    refusal_reason: str | None = None
    what_happens: str = ""
    what_happens_texts: LocalText = Field(default_factory=LocalText)
    complaint: str | None = None
    export_formats: list[str] = Field(default_factory=list)
    new_decision: NewDecision | None = None


class PrivacyRequestPage(Answer):
    items: list[PrivacyRequestSummary]
    total: int
    open: int
    due_soon: int
    overdue: int


class PrivacyRequestDetail(PrivacyRequestSummary):
    application_id: str
    channel: str
    filed_by: str
    verification: dict[str, Any] | None = None
    language: str = "nl"
    applications: list[str] = Field(default_factory=list)
    events: list[CaseEvent] = Field(default_factory=list)


class ProcessingLimit(Answer):
    """A restriction or objection limit on the person's data; in force until lifted."""

    id: str
    kind: str
    request_id: str | None = None
    started_at: datetime
    started_by: str
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None


class ProcessingLimitList(Answer):
    items: list[ProcessingLimit]
