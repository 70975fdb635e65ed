"""Start-up refuses a policy changed under a version already used; a write that times out is either never made
or reported as made — never committed behind the caller's back."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.bootstrap import build_runtime, register_policies
from engine.config import PROJECT_ROOT, Environment, Settings
from engine.policy import PolicyError
from engine.store.database import Database


def test_policies_are_registered_once_and_a_changed_policy_under_a_used_version_is_refused(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    runtime = build_runtime(settings)
    register_policies(db, runtime)
    register_policies(db, runtime)  # idempotent: a second worker or a restart
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM policy_versions")).scalar_one() == 6  # 2 products x 3

    policies = tmp_path / "policies"
    shutil.copytree(PROJECT_ROOT / "data" / "policies", policies)
    path = policies / "avp" / "1.0.0.yaml"
    path.write_text(path.read_text().replace("refer_at: 0.08", "refer_at: 0.09"))
    changed = build_runtime(
        Settings(environment=Environment.TEST, database_url=settings.database_url, policy_dir=policies)
    )
    with pytest.raises(PolicyError, match=r"policy AVP 1\.0\.0 differs from the one already recorded"):
        register_policies(db, changed)


def test_a_write_that_never_started_is_cancelled_and_never_made(db: Database) -> None:
    release, started = threading.Event(), threading.Event()
    ran: list[str] = []

    def blocking(connection: object) -> str:
        started.set()
        release.wait(10)
        ran.append("blocking")
        return "first"

    def late(connection: object) -> str:
        ran.append("late")
        return "second"

    first = threading.Thread(target=lambda: db.writer.write(blocking))
    first.start()
    assert started.wait(10)
    try:
        with pytest.raises(TimeoutError):
            db.writer.write(late, timeout=0.2)
    finally:
        release.set()
        first.join(10)
    assert db.writer.write(lambda connection: "after") == "after"
    assert ran == ["blocking"]


def test_a_write_already_running_when_the_wait_times_out_is_awaited(db: Database) -> None:
    release = threading.Event()

    def slow(connection: object) -> str:
        release.wait(10)
        return "written"

    timer = threading.Timer(0.5, release.set)
    timer.start()
    try:
        assert db.writer.write(slow, timeout=0.1) == "written"
    finally:
        timer.cancel()
        release.set()
