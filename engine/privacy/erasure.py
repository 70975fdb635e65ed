"""Erasure: removing an application's personal data from every table that holds them, while the non-personal facts
of its decisions stay for statistics and audit.

What is removed, per application (and with it every version of a rectified application, see `version_chain`):

- ``application_personal_data``: the application as received and its salt (deleted). The decision records keep only
  the salted digest, which can no longer be linked to anyone; the audit chain still verifies.
- ``check_details``: what lay behind the checks' facts (deleted).
- ``human_decision_texts``: a reviewer's rationale and explanation (deleted; the record keeps their salted digest).
- ``review_cases``: the applicant's statement and corrections (cleared).
- ``review_events``: free-text notes staff wrote when returning, forwarding or releasing a case (cleared).
- ``screening_alerts``: the matched list entries (cleared; that an alert existed, and its status, stay).
- ``applications``: the client-chosen idempotency key (nulled) and the unsalted hash of the request (replaced by a
  random value); ``erased_at`` is set.
- ``identifier_sightings``: the person's fraud-velocity keys, once none of their applications holds personal data.
- ``privacy_requests`` (erasure on request only, `erase_subject`): the ``details`` the person wrote in their requests.

What stays, by design: the decision records (append-only, hash-chained; they hold no personal data in clear), the
staff access log (ids only; it has its own retention period), and the keyed hashes (HMAC-SHA-256 with the server's
secret) in ``subject_keys``, ``automated_decision_objections`` and ``processing_limit_keys``. Those hashes cannot be
read back into a person, but let the person's objection to automated decisions and any restriction keep holding when
they apply again, and let a later request of theirs find what was done.

Every function works in the caller's transaction and never commits. An ``erasures`` row (unique per application)
marks an application as done: erasing it again changes nothing. Applications under a legal hold are refused, with
the holds (and their reasons) returned.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from engine.checks.fraud import person_fingerprint
from engine.decision.core import DUTCH_TIME
from engine.privacy.holds import Hold, holds_on
from engine.privacy.subject import applications_of, keys_of_application, parse_application
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    CheckDetailRecord,
    DecisionRecord,
    ErasureRecord,
    HumanDecisionTextRecord,
    IdentifierSightingRecord,
    PrivacyRequestRecord,
    ReviewCaseRecord,
    ReviewEventRecord,
    ScreeningAlertRecord,
    SubjectKeyRecord,
    table_of,
)

log = logging.getLogger(__name__)

_applications = table_of(ApplicationRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_decisions = table_of(DecisionRecord)
_details = table_of(CheckDetailRecord)
_texts = table_of(HumanDecisionTextRecord)
_cases = table_of(ReviewCaseRecord)
_events = table_of(ReviewEventRecord)
_alerts = table_of(ScreeningAlertRecord)
_sightings = table_of(IdentifierSightingRecord)
_requests = table_of(PrivacyRequestRecord)
_erasures = table_of(ErasureRecord)
_subject_keys = table_of(SubjectKeyRecord)

# Keys of a review event's data that may hold free text (staff notes); the rest are codes, ids and counts.
FREE_TEXT_EVENT_KEYS = frozenset({"note", "statement", "rationale", "applicant_explanation", "text", "comment"})
ERASED_TEXT = "[erased]"


@dataclass
class ErasureOutcome:
    """What an erasure did: the applications erased now (with rows removed or cleared per table), those kept under
    a hold (with the holds, whose reasons a refusal quotes), and those erased before."""

    erased: dict[str, dict[str, int]] = field(default_factory=dict)
    held: dict[str, list[Hold]] = field(default_factory=dict)
    already_erased: list[str] = field(default_factory=list)
    requests_cleared: int = 0

    def merge(self, other: ErasureOutcome) -> None:
        self.erased.update(other.erased)
        self.held.update(other.held)
        self.already_erased += [a for a in other.already_erased if a not in self.already_erased]
        self.requests_cleared += other.requests_cleared

    def as_dict(self) -> dict[str, Any]:
        """For a request's result: ids, counts and hold reasons, no personal data."""
        return {
            "erased": sorted(self.erased),
            "removed": {application_id: dict(counts) for application_id, counts in sorted(self.erased.items())},
            "held": [hold.as_dict() for application_id in sorted(self.held) for hold in self.held[application_id]],
            "already_erased": sorted(self.already_erased),
            "requests_cleared": self.requests_cleared,
        }


