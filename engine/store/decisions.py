"""Writing and reading decision records. The write is one job for the single writer: application, personal data,
policy version (first use), and the chained decision record, all in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from engine.domain.checks import CheckResult
from engine.store.audit import record_hash
from engine.store.checks import Identifiers, insert_check_details, record_sightings
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    AuditChainHeadRecord,
    DecisionRecord,
    PolicyVersionRecord,
    SubjectKeyRecord,
    table_of,
)

_applications = table_of(ApplicationRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_decisions = table_of(DecisionRecord)
_head = table_of(AuditChainHeadRecord)
_policies = table_of(PolicyVersionRecord)
_subject_keys = table_of(SubjectKeyRecord)

# Built once: a constant statement executed with a parameter dict goes straight to the compiled cache, instead of
# building a new statement (and its cache key) around every value on each write.
_INSERT_APPLICATION = insert(_applications)
_INSERT_PERSONAL = insert(_personal)
_INSERT_DECISION = insert(_decisions)
_INSERT_POLICY = insert(_policies)
_INSERT_SUBJECT_KEY = insert(_subject_keys)
_SELECT_HEAD = select(_head.c.seq, _head.c.record_hash).where(_head.c.id == 1).with_for_update()
_UPDATE_HEAD = update(_head).where(_head.c.id == 1).values(seq=bindparam("new_seq"), record_hash=bindparam("new_hash"))
_SELECT_POLICY = select(_policies.c.content_hash).where(_policies.c.content_hash == bindparam("content_hash"))


@dataclass(frozen=True, slots=True)
class NewApplication:
    id: str
    client_id: str
    product: str
    received_at: datetime
    idempotency_key: str | None
    request_hash: str
    payload: dict[str, Any]
    salt: str
    subject_keys: tuple[tuple[str, str], ...] = ()  # whom it is about: (kind, keyed hash); see SubjectKeyRecord
    supersedes_id: str | None = None  # a rectified application: the version it replaces


@dataclass(frozen=True, slots=True)
class PolicySource:
    product: str
    version: str
    content_hash: str
    source: str


class AlreadySuperseded(Exception):
    """The application cannot be corrected any more: a newer version of it exists, or it was erased meanwhile."""


class DuplicateIdempotencyKey(Exception):
    """Another request with this client's Idempotency-Key was recorded first."""

    def __init__(self, decision_id: str) -> None:
        super().__init__(decision_id)
        self.decision_id = decision_id


def record_decision(
    connection: Connection,
    *,
    application: NewApplication,
    decision: dict[str, Any],
    policy: PolicySource | None,
    identifiers: Identifiers | None = None,
    check_results: Sequence[CheckResult] = (),
) -> dict[str, Any]:
    """Insert the application and its decision record, chained to the log's head, with the application's identifier
    keys and its checks' details. Returns the stored row.

    ``policy`` is stored first when given (its first use); None when the caller knows it is stored already."""
    if policy is not None:
        ensure_policy_version(connection, policy, now=application.received_at)
    values = {
        "id": application.id,
        "client_id": application.client_id,
        "product": application.product,
        "received_at": application.received_at,
        "idempotency_key": application.idempotency_key,
        "request_hash": application.request_hash,
        "supersedes_id": application.supersedes_id,
    }
    if application.idempotency_key is None:
        connection.execute(_INSERT_APPLICATION, values)
    else:  # the unique (client, key) constraint decides between concurrent retries, across processes too
        try:
            with connection.begin_nested():  # on PostgreSQL a failed INSERT aborts the transaction; keep it usable
                connection.execute(_INSERT_APPLICATION, values)
        except IntegrityError:
            existing = find_by_idempotency_key(connection, application.client_id, application.idempotency_key)
            if existing is None:
                raise
            raise DuplicateIdempotencyKey(existing["decision_id"]) from None
    connection.execute(
        _INSERT_PERSONAL, {"application_id": application.id, "payload": application.payload, "salt": application.salt}
    )
    if application.supersedes_id is not None:
        superseded = connection.execute(  # never a version that is superseded already, or erased meanwhile
            update(_applications)
            .where(
                _applications.c.id == application.supersedes_id,
                _applications.c.superseded_by.is_(None),
                _applications.c.erased_at.is_(None),
            )
            .values(superseded_by=application.id)
        )
        if superseded.rowcount != 1:
            raise AlreadySuperseded(application.supersedes_id)
    if application.subject_keys:
        connection.execute(
            _INSERT_SUBJECT_KEY,
            [
                {"application_id": application.id, "kind": kind, "identity_key": key}
                for kind, key in application.subject_keys
            ],
        )
    if identifiers is not None:
        record_sightings(connection, identifiers=identifiers, seen_at=application.received_at)
    stored = append_decision_record(connection, decision)
    insert_check_details(connection, decision_id=stored["id"], results=check_results)
    return stored


