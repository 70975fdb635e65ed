"""The app factory: everything is built here (in the lifespan), nothing at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from engine import __version__
from engine.api.auth import ApiKeyAuthenticator
from engine.api.deps import Services
from engine.api.errors import install_error_handlers
from engine.api.limits import BodySizeLimit
from engine.api.metrics import Metrics
from engine.api.routes import applications, health, products
from engine.bootstrap import build_runtime, ensure_demo_client, open_database
from engine.config import Settings
from engine.logs import configure_logging

DESCRIPTION = """
Decides applications for Dutch liability insurance — **AVP** (personal) and **AVB** (business) — in milliseconds,
records every decision with everything it used before answering, and explains it in plain Dutch and English.

1. `GET /v1/products/{code}/notice` — show this text in the form before the applicant submits, and send its
   `version` back as `notice_version`.
2. `POST /v1/applications` with the `X-API-Key` header (and an `Idempotency-Key` for safe retries) — the answer
   carries the decision id, outcome (`accepted`, `rejected` or `referred` to a person), reasons and an
   `applicant_token` for the applicant's own requests.
3. `GET /v1/decisions/{id}` — read it back.

An applicant who objects to automated decision-making (`objects_to_automated_decision: true`) is always decided by
a person. Invalid input gets a 422 naming each field and why, and nothing is stored.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(level=settings.log_level, json=settings.log_json)
        runtime = build_runtime(settings)
        db = open_database(settings)
        ensure_demo_client(db, settings)
        app.state.services = Services(
            settings=settings,
            db=db,
            runtime=runtime,
            metrics=Metrics(),
            authenticator=ApiKeyAuthenticator(db.engine),
        )
        try:
            yield
        finally:
            db.close()

    app = FastAPI(
        title="Underwriting engine",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "forms", "description": "For application forms and broker portals (API key)."},
            {"name": "operations", "description": "Health, readiness and metrics."},
        ],
    )
    install_error_handlers(app)
    app.include_router(applications.router)
    app.include_router(products.router)
    app.include_router(health.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
