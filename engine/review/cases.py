"""Review cases: the queue, claiming (atomic), returning, and a person's decision. Services take the connection
first, raise domain errors and never commit (the caller's transaction, or the single writer's, does)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, cast, func, insert, or_, select, update
from sqlalchemy import case as sa_case

from engine.domain.decision import Outcome
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.review.due import DUTCH_TIME
from engine.review.human_decision import Conditions, human_decision_row
from engine.review.intake import ReviewRules, add_event, machine_record_of
from engine.review.roles import (
    CLEARING_ROLES,
    CaseFacts,
    CaseState,
    Role,
    Route,
    forward_route,
    why_cannot_decide,
    why_cannot_hold,
)
from engine.review.staff import StaffMember
from engine.store import decisions as decision_store
from engine.store.audit import texts_digest
from engine.store.checks import get_check_details
from engine.store.tables import (
    ApplicationRecord,
    DecisionRecord,
    HumanDecisionTextRecord,
    ReviewCaseRecord,
    ReviewEventRecord,
    StaffAccessRecord,
    StaffAccountRecord,
    table_of,
)

_cases = table_of(ReviewCaseRecord)
_events = table_of(ReviewEventRecord)
_accounts = table_of(StaffAccountRecord)
_decisions = table_of(DecisionRecord)
_applications = table_of(ApplicationRecord)
_texts = table_of(HumanDecisionTextRecord)
_access = table_of(StaffAccessRecord)

ACTIVE_STATES = (CaseState.OPEN.value, CaseState.CLAIMED.value)
_CASE_COLUMNS = select(_cases, _accounts.c.username.label("claimed_by_username")).outerjoin(
    _accounts, _accounts.c.id == _cases.c.claimed_by
)


def case_facts(case: dict[str, Any]) -> CaseFacts:
    return CaseFacts(
        route=Route(case["route"]),
        insured_limit_eur=case["insured_limit_eur"],
        machine_view=case["machine_view"],
        needs_senior=bool(case["needs_senior"]),
    )


def get_case(connection: Connection, case_id: str) -> dict[str, Any] | None:
    row = connection.execute(_CASE_COLUMNS.where(_cases.c.id == case_id)).first()
    return dict(row._mapping) if row else None


def _require_case(connection: Connection, case_id: str) -> dict[str, Any]:
    case = get_case(connection, case_id)
    if case is None:
        raise NotFound(f"no review case {case_id}")
    return case


@dataclass(frozen=True, slots=True)
class CaseFilter:
    state: str = "active"  # active (open and claimed), open, claimed, decided
    product: str | None = None
    reason: str | None = None
    route: str | None = None
    code: str | None = None  # a reason code among the case's
    due: str | None = None  # overdue, today, week
    holder_id: str | None = None  # only cases this member holds


def _where(filters: CaseFilter, now: datetime) -> list[Any]:
    clauses: list[Any] = []
    if filters.state == "active":
        clauses.append(_cases.c.state.in_(ACTIVE_STATES))
    else:
        clauses.append(_cases.c.state == filters.state)
    for column, value in ((_cases.c.product, filters.product), (_cases.c.reason, filters.reason)):
        if value is not None:
            clauses.append(column == value)
    if filters.route is not None:
        clauses.append(_cases.c.route == filters.route)
    if filters.code is not None:
        clauses.append(cast(_cases.c.reason_codes, Text).like(f'%"{filters.code}"%'))
    if filters.holder_id is not None:
        clauses.append(_cases.c.claimed_by == filters.holder_id)
    if filters.due is not None:
        local = now.astimezone(DUTCH_TIME)
        end_of_today = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), DUTCH_TIME)
        limit = {"overdue": now, "today": end_of_today, "week": end_of_today + timedelta(days=6)}[filters.due]
        clauses.append(_cases.c.due_at < limit)
    return clauses


def _overdue(now: datetime) -> Any:
    return (_cases.c.due_at < now) & _cases.c.state.in_(ACTIVE_STATES)


def list_cases(
    connection: Connection, *, filters: CaseFilter, now: datetime, limit: int, offset: int
) -> tuple[int, int, list[dict[str, Any]]]:
    """One page of the queue, the soonest due first: (total matching, of which overdue, the page)."""
    where = _where(filters, now)
    total, overdue = connection.execute(
        select(
            func.count(),
            func.coalesce(func.sum(sa_case((_overdue(now), 1), else_=0)), 0),
        )
        .select_from(_cases)
        .where(*where)
    ).one()
    rows = connection.execute(
        _CASE_COLUMNS.where(*where).order_by(_cases.c.due_at, _cases.c.id).limit(limit).offset(offset)
    ).mappings()
    return int(total), int(overdue), [dict(row) for row in rows]


def case_events(connection: Connection, case_id: str) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(_events.c.at, _events.c.actor, _events.c.kind, _events.c.data)
        .where(_events.c.case_id == case_id)
        .order_by(_events.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def decisions_of_application(connection: Connection, application_id: str) -> list[dict[str, Any]]:
    """Every decision about an application, oldest first."""
    rows = connection.execute(
        select(_decisions, _applications.c.client_id, _applications.c.received_at)
        .join(_applications, _applications.c.id == _decisions.c.application_id)
        .where(_decisions.c.application_id == application_id)
        .order_by(_decisions.c.seq)
    ).mappings()
    return [dict(row) for row in rows]


def active_case_of_application(connection: Connection, application_id: str) -> dict[str, Any] | None:
    row = connection.execute(
        _CASE_COLUMNS.where(_cases.c.application_id == application_id, _cases.c.state.in_(ACTIVE_STATES))
    ).first()
    return dict(row._mapping) if row else None


def latest_case_of_application(connection: Connection, application_id: str) -> dict[str, Any] | None:
    row = connection.execute(
        _CASE_COLUMNS.where(_cases.c.application_id == application_id).order_by(_cases.c.opened_at.desc()).limit(1)
    ).first()
    return dict(row._mapping) if row else None


def human_texts(connection: Connection, decision_id: str) -> dict[str, str] | None:
    row = connection.execute(
        select(_texts.c.rationale, _texts.c.applicant_explanation).where(_texts.c.decision_id == decision_id)
    ).first()
    return {"rationale": row.rationale, "applicant_explanation": row.applicant_explanation} if row else None


def log_access(
    connection: Connection,
    *,
    member: StaffMember,
    action: str,
    now: datetime,
    application_id: str | None = None,
    decision_id: str | None = None,
    case_id: str | None = None,
) -> None:
    """Every read of an applicant's data by staff is logged: who, when, what."""
    connection.execute(
        insert(_access).values(
            at=now,
            staff_id=member.id,
            action=action,
            application_id=application_id,
            decision_id=decision_id,
            case_id=case_id,
        )
    )


