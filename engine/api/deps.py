"""Dependencies shared by the routes: the app's services, the calling client, a reading connection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy import Connection

from engine.api.auth import ApiKeyAuthenticator
from engine.api.metrics import Metrics
from engine.config import Settings
from engine.decision.service import DecisionRuntime
from engine.store.clients import ApiClient
from engine.store.database import Database


@dataclass
class Services:
    """What the app factory builds once and every request shares."""

    settings: Settings
    db: Database
    runtime: DecisionRuntime
    metrics: Metrics
    authenticator: ApiKeyAuthenticator


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The form client's API key.")


async def current_client(services: ServicesDep, key: Annotated[str | None, Security(_api_key)]) -> ApiClient:
    # async: resolved on the event loop without a thread hand-off; a cache miss is one indexed read
    client = services.authenticator.authenticate(key)
    if client is None:
        raise HTTPException(
            status_code=401, detail="missing or invalid API key", headers={"WWW-Authenticate": "ApiKey"}
        )
    return client


ClientDep = Annotated[ApiClient, Depends(current_client)]


def read_connection(services: ServicesDep) -> Iterator[Connection]:
    with services.db.engine.connect() as connection:
        yield connection


ReadConnection = Annotated[Connection, Depends(read_connection)]
