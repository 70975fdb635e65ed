"""Checks against outside registers: the seam the credit, claims-history, fraud, sanctions, insolvency and
identity checks plug into. A check never raises to its caller: a failure or a timeout is an ``unavailable``
result, which the decision core turns into a referral, never a rejection.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Executor, wait
from datetime import datetime
from typing import Protocol

from engine.domain.application import AvbApplication, AvpApplication
from engine.domain.checks import CheckResult, CheckStatus
from engine.policy.facts import FactSpec


class Check(Protocol):
    """One question put to one source about an application."""

    name: str
    source: str
    facts: Sequence[FactSpec]  # the facts it can return, named `<name>.<fact>` in policies

    def run(self, application: AvpApplication | AvbApplication, *, now: datetime) -> CheckResult: ...


def run_checks(
    checks: Sequence[Check],
    application: AvpApplication | AvbApplication,
    *,
    now: datetime,
    executor: Executor,
    budget_seconds: float,
) -> list[CheckResult]:
    """Run the checks concurrently; whatever has not answered within the budget, or failed, is unavailable."""
    if not checks:
        return []
    started = time.perf_counter()
    futures = [executor.submit(check.run, application, now=now) for check in checks]
    wait(futures, timeout=budget_seconds)
    results: list[CheckResult] = []
    for check, future in zip(checks, futures, strict=True):
        elapsed_ms = (time.perf_counter() - started) * 1000
        if not future.done():
            future.cancel()
            results.append(_unavailable(check, now, elapsed_ms, "timed out"))
        elif (error := future.exception()) is not None:
            results.append(_unavailable(check, now, elapsed_ms, type(error).__name__))
        else:
            results.append(future.result())
    return results


def _unavailable(check: Check, now: datetime, elapsed_ms: float, error: str) -> CheckResult:
    return CheckResult(
        check=check.name,
        status=CheckStatus.UNAVAILABLE,
        source=check.source,
        retrieved_at=now,
        duration_ms=round(elapsed_ms, 3),
        error=error,
    )
