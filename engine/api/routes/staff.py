"""Staff: log in, work the review queue (claim, return, decide), search decisions, the overview, and the switch
that suspends automated decisions. Every route needs a staff session (`Authorization: Bearer`); what a role may do
is checked here (403) and, for case decisions, by the review authority rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from engine.api.deps import ReadConnection, Services, ServicesDep, StaffDep, bearer, staff_with
from engine.api.presenters import case_summary, decision_detail, decision_summary
from engine.api.review_schemas import (
    AutomationOut,
    CaseOut,
    CasePageOut,
    CaseSummaryOut,
    CorrectionOut,
    DecisionDetailOut,
    DecisionPageOut,
    DecisionSummaryOut,
    EventOut,
    HumanDecisionIn,
    LoginIn,
    OverviewOut,
    PermissionsOut,
    ProductAutomationOut,
    ReturnIn,
    SessionOut,
    StaffOut,
    SuspendIn,
    SuspensionOut,
)
from engine.api.schemas import ErrorOut
from engine.config import Environment
from engine.domain.decision import Outcome
from engine.domain.products import Product
from engine.errors import NotFound, StoreUnavailable, TooManyAttempts
from engine.review import automation, cases
from engine.review.demo import DEMO_STAFF_PASSWORD
from engine.review.human_decision import Conditions
from engine.review.overview import overview as overview_figures
from engine.review.roles import CASE_ROLES, Role
from engine.review.staff import StaffMember, end_session, open_session, verify_password
from engine.store.decisions import get_decision
from engine.store.writer import WriterClosed

router = APIRouter(prefix="/v1/staff", tags=["staff"])
T = TypeVar("T")

_R: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Not logged in, or the session expired."},
    403: {"model": ErrorOut, "description": "The role or authority does not allow this."},
}
_CASE_R = {**_R, 404: {"model": ErrorOut, "description": "No such case."}}
_CHANGE_R = {
    **_CASE_R,
    409: {"model": ErrorOut, "description": "The case's state does not allow this (e.g. held by someone else)."},
}

READERS = (Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.COMPLIANCE, Role.FRAUD, Role.AUDITOR)
CaseReader = Annotated[StaffMember, Depends(staff_with(*READERS))]
CaseWorker = Annotated[StaffMember, Depends(staff_with(*CASE_ROLES))]
Admin = Annotated[StaffMember, Depends(staff_with(Role.ADMIN))]
Releaser = Annotated[StaffMember, Depends(staff_with(Role.SENIOR_UNDERWRITER, Role.ADMIN))]


def _write(services: Services, job: Callable[[Connection], T]) -> T:
    try:
        return services.db.writer.write(job)
    except (SQLAlchemyError, WriterClosed, TimeoutError) as exc:
        raise StoreUnavailable(
            "staff write failed", detail="the change could not be recorded; nothing changed"
        ) from exc


def _now() -> datetime:
    return datetime.now(UTC)


# --- sessions -----------------------------------------------------------------------------------------------------


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionOut,
    responses={401: _R[401], 429: {"model": ErrorOut, "description": "Too many failed logins; see `Retry-After`."}},
    summary="Log in",
)
def login(body: LoginIn, services: ServicesDep, request: Request) -> SessionOut:
    """Log in with a staff account (made with `underwrite staff create`); the token lasts for the configured hours."""
    # per address and username: a guesser is slowed down without locking out colleagues behind the same address
    address = f"login:{request.client.host if request.client else 'unknown'}"
    key = f"{address}:{body.username}"
    if (wait := services.throttle.retry_after(key) or services.address_throttle.retry_after(address)) is not None:
        raise TooManyAttempts(wait)
    now = _now()
    hours = services.settings.staff_session_hours
    demo_refused = services.settings.environment is not Environment.DEVELOPMENT and body.password == DEMO_STAFF_PASSWORD

    def job(connection: Connection) -> Any:
        member = None if demo_refused else verify_password(connection, username=body.username, password=body.password)
        return None if member is None else open_session(connection, member=member, now=now, hours=hours)

    session = _write(services, job)
    if session is None:
        services.throttle.failed(key)
        services.address_throttle.failed(address)
        raise HTTPException(status_code=401, detail="wrong username or password")
    return SessionOut(token=session.token, expires_at=session.expires_at, staff=_staff(session.staff))


def _staff(member: StaffMember) -> StaffOut:
    return StaffOut(id=member.id, username=member.username, display_name=member.display_name, role=member.role.value)


@router.delete("/sessions/current", status_code=204, responses={401: _R[401]}, summary="Log out")
def logout(
    member: StaffDep,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Response:
    assert credentials is not None  # current_staff has checked it
    now = _now()
    _write(services, lambda connection: end_session(connection, token=credentials.credentials, now=now))
    return Response(status_code=204)


@router.get("/me", response_model=StaffOut, responses={401: _R[401]}, summary="Who is logged in")
def me(member: StaffDep) -> StaffOut:
    return _staff(member)


# --- the queue ----------------------------------------------------------------------------------------------------


@router.get("/cases", response_model=CasePageOut, responses=_R, summary="The review queue, soonest due first")
def list_cases(
    member: CaseReader,
    connection: ReadConnection,
    state: Literal["active", "open", "claimed", "decided"] = "active",
    product: Product | None = None,
    reason: Literal["referred", "contested", "objected"] | None = None,
    route: Literal["underwriting", "senior_underwriting", "compliance", "fraud"] | None = None,
    code: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Z0-9_]+$", description="A reason code.")] = None,
    due: Literal["overdue", "today", "week"] | None = None,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> CasePageOut:
    now = _now()
    filters = cases.CaseFilter(
        state=state,
        product=product.value if product else None,
        reason=reason,
        route=route,
        code=code,
        due=due,
        holder_id=member.id if mine else None,
    )
    total, overdue, rows = cases.list_cases(connection, filters=filters, now=now, limit=limit, offset=offset)
    return CasePageOut(total=total, overdue=overdue, items=[case_summary(row, now=now) for row in rows])


@router.get("/cases/{case_id}", response_model=CaseOut, responses=_CASE_R, summary="One case with everything")
def get_case(case_id: str, member: CaseReader, services: ServicesDep) -> CaseOut:
    """The application, every check result and the details the role may see, every rule, the score, the applicant's
    statement, the decisions and the case's history. Every call is written to the access log."""
    now = _now()
    rules = services.review.rules
    view = _write(
        services,
        lambda connection: cases.view_case_in_full(connection, case_id=case_id, member=member, now=now, rules=rules),
    )
    case, allowed = view.case, view.permissions
    return CaseOut(
        case=case_summary(case, now=now),
        statement=case["statement"],
        corrections=[CorrectionOut(**c) for c in case["corrections"]],
        outcome_decision_id=case["outcome_decision_id"],
        decided_at=case["decided_at"],
        application=view.application,
        decision=decision_detail(view.machine_record, texts=None),
        check_details=view.check_details,
        history=[decision_summary(r) for r in view.history],
        events=[EventOut(**e) for e in view.events],
        permissions=PermissionsOut(
            claim=allowed.claim,
            decide=allowed.decide,
            return_=allowed.return_,
            forward=allowed.forward,
            release=allowed.release,
            why_not=allowed.why_not,
        ),
    )


