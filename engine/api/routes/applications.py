"""Form clients: submit an application, read back a decision."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import APIRouter, Body, Header, Query, Response

from engine.api.deps import ClientDep, ReadConnection, ServicesDep
from engine.api.schemas import DecisionOut, ErrorOut
from engine.decision.service import get_decision_for_client, submit_application_async
from engine.decision.tokens import applicant_token
from engine.domain.application import Application, AvbApplication, AvpApplication, Language
from engine.errors import InvalidApplication, NotFound, StoreUnavailable
from engine.store.decisions import latest_decision_id

router = APIRouter(prefix="/v1", tags=["forms"])
log = structlog.get_logger(__name__)

_LOCATION = {"Location": {"description": "Where the decision can be read back.", "schema": {"type": "string"}}}
_ERRORS: dict[int | str, dict[str, object]] = {
    200: {
        "model": DecisionOut,
        "description": "An idempotent retry: the decision recorded for this Idempotency-Key, with the same applicant "
        "token; header `Idempotent-Replayed: true`. Nothing new is stored.",
        "headers": {
            **_LOCATION,
            "Idempotent-Replayed": {"description": "Always `true`.", "schema": {"type": "string"}},
        },
    },
    201: {"description": "The decision, recorded before this answer.", "headers": _LOCATION},
    401: {"model": ErrorOut, "description": "Missing or invalid API key."},
    409: {"model": ErrorOut, "description": "Idempotency-Key reused with a different body."},
    413: {"model": ErrorOut, "description": "Request body too large."},
    422: {"model": ErrorOut, "description": "Invalid application: each problem names its field and why."},
    503: {
        "model": ErrorOut,
        "description": "The decision could not be recorded; nothing was decided. Retry.",
    },
}


@router.post(
    "/applications",
    status_code=201,
    response_model=DecisionOut,
    responses=_ERRORS,
    summary="Submit an application and get a recorded decision",
)
async def post_application(
    application: Annotated[Application, Body(discriminator="product")],
    services: ServicesDep,
    client: ClientDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            description="Makes retries safe: the same key and body return the same decision and store nothing new.",
        ),
    ] = None,
) -> DecisionOut:
    """Decide an AVP or AVB application. The decision is durably recorded before this answers."""
    app_: AvpApplication | AvbApplication = application
    started = time.perf_counter()
    try:
        submitted = await submit_application_async(
            db=services.db,
            runtime=services.runtime,
            client_id=client.id,
            application=app_,
            idempotency_key=idempotency_key,
            now=datetime.now(UTC),
        )
    except InvalidApplication:
        services.metrics.rejected_requests.labels(app_.product.value).inc()
        raise
    except StoreUnavailable:
        services.metrics.store_failures.inc()
        raise
    record = submitted.record
    token = submitted.applicant_token or applicant_token(services.runtime.token_key, record["id"])
    response.headers["Location"] = f"/v1/decisions/{record['id']}"
    if submitted.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    else:
        elapsed = time.perf_counter() - started
        services.metrics.decisions.labels(record["product"], record["outcome"]).inc()
        services.metrics.decision_seconds.labels(record["product"]).observe(elapsed)
        log.info(
            "decision_recorded",
            decision_id=record["id"],
            application_id=record["application_id"],
            product=record["product"],
            outcome=record["outcome"],
            policy_version=record["policy_version"],
            duration_ms=round(elapsed * 1000, 2),
        )
    return DecisionOut.from_record(record, token=token)


@router.get(
    "/decisions/{decision_id}",
    response_model=DecisionOut,
    responses={
        401: _ERRORS[401],
        404: {"model": ErrorOut, "description": "No such decision for this client."},
    },
    summary="Read a decision this client submitted",
)
def get_decision(
    decision_id: str,
    connection: ReadConnection,
    client: ClientDep,
    lang: Annotated[Language | None, Query(description="Language of the texts; default: the application's.")] = None,
) -> DecisionOut:
    record = get_decision_for_client(connection=connection, decision_id=decision_id, client_id=client.id)
    if record is None:
        raise NotFound(decision_id)
    decision = DecisionOut.from_record(record, language=lang.value if lang else None)
    latest = latest_decision_id(connection, record["application_id"])
    if latest != record["id"]:
        decision.superseded_by = latest
    return decision
