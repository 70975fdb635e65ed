"""Dependencies shared by the routes: the app's services, the calling client, a reading connection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from engine.api.auth import ApiKeyAuthenticator
from engine.api.metrics import Metrics
from engine.api.throttle import FailureThrottle
from engine.config import Settings
from engine.decision.service import DecisionRuntime
from engine.errors import Forbidden, StoreUnavailable
from engine.privacy.rights import PrivacyDesk
from engine.review.intake import ReviewIntake
from engine.review.overview import RubberStampRule
from engine.review.roles import Role
from engine.review.staff import StaffMember, member_of_session
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
    review: ReviewIntake
    throttle: FailureThrottle  # failures per address and decision (applicants) or username (staff login)
    address_throttle: FailureThrottle  # failures per address across all of them: a flood of distinct keys stops here
    rubber_stamp: RubberStampRule
    privacy: PrivacyDesk  # data-subject requests
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # tests move it to check deadlines


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


bearer = HTTPBearer(auto_error=False, description="A staff session token from `POST /v1/staff/sessions`.")


def current_staff(
    services: ServicesDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> StaffMember:
    """The logged-in member of staff; 401 without a valid, unexpired session."""
    member = None
    if credentials is not None:
        try:
            with services.db.engine.connect() as connection:
                member = member_of_session(connection, token=credentials.credentials, now=datetime.now(UTC))
        except SQLAlchemyError as exc:
            raise StoreUnavailable("staff session lookup failed", detail="the store is unavailable; retry") from exc
    if member is None:
        raise HTTPException(
            status_code=401, detail="not logged in, or the session expired", headers={"WWW-Authenticate": "Bearer"}
        )
    return member


StaffDep = Annotated[StaffMember, Depends(current_staff)]


def staff_with(*roles: Role) -> Callable[[StaffMember], StaffMember]:
    """A dependency: the logged-in member, if their role is one of ``roles`` (403 otherwise)."""
    allowed = frozenset(roles)

    def dependency(member: StaffDep) -> StaffMember:
        if member.role not in allowed:
            raise Forbidden(f"the {member.role.value} role may not do this")
        return member

    return dependency
