"""Applicants: their decision and status, a request for a person to decide, an objection to automated
decision-making. Authorised by the applicant token that came with the decision (header `X-Applicant-Token`); a
wrong token answers exactly like a missing decision, and repeated failures from one address are refused (429)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Path, Query, Request
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from engine.api.deps import Services, ServicesDep
from engine.api.presenters import applicant_decision, receipt_out
from engine.api.review_schemas import ApplicantDecisionOut, ObjectionIn, ReceiptOut, ReviewRequestIn
from engine.api.schemas import ErrorOut
from engine.domain.application import Language
from engine.errors import NotFound, StoreUnavailable, TooManyAttempts
from engine.review.applicant import Correction, authorised_records, object_to_automation, request_review
from engine.review.cases import active_case_of_application, human_texts, latest_case_of_application
from engine.store.decisions import get_decision
from engine.store.writer import WriterClosed

router = APIRouter(prefix="/v1/applicant", tags=["applicants"])
T = TypeVar("T")
DecisionId = Annotated[str, Path(max_length=64, description="The decision id from the decision's answer.")]

Token = Annotated[
    str,
    Header(
        alias="X-Applicant-Token",
        min_length=1,
        max_length=200,
        description="The `applicant_token` that came with the decision.",
    ),
]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such decision, or the token does not belong to it (the same answer)."},
    429: {
        "model": ErrorOut,
        "description": "Too many failed attempts on this decision from this address; see `Retry-After`.",
    },
}


def _guarded(services: Services, request: Request, decision_id: str, action: Callable[[], T]) -> T:
    """Run ``action``, refusing a client that failed too often and counting a failure (a wrong token). Failures
    count per address and decision (10 in 5 minutes), so a guesser is stopped without locking out every applicant
    behind the same address (a NAT, a proxy); and per address over all decisions (100), so a flood of made-up
    decision ids is stopped too."""
    address = f"applicant:{request.client.host if request.client else 'unknown'}"
    key = f"{address}:{decision_id}"
    wait = services.throttle.retry_after(key) or services.address_throttle.retry_after(address)
    if wait is not None:
        raise TooManyAttempts(wait)
    try:
        return action()
    except NotFound:
        services.throttle.failed(key)
        services.address_throttle.failed(address)
        raise
    except (SQLAlchemyError, WriterClosed, TimeoutError) as exc:
        raise StoreUnavailable("applicant request failed", detail="the request could not be recorded; retry") from exc


@router.get(
    "/decisions/{decision_id}",
    response_model=ApplicantDecisionOut,
    responses=_RESPONSES,
    summary="Your decision: outcome, reasons, status, and what you can do",
)
def get_my_decision(
    decision_id: DecisionId,
    services: ServicesDep,
    request: Request,
    token: Token,
    lang: Annotated[Language | None, Query(description="Language of the texts; default: the application's.")] = None,
) -> ApplicantDecisionOut:
    """The current decision about your application (a person's once one has decided), with its reasons in plain
    language, whether a person is reviewing it and by when, and every earlier decision."""

    def read() -> ApplicantDecisionOut:
        with services.db.engine.connect() as connection:
            records = authorised_records(connection, decision_id=decision_id, token=token)
            return _present(connection, decision_id, records, lang)

    return _guarded(services, request, decision_id, read)


def _present(
    connection: Connection, decision_id: str, records: list[dict[str, Any]], lang: Language | None
) -> ApplicantDecisionOut:
    current = records[-1]
    case = active_case_of_application(connection, current["application_id"])
    if case is None and current["outcome"] == "referred":
        case = latest_case_of_application(connection, current["application_id"])
    texts = human_texts(connection, current["id"]) if current["basis"] == "human" else None
    return applicant_decision(decision_id, records, case=case, texts=texts, language=lang.value if lang else None)


@router.post(
    "/decisions/{decision_id}/review-requests",
    status_code=202,
    response_model=ReceiptOut,
    responses={**_RESPONSES, 422: {"model": ErrorOut, "description": "Statement or corrections invalid."}},
    summary="Ask for a person to take the decision again, with your point of view",
)
def post_review_request(
    decision_id: DecisionId, body: ReviewRequestIn, services: ServicesDep, request: Request, token: Token
) -> ReceiptOut:
    """A member of staff takes the decision again, reading your statement and corrections. If a person is already
    reviewing your application, your statement is added to that review."""
    now = datetime.now(UTC)
    corrections = [Correction(c.field, c.value) for c in body.corrections]

    def job(connection: Connection) -> tuple[Any, str]:
        receipt = request_review(
            connection,
            decision_id=decision_id,
            token=token,
            statement=body.statement,
            corrections=corrections,
            now=now,
            rules=services.review.rules,
        )
        return receipt, _language(connection, decision_id)

    receipt, language = _guarded(services, request, decision_id, lambda: services.db.writer.write(job))
    return receipt_out(receipt, language=language, kind="review")


@router.post(
    "/decisions/{decision_id}/objection",
    status_code=202,
    response_model=ReceiptOut,
    responses=_RESPONSES,
    summary="Object to automated decision-making (for this and later applications)",
)
def post_objection(
    decision_id: DecisionId, body: ObjectionIn, services: ServicesDep, request: Request, token: Token
) -> ReceiptOut:
    """From now on a person decides your applications, this one included: an automated outcome of it is taken
    again by a member of staff. Your objection is kept with your identity (name and date of birth), so it holds
    for later applications too, even from another e-mail address."""
    now = datetime.now(UTC)

    def job(connection: Connection) -> tuple[Any, str]:
        receipt = object_to_automation(
            connection,
            decision_id=decision_id,
            token=token,
            statement=body.statement,
            now=now,
            rules=services.review.rules,
            identity_secret=services.review.identity_secret,
        )
        return receipt, _language(connection, decision_id)

    receipt, language = _guarded(services, request, decision_id, lambda: services.db.writer.write(job))
    return receipt_out(receipt, language=language, kind="objection")


def _language(connection: Connection, decision_id: str) -> str:
    record = get_decision(connection, decision_id)
    return str(record["notice"]["language"]) if record else "nl"
