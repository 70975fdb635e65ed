"""Choosing the policy's thresholds from validation results: what share of applications each pair of thresholds
accepts, refers and rejects, and the bad rate in each part."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

ACCEPT_SHARES = (0.5, 0.6, 0.7, 0.8, 0.9)
REJECT_SHARES = (0.01, 0.02, 0.05)


@dataclass(frozen=True, slots=True)
class TradeoffRow:
    refer_at: float
    reject_at: float
    accepted: float  # shares of all applications
    referred: float
    rejected: float
    bad_rate_accepted: float | None  # bad outcomes among them; None when the part is empty
    bad_rate_referred: float | None
    bad_rate_rejected: float | None

    def as_dict(self) -> dict[str, Any]:
        return {key: (round(value, 4) if isinstance(value, float) else value) for key, value in asdict(self).items()}


def tradeoff_row(bad: ArrayLike, probability: ArrayLike, refer_at: float, reject_at: float) -> TradeoffRow:
    y = np.asarray(bad, dtype=float)
    p = np.asarray(probability, dtype=float)
    rejected = p >= reject_at
    referred = (p >= refer_at) & ~rejected
    accepted = ~(rejected | referred)

    def rate(mask: np.ndarray[Any, Any]) -> float | None:
        return float(y[mask].mean()) if mask.any() else None

    n = max(1, y.size)
    return TradeoffRow(
        refer_at=refer_at,
        reject_at=reject_at,
        accepted=float(accepted.sum()) / n,
        referred=float(referred.sum()) / n,
        rejected=float(rejected.sum()) / n,
        bad_rate_accepted=rate(accepted),
        bad_rate_referred=rate(referred),
        bad_rate_rejected=rate(rejected),
    )


def candidate_pairs(probability: ArrayLike) -> list[tuple[float, float]]:
    """Thresholds at round values near the quantiles that accept 50-90 % and reject 1-5 % of applications."""
    p = np.asarray(probability, dtype=float)
    refer = sorted({round(float(np.quantile(p, share)), 3) for share in ACCEPT_SHARES})
    reject = sorted({round(float(np.quantile(p, 1 - share)), 3) for share in REJECT_SHARES})
    return [(r, j) for r in refer for j in reject if j > r]


def tradeoff_table(bad: ArrayLike, probability: ArrayLike, pairs: Iterable[tuple[float, float]]) -> list[TradeoffRow]:
    return [tradeoff_row(bad, probability, refer_at, reject_at) for refer_at, reject_at in pairs]


def recommend(
    rows: Sequence[TradeoffRow], *, base_rate: float, accepted_factor: float = 0.75, rejected_factor: float = 3.0
) -> TradeoffRow | None:
    """The pair that accepts the most applications while the accepted part's bad rate stays at or under
    ``accepted_factor`` times the base rate and the rejected part's at or over ``rejected_factor`` times it; ties go
    to fewer rejections."""
    fitting = [
        row
        for row in rows
        if row.bad_rate_accepted is not None
        and row.bad_rate_accepted <= accepted_factor * base_rate
        and (row.bad_rate_rejected is None or row.bad_rate_rejected >= rejected_factor * base_rate)
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda row: (row.accepted, -row.rejected))
