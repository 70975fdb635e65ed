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
- ``legal_holds``: the reasons staff gave for placing and releasing a hold (cleared; only released or lapsed holds
  can be left on an erased application, since a hold in force prevents erasure).
- ``subject_keys``: the keyed hashes the application is filed under (deleted), so that no one, the controller
  included, can link the decision facts that stay back to the person by computing the keys from their details.
- ``applications``: the client-chosen idempotency key (nulled) and the unsalted hash of the request (replaced by a
  random value); ``erased_at`` is set.
- ``identifier_sightings``: the person's fraud-velocity keys, once none of their applications holds personal data.
- ``privacy_requests`` filed from the erased applications (see `clear_requests`): the ``details`` the person wrote,
  and the free text staff wrote: a refusal's and an extension's reasons, the ``grounds`` in the result, free text in
  the request's events (``privacy_request_events``) and the reason a limit placed by the request was lifted
  (``processing_limits``). That the request was made and handled, and when (kind, state, dates, ids, counts, the
  outcome), stays as accountability. `erase_subject` clears the requests filed from the person's held applications
  as well.

What stays, by design: the decision records (append-only, hash-chained; they hold no personal data in clear), the
staff access log (ids only; it has its own retention period), and the keyed hashes (HMAC-SHA-256 with the server's
secret) in ``automated_decision_objections`` and ``processing_limit_keys``: they keep the person's objection to
automated decisions, and any restriction or objection to further processing, holding when they apply again. Those
rows still name the application (an objection) or the request (a limit) they came from, and a request keeps the
person's keys in ``privacy_requests.subject_keys``: whoever holds the server's secret can still get from a person's
details to those applications' remaining (non-personal) decision facts that way.

Every function works in the caller's transaction and never commits. An ``erasures`` row (unique per application)
marks an application as done: erasing it again changes nothing. Applications under a legal hold are refused, with
the holds (and their reasons) returned.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import Connection, delete, insert, select, update

from engine.decision.core import DUTCH_TIME
from engine.privacy.holds import Hold, holds_on
from engine.privacy.subject import applications_of, keys_of_application, person_keys
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    CheckDetailRecord,
    DecisionRecord,
    ErasureRecord,
    HumanDecisionTextRecord,
    IdentifierSightingRecord,
    LegalHoldRecord,
    PrivacyRequestEventRecord,
    PrivacyRequestRecord,
    ProcessingLimitRecord,
    ReviewCaseRecord,
    ReviewEventRecord,
    ScreeningAlertRecord,
    SubjectKeyRecord,
    table_of,
)

log = structlog.get_logger(__name__)

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
_request_events = table_of(PrivacyRequestEventRecord)
_limits = table_of(ProcessingLimitRecord)
_holds = table_of(LegalHoldRecord)
_erasures = table_of(ErasureRecord)
_subject_keys = table_of(SubjectKeyRecord)

# Keys of a review event's data that may hold free text (staff notes); the rest are codes, ids and counts.
FREE_TEXT_EVENT_KEYS = frozenset({"note", "statement", "rationale", "applicant_explanation", "text", "comment"})
# Keys of a privacy request event's data that may hold free text: the notes above, and reasons and grounds staff gave.
FREE_TEXT_REQUEST_EVENT_KEYS = FREE_TEXT_EVENT_KEYS | {"reason", "grounds"}
ERASED_TEXT = "[erased]"
# What a privacy request's details keep once cleared: codes, not words (an objection's scope says how it is weighed).
KEPT_REQUEST_DETAILS = frozenset({"scope"})


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
    insurance_file_months: int | None = None,
) -> ErasureOutcome:
    """Erase the personal data of an application and of every other version of it, unless a legal hold applies to
    any version (then nothing of the chain is erased and the holds are returned). Versions erased before are
    reported, not erased again. With ``insurance_file_months`` (an erasure request) the file of an accepted
    application is held while its cover runs and that many months after. Runs in the caller's transaction."""
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
    holds = holds_on(
        connection, chain, today=now.astimezone(DUTCH_TIME).date(), insurance_file_months=insurance_file_months
    )
    if holds:
        outcome.held = holds
        return outcome
    persons = set(person_keys(connection, pending))
    keys: set[str] = set()  # read before `_erase_one` deletes them: they find the person's other applications
    for one in pending:
        keys.update(keys_of_application(connection, one))
    for one in pending:
        outcome.erased[one] = _erase_one(
            connection, one, cause=cause, request_id=request_id, category=category, now=now
        )
    removed = _forget_sightings(connection, persons, keys=keys, erased=pending)
    if removed:
        # the sightings belong to the person, not to one version: counted on the chain's newest erased version
        outcome.erased[pending[-1]]["identifier_sightings"] = removed
        connection.execute(
            update(_erasures)
            .where(_erasures.c.application_id == pending[-1])
            .values(removed=outcome.erased[pending[-1]])
        )
    outcome.requests_cleared = clear_request_details(connection, pending)
    _unlink_requests(connection, pending)
    log.info("erased_application_data", applications=pending, cause=cause, category=category, request_id=request_id)
    return outcome


