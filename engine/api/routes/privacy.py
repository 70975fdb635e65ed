"""Privacy: data-subject requests. Applicants file them with the token of one of their decisions and download
their data; the privacy officer works them under `/v1/staff/privacy-requests` (auditors read), each on the legal
clock, and lifts processing limits. Every request covers all of the person's applications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from engine.api.deps import Services, ServicesDep, staff_with
from engine.api.privacy_schemas import (
    ExtensionIn,
    LiftIn,
    LimitListOut,
    LimitOut,
    LocalTextOut,
    NewDecisionOut,
    ObjectionDecisionIn,
    PrivacyRequestIn,
    PrivacyRequestListOut,
    PrivacyRequestOut,
    PrivacyRequestPageOut,
    RefusalIn,
    StaffPrivacyRequestIn,
    StaffPrivacyRequestOut,
)
from engine.api.review_schemas import EventOut
from engine.api.routes.applicant import _RESPONSES, DecisionId, Token, _guarded
from engine.api.schemas import ErrorOut
from engine.decision.service import Submitted
from engine.errors import Conflict, NotFound, StoreUnavailable
from engine.privacy.clock import ClockState
from engine.privacy.export import export_csv, subject_export
from engine.privacy.limits import lift_limit, limits_of
from engine.privacy.requests import (
    Asked,
    Channel,
    RequestKind,
    RequestState,
    check_reason,
    events_of,
    extend_request,
    get_request,
    list_requests,
    requests_of_subject,
    state_of_clock,
)
from engine.privacy.rights import Filed
from engine.privacy.subject import applications_of, subject_of
from engine.privacy.texts import what_happens
from engine.review.applicant import authorised_records
from engine.review.cases import log_access
from engine.review.roles import Role
from engine.review.staff import StaffMember
from engine.store.decisions import get_decision
from engine.store.writer import WriterClosed

applicant_router = APIRouter(prefix="/v1/applicant", tags=["applicants", "privacy"])
staff_router = APIRouter(prefix="/v1/staff", tags=["staff", "privacy"])
T = TypeVar("T")
Officer = Annotated[StaffMember, Depends(staff_with(Role.PRIVACY))]
Reader = Annotated[StaffMember, Depends(staff_with(Role.PRIVACY, Role.AUDITOR))]
Format = Annotated[Literal["json", "csv"], Query(description="`json` (one document) or `csv` (a ZIP of tables).")]
EXPORTABLE = (RequestKind.ACCESS.value, RequestKind.PORTABILITY.value)
_STAFF_R: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Not logged in, or the session expired."},
    403: {"model": ErrorOut, "description": "Only the privacy officer (auditors: reading)."},
    404: {"model": ErrorOut, "description": "No such request."},
}
_CHANGE_R: dict[int | str, dict[str, Any]] = {
    **_STAFF_R,
    409: {"model": ErrorOut, "description": "The request's state does not allow this (closed, extended before)."},
    422: {"model": ErrorOut, "description": "A field is missing or invalid; the detail names it."},
}


def _out(
    services: Services, request: dict[str, Any], *, now: datetime, decision: Submitted | None = None
) -> dict[str, Any]:
    complaint = services.privacy.config.controller.supervisory_authority
    texts = what_happens(request, complaint=complaint)
    language = request["language"]
    exportable = request["kind"] in EXPORTABLE and request["state"] == RequestState.COMPLETED.value
    new_decision = None
    if decision is not None:
        new_decision = NewDecisionOut(
            id=decision.record["id"],
            application_id=decision.record["application_id"],
            outcome=decision.record["outcome"],
            applicant_token=decision.applicant_token or None,
        )
    return {
        **{name: request[name] for name in ("id", "kind", "state", "received_at", "due_at", "extended_at")},
        **{name: request[name] for name in ("extension_reason", "closed_at", "details", "result", "refusal_reason")},
        "clock": state_of_clock(request, now=now, soon_days=services.privacy.config.request_due_soon_days),
        "what_happens": texts.in_language(language),
        "what_happens_texts": LocalTextOut(nl=texts.nl, en=texts.en),
        "complaint": complaint.in_language(language) if request["refusal_reason"] else None,
        "export_formats": ["json", "csv"] if exportable else [],
        "new_decision": new_decision,
    }


def _write(services: Services, job: Callable[[Connection], T]) -> T:
    return _stored(lambda: services.db.writer.write(job))


def _stored(action: Callable[[], T]) -> T:
    """Run a change; a store that fails answers 503 (nothing was changed), never a stack trace."""
    try:
        return action()
    except (SQLAlchemyError, WriterClosed, TimeoutError) as exc:
        raise StoreUnavailable(
            "privacy write failed", detail="the change could not be recorded; nothing changed"
        ) from exc


def _asked(body: PrivacyRequestIn) -> Asked:
    return Asked(
        kind=body.kind,
        statement=body.statement,
        corrections=[{"field": c.field, "value": c.value} for c in body.corrections],
        scope=body.scope,
    )


def _download(services: Services, connection: Connection, request: dict[str, Any], fmt: str, now: datetime) -> Response:
    document = subject_export(connection, request["subject_keys"], now=now, config=services.privacy.config)
    name = f"my-data-{request['id'][:8]}"
    if fmt == "csv":
        return Response(
            export_csv(document),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
        )
    return Response(
        _json(document),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
    )


def _json(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)


# --- applicants ---------------------------------------------------------------------------------------------------


@applicant_router.post(
    "/decisions/{decision_id}/privacy-requests",
    status_code=202,
    response_model=PrivacyRequestOut,
    responses={
        **_RESPONSES,
        409: {"model": ErrorOut, "description": "The application was corrected meanwhile, or has been erased."},
        422: {"model": ErrorOut, "description": "A field is missing or invalid; the detail names it."},
    },
    summary="Make a privacy request: access, portability, rectification, restriction, erasure or objection",
)
def post_privacy_request(
    decision_id: DecisionId, body: PrivacyRequestIn, services: ServicesDep, request: Request, token: Token
) -> dict[str, Any]:
    """A request about all your data (every application you made). We answer within one month; when we need more
    time we tell you why within that month (at most two months more). Access and portability are ready at once
    (download them), a restriction and an objection to marketing take effect at once, a rectification decides your
    corrected application again (the answer carries the new decision and its token), an objection to further
    processing stops it until a person has weighed it, and a member of staff carries out an erasure."""
    now = services.clock()

    def file() -> Filed:
        with services.db.engine.connect() as connection:
            records = authorised_records(connection, decision_id=decision_id, token=token)
        return services.privacy.file(
            application_id=records[-1]["application_id"],
            asked=_asked(body),
            channel=Channel.APPLICANT,
            filed_by="applicant",
            verification=None,
            now=now,
        )

    filed = _guarded(services, request, decision_id, file)
    return _out(services, filed.request, now=now, decision=filed.decision)


@applicant_router.get(
    "/decisions/{decision_id}/privacy-requests",
    response_model=PrivacyRequestListOut,
    responses=_RESPONSES,
    summary="Your privacy requests and where they stand",
)
def get_my_privacy_requests(
    decision_id: DecisionId, services: ServicesDep, request: Request, token: Token
) -> dict[str, Any]:
    """Every privacy request you made (from any of your applications), newest first, with its deadline."""
    now = services.clock()

    def read() -> list[dict[str, Any]]:
        with services.db.engine.connect() as connection:
            return _requests_of(connection, decision_id, token)

    rows = _guarded(services, request, decision_id, read)
    return {"items": [_out(services, row, now=now) for row in rows]}


@applicant_router.get(
    "/decisions/{decision_id}/privacy-requests/{request_id}/export",
    responses={
        **_RESPONSES,
        200: {"content": {"application/json": {}, "application/zip": {}}, "description": "Your data."},
        409: {"model": ErrorOut, "description": "Not a completed access or portability request."},
    },
    summary="Download your data (access or portability request)",
)
def get_my_export(
    decision_id: DecisionId,
    request_id: str,
    services: ServicesDep,
    request: Request,
    token: Token,
    format: Format = "json",
) -> Response:
    """Everything we hold about you: your applications, the checks (with their sources), every decision with its
    reasons, the rules that applied and the model's contributions, reviews and the reviewers' explanations, your
    requests, and who at our side viewed your data and when."""
    now = services.clock()

    def read() -> Response:
        with services.db.engine.connect() as connection:
            mine = {row["id"]: row for row in _requests_of(connection, decision_id, token)}
            if request_id not in mine:
                raise NotFound("no such request")
            wanted = mine[request_id]
            if wanted["kind"] not in EXPORTABLE or wanted["state"] != RequestState.COMPLETED.value:
                raise Conflict("only a completed access or portability request has a download")
            return _download(services, connection, wanted, format, now)

    return _guarded(services, request, decision_id, read)


def _requests_of(connection: Connection, decision_id: str, token: str) -> list[dict[str, Any]]:
    """The requests of the person the token's decision is about (and, once their data are erased and nothing links
    them any more, those filed from this application)."""
    records = authorised_records(connection, decision_id=decision_id, token=token)
    application_id = records[-1]["application_id"]
    return requests_of_subject(connection, subject_of(connection, application_id), application_id=application_id)


# --- staff --------------------------------------------------------------------------------------------------------


@staff_router.get(
    "/privacy-requests",
    response_model=PrivacyRequestPageOut,
    responses=_STAFF_R,
    summary="Privacy requests, soonest due first, with the overdue and nearly overdue counted",
)
def list_privacy_requests(
    member: Reader,
    services: ServicesDep,
    state: RequestState | None = None,
    clock: ClockState | None = Query(default=None, description="Only `overdue`, `due_soon`, `on_time` or `closed`."),
    kind: RequestKind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    now = services.clock()
    with services.db.engine.connect() as connection:
        page = list_requests(
            connection,
            now=now,
            soon_days=services.privacy.config.request_due_soon_days,
            state=state,
            clock=clock,
            kind=kind,
            limit=limit,
            offset=offset,
        )
    return {
        "items": [_out(services, row, now=now) for row in page.rows],
        "total": page.total,
        "open": page.open,
        "due_soon": page.due_soon,
        "overdue": page.overdue,
    }


def _staff_out(
    services: Services,
    connection: Connection,
    request: dict[str, Any],
    *,
    now: datetime,
    decision: Submitted | None = None,
) -> dict[str, Any]:
    return {
        **_out(services, request, now=now, decision=decision),
        **{name: request[name] for name in ("application_id", "channel", "filed_by", "verification", "language")},
        "applications": applications_of(connection, request["subject_keys"]),
        "events": [
            EventOut(**{k: e[k] for k in ("at", "actor", "kind", "data")}) for e in events_of(connection, request["id"])
        ],
    }


@staff_router.post(
    "/privacy-requests",
    status_code=201,
    response_model=StaffPrivacyRequestOut,
    responses=_CHANGE_R,
    summary="File a privacy request on a person's behalf, after verifying who they are",
)
def file_privacy_request(body: StaffPrivacyRequestIn, member: Officer, services: ServicesDep) -> dict[str, Any]:
    """For a person who asks by letter, phone or at the desk: name one of their applications or decisions and how
    their identity was verified (recorded with who verified it and when)."""
    now = services.clock()
    with services.db.engine.connect() as connection:
        application_id = body.application_id
        if body.decision_id is not None:
            record = get_decision(connection, body.decision_id)
            if record is None:
                raise NotFound("no such decision")
            application_id = record["application_id"]
    assert application_id is not None
    filed = _stored(
        lambda: services.privacy.file(
            application_id=application_id,
            asked=_asked(body),
            channel=Channel.STAFF,
            filed_by=member.id,
            verification={"method": body.verification.method.value, "by": member.id, "at": now.isoformat()},
            now=now,
        )
    )
    with services.db.engine.connect() as connection:
        return _staff_out(services, connection, filed.request, now=now, decision=filed.decision)


@staff_router.get(
    "/privacy-requests/{request_id}", response_model=StaffPrivacyRequestOut, responses=_STAFF_R, summary="One request"
)
def get_privacy_request(request_id: str, member: Reader, services: ServicesDep) -> dict[str, Any]:
    """The request with what the person wrote: logged as a read of their application."""
    now = services.clock()

    def job(connection: Connection) -> dict[str, Any]:
        request = get_request(connection, request_id)
        log_access(
            connection, member=member, action="privacy_request_view", now=now, application_id=request["application_id"]
        )
        return _staff_out(services, connection, request, now=now)

    return _write(services, job)


def _changed(services: Services, request_id: str, now: datetime) -> dict[str, Any]:
    with services.db.engine.connect() as connection:
        return _staff_out(services, connection, get_request(connection, request_id), now=now)


@staff_router.post(
    "/privacy-requests/{request_id}/extension",
    response_model=StaffPrivacyRequestOut,
    responses=_CHANGE_R,
    summary="Extend the deadline by one or two months, with reasons (within the first month, once)",
)
def extend(request_id: str, body: ExtensionIn, member: Officer, services: ServicesDep) -> dict[str, Any]:
    now = services.clock()
    _write(
        services,
        lambda c: extend_request(
            c, request_id=request_id, reason=body.reason, months=body.months, by=member.id, now=now
        ),
    )
    return _changed(services, request_id, now)


@staff_router.post(
    "/privacy-requests/{request_id}/refusal",
    response_model=StaffPrivacyRequestOut,
    responses=_CHANGE_R,
    summary="Refuse the request with reasons (the applicant is told they can complain to the authority)",
)
def refuse(request_id: str, body: RefusalIn, member: Officer, services: ServicesDep) -> dict[str, Any]:
    now = services.clock()
    _stored(lambda: services.privacy.refuse(request_id=request_id, reason=body.reason, by=member.id, now=now))
    return _changed(services, request_id, now)


@staff_router.post(
    "/privacy-requests/{request_id}/erasure",
    response_model=StaffPrivacyRequestOut,
    responses=_CHANGE_R,
    summary="Carry out an erasure request: erase what no legal hold keeps, refuse the rest with the reason",
)
def erase(request_id: str, member: Officer, services: ServicesDep) -> dict[str, Any]:
    now = services.clock()
    _stored(lambda: services.privacy.erase(request_id=request_id, by=member.id, now=now))
    return _changed(services, request_id, now)


@staff_router.post(
    "/privacy-requests/{request_id}/rectification",
    response_model=StaffPrivacyRequestOut,
    responses={**_CHANGE_R, 503: {"model": ErrorOut, "description": "The store failed again; nothing changed."}},
    summary="Decide a rectification again whose new decision could not be recorded when it was filed",
)
def rectify_again(request_id: str, member: Officer, services: ServicesDep) -> dict[str, Any]:
    """For a rectification left open by a store fault: decides the corrected application now (or completes the
    request with the version recorded before). The answer carries the new decision's token to pass on."""
    now = services.clock()
    filed = _stored(lambda: services.privacy.rectify_again(request_id=request_id, by=member.id, now=now))
    with services.db.engine.connect() as connection:
        return _staff_out(services, connection, filed.request, now=now, decision=filed.decision)


