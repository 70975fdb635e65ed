"""Model artifacts in `models/<product>/<version>/`: the fitted Pipeline in skops format (`model.skops`, loaded only
after checking that it holds no types beyond scikit-learn's own and an explicit list; never pickle), a copy of the
feature spec it was trained with (`features.yaml`), `metadata.json` (features, directions, training data, library
versions, cross-validated figures, thresholds, fairness) and a generated `MODEL_CARD.md`.

Loading refuses, with the reason, an artifact whose file changed since training, whose scikit-learn version differs
from the running one, whose spec copy does not match its metadata, or whose features are not facts of the product.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops
import skops.io as sio
from sklearn.pipeline import Pipeline

from engine.domain.decision import ModelRef
from engine.model.fairness import FairnessReport
from engine.model.scorer import LinearScorer
from engine.model.spec import CategoryFeature, FeatureSpec, NumberFeature, SpecError
from engine.model.training import TrainedModel, estimator_choice
from engine.policy.facts import FactCatalogue
from engine.scoring import ModelUnavailable

MODEL_FILE = "model.skops"
SPEC_FILE = "features.yaml"
METADATA_FILE = "metadata.json"
CARD_FILE = "MODEL_CARD.md"
# Types a model file may hold besides those skops trusts by default (scikit-learn's estimators, numpy arrays).
TRUSTED_TYPES: tuple[str, ...] = ("numpy.dtype",)
FACT_TYPES = {"number": "number", "boolean": "boolean", "category": "string"}


class ModelError(ModelUnavailable):
    """An artifact the engine will not use, with the reason."""


def sha256_file(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def artifact_hash(directory: Path) -> str:
    """The model's identity in decision records and activations: one hash over the model file, its spec and its
    metadata (figures, fairness verdict, thresholds), so that none can change unnoticed after activation."""
    digest = hashlib.sha256()
    for name in (MODEL_FILE, SPEC_FILE, METADATA_FILE):
        digest.update(name.encode())
        digest.update(hashlib.sha256((directory / name).read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "skops": skops.__version__,
        "pandas": importlib_metadata.version("pandas"),
        "fairlearn": importlib_metadata.version("fairlearn"),
    }


def write_artifact(
    trained: TrainedModel,
    *,
    directory: Path,
    version: str,
    spec_text: str,
    data_source: str,
    trained_at: datetime,
) -> dict[str, Any]:
    """Write the four files into ``directory`` (which must not exist yet: a version is never overwritten)."""
    if directory.exists():
        raise ModelError(f"{directory.name} already exists: give the new model another version")
    directory.mkdir(parents=True)
    model_path = directory / MODEL_FILE
    sio.dump(trained.pipeline, model_path)
    (directory / SPEC_FILE).write_text(spec_text, encoding="utf-8")
    spec = trained.spec
    meta: dict[str, Any] = {
        "product": spec.product,
        "version": version,
        "trained_at": trained_at.isoformat(),
        "estimator": "logistic_regression",
        "estimator_choice": estimator_choice(trained),
        "artifact": {"file": MODEL_FILE, "sha256": sha256_file(model_path), "trusted_types": list(TRUSTED_TYPES)},
        "spec": {"name": spec.name, "file": SPEC_FILE, "content_hash": spec.content_hash},
        "features": [_feature_entry(spec, name) for name in trained.features],
        "dropped_features": trained.dropped,
        "protected_attributes": list(spec.protected),
        "watched_attributes": list(spec.watch),
        "libraries": library_versions(),
        "data": {
            "source": data_source,
            "sha256": trained.data_sha256,
            "rows": trained.rows,
            "bad_rate": round(trained.bad_rate, 5),
            "target": spec.target.column,
            "target_description": spec.target.description,
        },
        "cross_validation": {
            "folds": trained.cv.n_folds,
            "repeats": trained.cv.repeats,
            "seed": trained.seed,
            "metrics": {name: spread.as_dict() for name, spread in trained.cv.summary.items()},
        },
        "candidates": {
            name: {metric: spread.as_dict() for metric, spread in figures.items()}
            for name, figures in trained.candidates.items()
        },
        "oracle": {key: round(value, 5) for key, value in trained.oracle.items()} if trained.oracle else None,
        "thresholds": {"refer_at": trained.thresholds[0], "reject_at": trained.thresholds[1]},
        "tradeoff": [row.as_dict() for row in trained.tradeoff],
        "recommended_thresholds": trained.recommended.as_dict() if trained.recommended else None,
        "fairness": trained.fairness.to_dict(),
        "coefficients": {name: round(value, 6) for name, value in trained.coefficients.items()},
    }
    (directory / METADATA_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (directory / CARD_FILE).write_text(model_card(meta, spec), encoding="utf-8")
    return meta


def _feature_entry(spec: FeatureSpec, name: str) -> dict[str, Any]:
    feature = spec.feature(name)
    entry: dict[str, Any] = {"name": name, "type": feature.type}
    if isinstance(feature, NumberFeature):
        entry |= {"transform": feature.transform.value, "direction": feature.direction.value}
    elif isinstance(feature, CategoryFeature):
        entry["categories"] = list(feature.categories)
    else:
        entry["direction"] = feature.direction.value
    entry["controllable"] = feature.controllable
    return entry


@dataclass(frozen=True, slots=True)
class LoadedModel:
    product: str
    version: str
    directory: Path
    metadata: dict[str, Any]
    spec: FeatureSpec
    scorer: LinearScorer
    pipeline: Pipeline
    fairness: FairnessReport

    @property
    def ref(self) -> ModelRef:
        return self.scorer.ref


def load_artifact(directory: Path, *, catalogue: FactCatalogue | None = None, name: str | None = None) -> LoadedModel:
    """Load and verify one artifact; any mismatch raises :class:`ModelError` naming the artifact and the fix.
    ``name`` is the version folder's name when the artifact is still being written elsewhere."""
    where = f"model {directory.parent.name}/{name or directory.name}"
    try:
        meta = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
        spec_text = (directory / SPEC_FILE).read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise ModelError(f"{where}: cannot read {METADATA_FILE} or {SPEC_FILE}: {exc}") from exc
    try:
        return _load(directory, where, meta, spec_text, catalogue, name or directory.name)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ModelError(f"{where}: {METADATA_FILE} is incomplete or malformed ({exc!r})") from exc


