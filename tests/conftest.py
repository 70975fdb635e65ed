"""Shared fixtures. Every test that touches a database runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from engine.api.app import create_app
from engine.bootstrap import build_runtime, load_models
from engine.checks.assembly import build_checks
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.decision.service import DecisionRuntime
from engine.model.registry import ModelShelf
from engine.review.roles import Role
from engine.review.staff import create_staff
from engine.store.checks import SqlVelocityCounter
from engine.store.clients import create_api_client
from engine.store.database import Database
from engine.store.db import create_db_engine, upgrade
from tests.postgres import find_bindir, postgres_cluster

BACKENDS = ["sqlite", "postgresql"]
STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("UNDERWRITE_REQUIRE_POSTGRES"):
            pytest.fail("UNDERWRITE_REQUIRE_POSTGRES is set but no PostgreSQL binaries were found")
        pytest.skip("no PostgreSQL binaries on this machine")
    with postgres_cluster(bindir) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A database migrated to head, used as the template of each test's fresh database."""
    name = "underwrite_template"
    _admin(postgres_server, f"CREATE DATABASE {name}")
    engine = create_db_engine(f"{postgres_server}/{name}")
    upgrade(engine)
    engine.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _admin(server_url: str, statement: str) -> None:
    dsn = server_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the head migration, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "underwrite.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    request.applymarker(pytest.mark.postgres)
    server: str = request.getfixturevalue("postgres_server")
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"t_{uuid.uuid4().hex[:16]}"
    _admin(server, f"CREATE DATABASE {name} TEMPLATE {template_name}")
    yield f"{server}/{name}"
    _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment=Environment.TEST, database_url=database_url, log_json=False, log_level="WARNING")


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database.open(settings.database_url)
    yield database
    database.close()


@pytest.fixture(scope="session")
def runtime() -> DecisionRuntime:
    """Policies and notices, no checks (for replay, and for tests of what happens without them)."""
    return build_runtime(Settings(environment=Environment.TEST))


@pytest.fixture(scope="session")
def registers() -> LocalRegisters:
    """The shipped embedded registers, loaded once for the whole run."""
    return LocalRegisters.load(Settings().register_dir)


@pytest.fixture
def checked_runtime(runtime: DecisionRuntime, registers: LocalRegisters, db: Database) -> Iterator[DecisionRuntime]:
    """The runtime with all six checks on the shipped registers, fraud velocity counted in the test database."""
    check_set = build_checks(
        Settings(environment=Environment.TEST), velocity=SqlVelocityCounter(db.engine), registers=registers
    )
    yield runtime.with_checks(check_set.checks, executor=check_set.executor, budget_seconds=check_set.budget_seconds)
    check_set.close()


class Api:
    """A form client of the app under test."""

    def __init__(self, client: TestClient, key: str) -> None:
        self.client = client
        self.key = key

    def submit(self, body: Any, *, key: str | None = None, idempotency_key: str | None = None) -> Any:
        headers = {"X-API-Key": key if key is not None else self.key}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return self.client.post("/v1/applications", json=body, headers=headers)

    def get_decision(self, decision_id: str, *, key: str | None = None, **params: str) -> Any:
        return self.client.get(
            f"/v1/decisions/{decision_id}", headers={"X-API-Key": key if key is not None else self.key}, params=params
        )

    def create_staff(self, username: str, role: str, password: str = STAFF_PASSWORD) -> None:
        services = self.client.app.state.services  # type: ignore[attr-defined]
        with services.db.engine.begin() as connection:
            create_staff(
                connection,
                username=username,
                display_name=username.title(),
                role=Role(role),
                password=password,
                now=datetime.now(UTC),
            )

    def login(self, username: str, password: str = STAFF_PASSWORD) -> dict[str, str]:
        """Log in; the headers that carry the session."""
        answer = self.client.post("/v1/staff/sessions", json={"username": username, "password": password})
        assert answer.status_code == 201, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def staff(self, role: str, username: str | None = None) -> dict[str, str]:
        """A new member of staff with ``role``, logged in."""
        username = username or f"{role.replace('_', '-')}-{uuid.uuid4().hex[:6]}"
        self.create_staff(username, role)
        return self.login(username)

    def applicant(self, decision_id: str, token: str, **params: str) -> Any:
        return self.client.get(
            f"/v1/applicant/decisions/{decision_id}", headers={"X-Applicant-Token": token}, params=params
        )

    def create_key(self, name: str = "another form") -> str:
        services = self.client.app.state.services  # type: ignore[attr-defined]
        with services.db.engine.begin() as connection:
            _, key = create_api_client(connection, name=name, now=datetime.now(UTC))
        return key


@pytest.fixture(scope="session")
def shipped_models(runtime: DecisionRuntime) -> ModelShelf:
    """The shipped models, loaded once (each app would otherwise load and verify them again)."""
    return load_models(Settings(environment=Environment.TEST), runtime)


@pytest.fixture
def api(settings: Settings, registers: LocalRegisters, shipped_models: ModelShelf) -> Iterator[Api]:
    shared = shipped_models if settings.model_dir == Settings(environment=Environment.TEST).model_dir else None
    app = create_app(settings, registers=registers, models=shared)
    with TestClient(app, raise_server_exceptions=False) as client:
        services = app.state.services
        with services.db.engine.begin() as connection:
            _, key = create_api_client(connection, name="test form", now=datetime.now(UTC))
        yield Api(client, key)
