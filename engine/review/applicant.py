"""What an applicant can do with the token that came with their decision: see it, ask for a person to take it
again (with their statement and corrections), and object to automated decision-making. A wrong token is the
same as a missing decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, update
from sqlalchemy.exc import IntegrityError

from engine.decision.tokens import token_matches
from engine.domain.application import Application, AvbApplication, AvpApplication
from engine.errors import Conflict, InvalidInput, NotFound
from engine.review.cases import active_case_of_application, decisions_of_application
from engine.review.intake import (
    ReviewRules,
    add_event,
    identity_keys,
    insert_case,
    machine_record_of,
    new_case,
    record_objection,
)
from engine.review.roles import CaseReason
from engine.store import decisions as decision_store
from engine.store.tables import ReviewCaseRecord, table_of

_cases = table_of(ReviewCaseRecord)
MAX_STATEMENT = 4000
MAX_CASE_STATEMENTS = 3 * MAX_STATEMENT  # what one case holds from the applicant, all requests together
MAX_CASE_CORRECTIONS = 50
SEPARATOR = "\n\n---\n\n"


@dataclass(frozen=True, slots=True)
class Correction:
    field: str  # a dotted path in the application, e.g. `disclosure.claims_last_5_years`
    value: str


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the applicant is told after a request: the case (if one is open), and by when a person decides."""

    case: dict[str, Any] | None
    opened: bool  # a new case (False: the request joined the case already open)
    standing_objection: bool = False


def authorised_records(connection: Connection, *, decision_id: str, token: str) -> list[dict[str, Any]]:
    """Every decision about the application the token's decision belongs to, oldest first; NotFound for a missing
    decision and a wrong token alike (compared in constant time)."""
    record = decision_store.get_decision(connection, decision_id)
    if record is None or not token or not token_matches(token, record["applicant_token_hash"]):
        raise NotFound("no such decision")
    return decisions_of_application(connection, record["application_id"])


def _paths(value: Any, prefix: str = "") -> set[str]:
    out = {prefix} if prefix else set()
    if isinstance(value, dict):
        for key, item in value.items():
            out |= _paths(item, f"{prefix}.{key}" if prefix else key)
    return out


def check_corrections(payload: dict[str, Any], corrections: list[Correction]) -> None:
    """Each correction names a field the application has (``applicant.address.postcode``, ``disclosure``...)."""
    known = _paths(payload) | {"product", "applicant", "cover", "disclosure", "household", "company"}
    for index, correction in enumerate(corrections):
        if correction.field not in known:
            raise InvalidInput(
                f"corrections.{index}.field",
                f"unknown field {correction.field!r}; name a field of the application, e.g. applicant.address.postcode",
            )


def _append_statement(case: dict[str, Any], statement: str | None) -> str | None:
    previous: str | None = case["statement"]
    if not statement:
        return previous
    return f"{previous}{SEPARATOR}{statement}" if previous else statement


def _update_case(
    connection: Connection, case: dict[str, Any], *, statement: str | None, corrections: list[Correction]
) -> None:
    """Add to the open case; a case that holds all it can refuses more rather than dropping what came first."""
    combined = _append_statement(case, statement)
    merged = [*case["corrections"], *({"field": c.field, "value": c.value} for c in corrections)]
    if len(combined or "") > MAX_CASE_STATEMENTS or len(merged) > MAX_CASE_CORRECTIONS:
        raise Conflict(
            "the review of your application already holds as much as it can take; a member of staff will read it "
            "and may contact you"
        )
    connection.execute(
        update(_cases)
        .where(_cases.c.id == case["id"])
        .values(statement=combined, corrections=merged, version=_cases.c.version + 1)
    )