def view_case(connection: Connection, *, case_id: str, member: StaffMember, now: datetime) -> dict[str, Any]:
    """A case as staff see it, logged in the access log and, as what the reviewer opened, in the case's events."""
    case = _require_case(connection, case_id)
    log_access(
        connection,
        member=member,
        action="view_case",
        now=now,
        application_id=case["application_id"],
        decision_id=case["decision_id"],
        case_id=case_id,
    )
    add_event(connection, case_id=case_id, at=now, actor=member.username, kind="viewed", data={"role": member.role})
    return case


@dataclass(frozen=True, slots=True)
class Permissions:
    claim: bool
    decide: bool
    return_: bool
    forward: bool
    release: bool
    why_not: str | None


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as a member of staff sees it: the case, what the machine saw, and what they may do."""

    case: dict[str, Any]
    machine_record: dict[str, Any]  # the case's decision, or for a contested person's decision the automated one
    application: dict[str, Any] | None  # None once erased
    check_details: dict[str, dict[str, Any]]
    history: list[dict[str, Any]]
    events: list[dict[str, Any]]
    permissions: Permissions


def detail_roles(member: StaffMember) -> set[str]:
    """Whose restricted check details a member sees: their own role's; an auditor sees all."""
    return {"compliance", "fraud"} if member.role is Role.AUDITOR else {member.role.value}


