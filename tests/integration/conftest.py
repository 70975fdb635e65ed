"""Fixtures for the integration tests: a form client in the test database, and a way to record decisions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.decision.service import DecisionRuntime, Submitted, submit_application
from engine.store.clients import create_api_client
from engine.store.database import Database
from tests.factories import application


@pytest.fixture
def client_id(db: Database) -> str:
    with db.engine.begin() as connection:
        client, _ = create_api_client(connection, name="integration form", now=datetime.now(UTC))
    return client.id


Submit = Callable[..., Submitted]


@pytest.fixture
def submit(db: Database, checked_runtime: DecisionRuntime, client_id: str) -> Submit:
    """Record a decision for a body, as the API does (``runtime``: another runtime, e.g. with other policies)."""

    def _submit(
        body: dict[str, Any], *, idempotency_key: str | None = None, runtime_: DecisionRuntime | None = None
    ) -> Submitted:
        app = application(body)
        return submit_application(
            db=db,
            runtime=runtime_ or checked_runtime,
            client_id=client_id,
            application=app,
            idempotency_key=idempotency_key,
            now=datetime.now(UTC),
        )

    return _submit
