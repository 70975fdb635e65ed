"""Tables. Decision records are append-only (the database refuses UPDATE and DELETE on them); the personal data of
an application sit in their own row so that erasure can remove them without touching the hash-chained record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.store.types import JSONType, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}  # noqa: RUF012


class ApiClientRecord(Base):
    """A form client (web site, broker portal) and its API key, stored as a SHA-256 hash."""

    __tablename__ = "api_clients"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class PolicyVersionRecord(Base):
    """Every policy version the engine has loaded (stored at start-up), kept so any decision can be replayed."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("product", "version"),)

    content_hash: Mapped[str] = mapped_column(String(71), primary_key=True)
    product: Mapped[str] = mapped_column(String(8))
    version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    first_used_at: Mapped[datetime]


class ApplicationRecord(Base):
    """An application's non-personal envelope: who sent it, when, and its idempotency key."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("client_id", "idempotency_key", name="uq_applications_client_idempotency"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("api_clients.id"))
    product: Mapped[str] = mapped_column(String(8))
    received_at: Mapped[datetime]
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    # a rectified application is a new version: the old one stays, marked superseded by the new one
    supersedes_id: Mapped[str | None] = mapped_column(String(36), default=None)
    superseded_by: Mapped[str | None] = mapped_column(String(36), default=None)
    cover_ended_on: Mapped[date | None] = mapped_column(Date, default=None)  # accepted cover that has ended
    erased_at: Mapped[datetime | None] = mapped_column(default=None)  # its personal data were erased


class ApplicationPersonalDataRecord(Base):
    """The application as received (personal data). Erasure deletes this row; the decision record keeps only a
    salted digest of it, so the audit chain still verifies afterwards."""

    __tablename__ = "application_personal_data"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    payload: Mapped[dict[str, Any]]
    salt: Mapped[str] = mapped_column(String(32))


class DecisionRecord(Base):
    """The immutable record of one decision and everything it used, chained by hash to the one before."""

    __tablename__ = "decision_records"
    __table_args__ = (Index("ix_decision_records_application_id", "application_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("decision_records.id"))
    product: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(16))
    advice: Mapped[str | None] = mapped_column(String(16))
    processed: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[Any]]
    rules: Mapped[list[Any]]
    facts: Mapped[dict[str, Any]]
    checks: Mapped[list[Any]]
    score: Mapped[dict[str, Any] | None]
    policy_version: Mapped[str] = mapped_column(String(32))
    policy_hash: Mapped[str] = mapped_column(ForeignKey("policy_versions.content_hash"))
    notice: Mapped[dict[str, Any]]
    decided_at: Mapped[datetime]
    applicant_token_hash: Mapped[str] = mapped_column(String(64))
    input_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))
    review: Mapped[dict[str, Any] | None] = mapped_column(default=None)  # a human decision: case, reviewer, digests


class AuditChainHeadRecord(Base):
    """One row: the last record of the decision chain. Writers lock it, so the chain has one order."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    record_hash: Mapped[str] = mapped_column(String(64))


class IdentifierSightingRecord(Base):
    """Who applied with which identifier (e-mail, phone, IBAN, address), both as SHA-256 keys, never in clear, and
    when last: what fraud velocity counts. One row per identifier and person, so a count of other people reads at
    most that many rows however often one person applies. Personal data: erasure deletes a person's rows."""

    __tablename__ = "identifier_sightings"
    __table_args__ = (Index("ix_identifier_sightings_person", "person"),)  # erasure and restriction find a person's

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


class CheckDetailRecord(Base):
    """What lies behind a check's facts (matched sanctions entries, registrations, fraud signals), kept apart from
    the decision record: personal data, and for `restricted_to` results visible to that role only."""

    __tablename__ = "check_details"

    decision_id: Mapped[str] = mapped_column(ForeignKey("decision_records.id"), primary_key=True)
    check: Mapped[str] = mapped_column(String(32), primary_key=True)
    restricted_to: Mapped[str | None] = mapped_column(String(32))
    details: Mapped[dict[str, Any]]