def _load(
    directory: Path, where: str, meta: dict[str, Any], spec_text: str, catalogue: FactCatalogue | None, name: str
) -> LoadedModel:
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ModelError(f"{where}: {MODEL_FILE} is missing")
    actual = sha256_file(model_path)
    if actual != meta["artifact"]["sha256"]:
        raise ModelError(f"{where}: {MODEL_FILE} changed since training ({actual} is not the recorded hash)")
    trained_with, running = meta["libraries"]["scikit-learn"], sklearn.__version__
    if trained_with != running:
        raise ModelError(
            f"{where} was trained with scikit-learn {trained_with}, this engine runs {running}: install "
            f"scikit-learn=={trained_with} (see constraints.txt) or retrain the model with `underwrite model train`"
        )
    numpy_major = str(meta["libraries"]["numpy"]).split(".")[0]
    if numpy_major != np.__version__.split(".")[0]:
        raise ModelError(
            f"{where} was trained with numpy {meta['libraries']['numpy']}, this engine runs {np.__version__}: "
            "retrain the model with `underwrite model train`"
        )
    try:
        spec = FeatureSpec.from_yaml(spec_text, source=f"{where}/{SPEC_FILE}")
    except SpecError as exc:
        raise ModelError(str(exc)) from exc
    if spec.content_hash != meta["spec"]["content_hash"]:
        raise ModelError(f"{where}: {SPEC_FILE} does not match the spec recorded in {METADATA_FILE}")
    used = [entry["name"] for entry in meta["features"]]
    if catalogue is not None:
        check_facts(where, meta["features"], catalogue)
    untrusted = set(sio.get_untrusted_types(file=model_path)) - set(TRUSTED_TYPES)
    if untrusted:
        raise ModelError(f"{where}: {MODEL_FILE} holds types that are not trusted: {', '.join(sorted(untrusted))}")
    pipeline = sio.load(model_path, trusted=list(TRUSTED_TYPES))
    if not isinstance(pipeline, Pipeline) or list(pipeline.named_steps) != ["encode", "scale", "classify"]:
        raise ModelError(f"{where}: {MODEL_FILE} is not an engine risk-model pipeline")
    fitted = [name for name, _step, _columns in pipeline.named_steps["encode"].transformers_ if name != "remainder"]
    if fitted != used:
        raise ModelError(f"{where}: the model's features {fitted} differ from {METADATA_FILE}'s {used}")
    if str(meta["version"]) != name or str(meta["product"]).lower() != directory.parent.name:
        raise ModelError(f"{where}: its metadata says {meta['product']} {meta['version']}")
    try:
        fairness = FairnessReport.from_dict(meta["fairness"])
    except ValueError as exc:
        raise ModelError(f"{where}: its fairness report cannot be read ({exc})") from exc
    gated = {attribute.attribute for attribute in fairness.attributes if attribute.gated}
    if spec.product is not None and gated != set(spec.protected):
        raise ModelError(
            f"{where}: its fairness report gates {sorted(gated)}, but its spec's protected attributes are "
            f"{sorted(spec.protected)}: retrain it rather than edit its metadata"
        )
    ref = ModelRef(version=str(meta["version"]), content_hash=artifact_hash(directory))
    scorer = LinearScorer.from_pipeline(pipeline, spec, ref)
    return LoadedModel(str(meta["product"]), str(meta["version"]), directory, meta, spec, scorer, pipeline, fairness)