@router.post("/cases/{case_id}/claim", response_model=CaseSummaryOut, responses=_CHANGE_R, summary="Claim a case")
def claim(case_id: str, member: CaseWorker, services: ServicesDep) -> CaseSummaryOut:
    """Take an open case; of two people claiming at once exactly one gets it (the other gets 409)."""
    now = _now()
    rules = services.review.rules
    case = _write(
        services, lambda connection: cases.claim_case(connection, case_id=case_id, member=member, now=now, rules=rules)
    )
    return case_summary(case, now=now)


@router.post(
    "/cases/{case_id}/return", response_model=CaseSummaryOut, responses=_CHANGE_R, summary="Return a case to the queue"
)
def return_case(case_id: str, body: ReturnIn, member: CaseWorker, services: ServicesDep) -> CaseSummaryOut:
    now = _now()
    case = _write(
        services,
        lambda connection: cases.return_case(connection, case_id=case_id, member=member, note=body.note, now=now),
    )
    return case_summary(case, now=now)


@router.post(
    "/cases/{case_id}/forward",
    response_model=CaseSummaryOut,
    responses=_CHANGE_R,
    summary="Forward a cleared case to underwriting (compliance, fraud)",
)
def forward_case(case_id: str, body: ReturnIn, member: CaseWorker, services: ServicesDep) -> CaseSummaryOut:
    """Compliance or fraud has cleared its question (a false sanctions match, an explained signal) and the case
    still needs an underwriter: to accept a knockout, or cover that needs a senior's authority. The note says what
    was cleared; the case goes back to the queue on the underwriting (or senior) route."""
    now = _now()
    case = _write(
        services,
        lambda connection: cases.forward_case(connection, case_id=case_id, member=member, note=body.note, now=now),
    )
    return case_summary(case, now=now)


@router.post(
    "/cases/{case_id}/release",
    response_model=CaseSummaryOut,
    responses=_CHANGE_R,
    summary="Release someone else's claimed case (senior underwriter, admin)",
)
def release_case(case_id: str, body: ReturnIn, member: Releaser, services: ServicesDep) -> CaseSummaryOut:
    """A case held by someone who is absent goes back to the queue; recorded with the note and the holder."""
    now = _now()
    case = _write(
        services,
        lambda connection: cases.release_case(connection, case_id=case_id, member=member, note=body.note, now=now),
    )
    return case_summary(case, now=now)