@staff_router.post(
    "/privacy-requests/{request_id}/objection-decision",
    response_model=StaffPrivacyRequestOut,
    responses=_CHANGE_R,
    summary="Weigh an objection to further processing: compelling grounds to continue, or uphold it",
)
def decide_objection(
    request_id: str, body: ObjectionDecisionIn, member: Officer, services: ServicesDep
) -> dict[str, Any]:
    now = services.clock()
    _stored(
        lambda: services.privacy.decide_objection(
            request_id=request_id,
            continue_processing=body.continue_processing,
            grounds=body.grounds,
            by=member.id,
            now=now,
        )
    )
    return _changed(services, request_id, now)


@staff_router.get(
    "/privacy-requests/{request_id}/export",
    responses={
        **_STAFF_R,
        200: {"content": {"application/json": {}, "application/zip": {}}, "description": "The data."},
    },
    summary="The person's data export (logged as a read of each of their applications)",
)
def staff_export(
    request_id: str,
    member: Reader,
    services: ServicesDep,
    format: Format = "json",
) -> Response:
    now = services.clock()

    def job(connection: Connection) -> Response:
        request = get_request(connection, request_id)
        for application_id in applications_of(connection, request["subject_keys"]):
            log_access(connection, member=member, action="privacy_export", now=now, application_id=application_id)
        return _download(services, connection, request, format, now)

    return _write(services, job)


@staff_router.get(
    "/privacy-requests/{request_id}/limits",
    response_model=LimitListOut,
    responses=_STAFF_R,
    summary="The processing limits (restriction, objections) of the request's person, lifted ones too",
)
def request_limits(request_id: str, member: Reader, services: ServicesDep) -> dict[str, Any]:
    with services.db.engine.connect() as connection:
        request = get_request(connection, request_id)
        return {"items": [LimitOut(**_limit(row)) for row in limits_of(connection, request["subject_keys"])]}


def _limit(row: dict[str, Any]) -> dict[str, Any]:
    names = ("id", "kind", "request_id", "started_at", "started_by", "lifted_at", "lifted_by", "lift_reason")
    return {name: row[name] for name in names}


@staff_router.post(
    "/privacy-limits/{limit_id}/lift",
    response_model=LimitOut,
    responses=_CHANGE_R,
    summary="Lift a restriction or objection limit, recording why",
)
def lift(limit_id: str, body: LiftIn, member: Officer, services: ServicesDep) -> dict[str, Any]:
    reason = check_reason(body.reason)
    now = services.clock()
    row = _write(services, lambda c: lift_limit(c, limit_id=limit_id, by=member.id, reason=reason, now=now))
    return _limit(row)