def permissions(connection: Connection, case: dict[str, Any], member: StaffMember, rules: ReviewRules) -> Permissions:
    facts = case_facts(case)
    why_not = why_cannot_hold(member.role, facts, senior_limit_eur=rules.senior_limit_eur)
    if why_not is None:
        why_not = _four_eyes(connection, case, member)
    holds = case["state"] == CaseState.CLAIMED.value and case["claimed_by"] == member.id
    if why_not is None and case["state"] == CaseState.CLAIMED.value and not holds:
        why_not = f"the case is held by {case['claimed_by_username']}"
    elif why_not is None and holds:  # may hold it; may they accept it too?
        why_not = why_cannot_decide(member.role, facts, outcome="accepted", senior_limit_eur=rules.senior_limit_eur)
    may_hold = why_cannot_hold(member.role, facts, senior_limit_eur=rules.senior_limit_eur) is None
    return Permissions(
        claim=may_hold and case["state"] == CaseState.OPEN.value and _four_eyes(connection, case, member) is None,
        decide=may_hold and holds,
        return_=holds,
        forward=holds and member.role in CLEARING_ROLES,
        release=case["state"] == CaseState.CLAIMED.value
        and not holds
        and member.role in (Role.SENIOR_UNDERWRITER, Role.ADMIN),
        why_not=why_not,
    )


def view_case_in_full(
    connection: Connection, *, case_id: str, member: StaffMember, now: datetime, rules: ReviewRules
) -> CaseView:
    """Everything about a case, read in one transaction and logged as viewed (access log and case events)."""
    case = view_case(connection, case_id=case_id, member=member, now=now)
    history = decisions_of_application(connection, case["application_id"])
    seq = next(r["seq"] for r in history if r["id"] == case["decision_id"])
    machine = machine_record_of([r for r in history if r["seq"] <= seq])
    return CaseView(
        case=case,
        machine_record=machine,
        application=decision_store.get_application_payload(connection, case["application_id"]),
        check_details=get_check_details(connection, machine["id"], roles=detail_roles(member)),
        history=history,
        events=case_events(connection, case_id),
        permissions=permissions(connection, case, member, rules),
    )


def claim_case(
    connection: Connection, *, case_id: str, member: StaffMember, now: datetime, rules: ReviewRules
) -> dict[str, Any]:
    """Take an open case. Atomic: of two reviewers claiming at once exactly one gets it (a conditional update)."""
    case = _require_case(connection, case_id)
    why = why_cannot_hold(member.role, case_facts(case), senior_limit_eur=rules.senior_limit_eur)
    if why is None:
        why = _four_eyes(connection, case, member)
    if why is not None:
        raise Forbidden(why)
    taken = connection.execute(
        update(_cases)
        .where(_cases.c.id == case_id, _cases.c.state == CaseState.OPEN.value)
        .values(state=CaseState.CLAIMED.value, claimed_by=member.id, claimed_at=now, version=_cases.c.version + 1)
    )
    if taken.rowcount != 1:
        current = _require_case(connection, case_id)
        if current["state"] == CaseState.CLAIMED.value and current["claimed_by"] == member.id:
            return current  # a repeated click: already theirs
        if current["state"] == CaseState.CLAIMED.value:
            raise Conflict(f"the case is already claimed by {current['claimed_by_username']}")
        raise Conflict(f"the case is {current['state']}, not open")
    add_event(connection, case_id=case_id, at=now, actor=member.username, kind="claimed", data={})
    return _require_case(connection, case_id)


def _four_eyes(connection: Connection, case: dict[str, Any], member: StaffMember) -> str | None:
    """A contested decision of a person is reviewed by another person."""
    record = decision_store.get_decision(connection, case["decision_id"])
    review = (record or {}).get("review") or {}
    if review.get("reviewer_id") == member.id:
        return "you took the decision this case contests: another person must review it"
    return None


def _require_holder(case: dict[str, Any], member: StaffMember) -> None:
    if case["state"] != CaseState.CLAIMED.value:
        raise Conflict(f"the case is {case['state']}: claim it first")
    if case["claimed_by"] != member.id:
        raise Conflict(f"the case is held by {case['claimed_by_username']}")


