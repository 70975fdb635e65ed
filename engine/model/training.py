"""Training: from a table of historical applications with outcomes and a feature spec to a fitted Pipeline, with
cross-validated figures (fixed seeds), the spec's directions enforced, the oracle comparison where the true
probabilities are known (synthetic data), a threshold trade-off table and the fairness evaluation."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from engine.model.fairness import FairnessReport, evaluate_fairness
from engine.model.metrics import Spread, calibration_error, fold_metrics, summarise
from engine.model.pipeline import MISSING_CATEGORY, bad_outcomes, build_pipeline, feature_frame
from engine.model.spec import BooleanFeature, CategoryFeature, Direction, FeatureSpec, NumberFeature
from engine.model.thresholds import TradeoffRow, candidate_pairs, recommend, tradeoff_table

DEFAULT_SEED = 20261125
TRUE_PROBABILITY = "true_probability"  # synthetic histories carry the probability each outcome was drawn from

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class CrossValidation:
    folds: list[dict[str, float]]  # per fold: roc_auc, brier, ks, calibration_error (+ oracle figures)
    summary: dict[str, Spread]
    out_of_fold: NDArray[np.float64]  # the first repeat's out-of-fold probabilities
    repeats: int
    n_folds: int


@dataclass(frozen=True, slots=True)
class TrainedModel:
    spec: FeatureSpec
    pipeline: Pipeline
    features: tuple[str, ...]
    dropped: dict[str, str]  # features left out, and why
    rows: int
    bad_rate: float
    data_sha256: str
    seed: int
    cv: CrossValidation
    candidates: dict[str, dict[str, Spread]]  # other estimators, measured on the same folds
    thresholds: tuple[float, float]  # the policy's (refer_at, reject_at) the figures are computed for
    tradeoff: list[TradeoffRow]
    recommended: TradeoffRow | None
    fairness: FairnessReport
    oracle: dict[str, float] | None = None
    coefficients: dict[str, float] = field(default_factory=dict)


def estimator_choice(model: TrainedModel) -> dict[str, Any]:
    """Which estimator serves, and why, from the measurements on the same folds: logistic regression, unless a
    candidate's ROC AUC beats it by more than one standard deviation over the folds, in which case the choice is
    flagged for a person (serving it would lose the exact per-decision contributions the law asks to explain)."""
    ours = model.cv.summary["roc_auc"]
    better = {
        name: figures["roc_auc"].mean - ours.mean
        for name, figures in model.candidates.items()
        if figures["roc_auc"].mean - ours.mean > ours.sd
    }
    return {
        "chosen": "logistic_regression",
        "rule": "logistic regression unless a candidate's ROC AUC is higher by more than one sd over the folds",
        "gain_of_candidates": {
            name: round(figures["roc_auc"].mean - ours.mean, 5) for name, figures in model.candidates.items()
        },
        "flagged": sorted(better),
    }


def steps(*, folds: int, repeats: int, compare: bool) -> int:
    """How many progress steps :func:`train` reports."""
    return 2 + folds * repeats + (folds if compare else 0)


def data_hash(frame: pd.DataFrame) -> str:
    """sha256 over the table's columns and values, independent of the file format it came from."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return "sha256:" + digest.hexdigest()


def fit_with_directions(
    spec: FeatureSpec, features: pd.DataFrame, bad: NDArray[np.int8]
) -> tuple[Pipeline, tuple[str, ...], dict[str, str]]:
    """Fit on all rows; a number or boolean whose coefficient breaks the spec's direction is left out and the rest
    refitted, until every kept coefficient agrees (a coefficient of 0 agrees with both)."""
    kept = list(spec.feature_names)
    dropped: dict[str, str] = {}
    while True:
        pipeline = _fit(build_pipeline(spec, features=kept), features, bad)
        wrong = _against_direction(spec, pipeline)
        if not wrong:
            return pipeline, tuple(kept), dropped
        name, coefficient = max(wrong, key=lambda item: abs(item[1]))
        direction = spec.feature(name).direction  # type: ignore[union-attr]
        dropped[name] = f"its fitted coefficient ({coefficient:+.4f}) goes against the stated direction '{direction}'"
        kept.remove(name)
        if not kept:
            raise ValueError("every feature went against its stated direction: check the spec and the data")