def version_chain(connection: Connection, application_id: str) -> list[str]:
    """Every version of a rectified application (oldest first); just the application itself when never rectified."""
    row = connection.execute(
        select(_applications.c.supersedes_id, _applications.c.superseded_by).where(_applications.c.id == application_id)
    ).first()
    if row is None:
        return []
    older: list[str] = []
    previous = row.supersedes_id
    while previous is not None and previous not in older:
        older.insert(0, previous)
        previous = connection.execute(
            select(_applications.c.supersedes_id).where(_applications.c.id == previous)
        ).scalar_one_or_none()
    newer: list[str] = []
    following = row.superseded_by
    while following is not None and following not in newer:
        newer.append(following)
        following = connection.execute(
            select(_applications.c.superseded_by).where(_applications.c.id == following)
        ).scalar_one_or_none()
    return [*older, application_id, *newer]


def erase_application(
    connection: Connection,
    application_id: str,
    *,
    cause: str,
    request_id: str | None = None,
    category: str | None = None,
    now: datetime,
) -> ErasureOutcome:
    """Erase the personal data of an application and of every other version of it, unless a legal hold applies to
    any version (then nothing of the chain is erased and the holds are returned). Versions erased before are
    reported, not erased again. Runs in the caller's transaction."""
    chain = version_chain(connection, application_id)
    if not chain:
        raise ValueError(f"no application {application_id}")
    outcome = ErasureOutcome()
    # lock the chain's rows (PostgreSQL) so two erasures of one application cannot interleave
    connection.execute(select(_applications.c.id).where(_applications.c.id.in_(chain)).with_for_update()).all()
    done_ids = set(
        connection.execute(select(_erasures.c.application_id).where(_erasures.c.application_id.in_(chain))).scalars()
    )
    outcome.already_erased = [a for a in chain if a in done_ids]
    pending = [a for a in chain if a not in done_ids]
    if not pending:
        return outcome
    holds = holds_on(connection, chain, today=now.astimezone(DUTCH_TIME).date())
    if holds:
        outcome.held = holds
        return outcome
    persons = _person_keys_by_application(connection, pending)
    for one in pending:
        outcome.erased[one] = _erase_one(
            connection, one, cause=cause, request_id=request_id, category=category, now=now
        )
    removed = _forget_sightings(connection, set(persons.values()), erased=pending)
    if removed:
        # the sightings belong to the person, not to one version: counted on the chain's newest erased version
        outcome.erased[pending[-1]]["identifier_sightings"] = removed
        connection.execute(
            update(_erasures)
            .where(_erasures.c.application_id == pending[-1])
            .values(removed=outcome.erased[pending[-1]])
        )
    log.info(
        "erased application data",
        extra={"applications": pending, "cause": cause, "category": category, "request_id": request_id},
    )
    return outcome


def erase_subject(
    connection: Connection, keys: Iterable[str], *, request_id: str | None, now: datetime
) -> ErasureOutcome:
    """An erasure request: every application of the person with these identity keys (and every version of each),
    except those under a legal hold; the ``details`` of the person's privacy requests are cleared too (a request
    stays as a record that it was made and handled)."""
    outcome = ErasureOutcome()
    seen: set[str] = set()
    applications = applications_of(connection, keys)
    for application_id in applications:
        if application_id in seen:
            continue
        part = erase_application(connection, application_id, cause="request", request_id=request_id, now=now)
        seen.update(part.erased, part.already_erased, part.held)
        seen.update(version_chain(connection, application_id))
        outcome.merge(part)
    outcome.requests_cleared = clear_request_details(connection, sorted(seen | set(applications)))
    return outcome


