"""run_checks(): concurrent checks within a time budget; a failure or a timeout is an unavailable result."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest

from engine.checks import run_checks
from engine.domain.application import AvbApplication, AvpApplication
from engine.domain.checks import CheckResult, CheckStatus
from engine.policy.facts import FactSpec
from tests.factories import application, avp_body
from tests.unit.conftest import NOW, TODAY

APP = application(avp_body(TODAY))


class AnsweringCheck:
    """Answers ``status`` with ``facts`` after ``delay`` seconds."""

    source = "fake-register"
    timeout_seconds = 10.0
    facts: Sequence[FactSpec] = (FactSpec("x.value", "number", "A value."),)

    def __init__(self, name: str, *, delay: float = 0.0, status: CheckStatus = CheckStatus.CLEAR, **facts: int):
        self.name = name
        self.delay = delay
        self.status = status
        self.answer = facts
        self.seen: list[tuple[AvpApplication | AvbApplication, datetime]] = []

    def run(self, application: AvpApplication | AvbApplication, *, now: datetime) -> CheckResult:
        self.seen.append((application, now))
        time.sleep(self.delay)
        return CheckResult(
            check=self.name, status=self.status, facts=self.answer, source=self.source, retrieved_at=now, duration_ms=1
        )


class HangingCheck:
    """Does not answer until released (so the test can end without waiting on a stuck thread)."""

    source = "slow-register"
    timeout_seconds = 10.0
    facts: Sequence[FactSpec] = ()

    def __init__(self, name: str) -> None:
        self.name = name
        self.release = threading.Event()

    def run(self, application: AvpApplication | AvbApplication, *, now: datetime) -> CheckResult:
        self.release.wait(timeout=5)
        return CheckResult(
            check=self.name, status=CheckStatus.CLEAR, source=self.source, retrieved_at=now, duration_ms=5000
        )


class FailingCheck:
    source = "broken-register"
    timeout_seconds = 10.0
    facts: Sequence[FactSpec] = ()

    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, application: AvpApplication | AvbApplication, *, now: datetime) -> CheckResult:
        raise ConnectionResetError("connection reset by 10.0.0.7 for sanne.devries@example.nl")


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=4)
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)


def test_no_checks_give_no_results(executor: ThreadPoolExecutor) -> None:
    assert run_checks([], APP, now=NOW, executor=executor, budget_seconds=0.1) == []


def test_results_come_in_the_order_of_the_checks(executor: ThreadPoolExecutor) -> None:
    checks = [
        AnsweringCheck("credit", delay=0.05, arrears_count=0),
        AnsweringCheck("fraud", status=CheckStatus.HIT, score=7),
        AnsweringCheck("sanctions", delay=0.02),
    ]
    results = run_checks(checks, APP, now=NOW, executor=executor, budget_seconds=2)
    assert [result.check for result in results] == ["credit", "fraud", "sanctions"]
    assert [result.status for result in results] == [CheckStatus.CLEAR, CheckStatus.HIT, CheckStatus.CLEAR]
    assert results[0].facts == {"arrears_count": 0}
    assert results[1].facts == {"score": 7}
    assert all(check.seen == [(APP, NOW)] for check in checks)


def test_a_check_past_the_budget_is_unavailable_timed_out(executor: ThreadPoolExecutor) -> None:
    slow = HangingCheck("credit")
    try:
        started = time.perf_counter()
        results = run_checks([AnsweringCheck("fraud"), slow], APP, now=NOW, executor=executor, budget_seconds=0.05)
        elapsed = time.perf_counter() - started
    finally:
        slow.release.set()
    assert elapsed < 2
    assert results[0].status is CheckStatus.CLEAR
    timed_out = results[1]
    assert (timed_out.check, timed_out.status, timed_out.error) == ("credit", CheckStatus.UNAVAILABLE, "timed out")
    assert timed_out.source == "slow-register"
    assert timed_out.retrieved_at == NOW
    assert timed_out.facts == {}
    assert timed_out.duration_ms >= 50


def test_a_raising_check_is_unavailable_with_only_the_exception_class(executor: ThreadPoolExecutor) -> None:
    results = run_checks(
        [FailingCheck("identity"), AnsweringCheck("fraud")], APP, now=NOW, executor=executor, budget_seconds=2
    )
    failed = results[0]
    assert (failed.check, failed.status, failed.error) == ("identity", CheckStatus.UNAVAILABLE, "ConnectionResetError")
    assert failed.source == "broken-register"
    assert "example.nl" not in failed.model_dump_json()
    assert results[1].status is CheckStatus.CLEAR


def test_a_check_that_answers_with_something_else_is_unavailable() -> None:
    class Wrong(AnsweringCheck):
        def run(self, application: AvpApplication | AvbApplication, *, now: datetime) -> Any:
            return {"status": "clear"}

    with ThreadPoolExecutor(max_workers=2) as pool:
        [result] = run_checks([Wrong("credit")], APP, now=NOW, executor=pool, budget_seconds=1)
    assert result.status is CheckStatus.UNAVAILABLE
    assert result.error == "answered with dict"


def test_checks_on_a_pool_that_shut_down_are_unavailable() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    pool.shutdown()
    results = run_checks(
        [AnsweringCheck("credit"), AnsweringCheck("fraud")], APP, now=NOW, executor=pool, budget_seconds=1
    )
    assert {result.status for result in results} == {CheckStatus.UNAVAILABLE}


def test_in_flight_sightings_are_seen_by_others_and_forgotten_after_their_time() -> None:
    from engine.checks.fraud import InFlight

    clock = [0.0]
    in_flight = InFlight(ttl_seconds=60, clock=lambda: clock[0])
    assert in_flight.observe({"phone": "k"}, "anna") == {"phone": set()}
    assert in_flight.observe({"phone": "k"}, "bram") == {"phone": {"anna"}}
    assert in_flight.observe({"phone": "k"}, "anna") == {"phone": {"bram"}}  # nobody counts themselves
    clock[0] = 61
    assert in_flight.observe({"phone": "k"}, "cor") == {"phone": set()}