def _against_direction(spec: FeatureSpec, pipeline: Pipeline) -> list[tuple[str, float]]:
    encode, coef = pipeline.named_steps["encode"], pipeline[-1].coef_[0]
    wrong = []
    for name, _step, _columns in encode.transformers_:
        feature = spec.feature(name) if name != "remainder" else None
        if feature is None or isinstance(feature, CategoryFeature) or feature.direction is Direction.FREE:
            continue
        value = float(coef[encode.output_indices_[name]][0])
        if (feature.direction is Direction.UP and value < 0) or (feature.direction is Direction.DOWN and value > 0):
            wrong.append((name, value))
    return wrong


def _fit(pipeline: Pipeline, features: pd.DataFrame, bad: NDArray[np.int8]) -> Pipeline:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # e.g. unknown categories met while cross-validating
        return pipeline.fit(features, bad)


def _proba(pipeline: Pipeline, features: pd.DataFrame) -> NDArray[np.float64]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        return np.asarray(pipeline.predict_proba(features)[:, 1], dtype=float)


def cross_validate(
    pipeline: Pipeline,
    features: pd.DataFrame,
    bad: NDArray[np.int8],
    *,
    folds: int,
    repeats: int,
    seed: int,
    truth: NDArray[np.float64] | None = None,
    progress: Progress | None = None,
) -> CrossValidation:
    """Repeated stratified k-fold with a fixed seed: figures per fold, and the first repeat's out-of-fold scores."""
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    out_of_fold = np.full(len(bad), np.nan)
    rows: list[dict[str, float]] = []
    for index, (train, test) in enumerate(splitter.split(features, bad)):
        fitted = _fit(clone(pipeline), features.iloc[train], bad[train])
        probability = _proba(fitted, features.iloc[test])
        figures = fold_metrics(bad[test], probability)
        if truth is not None:
            oracle_auc = float(roc_auc_score(bad[test], truth[test]))
            figures |= {
                "oracle_roc_auc": oracle_auc,
                "auc_share_of_oracle": figures["roc_auc"] / oracle_auc,
                "mean_abs_error_vs_truth": float(np.mean(np.abs(probability - truth[test]))),
            }
        rows.append(figures)
        if index < folds:
            out_of_fold[test] = probability
        if progress is not None:
            progress(1)
    return CrossValidation(rows, summarise(rows), out_of_fold, repeats, folds)


def with_known_categories(spec: FeatureSpec, features: pd.DataFrame) -> FeatureSpec:
    """The spec with every category feature that learns its values from the data given the values seen in all of
    ``features`` (and `missing` when a value is missing), so that every fold encodes the same columns. The logistic
    regression scores as before (a value absent from a training fold adds nothing either way); gradient boosting needs
    it, as its monotonic constraints are counted per encoded column, and a rare value missing from one training fold
    would otherwise change the count."""
    resolved: list[NumberFeature | BooleanFeature | CategoryFeature] = []
    for feature in spec.features:
        if isinstance(feature, CategoryFeature) and not feature.categories:
            column = features[feature.name]
            seen = {str(value) for value in column.dropna()}
            if column.isna().any():
                seen.add(MISSING_CATEGORY)
            resolved.append(feature.model_copy(update={"categories": tuple(sorted(seen))}))
        else:
            resolved.append(feature)
    return spec.model_copy(update={"features": tuple(resolved)})