def clear_request_details(connection: Connection, application_ids: Sequence[str]) -> int:
    """Clear what the person wrote in their privacy requests filed from these applications; how many were cleared."""
    if not application_ids:
        return 0
    ids = [
        row.id
        for row in connection.execute(
            select(_requests.c.id, _requests.c.details).where(_requests.c.application_id.in_(list(application_ids)))
        )
        if row.details
    ]
    if ids:
        connection.execute(update(_requests).where(_requests.c.id.in_(ids)).values(details={}))
    return len(ids)


def _person_keys_by_application(connection: Connection, application_ids: Sequence[str]) -> dict[str, str]:
    rows = connection.execute(
        select(_personal.c.application_id, _personal.c.payload).where(
            _personal.c.application_id.in_(list(application_ids))
        )
    )
    return {application_id: person_fingerprint(parse_application(payload)) for application_id, payload in rows}


def _forget_sightings(connection: Connection, persons: set[str], *, erased: Sequence[str]) -> int:
    """Delete the fraud-velocity sightings of these person keys, except of a person with another application that
    still holds personal data (found through the subject keys, and through the person key itself)."""
    if not persons:
        return 0
    keys: set[str] = set()
    for application_id in erased:
        keys.update(keys_of_application(connection, application_id))
    others = [a for a in applications_of(connection, keys) if a not in set(erased)]
    still_held = set(_person_keys_by_application(connection, others).values()) if others else set()
    gone = sorted(persons - still_held)
    if not gone:
        return 0
    return int(connection.execute(delete(_sightings).where(_sightings.c.person.in_(gone))).rowcount or 0)


def _erase_one(
    connection: Connection,
    application_id: str,
    *,
    cause: str,
    request_id: str | None,
    category: str | None,
    now: datetime,
) -> dict[str, int]:
    removed: dict[str, int] = {}
    decision_ids = list(
        connection.execute(select(_decisions.c.id).where(_decisions.c.application_id == application_id)).scalars()
    )
    removed["application_personal_data"] = _count(
        connection.execute(delete(_personal).where(_personal.c.application_id == application_id))
    )
    if decision_ids:
        removed["check_details"] = _count(
            connection.execute(delete(_details).where(_details.c.decision_id.in_(decision_ids)))
        )
        removed["human_decision_texts"] = _count(
            connection.execute(delete(_texts).where(_texts.c.decision_id.in_(decision_ids)))
        )
    case_ids = list(connection.execute(select(_cases.c.id).where(_cases.c.application_id == application_id)).scalars())
    if case_ids:
        removed["review_cases"] = _count(
            connection.execute(
                update(_cases)
                .where(_cases.c.id.in_(case_ids))
                .values(statement=None, corrections=[], version=_cases.c.version + 1)
            )
        )
        removed["review_events"] = _clear_event_texts(connection, case_ids)
    alerts = _count(
        connection.execute(update(_alerts).where(_alerts.c.application_id == application_id).values(matches=[]))
    )
    if alerts:
        removed["screening_alerts"] = alerts
    connection.execute(
        update(_applications)
        .where(_applications.c.id == application_id)
        .values(erased_at=now, idempotency_key=None, request_hash=secrets.token_hex(32))
    )
    removed["applications"] = 1
    removed = {table: count for table, count in removed.items() if count}
    connection.execute(
        insert(_erasures).values(
            application_id=application_id,
            at=now,
            cause=cause,
            request_id=request_id,
            category=category,
            removed=removed,
        )
    )
    return removed


def _clear_event_texts(connection: Connection, case_ids: Sequence[str]) -> int:
    cleared = 0
    for event_id, data in connection.execute(
        select(_events.c.id, _events.c.data).where(_events.c.case_id.in_(list(case_ids)))
    ):
        if not isinstance(data, dict) or not FREE_TEXT_EVENT_KEYS & set(data):
            continue
        clean = {key: (ERASED_TEXT if key in FREE_TEXT_EVENT_KEYS and value else value) for key, value in data.items()}
        if clean != data:
            connection.execute(update(_events).where(_events.c.id == event_id).values(data=clean))
            cleared += 1
    return cleared


def _count(result: Any) -> int:
    return int(result.rowcount or 0)
