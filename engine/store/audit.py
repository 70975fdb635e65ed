"""The tamper-evident decision log: each record's hash covers its content and the previous record's hash.

Personal data are not in the chained content: a record holds only a salted digest of the application as received
(``input_digest``), kept in a separate, erasable row. Erasing that row leaves the chain verifiable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, select

from engine.store.tables import (
    ApplicationPersonalDataRecord,
    AuditChainHeadRecord,
    DecisionRecord,
    HumanDecisionTextRecord,
    table_of,
)

GENESIS_HASH = "0" * 64
CHAINED_FIELDS = (
    "id",
    "seq",
    "application_id",
    "replaces_id",
    "product",
    "outcome",
    "basis",
    "advice",
    "processed",
    "reasons",
    "rules",
    "facts",
    "checks",
    "score",
    "policy_version",
    "policy_hash",
    "notice",
    "decided_at",
    "applicant_token_hash",
    "input_digest",
)


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no whitespace, UTC timestamps."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_digest(payload: Mapping[str, Any], salt: str) -> str:
    """A salted digest of the application as received; the salt is erased with the data."""
    return sha256_hex(salt.encode() + canonical_json(payload))


def record_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    content = {name: _normalise(row[name]) for name in CHAINED_FIELDS}
    if row.get("review") is not None:  # a human decision: the case, the reviewer and digests of their texts
        content["review"] = row["review"]
    return sha256_hex(prev_hash.encode() + sha256_hex(canonical_json(content)).encode())


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def texts_digest(rationale: str, explanation: str, salt: str) -> str:
    """A salted digest of a reviewer's texts (kept beside the record, erasable)."""
    return sha256_hex(salt.encode() + canonical_json({"rationale": rationale, "applicant_explanation": explanation}))


def _texts_verify(connection: Connection, decision_id: str, review: Mapping[str, Any]) -> bool:
    texts = table_of(HumanDecisionTextRecord)
    row = connection.execute(select(texts).where(texts.c.decision_id == decision_id)).first()
    if row is None:  # erased: nothing left to compare
        return True
    return texts_digest(row.rationale, row.applicant_explanation, row.salt) == review.get("texts_digest")


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    first_failure_seq: int | None = None
    first_failure_id: str | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(connection: Connection, *, batch: int = 1000) -> ChainReport:
    """Walk the log in order; report the first record whose hash, link or input digest does not verify."""
    table = table_of(DecisionRecord)
    personal = table_of(ApplicationPersonalDataRecord)
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    last_seq = 0
    while True:
        rows = connection.execute(
            select(table, personal.c.payload, personal.c.salt)
            .outerjoin(personal, personal.c.application_id == table.c.application_id)
            .where(table.c.seq > last_seq)
            .order_by(table.c.seq)
            .limit(batch)
        ).mappings()
        count = 0
        for row in rows:
            count += 1
            problem = None
            if row["seq"] != expected_seq:
                problem = f"sequence gap: expected {expected_seq}, found {row['seq']}"
            elif row["prev_hash"] != prev_hash:
                problem = "link to the previous record is broken"
            elif record_hash(dict(row), prev_hash) != row["record_hash"]:
                problem = "content does not match its hash"
            elif row["payload"] is not None and input_digest(row["payload"], row["salt"]) != row["input_digest"]:
                problem = "stored application does not match the digest in the record"
            elif row["review"] is not None and not _texts_verify(connection, row["id"], row["review"]):
                problem = "the reviewer's stored rationale or explanation does not match the digest in the record"
            if problem:
                return ChainReport(checked, row["seq"], row["id"], problem)
            prev_hash, expected_seq, last_seq = row["record_hash"], expected_seq + 1, row["seq"]
            checked += 1
        if count < batch:
            break
    head = table_of(AuditChainHeadRecord)
    head_seq, head_hash = connection.execute(select(head.c.seq, head.c.record_hash).where(head.c.id == 1)).one()
    if (head_seq, head_hash) != (last_seq, prev_hash):
        problem = f"the log ends at record {last_seq} but its head says {head_seq}: records were removed or added"
        return ChainReport(checked, last_seq + 1, None, problem)
    return ChainReport(checked)