def _unlink_requests(connection: Connection, erased: Sequence[str]) -> None:
    """Requests filed from erased applications drop the person's keys once those keys find no application any
    more (all of the person's data erased): the request stays, with nothing that leads back to the person."""
    rows = connection.execute(
        select(_requests.c.id, _requests.c.subject_keys).where(_requests.c.application_id.in_(list(erased)))
    ).all()
    for request_id, keys in rows:
        if keys and not applications_of(connection, keys):
            connection.execute(update(_requests).where(_requests.c.id == request_id).values(subject_keys=[]))


def erase_subject(
    connection: Connection,
    keys: Iterable[str],
    *,
    request_id: str | None,
    now: datetime,
    insurance_file_months: int | None = None,
) -> ErasureOutcome:
    """An erasure request: every application of the person with these identity keys (and every version of each),
    except those under a legal hold; what the person and staff wrote in the person's privacy requests (filed from
    any of these applications, held ones too) is cleared as well (see `clear_requests`: a request stays as a record
    that it was made and handled)."""
    outcome = ErasureOutcome()
    seen: set[str] = set()
    applications = applications_of(connection, keys)
    for application_id in applications:
        if application_id in seen:
            continue
        part = erase_application(
            connection,
            application_id,
            cause="request",
            request_id=request_id,
            now=now,
            insurance_file_months=insurance_file_months,
        )
        seen.update(part.erased, part.already_erased, part.held)
        seen.update(version_chain(connection, application_id))
        outcome.merge(part)
    outcome.requests_cleared += clear_request_details(connection, sorted(seen | set(applications)))
    return outcome


def clear_request_details(connection: Connection, application_ids: Sequence[str]) -> int:
    """Clear what was written about the person in the privacy requests filed from these applications (see
    `clear_requests`); how many requests had anything left to clear."""
    if not application_ids:
        return 0
    ids = connection.execute(select(_requests.c.id).where(_requests.c.application_id.in_(list(application_ids))))
    return clear_requests(connection, list(ids.scalars()))