def _handled_for(case: dict[str, Any], now: datetime) -> float:
    claimed_at: datetime = case["claimed_at"]
    return float(case["handling_seconds"]) + max(0.0, (now - claimed_at).total_seconds())


def return_case(
    connection: Connection, *, case_id: str, member: StaffMember, note: str, now: datetime
) -> dict[str, Any]:
    """Give a claimed case back to the queue, with a note."""
    case = _require_case(connection, case_id)
    if member.role not in (Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.COMPLIANCE, Role.FRAUD):
        raise Forbidden(f"the {member.role.value} role does not hold cases")
    _require_holder(case, member)
    _back_to_queue(connection, case, now=now, actor=member.username, kind="returned", data={"note": note})
    return _require_case(connection, case_id)


def forward_case(
    connection: Connection, *, case_id: str, member: StaffMember, note: str, now: datetime
) -> dict[str, Any]:
    """Compliance or fraud has cleared its part: the case goes back to the queue for (senior) underwriting."""
    case = _require_case(connection, case_id)
    if member.role not in CLEARING_ROLES:
        raise Forbidden("only compliance and fraud forward cases they have cleared")
    _require_holder(case, member)
    route = forward_route(case_facts(case))
    data = {"note": note, "from_route": case["route"], "to_route": route.value}
    _back_to_queue(connection, case, now=now, actor=member.username, kind="forwarded", data=data, route=route)
    return _require_case(connection, case_id)


def release_case(
    connection: Connection, *, case_id: str, member: StaffMember, note: str, now: datetime
) -> dict[str, Any]:
    """A senior underwriter or an admin takes a claimed case from its holder (absent, left) back to the queue."""
    case = _require_case(connection, case_id)
    if member.role not in (Role.SENIOR_UNDERWRITER, Role.ADMIN):
        raise Forbidden("only a senior underwriter or an admin releases another person's case")
    if case["state"] != CaseState.CLAIMED.value:
        raise Conflict(f"the case is {case['state']}, not claimed")
    _release(connection, case, now=now, actor=member.username, note=note)
    return _require_case(connection, case_id)


def _release(connection: Connection, case: dict[str, Any], *, now: datetime, actor: str, note: str) -> None:
    data = {"note": note, "holder": case["claimed_by_username"]}
    _back_to_queue(connection, case, now=now, actor=actor, kind="released", data=data)


def _back_to_queue(
    connection: Connection,
    case: dict[str, Any],
    *,
    now: datetime,
    actor: str,
    kind: str,
    data: dict[str, Any],
    route: Route | None = None,
) -> None:
    """A claimed case open again (on ``route`` when given), its time in the holder's hands added, and an event;
    refused when the case changed since it was read."""
    values: dict[str, Any] = {
        "state": CaseState.OPEN.value,
        "claimed_by": None,
        "claimed_at": None,
        "handling_seconds": _handled_for(case, now),
        "version": _cases.c.version + 1,
    }
    if route is not None:
        values["route"] = route.value
    done = connection.execute(
        update(_cases).where(_cases.c.id == case["id"], _cases.c.version == case["version"]).values(**values)
    )
    if done.rowcount != 1:
        raise Conflict("the case changed meanwhile; reload it")
    add_event(connection, case_id=case["id"], at=now, actor=actor, kind=kind, data=data)


def release_claims_of(connection: Connection, *, staff_id: str, now: datetime, actor: str) -> int:
    """Every case a member holds back to the queue (when their account is disabled); returns how many."""
    rows = connection.execute(
        _CASE_COLUMNS.where(_cases.c.claimed_by == staff_id, _cases.c.state == CaseState.CLAIMED.value)
    ).mappings()
    held = [dict(row) for row in rows]
    for case in held:
        _release(connection, case, now=now, actor=actor, note="the holder's account was disabled")
    return len(held)