def gradient_boosting(spec: FeatureSpec, features: pd.DataFrame, kept: Sequence[str]) -> Pipeline:
    """The candidate it is measured against: histogram gradient boosting with the spec's monotonic constraints, on
    the same encoded columns as the logistic regression (categories fixed from all rows, so every fold has the same
    columns)."""
    known = with_known_categories(spec, features)
    constraints: list[int] = []
    for name in kept:
        feature = known.feature(name)
        if isinstance(feature, CategoryFeature):
            constraints += [0] * len(feature.categories)
        else:
            constraints.append({Direction.UP: 1, Direction.DOWN: -1}.get(feature.direction, 0))
    model = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        early_stopping=False,
        random_state=DEFAULT_SEED,
        monotonic_cst=constraints,
    )
    encode = build_pipeline(known, features=kept).named_steps["encode"]
    return Pipeline([("encode", encode), ("classify", model)])


def train(
    frame: pd.DataFrame,
    spec: FeatureSpec,
    *,
    thresholds: tuple[float, float],
    seed: int = DEFAULT_SEED,
    folds: int = 5,
    repeats: int = 1,
    compare: bool = True,
    progress: Progress | None = None,
) -> TrainedModel:
    """Train the spec's model on ``frame`` and evaluate it. ``thresholds`` are the policy's (refer_at, reject_at):
    the fairness figures and the first trade-off row are computed for them."""
    tick = progress or (lambda _n: None)
    missing = [column for column in spec.protected if column not in frame.columns]
    if spec.product is not None and missing:
        raise ValueError(f"the data have no column {', '.join(missing)}: the fairness gate needs every protected one")
    features = feature_frame(spec, frame)
    bad = bad_outcomes(spec, frame)
    if bad.min() == bad.max():
        raise ValueError("the target has one value only: a model needs both good and bad outcomes")
    pipeline, kept, dropped = fit_with_directions(spec, features, bad)
    tick(1)
    truth = frame[TRUE_PROBABILITY].to_numpy(dtype=float) if TRUE_PROBABILITY in frame.columns else None
    cv = cross_validate(
        build_pipeline(spec, features=kept),
        features,
        bad,
        folds=folds,
        repeats=repeats,
        seed=seed,
        truth=truth,
        progress=tick,
    )
    candidates: dict[str, dict[str, Spread]] = {}
    if compare:
        with threadpool_limits(limits=1):  # on a busy 2-core machine one thread per fit is several times faster
            boosted = cross_validate(
                gradient_boosting(spec, features, kept), features, bad, folds=folds, repeats=1, seed=seed, progress=tick
            )
        candidates["hist_gradient_boosting"] = boosted.summary
    oof = cv.out_of_fold
    refer_at, reject_at = thresholds
    pairs = [(refer_at, reject_at), *[pair for pair in candidate_pairs(oof) if pair != (refer_at, reject_at)]]
    table = tradeoff_table(bad, oof, pairs)
    base_rate = float(bad.mean())
    groups = {column: frame[column] for column in spec.group_columns if column in frame.columns}
    encoded = pipeline[:-1].transform(features)
    fairness = evaluate_fairness(
        bad=bad, probability=oof, threshold=refer_at, groups=groups, gated=spec.protected, features=encoded, seed=seed
    )
    tick(1)
    oracle = None
    if truth is not None:
        oracle = {
            "oracle_roc_auc": cv.summary["oracle_roc_auc"].mean,
            "auc_share_of_oracle": cv.summary["auc_share_of_oracle"].mean,
            "calibration_error": calibration_error(bad, oof),
            "mean_abs_error_vs_truth": cv.summary["mean_abs_error_vs_truth"].mean,
        }
    names = pipeline.named_steps["encode"].get_feature_names_out()
    coefficients = {str(n): float(c) for n, c in zip(names, pipeline[-1].coef_[0], strict=True)}
    return TrainedModel(
        spec=spec,
        pipeline=pipeline,
        features=kept,
        dropped=dropped,
        rows=len(frame),
        bad_rate=base_rate,
        data_sha256=data_hash(frame),
        seed=seed,
        cv=cv,
        candidates=candidates,
        thresholds=thresholds,
        tradeoff=table,
        recommended=recommend(table, base_rate=base_rate),
        fairness=fairness,
        oracle=oracle,
        coefficients=coefficients | {"intercept": float(pipeline[-1].intercept_[0])},
    )
