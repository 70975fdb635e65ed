"""Data-subject requests as cases: filed by the applicant (with their decision's token) or by staff on their behalf
after verifying who they are (recorded), each with the legal clock; extended with reasons within the first month,
refused with reasons and the right to complain to the Autoriteit Persoonsgegevens, or completed with what was done.
Changes are conditional on the request's state, so two members of staff cannot both close one request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from engine.errors import Conflict, InvalidInput, NotFound
from engine.privacy.clock import ClockState, clock_state, due_at, why_cannot_extend
from engine.privacy.subject import applications_of
from engine.store.tables import PrivacyRequestEventRecord, PrivacyRequestRecord, table_of

_requests = table_of(PrivacyRequestRecord)
_events = table_of(PrivacyRequestEventRecord)
MIN_REASON = 20  # characters: a refusal, an extension, compelling grounds must say something


class RequestKind(StrEnum):
    ACCESS = "access"
    PORTABILITY = "portability"
    RECTIFICATION = "rectification"
    RESTRICTION = "restriction"
    ERASURE = "erasure"
    OBJECTION = "objection"


class RequestState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    REFUSED = "refused"


class ObjectionScope(StrEnum):
    MARKETING = "marketing"  # absolute: out of marketing selections at once
    PROCESSING = "processing"  # further processing stops unless a person records compelling grounds


class Channel(StrEnum):
    APPLICANT = "applicant"  # with the token of one of their decisions
    STAFF = "staff"  # on their behalf, after verifying their identity


class VerificationMethod(StrEnum):
    """How staff verified the identity of a person who asked in person, by phone or by letter."""

    ID_DOCUMENT_IN_PERSON = "id_document_in_person"
    ID_DOCUMENT_COPY = "id_document_copy"  # a copy with the photo and BSN made unreadable
    VIDEO_CALL = "video_call"
    CALL_BACK_KNOWN_NUMBER = "call_back_known_number"
    APPLICANT_TOKEN = "applicant_token"  # noqa: S105 - a method's name: the person showed the token of their decision


@dataclass(frozen=True, slots=True)
class Asked:
    """What the person asks, besides the kind."""

    kind: RequestKind
    statement: str | None = None
    corrections: list[dict[str, Any]] = field(default_factory=list)  # rectification: [{field, value}]
    scope: ObjectionScope | None = None  # objection

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.statement:
            out["statement"] = self.statement
        if self.corrections:
            out["corrections"] = self.corrections
        if self.scope is not None:
            out["scope"] = self.scope.value
        return out


def check_asked(asked: Asked) -> None:
    """What each kind needs: corrections for a rectification (and only there), a scope for an objection."""
    if asked.kind is RequestKind.RECTIFICATION and not asked.corrections:
        raise InvalidInput("corrections", "a rectification needs at least one correction: the field and its value")
    if asked.kind is not RequestKind.RECTIFICATION and asked.corrections:
        raise InvalidInput("corrections", "corrections belong to a rectification request only")
    if asked.kind is RequestKind.OBJECTION and asked.scope is None:
        raise InvalidInput("scope", "an objection needs a scope: marketing or processing")
    if asked.kind is not RequestKind.OBJECTION and asked.scope is not None:
        raise InvalidInput("scope", "a scope belongs to an objection only")


def check_reason(reason: str, *, field_name: str = "reason") -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            field_name, f"give the reasons in at least {MIN_REASON} characters; the applicant reads them"
        )
    return reason


def file_request(
    connection: Connection,
    *,
    asked: Asked,
    application_id: str,
    subject_keys: list[str],
    language: str,
    channel: Channel,
    filed_by: str,
    verification: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    """Record a new request, due one month from now."""
    check_asked(asked)
    if channel is Channel.STAFF and not verification:
        raise InvalidInput("verification", "a request filed on someone's behalf needs how their identity was verified")
    request_id = str(uuid.uuid4())
    row = {
        "id": request_id,
        "kind": asked.kind.value,
        "state": RequestState.OPEN.value,
        "application_id": application_id,
        "subject_keys": sorted(subject_keys),
        "language": language,
        "channel": channel.value,
        "filed_by": filed_by,
        "verification": verification,
        "received_at": now,
        "due_at": due_at(now),
        "details": asked.details(),
        "version": 1,
    }
    connection.execute(insert(_requests).values(**row))
    add_event(connection, request_id=request_id, at=now, actor=filed_by, kind="filed", data={"channel": channel.value})
    return get_request(connection, request_id)


def add_event(
    connection: Connection, *, request_id: str, at: datetime, actor: str, kind: str, data: dict[str, Any]
) -> None:
    connection.execute(insert(_events).values(request_id=request_id, at=at, actor=actor, kind=kind, data=data))


def get_request(connection: Connection, request_id: str, *, for_update: bool = False) -> dict[str, Any]:
    """A request; with ``for_update`` its row is locked for the transaction (PostgreSQL): every change to a request
    takes this lock first, so two officers' changes never wait on each other in opposite orders."""
    query = select(_requests).where(_requests.c.id == request_id)
    row = connection.execute(query.with_for_update() if for_update else query).mappings().first()
    if row is None:
        raise NotFound(f"no privacy request {request_id}")
    return dict(row)