def decide_case(
    connection: Connection,
    *,
    case_id: str,
    member: StaffMember,
    outcome: Outcome,
    rationale: str,
    applicant_explanation: str,
    conditions: Conditions,
    now: datetime,
    rules: ReviewRules,
) -> dict[str, Any]:
    """A person's decision on a claimed case: a new decision record (basis `human`) replacing the one the case is
    about, with the reviewer's texts kept beside it; the case is closed."""
    case = _require_case(connection, case_id)
    if outcome not in (Outcome.ACCEPTED, Outcome.REJECTED):
        raise InvalidInput("outcome", "a person decides accepted or rejected")
    why = why_cannot_decide(
        member.role, case_facts(case), outcome=outcome.value, senior_limit_eur=rules.senior_limit_eur
    )
    if why is not None:
        raise Forbidden(why)
    _require_holder(case, member)
    if (why := _four_eyes(connection, case, member)) is not None:
        raise Forbidden(why)
    payload = decision_store.get_application_payload(connection, case["application_id"]) or {}
    deductible_eur = int(payload.get("cover", {}).get("deductible_eur", 0))
    if outcome is Outcome.REJECTED and (conditions.deductible_eur is not None or conditions.exclusions):
        raise InvalidInput("conditions", "conditions go with an acceptance, not a rejection")
    if conditions.deductible_eur is not None and conditions.deductible_eur <= deductible_eur:
        raise InvalidInput(
            "conditions.deductible_eur", f"must be higher than the deductible applied for (EUR {deductible_eur})"
        )
    replaced = decision_store.get_decision(connection, case["decision_id"])
    assert replaced is not None  # a case always points at a stored record
    salt = secrets.token_hex(16)
    review = {
        "case_id": case_id,
        "case_reason": case["reason"],
        "reviewer_id": member.id,
        "reviewer": member.username,
        "role": member.role.value,
        "machine_view": case["machine_view"],
        "conditions": conditions.as_dict(),
        "texts_digest": texts_digest(rationale, applicant_explanation, salt),
    }
    row = human_decision_row(replaced, outcome=outcome, conditions=conditions, review=review, decided_at=now)
    stored = decision_store.append_decision_record(connection, row)
    connection.execute(
        insert(_texts).values(
            decision_id=stored["id"], rationale=rationale, applicant_explanation=applicant_explanation, salt=salt
        )
    )
    done = connection.execute(
        update(_cases)
        .where(_cases.c.id == case_id, _cases.c.version == case["version"])
        .values(
            state=CaseState.DECIDED.value,
            decided_at=now,
            outcome_decision_id=stored["id"],
            handling_seconds=_handled_for(case, now),
            version=_cases.c.version + 1,
        )
    )
    if done.rowcount != 1:
        raise Conflict("the case changed meanwhile; reload it")
    add_event(
        connection,
        case_id=case_id,
        at=now,
        actor=member.username,
        kind="decided",
        data={"decision_id": stored["id"], "outcome": outcome.value, "conditions": conditions.as_dict()},
    )
    return stored


def search_decisions(
    connection: Connection,
    *,
    decision_id: str | None,
    outcome: str | None,
    basis: str | None,
    product: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    """Decisions, newest first (by id, or by outcome, basis, product and a period)."""
    clauses: list[Any] = []
    if decision_id:
        clauses.append(or_(_decisions.c.id == decision_id, _decisions.c.application_id == decision_id))
    for column, value in (
        (_decisions.c.outcome, outcome),
        (_decisions.c.basis, basis),
        (_decisions.c.product, product),
    ):
        if value is not None:
            clauses.append(column == value)
    if since is not None:
        clauses.append(_decisions.c.decided_at >= since)
    if until is not None:
        clauses.append(_decisions.c.decided_at < until)
    total = connection.execute(select(func.count()).select_from(_decisions).where(*clauses)).scalar_one()
    columns = [
        _decisions.c.id,
        _decisions.c.application_id,
        _decisions.c.product,
        _decisions.c.outcome,
        _decisions.c.basis,
        _decisions.c.decided_at,
        _decisions.c.replaces_id,
        _decisions.c.review,
    ]
    rows = connection.execute(
        select(*columns).where(*clauses).order_by(_decisions.c.seq.desc()).limit(limit).offset(offset)
    ).mappings()
    return int(total), [dict(row) for row in rows]
