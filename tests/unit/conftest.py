"""Fixtures for the unit tests: the shipped policies, a fixed clock and a fake risk model. No database."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from engine.decision.reasons import CORE_CODES
from engine.domain.decision import ModelRef, RiskScore
from engine.domain.products import Product
from engine.policy.model import Policy
from engine.policy.registry import PolicyRegistry

POLICY_DIR = Path(__file__).resolve().parents[2] / "data" / "policies"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
TODAY = NOW.date()


class FakeModel:
    """A risk model that always gives the same probability and records the facts it was asked about."""

    def __init__(self, probability: float) -> None:
        self.probability = probability
        self.calls: list[Mapping[str, object]] = []
        self.ref = ModelRef(version="fake-1", content_hash="sha256:fake")

    def score(self, facts: Mapping[str, object]) -> RiskScore:
        self.calls.append(dict(facts))
        return RiskScore(probability=self.probability, model=self.ref)


@pytest.fixture(scope="session")
def registry() -> PolicyRegistry:
    return PolicyRegistry.from_directory(POLICY_DIR, reserved_codes=CORE_CODES)


@pytest.fixture(scope="session")
def avp_policy(registry: PolicyRegistry) -> Policy:
    return registry.active(Product.AVP)


@pytest.fixture(scope="session")
def avb_policy(registry: PolicyRegistry) -> Policy:
    return registry.active(Product.AVB)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def fake_model() -> Callable[[float], FakeModel]:
    return FakeModel
