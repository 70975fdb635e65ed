"""Tables. Decision records are append-only (the database refuses UPDATE and DELETE on them); the personal data of
an application sit in their own row so that erasure can remove them without touching the hash-chained record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint
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


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed for insert/update/select."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
