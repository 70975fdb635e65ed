"""Domain errors to HTTP statuses, in one place. No stack trace ever reaches a client."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import (
    Conflict,
    Forbidden,
    IdempotencyConflict,
    InvalidApplication,
    InvalidInput,
    NotFound,
    NotReplayable,
    StoreUnavailable,
    TooManyAttempts,
)

log = structlog.get_logger(__name__)


def _problem(loc: Any, msg: str, kind: str) -> dict[str, Any]:
    return {"loc": [part for part in loc], "msg": msg, "type": kind}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            loc = list(error.get("loc", ()))
            # Pydantic names the union member in the location (body.AVP.applicant...); keep the field path only.
            if len(loc) > 1 and loc[0] == "body" and loc[1] in {"AVP", "AVB"}:
                loc = [loc[0], *loc[2:]]
            msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            if error.get("type") == "union_tag_invalid":
                msg = "unknown product; use AVP or AVB"
                loc = [*loc, "product"] if loc[-1:] != ["product"] else loc
            problems.append(_problem(loc, msg, str(error.get("type", "invalid"))))
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.exception_handler(InvalidApplication)
    async def _invalid(_request: Request, exc: InvalidApplication) -> JSONResponse:
        problems = [_problem(["body", *p.loc], p.msg, p.code) for p in exc.problems]
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.exception_handler(IdempotencyConflict)
    async def _conflict(_request: Request, exc: IdempotencyConflict) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, _exc: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": "not found"})

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(_request: Request, exc: StoreUnavailable) -> JSONResponse:
        log.error("store_unavailable", error=str(exc), cause=type(exc.__cause__).__name__)
        return JSONResponse(
            status_code=503,
            headers={"Retry-After": "5"},
            content={
                "detail": exc.detail
                or "the decision could not be recorded; nothing was decided. Retry with the same Idempotency-Key."
            },
        )

    @app.exception_handler(InvalidInput)
    async def _invalid_input(_request: Request, exc: InvalidInput) -> JSONResponse:
        loc = ["body", *(int(part) if part.isdigit() else part for part in exc.field.split("."))]
        return JSONResponse(status_code=422, content={"detail": [_problem(loc, exc.msg, "invalid")]})

    @app.exception_handler(Conflict)
    @app.exception_handler(NotReplayable)
    async def _state_conflict(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse(status_code=403, content={"detail": str(exc)})

    @app.exception_handler(TooManyAttempts)
    async def _too_many(_request: Request, exc: TooManyAttempts) -> JSONResponse:
        return JSONResponse(
            status_code=429, headers={"Retry-After": str(exc.retry_after)}, content={"detail": str(exc)}
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail}, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected_error", error=type(exc).__name__, path=request.url.path)
        return JSONResponse(status_code=500, content={"detail": "internal error; nothing was decided"})
