"""Fairness of a risk model: outcomes and error rates per group of each protected attribute, and the gate.

The model's probability of a bad first policy year meets the policy's threshold `refer_at`: under it the application is
*selected* (accepted automatically), at or above it the application is *flagged* (it goes to a person or is rejected).
For every attribute (gender, age band, origin; the postcode region as a watched proxy) this module reports, per group,
the bad-outcome rate, the selection rate, the true-positive rate (share of bad outcomes flagged), the false-positive
rate (share of good outcomes flagged) and the mean score, and it measures with fairlearn:

- the **selection-rate ratio** (`fairlearn.metrics.demographic_parity_ratio` of "selected"): the lowest group
  selection rate divided by the highest; and
- the **equalised-odds difference** (fairlearn's `equalized_odds_difference` of "flagged" against the bad outcome):
  the larger of the widest gap in true-positive rates and the widest gap in false-positive rates between groups.

A protected attribute passes when the ratio is at least `SELECTION_RATE_RATIO_MIN` and the difference at most
`EQUALISED_ODDS_DIFFERENCE_MAX`. A model with a failing attribute must not be activated unless a person records a
justification; this module only reports. Watched attributes are reported the same way but never fail.

Groups smaller than `min_group_size` are reported but left out of the ratio and the difference: a handful of rows
gives rates that swing by chance. Such remarks go to `notes`; `problems` holds only the reasons a gate fails.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from fairlearn.metrics import MetricFrame, demographic_parity_ratio
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

SELECTION_RATE_RATIO_MIN = 0.8
EQUALISED_ODDS_DIFFERENCE_MAX = 0.1

MISSING_GROUP = "unknown"
PROXY_SAMPLE_MAX = 50_000
PROXY_FOLDS = 3

_DECIMALS = 4
_DIGITS = re.compile(r"(\d+)")
# Float noise must not decide the gate: 0.4 / 0.5 is 0.7999999999999999 in binary floating point.
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """The figures of one group of one attribute. Rates of "flagged" (probability at or above the threshold)."""

    group: str
    count: int
    bad_rate: float
    selection_rate: float  # share accepted automatically (probability < threshold)
    true_positive_rate: float | None  # share of bad outcomes flagged; None without bad outcomes
    false_positive_rate: float | None  # share of good outcomes flagged; None without good outcomes
    mean_score: float
    compared: bool = True  # large enough to enter the ratio and the difference


@dataclass(frozen=True, slots=True)
class AttributeFairness:
    """One attribute's groups, its two gate figures and the proxy check.

    `proxy_auc` is how well the model's *features* predict this attribute (cross-validated logistic regression; ROC
    AUC, macro one-vs-rest for more than two groups). About 0.5 means the features carry no trace of the attribute.
    Near 1 means they carry it: the model can then treat groups differently by proxy even though the attribute is not
    a feature, so the per-group figures deserve a closer look. It is reported, never gated.
    """

    attribute: str
    gated: bool  # protected attributes are gated; watched ones only reported
    groups: tuple[GroupFigures, ...]
    selection_rate_ratio: float
    equalised_odds_difference: float
    proxy_auc: float | None
    passed: bool  # gated: ratio >= SELECTION_RATE_RATIO_MIN and difference <= EQUALISED_ODDS_DIFFERENCE_MAX
    problems: tuple[str, ...]  # why the gate fails, one plain sentence each
    notes: tuple[str, ...] = ()  # remarks that are not failures: small groups, undefined rates, watched findings


@dataclass(frozen=True, slots=True)
class FairnessReport:
    threshold: float
    attributes: tuple[AttributeFairness, ...]

    @property
    def passed(self) -> bool:
        return all(attribute.passed for attribute in self.attributes)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(problem for attribute in self.attributes for problem in attribute.problems)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(note for attribute in self.attributes for note in attribute.notes)

    def attribute(self, name: str) -> AttributeFairness:
        for attribute in self.attributes:
            if attribute.attribute == name:
                return attribute
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, rates rounded to four decimals. `passed`, `problems` and `limits` are for readers; `from_dict`
        takes the per-attribute verdicts as recorded."""
        return {
            "threshold": self.threshold,
            "passed": self.passed,
            "limits": {
                "selection_rate_ratio_min": SELECTION_RATE_RATIO_MIN,
                "equalised_odds_difference_max": EQUALISED_ODDS_DIFFERENCE_MAX,
            },
            "problems": list(self.problems),
            "attributes": [_attribute_to_dict(attribute) for attribute in self.attributes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FairnessReport:
        try:
            return cls(
                threshold=float(data["threshold"]),
                attributes=tuple(_attribute_from_dict(item) for item in data["attributes"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a fairness report: {exc!r}") from exc

    def markdown(self) -> str:
        """The fairness section of MODEL_CARD.md, meant to sit under a level-2 heading."""
        lines = [
            f"Threshold `refer_at` = {self.threshold:g}: an application is *selected* (accepted automatically) when "
            "the model's probability is under it and *flagged* (referred or rejected) otherwise. TPR is the share of "
            "bad outcomes flagged, FPR the share of good outcomes flagged. Protected attributes pass when the "
            f"selection-rate ratio is at least {SELECTION_RATE_RATIO_MIN} and the equalised-odds difference at most "
            f"{EQUALISED_ODDS_DIFFERENCE_MAX}; watched attributes are reported only.",
            "",
            f"**Overall: {'pass' if self.passed else 'FAIL'}**",
        ]
        for attribute in self.attributes:
            lines += ["", *_attribute_markdown(attribute)]
        return "\n".join(lines) + "\n"


def evaluate_fairness(
    *,
    bad: npt.ArrayLike,
    probability: npt.ArrayLike,
    threshold: float,
    groups: Mapping[str, pd.Series | npt.ArrayLike],
    gated: Collection[str],
    features: npt.ArrayLike | pd.DataFrame | None = None,
    seed: int = 0,
    min_group_size: int = 30,
) -> FairnessReport:
    """Evaluate a model's outcomes per group of each attribute in `groups` and apply the gate to those in `gated`.

    `bad` is the observed outcome (0/1), `probability` the model's out-of-fold probability of a bad outcome, both one
    value per row; `groups` maps an attribute to one group label per row, taken by position (labels become strings,
    missing ones "unknown"). `features` is the numeric matrix the model reads, rows in the same order; with it each
    attribute gets a proxy AUC (see `AttributeFairness`), fitted on at most `PROXY_SAMPLE_MAX` rows drawn with
    `seed`.
    """
    outcome = _as_outcome(bad)
    score = _as_probability(probability, len(outcome))
    if not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise ValueError(f"threshold must lie in [0, 1], not {threshold}")
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    if isinstance(gated, str):
        raise TypeError("gated is a collection of attribute names, not one string")
    unknown = set(gated) - set(groups)
    if unknown:
        raise ValueError(f"gated attributes without group labels: {', '.join(sorted(unknown))}")
    matrix = None if features is None else _as_features(features, len(outcome))
    proxy = None if matrix is None else (matrix, _proxy_sample(len(outcome), seed), seed)
    selected = score < threshold
    attributes = tuple(
        _evaluate_attribute(
            name,
            _group_codes(labels, len(outcome), name),
            outcome=outcome,
            score=score,
            selected=selected,
            gated=name in gated,
            min_group_size=min_group_size,
            proxy=proxy,
        )
        for name, labels in groups.items()
    )
    return FairnessReport(threshold=float(threshold), attributes=attributes)


# --- inputs -------------------------------------------------------------------------------------------------------


def _as_outcome(bad: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    values = np.asarray(bad)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError("bad must be a non-empty one-dimensional array")
    numbers = values.astype(np.float64)
    if not np.isin(numbers, (0.0, 1.0)).all():
        raise ValueError("bad must hold only 0 and 1")
    return np.equal(numbers, 1.0)


def _as_probability(probability: npt.ArrayLike, rows: int) -> npt.NDArray[np.float64]:
    values = np.asarray(probability, dtype=np.float64)
    if values.shape != (rows,):
        raise ValueError(f"probability must hold one value per row ({rows}), not shape {values.shape}")
    if not (np.isfinite(values).all() and (values >= 0.0).all() and (values <= 1.0).all()):
        raise ValueError("probability must hold finite values in [0, 1]")
    return values


def _as_features(features: npt.ArrayLike | pd.DataFrame, rows: int) -> npt.NDArray[np.float64]:
    matrix = np.asarray(features, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix.reshape(-1, 1)
    if matrix.ndim != 2 or matrix.shape[0] != rows:
        raise ValueError(f"features must be a matrix with one row per outcome ({rows}), not shape {matrix.shape}")
    return matrix


@dataclass(frozen=True, slots=True)
class _Codes:
    names: tuple[str, ...]  # sorted, "unknown" last
    codes: npt.NDArray[np.intp]  # index into names, per row


def _group_codes(labels: pd.Series | npt.ArrayLike, rows: int, attribute: str) -> _Codes:
    series = labels if isinstance(labels, pd.Series) else pd.Series(np.asarray(labels, dtype=object))
    if series.ndim != 1 or len(series) != rows:
        raise ValueError(f"{attribute}: one group label per row ({rows}) is needed, not {len(series)}")
    raw_codes, uniques = pd.factorize(series, use_na_sentinel=True)  # missing labels get code -1
    raw_codes = np.asarray(raw_codes, dtype=np.intp)
    raw_names = [str(value) for value in uniques]  # 1 and "1" become one group
    missing = bool((raw_codes < 0).any())
    names = tuple(sorted(set(raw_names) | ({MISSING_GROUP} if missing else set()), key=_group_order))
    position = {name: index for index, name in enumerate(names)}
    # the last entry serves code -1; it is read only when a label is missing
    lookup = np.array([position[name] for name in raw_names] + [position.get(MISSING_GROUP, -1)], dtype=np.intp)
    return _Codes(names=names, codes=lookup[raw_codes])


def _group_order(name: str) -> tuple[bool, tuple[tuple[int, str], ...]]:
    """Natural order, "unknown" last: region 2 before region 10, age band 18-25 before 26-40."""
    return (
        name == MISSING_GROUP,
        # split() puts the captured digit runs at the odd positions
        tuple((int(part), "") if index % 2 else (-1, part) for index, part in enumerate(_DIGITS.split(name))),
    )


# --- one attribute ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Counts:
    rows: npt.NDArray[np.int64]
    bad: npt.NDArray[np.int64]
    selected: npt.NDArray[np.int64]
    flagged_bad: npt.NDArray[np.int64]
    flagged_good: npt.NDArray[np.int64]
    score_sum: npt.NDArray[np.float64]


def _count(
    codes: npt.NDArray[np.intp],
    size: int,
    *,
    outcome: npt.NDArray[np.bool_],
    score: npt.NDArray[np.float64],
    selected: npt.NDArray[np.bool_],
) -> _Counts:
    def tally(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        return np.bincount(codes[mask], minlength=size).astype(np.int64)

    flagged = ~selected
    return _Counts(
        rows=np.bincount(codes, minlength=size).astype(np.int64),
        bad=tally(outcome),
        selected=tally(selected),
        flagged_bad=tally(flagged & outcome),
        flagged_good=tally(flagged & ~outcome),
        score_sum=np.bincount(codes, weights=score, minlength=size).astype(np.float64),
    )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _group_figures(names: Sequence[str], counts: _Counts, min_group_size: int) -> tuple[GroupFigures, ...]:
    figures = []
    for index, name in enumerate(names):
        rows = int(counts.rows[index])
        bad = int(counts.bad[index])
        figures.append(
            GroupFigures(
                group=name,
                count=rows,
                bad_rate=bad / rows,
                selection_rate=int(counts.selected[index]) / rows,
                true_positive_rate=_rate(int(counts.flagged_bad[index]), bad),
                false_positive_rate=_rate(int(counts.flagged_good[index]), rows - bad),
                mean_score=float(counts.score_sum[index]) / rows,
                compared=rows >= min_group_size,
            )
        )
    return tuple(figures)


def _evaluate_attribute(
    name: str,
    groups: _Codes,
    *,
    outcome: npt.NDArray[np.bool_],
    score: npt.NDArray[np.float64],
    selected: npt.NDArray[np.bool_],
    gated: bool,
    min_group_size: int,
    proxy: tuple[npt.NDArray[np.float64], npt.NDArray[np.intp], int] | None,
) -> AttributeFairness:
    counts = _count(groups.codes, len(groups.names), outcome=outcome, score=score, selected=selected)
    figures = _group_figures(groups.names, counts, min_group_size)
    compared = [figure for figure in figures if figure.compared]
    notes = [
        f"group '{figure.group}' of {name} has {figure.count} rows, fewer than {min_group_size}: "
        "reported but not compared"
        for figure in figures
        if not figure.compared
    ]
    if len(compared) < 2:
        notes.append(f"{name} has {len(compared)} group(s) large enough to compare: no ratio or difference to measure")
        ratio, difference = 1.0, 0.0
    else:
        cells = _cells(groups, counts, compared)
        ratio = _selection_rate_ratio(cells)
        difference, undefined = _equalised_odds_difference(cells, compared)
        notes += [f"{name}: {remark}" for remark in undefined]
    findings = _findings(name, compared, ratio, difference)
    proxy_auc = None
    if proxy is not None:
        matrix, sample, seed = proxy
        proxy_auc, proxy_notes = _proxy_auc(matrix[sample], groups.codes[sample], figures, seed=seed)
        notes += [f"{name}: {remark}" for remark in proxy_notes]
    if not gated:
        notes += [f"{finding} (watched, not gated)" for finding in findings]
    return AttributeFairness(
        attribute=name,
        gated=gated,
        groups=figures,
        selection_rate_ratio=ratio,
        equalised_odds_difference=difference,
        proxy_auc=proxy_auc,
        passed=not (gated and findings),
        problems=tuple(findings) if gated else (),
        notes=tuple(notes),
    )


def _findings(name: str, compared: Sequence[GroupFigures], ratio: float, difference: float) -> list[str]:
    findings = []
    if ratio < SELECTION_RATE_RATIO_MIN - _TOLERANCE:
        low = min(compared, key=lambda figure: figure.selection_rate)
        high = max(compared, key=lambda figure: figure.selection_rate)
        findings.append(
            f"selection-rate ratio for {name} is {ratio:.2f}, under {SELECTION_RATE_RATIO_MIN}: "
            f"{low.selection_rate:.1%} of group '{low.group}' is accepted automatically against "
            f"{high.selection_rate:.1%} of group '{high.group}'"
        )
    if difference > EQUALISED_ODDS_DIFFERENCE_MAX + _TOLERANCE:
        findings.append(
            f"equalised-odds difference for {name} is {difference:.2f}, over {EQUALISED_ODDS_DIFFERENCE_MAX}: "
            + _widest_gap(compared)
        )
    return findings


def _widest_gap(compared: Sequence[GroupFigures]) -> str:
    """The wider of the two error-rate gaps, in words, from the groups whose rate is defined."""
    spreads = []
    for label, rates in (
        ("true-positive rate (bad outcomes flagged)", [(f.true_positive_rate, f.group) for f in compared]),
        ("false-positive rate (good outcomes flagged)", [(f.false_positive_rate, f.group) for f in compared]),
    ):
        defined = sorted((rate, group) for rate, group in rates if rate is not None)
        if len(defined) >= 2:
            spreads.append((defined[-1][0] - defined[0][0], label, defined[0], defined[-1]))
    _, label, (low, low_group), (high, high_group) = max(spreads, key=lambda spread: spread[0])
    return f"the {label} runs from {low:.1%} for group '{low_group}' to {high:.1%} for group '{high_group}'"


# --- fairlearn ----------------------------------------------------------------------------------------------------
#
# selection_rate, TPR and FPR depend only on how many rows of each group fall in each (outcome, decision) cell, so
# fairlearn gets one row per non-empty cell with its count as sample weight: the same figures as row by row, in
# milliseconds instead of seconds (fairlearn stacks every row into a Python object on each metric call).


@dataclass(frozen=True, slots=True)
class _Cells:
    group: npt.NDArray[np.str_]
    bad: npt.NDArray[np.int64]
    flagged: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]


def _cells(groups: _Codes, counts: _Counts, compared: Sequence[GroupFigures]) -> _Cells:
    names, bad, flagged, weight = [], [], [], []
    index = {name: position for position, name in enumerate(groups.names)}
    for figure in compared:
        position = index[figure.group]
        rows = int(counts.rows[position])
        bad_rows = int(counts.bad[position])
        flagged_bad = int(counts.flagged_bad[position])
        flagged_good = int(counts.flagged_good[position])
        for is_bad, is_flagged, count in (
            (1, 1, flagged_bad),
            (1, 0, bad_rows - flagged_bad),
            (0, 1, flagged_good),
            (0, 0, rows - bad_rows - flagged_good),
        ):
            if count:
                names.append(figure.group)
                bad.append(is_bad)
                flagged.append(is_flagged)
                weight.append(float(count))
    return _Cells(
        group=np.array(names, dtype=np.str_),
        bad=np.array(bad, dtype=np.int64),
        flagged=np.array(flagged, dtype=np.int64),
        weight=np.array(weight, dtype=np.float64),
    )


def _selection_rate_ratio(cells: _Cells) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ratio = float(
            demographic_parity_ratio(
                cells.bad, 1 - cells.flagged, sensitive_features=cells.group, sample_weight=cells.weight
            )
        )
    if math.isnan(ratio):  # 0 / 0: no group has a row selected, so all share the rate 0
        return 1.0
    return ratio


def _equalised_odds_difference(cells: _Cells, compared: Sequence[GroupFigures]) -> tuple[float, list[str]]:
    """fairlearn's `equalized_odds_difference` (worst case, between groups), except that a group without bad (good)
    outcomes is left out of the TPR (FPR) gap: fairlearn would count its undefined rate as 0 and fail the gate on a
    group that merely had no claims."""
    weights = {"sample_weight": cells.weight}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frame = MetricFrame(
            metrics={"tpr": _true_positive_rate, "fpr": _false_positive_rate},
            y_true=cells.bad,
            y_pred=cells.flagged,
            sensitive_features=cells.group,
            sample_params={"tpr": weights, "fpr": weights},
        )
        gaps = frame.difference(method="between_groups")
    remarks = []
    for figure in compared:
        if figure.true_positive_rate is None:
            remarks.append(f"group '{figure.group}' has no bad outcomes: left out of the true-positive-rate gap")
        if figure.false_positive_rate is None:
            remarks.append(f"group '{figure.group}' has no good outcomes: left out of the false-positive-rate gap")
    defined = [float(gap) for gap in (gaps["tpr"], gaps["fpr"]) if not math.isnan(float(gap))]
    return (max(defined) if defined else 0.0), remarks


def _true_positive_rate(
    y_true: npt.NDArray[np.int64], y_pred: npt.NDArray[np.int64], sample_weight: npt.NDArray[np.float64]
) -> float:
    return _weighted_share(y_pred == 1, within=y_true == 1, weight=sample_weight)


def _false_positive_rate(
    y_true: npt.NDArray[np.int64], y_pred: npt.NDArray[np.int64], sample_weight: npt.NDArray[np.float64]
) -> float:
    return _weighted_share(y_pred == 1, within=y_true == 0, weight=sample_weight)


def _weighted_share(
    part: npt.NDArray[np.bool_], *, within: npt.NDArray[np.bool_], weight: npt.NDArray[np.float64]
) -> float:
    whole = float(weight[within].sum())
    return float(weight[within & part].sum()) / whole if whole else math.nan


# --- proxy check --------------------------------------------------------------------------------------------------


def _proxy_sample(rows: int, seed: int) -> npt.NDArray[np.intp]:
    if rows <= PROXY_SAMPLE_MAX:
        return np.arange(rows, dtype=np.intp)
    chosen = np.random.default_rng(seed).choice(rows, size=PROXY_SAMPLE_MAX, replace=False)
    return np.sort(chosen).astype(np.intp)


def _proxy_auc(
    matrix: npt.NDArray[np.float64], codes: npt.NDArray[np.intp], figures: Sequence[GroupFigures], *, seed: int
) -> tuple[float | None, list[str]]:
    """Cross-validated AUC of a logistic regression predicting the group from the features, on the compared groups
    (each needs `PROXY_FOLDS` rows in the sample)."""
    compared = np.array([figure.compared for figure in figures], dtype=np.bool_)
    keep = compared[codes]
    present = np.bincount(codes[keep], minlength=len(figures))
    keep &= present[codes] >= PROXY_FOLDS
    target = codes[keep]
    classes = np.unique(target)
    if len(classes) < 2 or matrix.shape[1] == 0:
        return None, ["too few groups or no features to measure a proxy AUC"]
    model = make_pipeline(
        SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed)
    )
    folds = StratifiedKFold(n_splits=PROXY_FOLDS, shuffle=True, random_state=seed)
    # One BLAS thread: on a busy machine multithreaded BLAS makes these small fits 10-100 times slower, not faster.
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("always", ConvergenceWarning)
        predicted = cross_val_predict(model, matrix[keep], target, cv=folds, method="predict_proba")
    notes = []
    if any(issubclass(warning.category, ConvergenceWarning) for warning in caught):
        notes.append("the proxy model did not fully converge; its AUC may understate the proxy")
    if len(classes) == 2:
        auc = roc_auc_score(target == classes[1], predicted[:, 1])
    else:
        auc = roc_auc_score(target, predicted, multi_class="ovr", average="macro", labels=classes)
    return float(auc), notes


# --- serialisation and display ------------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, _DECIMALS)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _attribute_to_dict(attribute: AttributeFairness) -> dict[str, Any]:
    return {
        "attribute": attribute.attribute,
        "gated": attribute.gated,
        "passed": attribute.passed,
        "selection_rate_ratio": _round(attribute.selection_rate_ratio),
        "equalised_odds_difference": _round(attribute.equalised_odds_difference),
        "proxy_auc": _round(attribute.proxy_auc),
        "problems": list(attribute.problems),
        "notes": list(attribute.notes),
        "groups": [
            {
                "group": figure.group,
                "count": figure.count,
                "compared": figure.compared,
                "bad_rate": _round(figure.bad_rate),
                "selection_rate": _round(figure.selection_rate),
                "true_positive_rate": _round(figure.true_positive_rate),
                "false_positive_rate": _round(figure.false_positive_rate),
                "mean_score": _round(figure.mean_score),
            }
            for figure in attribute.groups
        ],
    }


def _attribute_from_dict(data: Mapping[str, Any]) -> AttributeFairness:
    return AttributeFairness(
        attribute=str(data["attribute"]),
        gated=bool(data["gated"]),
        groups=tuple(
            GroupFigures(
                group=str(item["group"]),
                count=int(item["count"]),
                bad_rate=float(item["bad_rate"]),
                selection_rate=float(item["selection_rate"]),
                true_positive_rate=_optional_float(item["true_positive_rate"]),
                false_positive_rate=_optional_float(item["false_positive_rate"]),
                mean_score=float(item["mean_score"]),
                compared=bool(item.get("compared", True)),
            )
            for item in data["groups"]
        ),
        selection_rate_ratio=float(data["selection_rate_ratio"]),
        equalised_odds_difference=float(data["equalised_odds_difference"]),
        proxy_auc=_optional_float(data.get("proxy_auc")),
        # the recorded verdict, and the verdict its own figures give: a report edited to pass does not
        passed=bool(data["passed"]) and _figures_pass(data),
        problems=tuple(str(problem) for problem in data.get("problems", ())),
        notes=tuple(str(note) for note in data.get("notes", ())),
    )


def _figures_pass(data: Mapping[str, Any]) -> bool:
    if not bool(data["gated"]):
        return True
    ratio_ok = float(data["selection_rate_ratio"]) >= SELECTION_RATE_RATIO_MIN - _TOLERANCE
    return ratio_ok and float(data["equalised_odds_difference"]) <= EQUALISED_ODDS_DIFFERENCE_MAX + _TOLERANCE


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _attribute_markdown(attribute: AttributeFairness) -> list[str]:
    role = "protected, gated" if attribute.gated else "watched, reported only"
    lines = [
        f"### {_cell(attribute.attribute)} ({role})",
        "",
        "| group | count | bad rate | selection rate | TPR | FPR | mean score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for figure in attribute.groups:
        name = _cell(figure.group) + ("" if figure.compared else " (too small to compare)")
        lines.append(
            f"| {name} | {figure.count:,} | {_percent(figure.bad_rate)} | {_percent(figure.selection_rate)} | "
            f"{_percent(figure.true_positive_rate)} | {_percent(figure.false_positive_rate)} | "
            f"{figure.mean_score:.4f} |"
        )
    ratio_ok = attribute.selection_rate_ratio >= SELECTION_RATE_RATIO_MIN - _TOLERANCE
    difference_ok = attribute.equalised_odds_difference <= EQUALISED_ODDS_DIFFERENCE_MAX + _TOLERANCE

    def verdict(ok: bool) -> str:
        if ok:
            return "pass"
        return "FAIL" if attribute.gated else "outside the limit (not gated)"

    proxy = "not measured" if attribute.proxy_auc is None else f"{attribute.proxy_auc:.4f}"
    lines += [
        "",
        f"- Selection-rate ratio: {attribute.selection_rate_ratio:.4f} "
        f"(at least {SELECTION_RATE_RATIO_MIN}): {verdict(ratio_ok)}",
        f"- Equalised-odds difference: {attribute.equalised_odds_difference:.4f} "
        f"(at most {EQUALISED_ODDS_DIFFERENCE_MAX}): {verdict(difference_ok)}",
        f"- Proxy AUC (how well the features predict {_cell(attribute.attribute)}; 0.5 = not at all): {proxy} "
        "(reported, not gated)",
    ]
    lines += [f"- Problem: {_cell(problem)}" for problem in attribute.problems]
    lines += [f"- Note: {_cell(note)}" for note in attribute.notes]
    return lines