class ScreeningAlertRecord(Base):
    """A potential sanctions match found when accepted applicants were screened again after a list update; open
    alerts await compliance."""

    __tablename__ = "screening_alerts"
    __table_args__ = (UniqueConstraint("decision_id", "list_version", name="uq_screening_alerts_decision_list"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decision_records.id"))
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    list_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    matches: Mapped[list[Any]]


class StaffAccountRecord(Base):
    """A member of staff who works the review queue; the password is stored only as an argon2 hash."""

    __tablename__ = "staff_accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class StaffSessionRecord(Base):
    """A staff login: the bearer token is stored only as a SHA-256 hash; it ends at ``expires_at`` or on logout."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class ReviewCaseRecord(Base):
    """A person's work item: why it exists, who holds it, when it is due, the applicant's statement, the outcome.
    At most one case per application is active (not decided) at a time."""

    __tablename__ = "review_cases"
    __table_args__ = (
        Index("ix_review_cases_state_due_at", "state", "due_at"),
        Index(
            "uq_review_cases_active_application",
            "application_id",
            unique=True,
            sqlite_where=text("state != 'decided'"),
            postgresql_where=text("state != 'decided'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    decision_id: Mapped[str] = mapped_column(ForeignKey("decision_records.id"))
    product: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime]
    due_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(ForeignKey("staff_accounts.id"))
    claimed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    outcome_decision_id: Mapped[str | None] = mapped_column(ForeignKey("decision_records.id"))
    machine_view: Mapped[str | None] = mapped_column(String(16))
    reason_codes: Mapped[list[Any]]
    insured_limit_eur: Mapped[int] = mapped_column(Integer)
    needs_senior: Mapped[bool] = mapped_column(Boolean, default=False)  # accepting needs a senior's authority
    statement: Mapped[str | None] = mapped_column(Text)
    corrections: Mapped[list[Any]]
    handling_seconds: Mapped[float] = mapped_column(Float, default=0.0)  # time in reviewers' hands, over every claim
    version: Mapped[int] = mapped_column(Integer, default=1)


class ReviewEventRecord(Base):
    """What happened to a case, in order: opened, statement added, objection, claimed, viewed, returned, decided."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("review_cases.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]


class HumanDecisionTextRecord(Base):
    """A reviewer's rationale and explanation for the applicant, kept beside (not inside) the chained record, which
    holds their salted digests: free text may name people, and must stay erasable."""

    __tablename__ = "human_decision_texts"

    decision_id: Mapped[str] = mapped_column(ForeignKey("decision_records.id"), primary_key=True)
    rationale: Mapped[str] = mapped_column(Text)
    applicant_explanation: Mapped[str] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(String(32))


class StaffAccessRecord(Base):
    """Every read of an applicant's data by staff: who, when, what."""

    __tablename__ = "staff_access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id"))
    action: Mapped[str] = mapped_column(String(32))
    application_id: Mapped[str | None] = mapped_column(String(36), index=True)
    decision_id: Mapped[str | None] = mapped_column(String(36))
    case_id: Mapped[str | None] = mapped_column(String(36))


class ObjectionRecord(Base):
    """An objection to automated decision-making, filed under the applicant's identity keys (SHA-256 of name and
    date of birth, and of e-mail and date of birth), so that it holds for their later applications too."""

    __tablename__ = "automated_decision_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    identity_key: Mapped[str] = mapped_column(String(64), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    decision_id: Mapped[str] = mapped_column(ForeignKey("decision_records.id"))
    created_at: Mapped[datetime]


class AutomationSuspensionRecord(Base):
    """Automated decisions switched off for a product (or all, product NULL) by an admin, with why; resumed later."""

    __tablename__ = "automation_suspensions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    product: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    suspended_by: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id"))
    suspended_at: Mapped[datetime]
    resumed_by: Mapped[str | None] = mapped_column(ForeignKey("staff_accounts.id"))
    resumed_at: Mapped[datetime | None]
    resume_reason: Mapped[str | None] = mapped_column(Text)


