"""Checks against outside registers: credit, claims history, fraud, sanctions, insolvency and identity.

A check never raises to its caller: a failure or a timeout is an ``unavailable`` result, which the decision core
turns into a referral, never a rejection. Each check has its own timeout, and all of them together a budget.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, Future
from datetime import datetime
from typing import Protocol, runtime_checkable

from engine.domain.application import AvbApplication, AvpApplication
from engine.domain.checks import CheckResult, CheckStatus
from engine.domain.facts import FactSpec


class Check(Protocol):
    """One question put to one source about an application."""

    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def facts(self) -> Sequence[FactSpec]: ...  # the facts it can return, as named in policies

    @property
    def timeout_seconds(self) -> float: ...

    def run(self, application: AvpApplication | AvbApplication, *, now: datetime) -> CheckResult: ...


@runtime_checkable
class Combining(Protocol):
    """A check that completes its result from the others' once all have answered (pure, no I/O)."""

    def combine(
        self, own: CheckResult, others: Mapping[str, CheckResult], application: AvpApplication | AvbApplication
    ) -> CheckResult: ...


def run_checks(
    checks: Sequence[Check],
    application: AvpApplication | AvbApplication,
    *,
    now: datetime,
    executor: Executor,
    budget_seconds: float,
) -> list[CheckResult]:
    """Run the checks concurrently. Whatever has not answered within its own timeout or the shared budget, or
    failed, is unavailable."""
    if not checks:
        return []
    started = time.perf_counter()
    try:
        futures = [executor.submit(check.run, application, now=now) for check in checks]
    except RuntimeError:  # the pool is shutting down: no check can answer, a person decides
        return [_unavailable(check, now, 0.0, "not started: shutting down") for check in checks]
    results = [
        _outcome(check, future, application, started=started, budget_seconds=budget_seconds, now=now)
        for check, future in zip(checks, futures, strict=True)
    ]
    by_name = {result.check: result for result in results}
    for index, check in enumerate(checks):
        if isinstance(check, Combining):
            try:
                results[index] = check.combine(results[index], by_name, application)
            except Exception as error:  # a bug in one check must not cost the applicant a decision
                results[index] = _unavailable(check, now, results[index].duration_ms, type(error).__name__)
    return results


def _outcome(
    check: Check,
    future: Future[CheckResult],
    application: AvpApplication | AvbApplication,
    *,
    started: float,
    budget_seconds: float,
    now: datetime,
) -> CheckResult:
    deadline = started + min(check.timeout_seconds, budget_seconds)
    try:
        found = future.result(timeout=max(deadline - time.perf_counter(), 0.0))
    except TimeoutError:
        future.cancel()
        return _unavailable(check, now, _since(started), "timed out")
    except Exception as error:
        return _unavailable(check, now, _since(started), _describe(error))
    if not isinstance(found, CheckResult):
        return _unavailable(check, now, _since(started), f"answered with {type(found).__name__}")
    if found.check != check.name:
        return _unavailable(check, now, _since(started), f"answered as {found.check!r}")
    return found


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _describe(error: Exception) -> str:
    """Why a check failed, without personal data: the error's type, and the message of errors that promise to
    carry none (provider errors)."""
    if getattr(error, "safe_to_record", False):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__


def _unavailable(check: Check, now: datetime, elapsed_ms: float, error: str) -> CheckResult:
    return CheckResult(
        check=check.name,
        status=CheckStatus.UNAVAILABLE,
        source=check.source,
        retrieved_at=now,
        duration_ms=elapsed_ms,
        error=error,
    )