def append_decision_record(connection: Connection, decision: dict[str, Any]) -> dict[str, Any]:
    """Append one record at the head of the chain (the head row is locked for the transaction)."""
    head = connection.execute(_SELECT_HEAD).one()
    row = dict(decision, seq=head.seq + 1, prev_hash=head.record_hash)
    row["record_hash"] = record_hash(row, head.record_hash)
    connection.execute(_INSERT_DECISION, row)
    connection.execute(_UPDATE_HEAD, {"new_seq": row["seq"], "new_hash": row["record_hash"]})
    return row


def ensure_policy_version(connection: Connection, policy: PolicySource, *, now: datetime) -> None:
    query = {"content_hash": policy.content_hash}
    known = connection.execute(_SELECT_POLICY, query).first()
    if known is None:
        try:
            with connection.begin_nested():
                connection.execute(
                    _INSERT_POLICY,
                    {
                        "content_hash": policy.content_hash,
                        "product": policy.product,
                        "version": policy.version,
                        "source": policy.source,
                        "first_used_at": now,
                    },
                )
        except IntegrityError:  # another process recorded this version first
            if connection.execute(_SELECT_POLICY, query).first() is None:
                raise


def get_policy_hash(connection: Connection, product: str, version: str) -> str | None:
    """The content hash under which a product's policy version was first used, if it was."""
    row = connection.execute(
        select(_policies.c.content_hash).where(_policies.c.product == product, _policies.c.version == version)
    ).first()
    return str(row.content_hash) if row else None


_FIND_BY_IDEMPOTENCY_KEY = (
    select(_applications.c.request_hash, _decisions.c.id.label("decision_id"))
    .join(_decisions, _decisions.c.application_id == _applications.c.id)
    .where(_applications.c.client_id == bindparam("client_id"), _applications.c.idempotency_key == bindparam("key"))
    .order_by(_decisions.c.seq)
    .limit(1)
)


def find_by_idempotency_key(connection: Connection, client_id: str, key: str) -> dict[str, Any] | None:
    row = connection.execute(_FIND_BY_IDEMPOTENCY_KEY, {"client_id": client_id, "key": key}).first()
    return dict(row._mapping) if row else None


def get_decision(connection: Connection, decision_id: str) -> dict[str, Any] | None:
    row = connection.execute(
        select(_decisions, _applications.c.client_id, _applications.c.received_at)
        .join(_applications, _applications.c.id == _decisions.c.application_id)
        .where(_decisions.c.id == decision_id)
    ).first()
    return dict(row._mapping) if row else None


def get_application_payload(connection: Connection, application_id: str) -> dict[str, Any] | None:
    row = connection.execute(select(_personal.c.payload).where(_personal.c.application_id == application_id)).first()
    return dict(row.payload) if row else None


def get_policy_source(connection: Connection, content_hash: str) -> str | None:
    row = connection.execute(select(_policies.c.source).where(_policies.c.content_hash == content_hash)).first()
    return str(row.source) if row else None


def latest_decision_id(connection: Connection, application_id: str) -> str | None:
    """The id of the newest decision about an application."""
    row = connection.execute(
        select(_decisions.c.id)
        .where(_decisions.c.application_id == application_id)
        .order_by(_decisions.c.seq.desc())
        .limit(1)
    ).first()
    return str(row.id) if row else None
