"""The app factory: everything is built here (in the lifespan), nothing at import."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from engine import __version__
from engine.api.auth import ApiKeyAuthenticator
from engine.api.deps import Services
from engine.api.errors import install_error_handlers
from engine.api.limits import BodySizeLimit, RefuseNul
from engine.api.metrics import Metrics
from engine.api.routes import applicant, applications, health, privacy, products, staff
from engine.api.routes import register as processing_register
from engine.api.throttle import FailureThrottle
from engine.bootstrap import (
    attach_models,
    build_check_set,
    build_review,
    build_runtime,
    ensure_demo_client,
    load_models,
    open_database,
    register_policies,
    rubber_stamp_rule,
)
from engine.checks.providers.local import LocalRegisters
from engine.config import DEMO_API_KEY, Environment, Settings
from engine.examples import dutch_today, example_names, load_example
from engine.logs import configure_logging
from engine.model.registry import ModelShelf
from engine.privacy.config import load_privacy_config
from engine.privacy.rights import PrivacyDesk
from engine.privacy.subject import backfill_subject_keys

DESCRIPTION = """
Decides applications for Dutch liability insurance — **AVP** (personal) and **AVB** (business) — in milliseconds,
records every decision with everything it used before answering, and explains it in plain Dutch and English.

1. `GET /v1/products/{code}/notice` — show this text in the form before the applicant submits, and send its
   `version` back as `notice_version`.
2. `POST /v1/applications` with the `X-API-Key` header (and an `Idempotency-Key` for safe retries) — the answer
   carries the decision id, outcome (`accepted`, `rejected` or `referred` to a person), reasons and an
   `applicant_token` for the applicant's own requests.
3. `GET /v1/decisions/{id}` — read it back.

Applicants use their `applicant_token` (header `X-Applicant-Token`) with `/v1/applicant/decisions/{id}`: to see
their decision and its status, to ask for a person to take it again with their own statement
(`POST .../review-requests`), and to object to automated decision-making for this and later applications
(`POST .../objection`). Underwriters work the resulting review cases under `/v1/staff` (or in the review UI).

Privacy: with the same token applicants make data-subject requests about all their applications
(`POST /v1/applicant/decisions/{id}/privacy-requests`, kind `access`, `portability`, `rectification`, `restriction`,
`erasure` or `objection`), follow them and download their data (JSON, or CSV tables in a ZIP). Each request is on
the legal clock (one month; extended by at most two with reasons). The privacy officer works them under
`/v1/staff/privacy-requests`.

Before deciding, the engine checks the applicant with a credit bureau, the insurers' shared claims register, the
insolvency register, a sanctions list, fraud-prevention checks and an address check. A source that cannot be reached
in time never leads to a rejection: the application is referred to a person, and the reason says which source was
missing. An applicant who objects to automated decision-making (`objects_to_automated_decision: true`) is always
decided by a person. Invalid input gets a 422 naming each field and why, and nothing is stored.

`GET /v1/processing-register?lang=nl|en` (public) is the register of processing, generated from the configuration,
policies and models the system runs on.
"""


def create_app(
    settings: Settings | None = None,
    *,
    registers: LocalRegisters | None = None,
    models: ModelShelf | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The app. ``registers`` and ``models`` may be given when already loaded from the configured folders (tests share
    one load of the embedded registers and of the models); ``clock`` gives the time the privacy deadlines run on
    (tests move it)."""
    settings = settings or Settings()
    privacy_config = load_privacy_config(settings.privacy_config)  # a bad file stops start-up with its reason

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(level=settings.log_level, json=settings.log_json)
        runtime = build_runtime(settings)
        shelf = models if models is not None else load_models(settings, runtime)
        db = open_database(settings)
        try:
            register_policies(db, runtime)
            runtime = attach_models(settings, db, runtime, shelf)
        except BaseException:
            db.close()
            raise
        try:
            check_set = build_check_set(settings, db, registers=registers)
        except BaseException:
            db.close()
            raise
        if check_set is not None:
            runtime = runtime.with_checks(
                check_set.checks, executor=check_set.executor, budget_seconds=check_set.budget_seconds
            )
        review = build_review(settings, db)
        runtime = runtime.with_review(review)
        backfill_subject_keys(db.engine, secret=review.identity_secret)
        ensure_demo_client(db, settings)
        development = settings.environment is Environment.DEVELOPMENT
        app.state.services = Services(
            settings=settings,
            db=db,
            runtime=runtime,
            metrics=Metrics(),
            authenticator=ApiKeyAuthenticator(
                db.engine,
                refused_keys=frozenset() if development else frozenset({DEMO_API_KEY}),
            ),
            review=review,
            throttle=FailureThrottle(),
            address_throttle=FailureThrottle(max_failures=100),
            rubber_stamp=rubber_stamp_rule(settings),
            privacy=PrivacyDesk(db=db, runtime=runtime, config=privacy_config),
            **({"clock": clock} if clock is not None else {}),
        )
        # What start-up built lives as long as the process: take it out of the collector's generations, so that a
        # full collection scans only what requests allocate (otherwise one takes ~70 ms: a latency spike).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if check_set is not None:
                check_set.close()
            db.close()

    app = FastAPI(
        title="Underwriting engine",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "forms", "description": "For application forms and broker portals (API key)."},
            {
                "name": "applicants",
                "description": "For applicants, with the `applicant_token` of their decision: status, a request for "
                "a person to decide, an objection to automated decision-making.",
            },
            {
                "name": "staff",
                "description": "For underwriters, compliance, fraud, privacy officers, auditors and admins "
                "(staff login).",
            },
            {
                "name": "privacy",
                "description": "Data-subject requests (access, portability, rectification, restriction, erasure, "
                "objection) on the legal clock, and the register of processing.",
            },
            {"name": "operations", "description": "Health, readiness and metrics."},
        ],
    )
    app.openapi = lambda: _openapi_with_examples(app)  # type: ignore[method-assign]
    install_error_handlers(app)
    app.include_router(applications.router)
    app.include_router(applicant.router)
    app.include_router(staff.router)
    app.include_router(privacy.applicant_router)
    app.include_router(privacy.staff_router)
    app.include_router(products.router)
    app.include_router(processing_register.router)
    app.include_router(health.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RefuseNul)
    return app


def _openapi_with_examples(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the shipped example applications dated for today as request examples (built
    again when the day changes, so the examples never start in the past)."""
    today = dutch_today()
    if app.openapi_schema is None or app.openapi_schema.get("x-examples-dated") != today.isoformat():
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        examples = {
            name: {"summary": name.replace("-", " "), "value": load_example(name, today=today)}
            for name in example_names()
        }
        body = schema["paths"]["/v1/applications"]["post"]["requestBody"]["content"]["application/json"]
        body["examples"] = examples
        schema["x-examples-dated"] = today.isoformat()
        app.openapi_schema = schema
    return app.openapi_schema
