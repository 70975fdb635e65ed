"""Fixtures of the review tests: cheap password hashing, and a module-wide app per backend with staff of every
role (for tables of cells that each need only a case or two of their own)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

import engine.review.staff as staff_module
from engine.api.app import create_app
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.store.clients import create_api_client
from tests.conftest import Api, _admin
from tests.review.support import World

# The backends, as module-scoped parameters (the shared `database_url` fixture is per test).
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="package", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Staff accounts hash their passwords with argon2id at the library's cost (~130 ms per hash and per login).
    These tests create and log in dozens of accounts and test authority, not hashing: a cheap argon2id keeps them
    fast. (The real parameters stay in force outside this package.)"""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staff_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@contextmanager
def _module_database(request: pytest.FixtureRequest, directory: Path) -> Iterator[str]:
    """A fresh database at head for a module, like the shared `database_url` fixture does for one test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = directory / "underwrite.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: str = request.getfixturevalue("postgres_server")
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"m_{uuid.uuid4().hex[:16]}"
    _admin(server, f"CREATE DATABASE {name} TEMPLATE {template_name}")
    try:
        yield f"{server}/{name}"
    finally:
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, registers: LocalRegisters
) -> Iterator[World]:
    """One app on one fresh database for the whole module, with a form client and a logged-in member of staff of
    every role (and a second underwriter). A module may set ``WORLD_SETTINGS`` (a dict) to change settings. Tests
    that need a clean slate use the per-test `api` fixture instead."""
    overrides = getattr(request.module, "WORLD_SETTINGS", {})
    with _module_database(request, tmp_path_factory.mktemp("review-world")) as url:
        settings = Settings(
            environment=Environment.TEST, database_url=url, log_json=False, log_level="WARNING", **overrides
        )
        app = create_app(settings, registers=registers)
        with TestClient(app, raise_server_exceptions=False) as client:
            with app.state.services.db.engine.begin() as connection:
                _, key = create_api_client(connection, name="review form", now=datetime.now(UTC))
            yield World.with_staff(Api(client, key))
