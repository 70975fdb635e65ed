"""The risk-model seam: a model estimates the probability of a bad first policy year from the facts.

The trained scikit-learn models (and their explanations) plug in here; until a product has one, decisions
rest on the policy's rules alone and record that no model was used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from engine.domain.decision import RiskScore
from engine.policy.facts import FactValue


class RiskModel(Protocol):
    """A deterministic scorer: the same facts always give the same score (decisions must replay)."""

    def score(self, facts: Mapping[str, FactValue]) -> RiskScore: ...
