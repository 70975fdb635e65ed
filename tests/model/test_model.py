"""The trained model: the fast serving path equals the Pipeline, contributions are exact, the spec's directions hold,
artifacts load only when they match, and the synthetic truth is approached."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.domain.decision import ModelRef
from engine.domain.products import Product
from engine.model.artifact import (
    CARD_FILE,
    METADATA_FILE,
    MODEL_FILE,
    SPEC_FILE,
    ModelError,
    artifact_hash,
    load_artifact,
)
from engine.model.pipeline import build_pipeline, feature_frame
from engine.model.scorer import LinearScorer
from engine.model.spec import FeatureSpec
from engine.model.training import TrainedModel, fit_with_directions, train
from engine.policy.facts import FactCatalogue
from tests.model.conftest import avp_table


def _facts(row: dict[str, object]) -> dict[str, object]:
    return {key: (None if isinstance(value, float) and math.isnan(value) else value) for key, value in row.items()}


def test_the_fast_path_gives_the_pipelines_probabilities_to_1e_9(trained_avp: TrainedModel) -> None:
    scorer = LinearScorer.from_pipeline(trained_avp.pipeline, trained_avp.spec, ModelRef(version="t", content_hash="h"))
    rows = avp_table(4_000, seed=11)
    expected = trained_avp.pipeline.predict_proba(feature_frame(trained_avp.spec, rows))[:, 1]
    batch = scorer.probabilities(rows)
    single = np.array([scorer.score(_facts(row)).probability for row in rows.to_dict("records")])
    assert rows["claims.registered_5y"].isna().any() and rows["credit.score_band"].isna().any()
    assert np.max(np.abs(batch - expected)) < 1e-9
    assert np.max(np.abs(single - expected)) < 1e-9


def test_unknown_categories_and_missing_facts_score_like_the_pipeline(trained_avp: TrainedModel) -> None:
    scorer = LinearScorer.from_pipeline(trained_avp.pipeline, trained_avp.spec, ModelRef(version="t", content_hash="h"))
    rows = avp_table(50, seed=12)
    rows["household.composition"] = "commune"  # never seen in training: its columns stay at 0
    rows["credit.arrears_count"] = np.nan
    expected = trained_avp.pipeline.predict_proba(feature_frame(trained_avp.spec, rows))[:, 1]
    single = [scorer.score(_facts(row)).probability for row in rows.to_dict("records")]
    assert np.max(np.abs(np.array(single) - expected)) < 1e-9


def test_contributions_sum_to_the_logit(trained_avp: TrainedModel) -> None:
    scorer = LinearScorer.from_pipeline(trained_avp.pipeline, trained_avp.spec, ModelRef(version="t", content_hash="h"))
    for row in avp_table(200, seed=13).to_dict("records"):
        score = scorer.score(_facts(row))
        assert score.base_logit is not None
        logit = math.log(score.probability / (1 - score.probability))
        assert score.base_logit + sum(score.contributions.values()) == pytest.approx(logit, abs=1e-9)
        assert set(score.contributions) == set(trained_avp.features)


def test_factors_are_the_largest_contributions_with_their_direction_and_never_a_protected_attribute(
    trained_avp: TrainedModel,
) -> None:
    scorer = LinearScorer.from_pipeline(trained_avp.pipeline, trained_avp.spec, ModelRef(version="t", content_hash="h"))
    risky = {
        **_facts(avp_table(1, seed=14).to_dict("records")[0]),
        "disclosure.claims_5y_count": 3,
        "disclosure.claims_5y_total_eur": 9000,
        "credit.score_band": "E",
    }
    score = scorer.score(risky)
    raising = [factor for factor in score.factors if factor.effect == "raises"]
    assert 1 <= len(raising) <= 3
    top = max(score.contributions, key=lambda name: score.contributions[name])
    assert raising[0].feature == top
    assert raising[0].text == trained_avp.spec.feature(top).texts.up  # type: ignore[union-attr]
    for factor in score.factors:
        assert factor.feature not in trained_avp.spec.protected + trained_avp.spec.watch
        assert (factor.contribution > 0) == (factor.effect == "raises")
        assert abs(factor.contribution) >= 0.05


def test_a_feature_against_its_stated_direction_is_left_out(avp_spec: FeatureSpec) -> None:
    frame = avp_table(6_000, seed=15)
    # make more declared claims look safer: the spec says they never lower risk
    frame["bad_outcome"] = (
        np.random.default_rng(1).random(len(frame)) < 0.02 + 0.2 * (frame["disclosure.claims_5y_count"] == 0)
    ).astype(int)
    features = feature_frame(avp_spec, frame)
    pipeline, kept, dropped = fit_with_directions(avp_spec, features, frame["bad_outcome"].to_numpy())
    assert "disclosure.claims_5y_count" in dropped
    assert "disclosure.claims_5y_count" not in kept
    coef = dict(zip(pipeline.named_steps["encode"].get_feature_names_out(), pipeline[-1].coef_[0], strict=True))
    for name in kept:
        feature = avp_spec.feature(name)
        direction = getattr(feature, "direction", None)
        key = f"{name}__{name}"
        if direction is not None and direction.value == "up" and key in coef:
            assert coef[key] >= 0
        if direction is not None and direction.value == "down" and key in coef:
            assert coef[key] <= 0


def test_training_reports_the_oracle_share_calibration_and_a_tradeoff_table(trained_avp: TrainedModel) -> None:
    assert trained_avp.oracle is not None
    assert 0.9 < trained_avp.oracle["auc_share_of_oracle"] <= 1.02
    assert trained_avp.oracle["calibration_error"] < 0.03
    assert len(trained_avp.cv.folds) == 3
    first = trained_avp.tradeoff[0]
    assert (first.refer_at, first.reject_at) == (0.08, 0.25)
    assert first.accepted + first.referred + first.rejected == pytest.approx(1.0)
    assert not np.isnan(trained_avp.cv.out_of_fold).any()


def test_cross_validation_is_repeatable_with_its_seed(avp_spec: FeatureSpec) -> None:
    frame = avp_table(3_000, seed=16)
    one = train(frame, avp_spec, thresholds=(0.08, 0.25), folds=3, compare=False, seed=5)
    two = train(frame, avp_spec, thresholds=(0.08, 0.25), folds=3, compare=False, seed=5)
    assert one.cv.folds == two.cv.folds
    assert one.data_sha256 == two.data_sha256


def test_an_artifact_round_trips_with_metadata_and_card(avp_artifact: Path, trained_avp: TrainedModel) -> None:
    loaded = load_artifact(avp_artifact, catalogue=FactCatalogue.for_product(Product.AVP))
    meta = json.loads((avp_artifact / METADATA_FILE).read_text())
    assert loaded.ref.content_hash == artifact_hash(avp_artifact) != meta["artifact"]["sha256"]  # all three files
    assert meta["libraries"]["scikit-learn"]
    assert meta["data"]["rows"] == trained_avp.rows
    assert {"roc_auc", "brier", "ks"} <= set(meta["cross_validation"]["metrics"])
    assert [f["name"] for f in meta["features"]] == list(trained_avp.features)
    card = (avp_artifact / CARD_FILE).read_text()
    for heading in ("## Intended use", "## Data", "## Performance", "## Fairness", "## Limits"):
        assert heading in card
    rows = avp_table(500, seed=17)
    expected = trained_avp.pipeline.predict_proba(feature_frame(trained_avp.spec, rows))[:, 1]
    assert np.max(np.abs(loaded.scorer.probabilities(rows) - expected)) < 1e-12


@pytest.fixture
def copy_of(avp_artifact: Path, tmp_path: Path) -> Path:
    target = tmp_path / "avp" / "0.1.0"
    shutil.copytree(avp_artifact, target)
    return target


def test_a_changed_model_file_is_refused(copy_of: Path) -> None:
    with (copy_of / MODEL_FILE).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="changed since training"):
        load_artifact(copy_of)


def test_another_scikit_learn_version_is_refused_with_the_fix(copy_of: Path) -> None:
    meta = json.loads((copy_of / METADATA_FILE).read_text())
    meta["libraries"]["scikit-learn"] = "0.24.2"
    (copy_of / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"trained with scikit-learn 0\.24\.2.*retrain"):
        load_artifact(copy_of)


def test_a_changed_feature_spec_is_refused(copy_of: Path) -> None:
    (copy_of / SPEC_FILE).write_text((copy_of / SPEC_FILE).read_text() + "\n# edited\n")
    with pytest.raises(ModelError, match="does not match"):
        load_artifact(copy_of)


def test_features_that_are_not_facts_of_the_product_are_refused(copy_of: Path) -> None:
    with pytest.raises(ModelError, match=r"household\.composition is not a fact of AVB"):
        load_artifact(copy_of, catalogue=FactCatalogue.for_product(Product.AVB))


def test_a_spec_cannot_use_a_protected_attribute_as_a_feature() -> None:
    text = """
name: bad
target: {column: bad_outcome}
protected: [gender]
features:
  - {name: gender, type: category}
"""
    with pytest.raises(ValueError, match="protected or watched columns cannot be features"):
        FeatureSpec.from_yaml(text)


def test_the_pipeline_never_reads_protected_columns(avp_spec: FeatureSpec, avp_frame: pd.DataFrame) -> None:
    pipeline = build_pipeline(avp_spec).fit(feature_frame(avp_spec, avp_frame), avp_frame["bad_outcome"])
    read = set(pipeline.named_steps["encode"].feature_names_in_)
    assert read.isdisjoint({"gender", "age_band", "origin", "region"})
