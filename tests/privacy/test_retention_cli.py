"""`underwrite retention|hold|cover ...` in-process with typer's CliRunner against the test databases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from engine.cli import app
from engine.config import Environment, Settings
from engine.decision.service import DecisionRuntime, submit_application
from engine.examples import dutch_today, load_example
from engine.store.clients import create_api_client
from engine.store.database import Database
from engine.store.tables import ApplicationRecord, LegalHoldRecord, RetentionRunRecord, table_of
from tests.factories import application

APPLICATIONS = table_of(ApplicationRecord)
HOLDS = table_of(LegalHoldRecord)
RUNS = table_of(RetentionRunRecord)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> CliRunner:
    monkeypatch.setenv("UNDERWRITE_ENVIRONMENT", "development")
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return CliRunner()


@pytest.fixture
def decided(db: Database, checked_runtime: DecisionRuntime) -> dict[str, str]:
    """An accepted and a rejected application: outcome -> application id."""
    with db.engine.begin() as connection:
        client, _ = create_api_client(connection, name="cli form", now=datetime.now(UTC))
    found = {}
    for name in ("avp-accepted", "avp-rejected-claims"):
        submitted = submit_application(
            db=db,
            runtime=checked_runtime,
            client_id=client.id,
            application=application(load_example(name, today=dutch_today())),
            idempotency_key=None,
            now=datetime.now(UTC),
        )
        found[submitted.record["outcome"]] = submitted.record["application_id"]
    return found


def said(result: Any) -> str:
    """The output with the console's line wrapping undone."""
    return " ".join(result.output.split())


def _run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_the_schedule_is_shown_with_its_justification(cli: CliRunner) -> None:
    result = _run(cli, "retention", "schedule")

    assert result.exit_code == 0, result.output
    for name in ("rejected_applications", "accepted_after_cover_end", "fraud_sightings", "privacy_requests"):
        assert name in said(result)
    assert "Kifid" in said(result)


def test_a_dry_run_counts_and_a_run_records_itself(cli: CliRunner, db: Database, decided: dict[str, str]) -> None:
    dry = _run(cli, "retention", "run", "--dry-run")
    real = _run(cli, "retention", "run", "--by", "ops")

    assert dry.exit_code == 0 and real.exit_code == 0, dry.output + real.output
    assert "dry run" in said(dry) and "rejected_applications" in said(dry)
    with db.engine.connect() as connection:
        runs = connection.execute(select(RUNS.c.dry_run, RUNS.c.run_by, RUNS.c.finished_at)).all()
    assert sorted(r.dry_run for r in runs) == [False, True]
    assert all(r.finished_at is not None for r in runs)


def test_holds_are_placed_listed_and_released(cli: CliRunner, db: Database, decided: dict[str, str]) -> None:
    accepted = decided["accepted"]
    placed = _run(
        cli,
        "hold",
        "place",
        accepted,
        "--kind",
        "sanctions",
        "--reason",
        "EU regime",
        "--by",
        "compliance",
        "--regime-ended",
        "2024-06-30",
    )
    assert placed.exit_code == 0, placed.output
    with db.engine.connect() as connection:
        hold = connection.execute(select(HOLDS)).mappings().one()
    assert str(hold["until"]) == "2029-06-30"

    listed = _run(cli, "hold", "list", "--application", accepted)
    assert listed.exit_code == 0 and hold["id"][:8] in said(listed)

    released = _run(cli, "hold", "release", hold["id"], "--reason", "regime re-assessed", "--by", "compliance")
    assert released.exit_code == 0, released.output
    again = _run(cli, "hold", "release", hold["id"], "--reason", "twice", "--by", "compliance")
    assert again.exit_code == 2 and "released already" in said(again)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "vacation", "--reason", "r", "--by", "a"], "not one of"),
        (["--kind", "open_claim", "--reason", "r", "--by", "a", "--until", "tomorrow"], "not a date"),
        (["--kind", "open_claim", "--reason", "r", "--by", "a", "--regime-ended", "2024-01-01"], "sanctions hold"),
    ],
)
def test_bad_hold_input_is_a_clear_error(cli: CliRunner, args: list[str], message: str) -> None:
    result = _run(cli, "hold", "place", "some-application", *args)

    assert result.exit_code == 2
    assert message in said(result) and "Traceback" not in result.output


def test_a_hold_on_an_unknown_application_is_refused(cli: CliRunner) -> None:
    result = _run(cli, "hold", "place", "no-such-id", "--kind", "open_claim", "--reason", "r", "--by", "a")

    assert result.exit_code == 2 and "no application" in said(result)


def test_cover_ends_only_for_an_accepted_application(cli: CliRunner, db: Database, decided: dict[str, str]) -> None:
    ended = _run(cli, "cover", "end", decided["accepted"], "--on", dutch_today().isoformat())
    refused = _run(cli, "cover", "end", decided["rejected"], "--on", dutch_today().isoformat())
    unknown = _run(cli, "cover", "end", "nope", "--on", "2026-01-01")
    bad_day = _run(cli, "cover", "end", decided["accepted"], "--on", "31-12-2026")

    assert ended.exit_code == 0, ended.output
    assert refused.exit_code == 2 and "not accepted" in said(refused)
    assert unknown.exit_code == 2 and "no application" in said(unknown)
    assert bad_day.exit_code == 2 and "not a date" in said(bad_day)
    with db.engine.connect() as connection:
        day = connection.execute(
            select(APPLICATIONS.c.cover_ended_on).where(APPLICATIONS.c.id == decided["accepted"])
        ).scalar_one()
    assert day == dutch_today()


def test_the_test_settings_have_a_privacy_config() -> None:
    assert Settings(environment=Environment.TEST).privacy_config.is_file()
