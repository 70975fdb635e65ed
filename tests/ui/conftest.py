"""The review dashboard against the real app: ``create_app`` on a fresh SQLite database, inside a ``TestClient``
that the dashboard's ``ReviewApi`` wraps (no server, no browser). Staff accounts and review cases are made the way
production makes them: accounts through the staff service, cases by submitting applications through the form API.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from engine.api.app import create_app
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.model.registry import ModelShelf
from engine.review.roles import Role
from engine.review.staff import create_staff
from engine.store.clients import create_api_client
from review_ui.client import ReviewApi
from tests.api.support import example

PASSWORD = "a long test password"


@dataclass
class Backend:
    """The engine under test, and what a test needs to set up a scene in it."""

    client: TestClient
    engine: Engine
    api_key: str
    tokens: dict[str, str] = field(default_factory=dict)  # decision id -> applicant token

    def add_staff(self, username: str, role: Role, display_name: str | None = None) -> None:
        with self.engine.begin() as connection:
            create_staff(
                connection,
                username=username,
                display_name=display_name or username.capitalize(),
                role=role,
                password=PASSWORD,
                now=datetime.now(UTC),
            )

    def reviewer(self, username: str) -> ReviewApi:
        """A dashboard client logged in as ``username``."""
        api = ReviewApi(self.client)
        api.login(username, PASSWORD)
        return api

    def submit(self, name: str, **changes: Any) -> dict[str, Any]:
        """A shipped example application through the form API; its decision as the form sees it."""
        body = example(name) | changes
        response = self.client.post("/v1/applications", json=body, headers={"X-API-Key": self.api_key})
        assert response.status_code == 201, response.text
        decision: dict[str, Any] = response.json()
        self.tokens[decision["decision_id"]] = decision["applicant_token"]
        return decision

    def contest(self, decision_id: str, statement: str, corrections: list[dict[str, str]]) -> None:
        """The applicant asks for a person to look again, with their statement."""
        response = self.client.post(
            f"/v1/applicant/decisions/{decision_id}/review-requests",
            json={"statement": statement, "corrections": corrections},
            headers={"X-Applicant-Token": self.tokens[decision_id]},
        )
        assert response.status_code == 202, response.text

    def case_of(self, decision_id: str) -> str:
        with self.engine.connect() as connection:
            case_id: str = connection.execute(
                text("SELECT id FROM review_cases WHERE decision_id = :decision_id"), {"decision_id": decision_id}
            ).scalar_one()
        return case_id

    def make_overdue(self, case_id: str, days: int = 2) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                text("UPDATE review_cases SET due_at = :due_at WHERE id = :case_id"),
                {"due_at": datetime.now(UTC) - timedelta(days=days), "case_id": case_id},
            )


@pytest.fixture
def settings_changes() -> dict[str, object]:
    """Settings a test module changes from the defaults (override this fixture there)."""
    return {}


@pytest.fixture
def backend(
    tmp_path: Path,
    sqlite_template: Path,
    registers: LocalRegisters,
    settings_changes: dict[str, object],
    shipped_models: ModelShelf,
) -> Iterator[Backend]:
    """The real app on its own SQLite database (a copy of the migrated template)."""
    path = tmp_path / "ui.db"
    shutil.copyfile(sqlite_template, path)
    settings = Settings(
        environment=Environment.TEST,
        database_url=f"sqlite:///{path}",
        log_json=False,
        log_level="WARNING",
        **settings_changes,  # type: ignore[arg-type]
    )
    shared = shipped_models if "model_dir" not in settings_changes else None
    app = create_app(settings, registers=registers, models=shared)
    with TestClient(app, raise_server_exceptions=True) as client:
        engine: Engine = app.state.services.db.engine
        with engine.begin() as connection:
            _, key = create_api_client(connection, name="ui test form", now=datetime.now(UTC))
        yield Backend(client=client, engine=engine, api_key=key)
