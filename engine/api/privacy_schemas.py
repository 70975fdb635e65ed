"""Request and response models of the privacy endpoints (data-subject requests, processing limits)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from engine.api.review_schemas import EventOut, Strict
from engine.privacy.clock import ClockState
from engine.privacy.requests import ObjectionScope, RequestKind, RequestState, VerificationMethod

Statement = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class RectificationIn(Strict):
    field: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z0-9_.]+$")] = Field(
        description="The field of the application to correct, as a dotted path, e.g. `applicant.email` or "
        "`disclosure.claims_last_5_years`."
    )
    value: Any = Field(description="Its correct value, typed as in the application (text, number, true/false).")


class PrivacyRequestIn(Strict):
    kind: RequestKind = Field(
        description="`access` (see your data), `portability` (take them elsewhere), `rectification` (correct them: "
        "your application is decided again), `restriction` (stored but not used), `erasure`, `objection`."
    )
    statement: Statement | None = Field(default=None, description="Optionally, your request in your own words.")
    corrections: list[RectificationIn] = Field(
        default_factory=list, max_length=20, description="Rectification only: the fields to correct."
    )
    scope: ObjectionScope | None = Field(
        default=None,
        description="Objection only: `marketing` (absolute: at once out of every marketing selection) or "
        "`processing` (further processing stops unless a person records compelling grounds).",
    )


class VerificationIn(Strict):
    method: VerificationMethod = Field(description="How the person's identity was verified.")


class StaffPrivacyRequestIn(PrivacyRequestIn):
    application_id: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="An application of the person (or give `decision_id`)."
    )
    decision_id: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="A decision of the person, e.g. the number in their letter."
    )
    verification: VerificationIn

    @model_validator(mode="after")
    def _one_reference(self) -> StaffPrivacyRequestIn:
        if (self.application_id is None) == (self.decision_id is None):
            raise ValueError("give exactly one of application_id and decision_id")
        return self


class LocalTextOut(BaseModel):
    nl: str
    en: str


class NewDecisionOut(BaseModel):
    """A rectified application decided again: its new decision (and, for the applicant, its token)."""

    id: str
    application_id: str
    outcome: str
    applicant_token: str | None = Field(default=None, description="Only in the answer to the request, never again.")


class PrivacyRequestOut(BaseModel):
    id: str
    kind: RequestKind
    state: RequestState
    clock: ClockState = Field(description="`on_time`, `due_soon`, `overdue` (open requests) or `closed`.")
    received_at: datetime
    due_at: datetime = Field(description="One month after receipt; at most three when extended with reasons.")
    extended_at: datetime | None
    extension_reason: str | None
    closed_at: datetime | None
    details: dict[str, Any]
    result: dict[str, Any] | None
    refusal_reason: str | None
    what_happens: str = Field(description="What was or will be done, in the request's language.")
    what_happens_texts: LocalTextOut
    complaint: str | None = Field(
        description="When (part of) the request is refused: the right to complain to the Autoriteit Persoonsgegevens."
    )
    export_formats: list[Literal["json", "csv"]] = Field(description="Completed access and portability: downloads.")
    new_decision: NewDecisionOut | None = None


class PrivacyRequestListOut(BaseModel):
    items: list[PrivacyRequestOut]


class StaffPrivacyRequestOut(PrivacyRequestOut):
    application_id: str
    channel: str
    filed_by: str
    verification: dict[str, Any] | None
    language: str
    applications: list[str] = Field(description="The person's applications this request covers.")
    events: list[EventOut]


class PrivacyRequestPageOut(BaseModel):
    items: list[PrivacyRequestOut]
    total: int
    open: int
    due_soon: int = Field(description="Open requests due within the configured days (default 7).")
    overdue: int


class ExtensionIn(Strict):
    reason: Reason = Field(description="Why more time is needed; the applicant reads it (20+ characters).")
    months: Literal[1, 2] = 2


class RefusalIn(Strict):
    reason: Reason = Field(description="Why the request is refused; the applicant reads it (20+ characters).")


class ObjectionDecisionIn(Strict):
    continue_processing: bool = Field(
        description="True: compelling grounds override the objection (processing resumes); false: upheld."
    )
    grounds: Reason = Field(description="The compelling grounds, or why the objection is upheld (20+ characters).")


class LiftIn(Strict):
    reason: Reason = Field(
        description="Why the limit ends (recorded; 20+ characters). An objection to marketing ends only when the "
        "person withdraws it; an objection to further processing that is not yet weighed ends by weighing it."
    )


class LimitOut(BaseModel):
    id: str
    kind: str
    request_id: str | None
    started_at: datetime
    started_by: str
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str | None


class LimitListOut(BaseModel):
    items: list[LimitOut]
