"""Liveness, readiness and metrics."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from engine.api.deps import ServicesDep
from engine.api.schemas import HealthOut
from engine.decision.core import DUTCH_TIME
from engine.store.db import pending_migrations

router = APIRouter(tags=["operations"])


@router.get("/health/live", response_model=HealthOut, summary="The process is up")
def live() -> HealthOut:
    return HealthOut(status="ok")


@router.get(
    "/health/ready",
    response_model=HealthOut,
    responses={503: {"model": HealthOut}},
    summary="Ready to decide",
)
def ready(services: ServicesDep) -> Response:
    checks: dict[str, str] = {}
    try:
        with services.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        pending = pending_migrations(services.db.engine)
        checks["database"] = "ok"
        checks["migrations"] = "ok" if not pending else f"pending: {', '.join(pending)}"
    except SQLAlchemyError as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    products = services.runtime.policies.policies
    today = datetime.now(DUTCH_TIME).date()
    checks["policies"] = ", ".join(f"{p.value} {services.runtime.policies.active(p, today).version}" for p in products)
    healthy = checks.get("database") == "ok" and checks.get("migrations") == "ok"
    body = HealthOut(status="ok" if healthy else "unavailable", checks=checks)
    return JSONResponse(status_code=200 if healthy else 503, content=body.model_dump())


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(services: ServicesDep) -> Response:
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)