def clear_requests(connection: Connection, request_ids: Iterable[str], *, apply: bool = True) -> int:
    """Clear the free text of these privacy requests, which may name the person: the ``details`` they wrote (an
    objection's ``scope``, a code, stays), the ``refusal_reason`` and ``extension_reason``, the ``grounds`` in the
    ``result`` (its ids, counts and outcome stay), free text in their events, and the ``lift_reason`` of limits they
    placed. Kind, state and dates stay: that a request was handled, and when, is accountability. Returns how many
    requests had anything left to clear (none the second time); with ``apply`` False only counts them."""
    ids = sorted(set(request_ids))
    if not ids:
        return 0
    touched: set[str] = set()
    rows = connection.execute(
        select(
            _requests.c.id,
            _requests.c.details,
            _requests.c.refusal_reason,
            _requests.c.extension_reason,
            _requests.c.result,
        ).where(_requests.c.id.in_(ids))
    )
    for row in rows.all():
        values: dict[str, Any] = {}
        details = row.details if isinstance(row.details, dict) else {}
        kept = {key: value for key, value in details.items() if key in KEPT_REQUEST_DETAILS}
        if details != kept:
            values["details"] = kept
        for column in ("refusal_reason", "extension_reason"):
            if _text_left(getattr(row, column)):
                values[column] = ERASED_TEXT
        if isinstance(row.result, dict) and _text_left(row.result.get("grounds")):
            values["result"] = {**row.result, "grounds": ERASED_TEXT}
        if values:
            touched.add(row.id)
            if apply:
                connection.execute(
                    update(_requests).where(_requests.c.id == row.id).values(version=_requests.c.version + 1, **values)
                )
    events = connection.execute(
        select(_request_events.c.id, _request_events.c.request_id, _request_events.c.data).where(
            _request_events.c.request_id.in_(ids)
        )
    )
    for event_id, request_id, data in events.all():
        clean = _without_free_text(data, FREE_TEXT_REQUEST_EVENT_KEYS)
        if clean is not None:
            touched.add(request_id)
            if apply:
                connection.execute(update(_request_events).where(_request_events.c.id == event_id).values(data=clean))
    limits = connection.execute(
        select(_limits.c.id, _limits.c.request_id, _limits.c.lift_reason).where(_limits.c.request_id.in_(ids))
    )
    lifted = [(limit_id, request_id) for limit_id, request_id, reason in limits.all() if _text_left(reason)]
    touched.update(request_id for _, request_id in lifted)
    if apply and lifted:
        connection.execute(
            update(_limits).where(_limits.c.id.in_([i for i, _ in lifted])).values(lift_reason=ERASED_TEXT)
        )
    return len(touched)


def _text_left(value: Any) -> bool:
    """Whether a free-text value still holds something to erase."""
    return value is not None and value != "" and value != ERASED_TEXT


def _without_free_text(data: Any, keys: frozenset[str]) -> dict[str, Any] | None:
    """Event data with the values of free-text ``keys`` erased; None when there is nothing to erase."""
    if not isinstance(data, dict) or not keys & set(data):
        return None
    clean = {key: (ERASED_TEXT if key in keys and _text_left(value) else value) for key, value in data.items()}
    return clean if clean != data else None


def _forget_sightings(connection: Connection, persons: set[str], *, keys: set[str], erased: Sequence[str]) -> int:
    """Delete the fraud-velocity sightings of these person keys, except of a person with another application that
    still holds personal data (found through the erased applications' subject ``keys``, and through the person key
    itself)."""
    if not persons:
        return 0
    others = [a for a in applications_of(connection, keys) if a not in set(erased)]
    still_held = set(person_keys(connection, others))
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
    removed["screening_alerts"] = _count(
        connection.execute(update(_alerts).where(_alerts.c.application_id == application_id).values(matches=[]))
    )
    removed["legal_holds"] = _clear_hold_reasons(connection, application_id)
    removed["subject_keys"] = _count(
        connection.execute(delete(_subject_keys).where(_subject_keys.c.application_id == application_id))
    )
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
    ).all():
        clean = _without_free_text(data, FREE_TEXT_EVENT_KEYS)
        if clean is not None:
            connection.execute(update(_events).where(_events.c.id == event_id).values(data=clean))
            cleared += 1
    return cleared


def _clear_hold_reasons(connection: Connection, application_id: str) -> int:
    """Erase the reasons staff gave for placing and releasing the application's holds (released or lapsed ones: a
    hold in force prevents erasure); the holds themselves, who placed them and when, stay. How many were cleared."""
    cleared = 0
    for row in connection.execute(
        select(_holds.c.id, _holds.c.reason, _holds.c.release_reason).where(_holds.c.application_id == application_id)
    ).all():
        values = {
            column: ERASED_TEXT
            for column, value in (("reason", row.reason), ("release_reason", row.release_reason))
            if _text_left(value)
        }
        if values:
            connection.execute(update(_holds).where(_holds.c.id == row.id).values(**values))
            cleared += 1
    return cleared


def _count(result: Any) -> int:
    return int(result.rowcount or 0)
