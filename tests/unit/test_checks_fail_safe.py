"""Fail safe: a check whose source times out, errors or answers malformed data is unavailable, and the application
is referred to a person with a reason naming the missing source; never rejected (Hypothesis, over the six real
checks on registers that fail in every way)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checks import Check, run_checks
from engine.checks.claims_history import ClaimsHistoryCheck
from engine.checks.credit import CreditCheck
from engine.checks.fraud import FraudCheck
from engine.checks.identity import IdentityCheck
from engine.checks.insolvency import InsolvencyCheck
from engine.checks.sanctions import SanctionsCheck
from engine.decision.core import decide
from engine.decision.reasons import CORE_CODES
from engine.domain.checks import CheckStatus
from engine.domain.decision import Outcome
from engine.domain.products import Product
from engine.policy.registry import PolicyRegistry
from engine.registers.records import AddressRange, Answer, CreditFile
from tests.factories import application, avb_body, avp_body, claims
from tests.unit.conftest import NOW, POLICY_DIR, TODAY

REGISTRY = PolicyRegistry.from_directory(POLICY_DIR, reserved_codes=CORE_CODES)
MODES = ("answers", "raises", "hangs", "malformed")
TIMEOUT = 0.05


class ScriptedRegister:
    """A register that answers (with nothing found, or the factory address), raises, hangs past the timeout, or
    answers with records of the wrong type."""

    def __init__(self, name: str, mode: str, release: threading.Event) -> None:
        self.name = name
        self.mode = mode
        self.release = release

    @property
    def source(self) -> str:
        return f"scripted:{self.name}"

    def lookup(self, query: Any) -> Answer[Any]:
        if self.mode == "raises":
            raise ConnectionError("register down")
        if self.mode == "hangs":
            self.release.wait(timeout=1)
        records: list[Any] = []
        if self.mode == "malformed":
            records = [CreditFile(person_id="x", score_band="A")] if self.name != "credit" else [object()]
        elif self.name == "postcodes":
            records = [
                AddressRange(postcode="3511AW", street="Oudegracht", city="Utrecht", first_number=1, last_number=300)
            ]
        return Answer.model_construct(records=records, source=self.source, source_version="t", retrieved_at=NOW)


class ScriptedVelocity:
    def __init__(self, mode: str) -> None:
        self.mode = mode

    def other_people(self, keys: Mapping[str, str], *, person: str, since: datetime) -> dict[str, set[str]]:
        if self.mode == "raises":
            raise TimeoutError("database busy")
        return {}

    def restricted(self, people: set[str]) -> set[str]:
        return set()


def checks_failing(modes: dict[str, str], release: threading.Event) -> list[Check]:
    def reg(name: str) -> Any:
        return ScriptedRegister(name, modes[name], release)

    return [
        IdentityCheck(reg("postcodes"), frozenset(), timeout_seconds=TIMEOUT),
        CreditCheck(reg("credit"), timeout_seconds=TIMEOUT),
        ClaimsHistoryCheck(reg("claims"), timeout_seconds=TIMEOUT),
        InsolvencyCheck(reg("insolvency"), timeout_seconds=TIMEOUT),
        SanctionsCheck(reg("sanctions"), timeout_seconds=TIMEOUT),
        FraudCheck(ScriptedVelocity(modes["velocity"]), reg("incidents"), timeout_seconds=TIMEOUT),
    ]


REGISTERS = ("postcodes", "credit", "claims", "insolvency", "sanctions", "incidents")


@pytest.fixture(scope="module")
def executor() -> Any:
    with ThreadPoolExecutor(max_workers=64) as pool:
        yield pool


@settings(max_examples=60, deadline=None)
@given(
    modes=st.fixed_dictionaries(
        {**{name: st.sampled_from(MODES) for name in REGISTERS}, "velocity": st.sampled_from(("answers", "raises"))}
    ),
    product=st.sampled_from(list(Product)),
    claim_amounts=st.lists(st.integers(min_value=0, max_value=60_000), max_size=6),
)
def test_an_outage_never_rejects(
    executor: Any, modes: dict[str, str], product: Product, claim_amounts: list[int]
) -> None:
    body_of = avp_body if product is Product.AVP else avb_body
    app = application(body_of(TODAY, disclosure__claims_last_5_years=claims(TODAY, *claim_amounts)))
    release = threading.Event()
    try:
        results = run_checks(checks_failing(modes, release), app, now=NOW, executor=executor, budget_seconds=0.2)
    finally:
        release.set()
    decision = decide(app, check_results=results, policy=REGISTRY.active(product, TODAY), now=NOW)
    unavailable = {result.check for result in results if result.status is CheckStatus.UNAVAILABLE}
    failing = {name for name, mode in modes.items() if mode != "answers"}
    if failing:
        assert unavailable, modes  # every way of failing makes some check unavailable
    if unavailable:
        assert decision.outcome is Outcome.REFERRED
        named = [reason for reason in decision.reasons if reason.code == "CHECK_UNAVAILABLE"]
        assert sorted(r.underwriter_text.split(" check ")[0].removeprefix("The ") for r in named) == sorted(unavailable)
    assert all(result.error is None or "register down" not in result.error for result in results)
