"""How good a probability is: discrimination (ROC AUC, KS), accuracy (Brier score) and calibration (expected
calibration error), per fold and summarised with their spread."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve


def ks_statistic(bad: ArrayLike, probability: ArrayLike) -> float:
    """Kolmogorov-Smirnov: the largest gap between the score distributions of bad and good cases (max TPR - FPR)."""
    fpr, tpr, _ = roc_curve(np.asarray(bad), np.asarray(probability))
    return float(np.max(tpr - fpr))


def calibration_error(bad: ArrayLike, probability: ArrayLike, *, bins: int = 10) -> float:
    """Expected calibration error over ``bins`` equal-count bins: the mean gap between predicted and observed bad
    rates, weighted by bin size (0 is perfect)."""
    y = np.asarray(bad, dtype=float)
    p = np.asarray(probability, dtype=float)
    order = np.argsort(p, kind="stable")
    error = 0.0
    for part in np.array_split(order, bins):
        if part.size:
            error += part.size * abs(float(p[part].mean()) - float(y[part].mean()))
    return error / max(1, y.size)


def fold_metrics(bad: ArrayLike, probability: ArrayLike) -> dict[str, float]:
    y = np.asarray(bad)
    p = np.asarray(probability, dtype=float)
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "ks": ks_statistic(y, p),
        "calibration_error": calibration_error(y, p),
    }


@dataclass(frozen=True, slots=True)
class Spread:
    mean: float
    sd: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        array: NDArray[np.float64] = np.asarray(list(values), dtype=float)
        sd = float(array.std(ddof=1)) if array.size > 1 else 0.0
        return cls(float(array.mean()), sd, float(array.min()), float(array.max()))

    def as_dict(self) -> dict[str, float]:
        return {
            "mean": round(self.mean, 5),
            "sd": round(self.sd, 5),
            "min": round(self.low, 5),
            "max": round(self.high, 5),
        }

    def text(self, digits: int = 3) -> str:
        return f"{self.mean:.{digits}f} ± {self.sd:.{digits}f}"


def summarise(folds: Iterable[Mapping[str, float]]) -> dict[str, Spread]:
    rows = list(folds)
    names = rows[0].keys() if rows else ()
    return {name: Spread.of(row[name] for row in rows if not math.isnan(row[name])) for name in names}
