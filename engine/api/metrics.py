"""Prometheus metrics, in a registry owned by the app (no global state)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.decisions = Counter(
            "underwrite_decisions",
            "Decisions recorded, by product and outcome.",
            ["product", "outcome"],
            registry=self.registry,
        )
        self.human_decisions = Counter(
            "underwrite_human_decisions",
            "Decisions taken by a person on a review case, by product and outcome.",
            ["product", "outcome"],
            registry=self.registry,
        )
        self.decision_seconds = Histogram(
            "underwrite_decision_seconds",
            "Time from a valid application to its recorded decision.",
            ["product"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.rejected_requests = Counter(
            "underwrite_invalid_applications",
            "Applications refused as invalid (422), by product where known.",
            ["product"],
            registry=self.registry,
        )
        self.store_failures = Counter(
            "underwrite_store_failures", "Decisions that could not be recorded (503).", registry=self.registry
        )
