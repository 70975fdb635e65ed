"""Staff login: failures are throttled per address and username (a guesser at one account does not lock out the
colleagues behind the same address), and the demo staff password, printed by `underwrite serve` in development,
logs nobody in anywhere else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.api.app import create_app
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.review.demo import DEMO_STAFF_PASSWORD
from engine.review.roles import Role
from tests.conftest import STAFF_PASSWORD, Api
from tests.review.support import World, change, review_counts

SESSIONS = "/v1/staff/sessions"


def _log_in(client: TestClient, username: str, password: str) -> Any:
    return client.post(SESSIONS, json={"username": username, "password": password})


def test_ten_wrong_passwords_block_that_username_and_no_other(world: World) -> None:
    world.api.create_staff("guessed-at", Role.UNDERWRITER.value)
    world.api.create_staff("colleague", Role.UNDERWRITER.value)
    for attempt in range(10):
        wrong = _log_in(world.client, "guessed-at", f"not the password {attempt}")
        assert wrong.status_code == 401, wrong.text
    before = review_counts(world.engine)

    blocked = _log_in(world.client, "guessed-at", STAFF_PASSWORD)

    assert blocked.status_code == 429, blocked.text
    assert 0 < int(blocked.headers["Retry-After"]) <= 300
    assert change(before, review_counts(world.engine)) == {}, "a refused login opened a session"
    colleague = _log_in(world.client, "colleague", STAFF_PASSWORD)
    assert colleague.status_code == 201, colleague.text


def test_failures_for_an_unknown_username_count_for_that_name_only(world: World) -> None:
    world.api.create_staff("known-member", Role.AUDITOR.value)
    for attempt in range(10):
        assert _log_in(world.client, "nobody-by-this-name", f"guess {attempt} guess").status_code == 401
    assert _log_in(world.client, "nobody-by-this-name", STAFF_PASSWORD).status_code == 429
    assert _log_in(world.client, "known-member", STAFF_PASSWORD).status_code == 201


def test_nine_failures_and_then_the_right_password_logs_in(world: World) -> None:
    world.api.create_staff("forgetful", Role.UNDERWRITER.value)
    for attempt in range(9):
        assert _log_in(world.client, "forgetful", f"was it this one {attempt}").status_code == 401
    assert _log_in(world.client, "forgetful", STAFF_PASSWORD).status_code == 201


# --- the demo staff password --------------------------------------------------------------------------------------


def test_the_demo_password_logs_nobody_in_outside_development(world: World) -> None:
    """The fixtures' environment is `test`: an account that has the demo password (as if `underwrite serve` had
    seeded it against this database) is refused as a wrong password would be."""
    assert world.client.app.state.services.settings.environment is Environment.TEST
    world.api.create_staff("demo-like", Role.SENIOR_UNDERWRITER.value, password=DEMO_STAFF_PASSWORD)
    world.api.create_staff("real-password", Role.SENIOR_UNDERWRITER.value)
    before = review_counts(world.engine)

    refused = _log_in(world.client, "demo-like", DEMO_STAFF_PASSWORD)

    assert refused.status_code == 401, refused.text
    assert refused.json() == _log_in(world.client, "real-password", "a wrong password here").json()
    assert change(before, review_counts(world.engine)) == {}


@pytest.fixture
def development(tmp_path: Path, registers: LocalRegisters) -> Iterator[Api]:
    """The app as `underwrite serve` runs it locally: environment development, on a fresh SQLite database (which
    the app migrates itself in development). The app's start-up seeds no demo staff."""
    settings = Settings(
        environment=Environment.DEVELOPMENT,
        database_url=f"sqlite:///{tmp_path / 'development.db'}",
        log_json=False,
        log_level="WARNING",
    )
    app = create_app(settings, registers=registers)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, key="")


def test_the_demo_password_logs_in_in_development(development: Api) -> None:
    assert _log_in(development.client, "demo-senior", DEMO_STAFF_PASSWORD).status_code == 401
    development.create_staff("demo-senior", Role.SENIOR_UNDERWRITER.value, password=DEMO_STAFF_PASSWORD)

    answer = _log_in(development.client, "demo-senior", DEMO_STAFF_PASSWORD)

    assert answer.status_code == 201, answer.text
    assert answer.json()["staff"]["username"] == "demo-senior"
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    assert development.client.get("/v1/staff/me", headers=headers).status_code == 200
