"""Putting the checks together from settings: which provider answers each register (the embedded files, or an
HTTP service where a URL is configured), the thread pool they run on, and what must be closed at shutdown."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from engine.checks import Check
from engine.checks.claims_history import ClaimsHistoryCheck
from engine.checks.credit import CreditCheck
from engine.checks.fraud import FraudCheck, VelocityCounter
from engine.checks.identity import IdentityCheck
from engine.checks.insolvency import InsolvencyCheck
from engine.checks.providers import REGISTER_KINDS, Register
from engine.checks.providers.http import HttpRegister
from engine.checks.providers.local import LocalRegisters
from engine.checks.sanctions import PreparedEntries, SanctionsCheck
from engine.config import Settings


@dataclass
class CheckSet:
    """The configured checks and what they run on; closed once, at shutdown."""

    checks: list[Check]
    executor: ThreadPoolExecutor
    registers: LocalRegisters
    sources: dict[str, str]
    budget_seconds: float
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        for close in self.closers:
            close()


def build_checks(settings: Settings, *, velocity: VelocityCounter, registers: LocalRegisters | None = None) -> CheckSet:
    """The six checks, each on its configured provider. ``registers`` may be passed in when already loaded (tests
    share one load); otherwise the embedded registers are read from ``settings.register_dir``."""
    registers = registers if registers is not None else LocalRegisters.load(settings.register_dir)
    timeout = settings.check_timeout_ms / 1000
    closers: list[Callable[[], None]] = []

    def provider(local: Register[Any, Any]) -> Register[Any, Any]:
        url = settings.register_urls.get(local.name)
        if url is None:
            return local
        remote: HttpRegister[Any, Any] = HttpRegister(
            REGISTER_KINDS[local.name],
            url,
            timeout_seconds=timeout / (settings.register_retries + 1),
            retries=settings.register_retries,
            api_key=settings.register_api_key.get_secret_value() if settings.register_api_key else None,
        )
        closers.append(remote.close)
        return remote

    checks: list[Check] = [
        IdentityCheck(provider(registers.postcodes), registers.disposable_domains, timeout_seconds=timeout),
        CreditCheck(provider(registers.credit), timeout_seconds=timeout),
        ClaimsHistoryCheck(provider(registers.claims), timeout_seconds=timeout),
        InsolvencyCheck(provider(registers.insolvency), timeout_seconds=timeout),
        SanctionsCheck(
            provider(registers.sanctions),
            PreparedEntries(registers.sanctions_index.prepared),
            timeout_seconds=timeout,
        ),
        FraudCheck(
            velocity,
            provider(registers.incidents),
            window_days=settings.fraud_velocity_days,
            timeout_seconds=timeout,
        ),
    ]
    return CheckSet(
        checks=checks,
        executor=ThreadPoolExecutor(max_workers=settings.check_threads, thread_name_prefix="check"),
        registers=registers,
        sources={check.name: check.source for check in checks},
        budget_seconds=settings.check_budget_ms / 1000,
        closers=closers,
    )