def events_of(connection: Connection, request_id: str) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(_events).where(_events.c.request_id == request_id).order_by(_events.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def requests_of_subject(
    connection: Connection, keys: list[str], *, application_id: str | None = None
) -> list[dict[str, Any]]:
    """Every request of the person with these subject keys (filed from any of their applications), newest first;
    with ``application_id``, also those filed from that application (whose keys are gone once it is erased)."""
    applications = applications_of(connection, keys)
    if application_id is not None:
        applications.append(application_id)
    if not applications:
        return []
    rows = connection.execute(
        select(_requests)
        .where(_requests.c.application_id.in_(applications))
        .order_by(_requests.c.received_at.desc(), _requests.c.id)
    ).mappings()
    return [dict(row) for row in rows]


@dataclass(frozen=True, slots=True)
class RequestPage:
    rows: list[dict[str, Any]]
    total: int
    open: int
    due_soon: int
    overdue: int


def list_requests(
    connection: Connection,
    *,
    now: datetime,
    soon_days: int,
    state: RequestState | None = None,
    clock: ClockState | None = None,
    kind: RequestKind | None = None,
    limit: int = 50,
    offset: int = 0,
) -> RequestPage:
    """Requests, soonest due first (open ones before closed ones), with the counts of open, nearly overdue and
    overdue requests over all of them."""
    query = select(_requests)
    if state is not None:
        query = query.where(_requests.c.state == state.value)
    if kind is not None:
        query = query.where(_requests.c.kind == kind.value)
    soon = due_at_soon(now, soon_days)
    if clock is ClockState.OVERDUE:
        query = query.where(_requests.c.state == RequestState.OPEN.value, _requests.c.due_at < now)
    elif clock is ClockState.DUE_SOON:
        query = query.where(
            _requests.c.state == RequestState.OPEN.value, _requests.c.due_at >= now, _requests.c.due_at <= soon
        )
    elif clock is ClockState.ON_TIME:
        query = query.where(_requests.c.state == RequestState.OPEN.value, _requests.c.due_at > soon)
    elif clock is ClockState.CLOSED:
        query = query.where(_requests.c.state != RequestState.OPEN.value)
    total = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    open_now = _requests.c.state == RequestState.OPEN.value
    counts = connection.execute(
        select(
            func.count().filter(open_now),
            func.count().filter(open_now, _requests.c.due_at >= now, _requests.c.due_at <= soon),
            func.count().filter(open_now, _requests.c.due_at < now),
        )
    ).one()
    is_closed = _requests.c.state != RequestState.OPEN.value
    rows = connection.execute(
        query.order_by(is_closed, _requests.c.due_at, _requests.c.id).limit(limit).offset(offset)
    ).mappings()
    return RequestPage([dict(row) for row in rows], int(total), int(counts[0]), int(counts[1]), int(counts[2]))


def due_at_soon(now: datetime, soon_days: int) -> datetime:
    return now + timedelta(days=soon_days)


def state_of_clock(request: dict[str, Any], *, now: datetime, soon_days: int) -> ClockState:
    return clock_state(
        request["due_at"], now=now, closed=request["state"] != RequestState.OPEN.value, soon_days=soon_days
    )


def _change(connection: Connection, request: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Update an open request if nobody changed it meanwhile (its version); Conflict otherwise."""
    changed = connection.execute(
        update(_requests)
        .where(
            _requests.c.id == request["id"],
            _requests.c.version == request["version"],
            _requests.c.state == RequestState.OPEN.value,
        )
        .values(version=request["version"] + 1, **values)
    )
    if changed.rowcount != 1:
        raise Conflict("the request was changed meanwhile (closed or extended by someone else); reload it")
    return get_request(connection, request["id"])


def _open(connection: Connection, request_id: str) -> dict[str, Any]:
    request = get_request(connection, request_id, for_update=True)
    if request["state"] != RequestState.OPEN.value:
        raise Conflict(f"the request is {request['state']} already")
    return request


def extend_request(
    connection: Connection, *, request_id: str, reason: str, months: int, by: str, now: datetime
) -> dict[str, Any]:
    """Extend the deadline by one or two months, with the reasons the applicant is told (only within the first
    month, and once)."""
    reason = check_reason(reason)
    if months not in (1, 2):
        raise InvalidInput("months", "an extension is 1 or 2 months (at most three months in all)")
    request = _open(connection, request_id)
    problem = why_cannot_extend(
        received_at=request["received_at"], extended=request["extended_at"] is not None, closed=False, now=now
    )
    if problem is not None:
        raise Conflict(problem)
    changed = _change(
        connection,
        request,
        due_at=due_at(request["received_at"], extension_months=months),
        extended_at=now,
        extension_reason=reason,
    )
    add_event(connection, request_id=request_id, at=now, actor=by, kind="extended", data={"months": months})
    return changed


def refuse_request(connection: Connection, *, request_id: str, reason: str, by: str, now: datetime) -> dict[str, Any]:
    """Refuse the request with reasons; the applicant is told they can complain to the Autoriteit Persoonsgegevens."""
    reason = check_reason(reason)
    request = _open(connection, request_id)
    changed = _change(
        connection, request, state=RequestState.REFUSED.value, refusal_reason=reason, closed_at=now, closed_by=by
    )
    add_event(connection, request_id=request_id, at=now, actor=by, kind="refused", data={})
    return changed


def complete_request(
    connection: Connection,
    *,
    request_id: str,
    result: dict[str, Any],
    by: str,
    now: datetime,
    refusal_reason: str | None = None,
    refused: bool = False,
) -> dict[str, Any]:
    """Close the request with what was done (and, where part of it could not be granted, why)."""
    request = _open(connection, request_id)
    state = RequestState.REFUSED if refused else RequestState.COMPLETED
    changed = _change(
        connection,
        request,
        state=state.value,
        result=result,
        refusal_reason=refusal_reason,
        closed_at=now,
        closed_by=by,
    )
    add_event(connection, request_id=request_id, at=now, actor=by, kind=state.value, data={})
    return changed


def note_result(connection: Connection, *, request_id: str, result: dict[str, Any], by: str, now: datetime) -> None:
    """Record an intermediate result on an open request (e.g. a limit placed while it awaits a person)."""
    request = _open(connection, request_id)
    _change(connection, request, result=result)
    add_event(connection, request_id=request_id, at=now, actor=by, kind="noted", data={})