@router.post(
    "/cases/{case_id}/decision",
    status_code=201,
    response_model=DecisionSummaryOut,
    responses={**_CHANGE_R, 422: {"model": ErrorOut, "description": "Rationale, explanation or conditions invalid."}},
    summary="Decide a claimed case",
)
def decide(case_id: str, body: HumanDecisionIn, member: CaseWorker, services: ServicesDep) -> DecisionSummaryOut:
    """Accept (optionally with a higher deductible or exclusion clauses) or reject, with a rationale for the record
    and an explanation for the applicant. The decision is a new decision record (basis `human`) that replaces the
    one the case is about; the applicant sees it at once."""
    now = _now()
    rules = services.review.rules
    conditions = Conditions(body.conditions.deductible_eur, tuple(body.conditions.exclusions))

    def job(connection: Connection) -> dict[str, Any]:
        return cases.decide_case(
            connection,
            case_id=case_id,
            member=member,
            outcome=Outcome(body.outcome),
            rationale=body.rationale,
            applicant_explanation=body.applicant_explanation,
            conditions=conditions,
            now=now,
            rules=rules,
        )

    stored = _write(services, job)
    services.metrics.human_decisions.labels(stored["product"], stored["outcome"]).inc()
    return decision_summary(stored)


# --- decisions ----------------------------------------------------------------------------------------------------


@router.get("/decisions", response_model=DecisionPageOut, responses=_R, summary="Search decisions, newest first")
def search_decisions(
    member: CaseReader,
    connection: ReadConnection,
    decision_id: Annotated[str | None, Query(max_length=36, description="A decision or application id.")] = None,
    outcome: Literal["accepted", "rejected", "referred"] | None = None,
    basis: Literal["automated", "human"] | None = None,
    product: Product | None = None,
    date_from: Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2999, 12, 31))] = None,
    date_to: Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2999, 12, 31), description="Inclusive.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> DecisionPageOut:
    since = datetime.combine(date_from, time.min, UTC) if date_from else None
    until = datetime.combine(date_to + timedelta(days=1), time.min, UTC) if date_to else None
    total, rows = cases.search_decisions(
        connection,
        decision_id=decision_id,
        outcome=outcome,
        basis=basis,
        product=product.value if product else None,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return DecisionPageOut(total=total, items=[decision_summary(row) for row in rows])


@router.get(
    "/decisions/{decision_id}",
    response_model=DecisionDetailOut,
    responses={**_R, 404: {"model": ErrorOut, "description": "No such decision."}},
    summary="One decision in full (logged)",
)
def get_decision_detail(decision_id: str, member: CaseReader, services: ServicesDep) -> DecisionDetailOut:
    now = _now()

    def job(connection: Connection) -> tuple[dict[str, Any], dict[str, str] | None]:
        record = get_decision(connection, decision_id)
        if record is None:
            raise NotFound(decision_id)
        cases.log_access(
            connection,
            member=member,
            action="view_decision",
            now=now,
            application_id=record["application_id"],
            decision_id=decision_id,
        )
        return record, cases.human_texts(connection, decision_id)

    record, texts = _write(services, job)
    return decision_detail(record, texts=texts)


# --- overview -----------------------------------------------------------------------------------------------------


@router.get("/overview", response_model=OverviewOut, responses=_R, summary="Queue, outcomes, overrides, reviewers")
def overview(
    member: StaffDep,
    services: ServicesDep,
    connection: ReadConnection,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> OverviewOut:
    figures = overview_figures(connection, now=_now(), days=days, rule=services.rubber_stamp)
    return OverviewOut.model_validate(figures)


# --- the automation switch ----------------------------------------------------------------------------------------


def _automation(connection: Connection) -> AutomationOut:
    active = [SuspensionOut(**row) for row in automation.active_suspensions(connection)]
    everything = next((s for s in active if s.product is None), None)
    products = {}
    for product in Product:
        own = next((s for s in active if s.product == product.value), None)
        suspension = own or everything
        products[product.value] = ProductAutomationOut(automated=suspension is None, suspension=suspension)
    return AutomationOut(products=products, suspensions=active)


@router.get("/automation", response_model=AutomationOut, responses=_R, summary="Whether decisions are automated")
def get_automation(member: StaffDep, connection: ReadConnection) -> AutomationOut:
    return _automation(connection)


@router.post(
    "/automation/suspend",
    response_model=AutomationOut,
    responses={**_R, 409: {"model": ErrorOut, "description": "Already suspended."}},
    summary="Suspend automated decisions (admin)",
)
def suspend(body: SuspendIn, member: Admin, services: ServicesDep) -> AutomationOut:
    """From now on every new application for the product (or for all, with `product` null) is referred to a person,
    and its answer says so. Recorded with who and why."""
    now = _now()
    product = body.product.value if body.product else None

    def job(connection: Connection) -> AutomationOut:
        automation.suspend(connection, product=product, reason=body.reason, member=member, now=now)
        return _automation(connection)

    result = _write(services, job)
    services.review.automation.forget()
    return result


@router.post(
    "/automation/resume",
    response_model=AutomationOut,
    responses={**_R, 409: {"model": ErrorOut, "description": "Not suspended."}},
    summary="Resume automated decisions (admin)",
)
def resume(body: SuspendIn, member: Admin, services: ServicesDep) -> AutomationOut:
    now = _now()
    product = body.product.value if body.product else None

    def job(connection: Connection) -> AutomationOut:
        automation.resume(connection, product=product, reason=body.reason, member=member, now=now)
        return _automation(connection)

    result = _write(services, job)
    services.review.automation.forget()
    return result