class ModelActivationRecord(Base):
    """Which risk model a product uses from when on: one row per activation, never changed; the newest row of a
    product is its active model (none: decisions rest on the rules alone). Earlier models stay for replay."""

    __tablename__ = "model_activations"
    __table_args__ = (Index("ix_model_activations_product", "product", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    product: Mapped[str] = mapped_column(String(8))
    version: Mapped[str | None] = mapped_column(String(64))  # None: the product's model was switched off
    content_hash: Mapped[str | None] = mapped_column(String(71))
    previous_version: Mapped[str | None] = mapped_column(String(64))
    activated_by: Mapped[str] = mapped_column(String(200))
    activated_at: Mapped[datetime]
    fairness_passed: Mapped[bool | None] = mapped_column(Boolean)
    justification: Mapped[str | None] = mapped_column(Text)


class SubjectKeyRecord(Base):
    """Whom an application is about, as keyed hashes (HMAC-SHA-256 with the server's secret, never in clear): of
    name and date of birth and of e-mail and date of birth (the keys objections are filed under), and of name, date
    of birth and address. How a data-subject request finds all of a person's applications: the same e-mail and date
    of birth, or the same name, date of birth and address (so a namesake born the same day is not taken for them).
    Erasure deletes an application's rows."""

    __tablename__ = "subject_keys"
    __table_args__ = (Index("ix_subject_keys_identity_key", "identity_key"),)

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # name, email, address


class PrivacyRequestRecord(Base):
    """A data-subject request (access, portability, rectification, restriction, erasure, objection) and its legal
    clock: due one month after receipt, extended by up to two months only with reasons told within the first."""

    __tablename__ = "privacy_requests"
    __table_args__ = (Index("ix_privacy_requests_state_due_at", "state", "due_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # open, completed, refused
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))  # the application it was filed from
    subject_keys: Mapped[list[Any]]  # the person's identity keys (see SubjectKeyRecord)
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16))  # applicant (with their token) or staff (on their behalf)
    filed_by: Mapped[str] = mapped_column(String(64))  # "applicant" or a staff id
    verification: Mapped[dict[str, Any] | None]  # staff-filed: how the identity was verified, by whom, when
    received_at: Mapped[datetime]
    due_at: Mapped[datetime]
    extended_at: Mapped[datetime | None] = mapped_column(default=None)
    extension_reason: Mapped[str | None] = mapped_column(Text, default=None)
    details: Mapped[dict[str, Any]]  # what was asked: statement, corrections, objection scope
    result: Mapped[dict[str, Any] | None] = mapped_column(default=None)  # what was done
    refusal_reason: Mapped[str | None] = mapped_column(Text, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class PrivacyRequestEventRecord(Base):
    """What happened to a privacy request, in order: filed, extended, refused, completed, exported."""

    __tablename__ = "privacy_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("privacy_requests.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]]


class ProcessingLimitRecord(Base):
    """A limit on what we do with a person's data: `restriction` (stored, not used: no automated decisions, no
    fraud velocity, no training exports, no marketing), `no_further_processing` (an upheld objection: the same)
    and `no_marketing` (an objection to marketing: absolute). Lifting is recorded, never deleted."""

    __tablename__ = "processing_limits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str | None] = mapped_column(ForeignKey("privacy_requests.id"))
    started_at: Mapped[datetime]
    started_by: Mapped[str] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None] = mapped_column(default=None)
    lifted_by: Mapped[str | None] = mapped_column(String(64), default=None)
    lift_reason: Mapped[str | None] = mapped_column(Text, default=None)


class ProcessingLimitKeyRecord(Base):
    """The keys a limit holds for: identity keys (new applications) and person keys (fraud velocity sightings)."""

    __tablename__ = "processing_limit_keys"
    __table_args__ = (Index("ix_processing_limit_keys_key", "key"),)

    limit_id: Mapped[str] = mapped_column(ForeignKey("processing_limits.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_kind: Mapped[str] = mapped_column(String(16))  # identity, person


class LegalHoldRecord(Base):
    """A legal duty to keep an application's data (an open claim, an open dispute, sanctions screening records):
    erasure and retention leave it alone until the hold is released or its `until` date has passed."""

    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # open_claim, open_dispute, sanctions
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[datetime]
    until: Mapped[date | None] = mapped_column(Date, default=None)
    released_at: Mapped[datetime | None] = mapped_column(default=None)
    released_by: Mapped[str | None] = mapped_column(String(64), default=None)
    release_reason: Mapped[str | None] = mapped_column(Text, default=None)


class ErasureRecord(Base):
    """One erasure of an application's personal data, with why (a request or the retention schedule) and what was
    removed per table. Unique per application: an application is never erased twice."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    at: Mapped[datetime]
    cause: Mapped[str] = mapped_column(String(16))  # request, retention
    request_id: Mapped[str | None] = mapped_column(String(36))
    category: Mapped[str | None] = mapped_column(String(64))  # the retention category, for the retention schedule
    removed: Mapped[dict[str, Any]]  # table -> rows removed or cleared


class RetentionRunRecord(Base):
    """One run of the retention schedule: when, by whom, a dry run or not, and what it did per category."""

    __tablename__ = "retention_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    dry_run: Mapped[bool] = mapped_column(Boolean)
    run_by: Mapped[str] = mapped_column(String(200))
    counts: Mapped[dict[str, Any]]


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed for insert/update/select."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