def _open_or_join(
    connection: Connection,
    new: dict[str, Any],
    *,
    statement: str | None,
    corrections: list[Correction],
    data: dict[str, Any],
    kind: str,
    now: datetime,
) -> Receipt:
    """Open ``new``; if another request opened a case for the application meanwhile (another worker), join it."""
    try:
        with connection.begin_nested():
            insert_case(connection, new, actor="applicant", data=data)
    except IntegrityError:  # the one-active-case-per-application index: someone else was first
        case = active_case_of_application(connection, new["application_id"])
        if case is None:
            raise
        _update_case(connection, case, statement=statement, corrections=corrections)
        add_event(connection, case_id=case["id"], at=now, actor="applicant", kind=kind, data=data)
        return Receipt(active_case_of_application(connection, new["application_id"]), opened=False)
    return Receipt(active_case_of_application(connection, new["application_id"]), opened=True)


def request_review(
    connection: Connection,
    *,
    decision_id: str,
    token: str,
    statement: str,
    corrections: list[Correction],
    now: datetime,
    rules: ReviewRules,
) -> Receipt:
    """The applicant asks for a person to decide, with their point of view: joins the open case, or opens a
    `contested` case about the current decision."""
    records = authorised_records(connection, decision_id=decision_id, token=token)
    current = records[-1]
    payload = decision_store.get_application_payload(connection, current["application_id"])
    if payload is None:
        raise NotFound("the application has been erased")
    check_corrections(payload, corrections)
    data = {"statement_length": len(statement), "corrections": [c.field for c in corrections]}
    case = active_case_of_application(connection, current["application_id"])
    if case is not None:
        _update_case(connection, case, statement=statement, corrections=corrections)
        add_event(connection, case_id=case["id"], at=now, actor="applicant", kind="statement_added", data=data)
        return Receipt(active_case_of_application(connection, current["application_id"]), opened=False)
    new = new_case(
        current,
        reason=CaseReason.CONTESTED,
        insured_limit_eur=int(payload["cover"]["insured_limit_eur"]),
        opened_at=now,
        rules=rules,
        machine_record=machine_record_of(records),
    )
    new["statement"] = statement
    new["corrections"] = [{"field": c.field, "value": c.value} for c in corrections]
    return _open_or_join(
        connection,
        new,
        statement=statement,
        corrections=corrections,
        data={"decision_id": current["id"], **data},
        kind="statement_added",
        now=now,
    )


_APPLICATION: TypeAdapter[AvpApplication | AvbApplication] = TypeAdapter(Application)


def _application(payload: dict[str, Any]) -> AvpApplication | AvbApplication:
    return _APPLICATION.validate_python(payload)


def object_to_automation(
    connection: Connection,
    *,
    decision_id: str,
    token: str,
    statement: str | None,
    now: datetime,
    rules: ReviewRules,
    identity_secret: bytes,
) -> Receipt:
    """The applicant objects to automated decision-making: filed under their identity, so it holds for their later
    applications; an automated outcome of this application is taken again by a person (an `objected` case)."""
    records = authorised_records(connection, decision_id=decision_id, token=token)
    current = records[-1]
    payload = decision_store.get_application_payload(connection, current["application_id"])
    if payload is None:
        raise NotFound("the application has been erased")
    record_objection(
        connection,
        keys=identity_keys(_application(payload), secret=identity_secret),
        application_id=current["application_id"],
        decision_id=current["id"],
        now=now,
    )
    data = {"statement_length": len(statement or "")}
    case = active_case_of_application(connection, current["application_id"])
    if case is not None:
        _update_case(connection, case, statement=statement, corrections=[])
        add_event(connection, case_id=case["id"], at=now, actor="applicant", kind="objection", data=data)
        return Receipt(active_case_of_application(connection, current["application_id"]), opened=False)
    if current["basis"] != "automated":  # a person decided already: the objection holds for what comes next
        return Receipt(None, opened=False, standing_objection=True)
    new = new_case(
        current,
        reason=CaseReason.OBJECTED,
        insured_limit_eur=int(payload["cover"]["insured_limit_eur"]),
        opened_at=now,
        rules=rules,
        machine_record=machine_record_of(records),
    )
    new["statement"] = statement or None
    return _open_or_join(
        connection,
        new,
        statement=statement,
        corrections=[],
        data={"decision_id": current["id"], **data},
        kind="objection",
        now=now,
    )