def check_facts(where: str, features: list[dict[str, Any]], catalogue: FactCatalogue) -> None:
    for entry in features:
        fact = catalogue.specs.get(entry["name"])
        if fact is None:
            raise ModelError(f"{where}: feature {entry['name']} is not a fact of {catalogue.product}")
        if FACT_TYPES[entry["type"]] != fact.type:
            raise ModelError(
                f"{where}: feature {entry['name']} is a {entry['type']} in the model but the fact is a {fact.type}"
            )


def model_card(meta: dict[str, Any], spec: FeatureSpec) -> str:
    """MODEL_CARD.md: intended use, data, features, performance with spread, thresholds, fairness, limits."""
    cv = meta["cross_validation"]
    metric_rows = "\n".join(
        f"| {name} | {fig['mean']:.4f} | {fig['sd']:.4f} | {fig['min']:.4f} | {fig['max']:.4f} |"
        for name, fig in cv["metrics"].items()
    )
    candidates = "\n".join(
        f"| {name} | {figs['roc_auc']['mean']:.4f} ± {figs['roc_auc']['sd']:.4f} | "
        f"{figs['brier']['mean']:.4f} ± {figs['brier']['sd']:.4f} |"
        for name, figs in meta["candidates"].items()
    )
    lr = cv["metrics"]
    auc = f"{lr['roc_auc']['mean']:.4f} ± {lr['roc_auc']['sd']:.4f}"
    picked = meta.get("estimator_choice") or {}
    choice = picked.get("rule", "logistic regression")
    if picked.get("flagged"):
        choice += f"; better by more than that: {', '.join(picked['flagged'])}, so a person should weigh the choice"
    brier = f"{lr['brier']['mean']:.4f} ± {lr['brier']['sd']:.4f}"
    protected = ", ".join(meta["protected_attributes"]) or "none"
    watched = ", ".join(meta["watched_attributes"]) or "none"
    features = "\n".join(
        f"| `{entry['name']}` | {entry['type']} | {entry.get('transform', '')} | {entry.get('direction', '')} | "
        f"{'yes' if entry['controllable'] else ''} |"
        for entry in meta["features"]
    )
    dropped = "".join(f"\n- `{name}`: {why}" for name, why in meta["dropped_features"].items()) or " none."
    tradeoff = "\n".join(
        f"| {row['refer_at']:.3f} | {row['reject_at']:.3f} | {row['accepted']:.1%} | {row['referred']:.1%} | "
        f"{row['rejected']:.1%} | {_rate(row['bad_rate_accepted'])} | {_rate(row['bad_rate_referred'])} | "
        f"{_rate(row['bad_rate_rejected'])} |"
        for row in meta["tradeoff"]
    )
    oracle = meta.get("oracle")
    oracle_text = (
        f"The data are synthetic with known true probabilities: the oracle (true probabilities) reaches ROC AUC "
        f"{oracle['oracle_roc_auc']:.4f} on the same test rows; this model reaches "
        f"{oracle['auc_share_of_oracle']:.1%} of it. Expected calibration error {oracle['calibration_error']:.4f}; "
        f"mean absolute error against the true probability {oracle['mean_abs_error_vs_truth']:.4f}.\n"
        if oracle
        else ""
    )
    fairness = FairnessReport.from_dict(meta["fairness"])
    gate = "passes" if fairness.passed else "FAILS"
    thresholds = meta["thresholds"]
    data = meta["data"]
    return f"""# Model card: {meta["product"] or spec.name} risk model {meta["version"]}

Generated by `underwrite model train` on {meta["trained_at"]}. Do not edit: retrain instead.

## Intended use
{spec.description} The policy's thresholds turn the probability into a decision: at or above
`refer_at` = {thresholds["refer_at"]} a person decides, at or above `reject_at` = {thresholds["reject_at"]} the
application is rejected. The model is used only after the policy's hard rules, only within the delegated authority,
and every applicant can ask for a person to decide instead. It is not meant for pricing, marketing or claims.

## Data
- Source: `{data["source"]}` ({data["rows"]:,} rows, {data["sha256"]}).
- Target: `{data["target"]}`: {data["target_description"]} Bad rate {data["bad_rate"]:.2%}.
- Protected attributes, used for the fairness evaluation only and never as features: {protected};
  watched as a possible proxy: {watched}.

## Features
Logistic regression on standardised features (numbers median-imputed, counts and amounts log1p, categories one-hot).
Each feature's contribution is exact: coefficient times standardised value, summing with the intercept to the logit.

| feature | type | transform | direction | in the applicant's control |
|---|---|---|---|---|
{features}

Left out because the fitted coefficient went against the stated direction:{dropped}

## Performance
Stratified {cv["folds"]}-fold cross-validation repeated {cv["repeats"]} time(s), seed {cv["seed"]}:

| metric | mean | sd | min | max |
|---|---|---|---|---|
{metric_rows}

{oracle_text}
Measured on the same folds for comparison ({choice}):

| estimator | ROC AUC | Brier |
|---|---|---|
| logistic regression (this model) | {auc} | {brier} |
{candidates}

## Thresholds: the trade-off (out-of-fold, first row = the policy's thresholds)

Shares of the scores alone: the policy's rules refer or reject some applications before the score counts, so the
engine accepts fewer automatically than the first column says.

| refer_at | reject_at | accepted | referred | rejected | bad rate accepted | bad rate referred | bad rate rejected |
|---|---|---|---|---|---|---|---|
{tradeoff}

## Fairness: {gate} the gate (selection-rate ratio ≥ 0.8 and equalised-odds difference ≤ 0.1 per protected attribute)

{fairness.markdown()}

## Limits
- Trained on {"synthetic" if oracle else "historical"} data; a real portfolio only has outcomes for accepted
  applications, so a model trained on it sees no outcomes for the rejected (reject inference is not attempted).
- Probabilities are estimates for a first policy year under the conditions of the training data; a change in the
  portfolio, the product or the economy needs retraining and a new card.
- The model never sees the protected attributes, but features can carry them (see the proxy figures above).
"""


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"
