"""The risk-model seam: a model estimates the probability of a bad first policy year from the facts.

The trained models (`engine.model`) plug in here; a product without an active model is decided on the policy's
rules alone, and its decisions record that no model was used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from engine.domain.decision import ModelRef, RiskScore
from engine.domain.products import Product
from engine.policy.facts import FactValue


class ModelUnavailable(RuntimeError):
    """A model that exists but cannot be used (changed file, other library version, spec mismatch), with why."""


class RiskModel(Protocol):
    """A deterministic scorer: the same facts always give the same score (decisions must replay)."""

    @property
    def ref(self) -> ModelRef: ...

    def score(self, facts: Mapping[str, FactValue]) -> RiskScore: ...


@dataclass(frozen=True)
class UnavailableModel:
    """Stands in for a model that should score but cannot (its activation unreadable, its artifact unloadable):
    scoring fails, so the decision refers to a person with MODEL_UNAVAILABLE instead of going on without a model."""

    ref: ModelRef
    why: str

    def score(self, facts: Mapping[str, FactValue]) -> RiskScore:
        raise ModelUnavailable(self.why)


UNKNOWN_MODEL = ModelRef(version="unknown", content_hash="unknown")


class ModelSource(Protocol):
    """Which model decides a product's applications now, and which model made an earlier decision (replay)."""

    def active(self, product: Product) -> RiskModel | None: ...

    def for_record(self, product: Product, version: str, content_hash: str) -> RiskModel | None:
        """None when there is no such model; raises :class:`ModelUnavailable` when it is there but unusable."""
        ...


@dataclass(frozen=True)
class FixedModels:
    """A fixed model per product (tests, the CLI's one-off decisions)."""

    models: Mapping[Product, RiskModel] = field(default_factory=dict)

    def active(self, product: Product) -> RiskModel | None:
        return self.models.get(product)

    def for_record(self, product: Product, version: str, content_hash: str) -> RiskModel | None:
        model = self.models.get(product)
        if model is None or (model.ref.version, model.ref.content_hash) != (version, content_hash):
            return None
        return model
