"""Small, fast model fixtures: an AVP-shaped table drawn with numpy from a known logit, a model trained on it (three
folds, no comparison), and its artifact on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.config import PROJECT_ROOT
from engine.model.artifact import write_artifact
from engine.model.spec import FeatureSpec
from engine.model.training import TrainedModel, train
from engine.store.clients import create_api_client
from engine.store.database import Database

AVP_SPEC_PATH = PROJECT_ROOT / "data" / "model_specs" / "avp.yaml"
TRAINED_AT = pd.Timestamp("2026-11-25T12:00:00Z").to_pydatetime()


def avp_table(rows: int, seed: int, *, biased: bool = False) -> pd.DataFrame:
    """Rows with every AVP feature, the protected columns, a known true probability and a drawn outcome. With
    ``biased`` the outcome leans on gender through a feature that carries it (household composition)."""
    rng = np.random.default_rng(seed)
    gender = rng.choice(["female", "male"], rows)
    household = rng.choice(["single", "couple", "family"], rows)
    if biased:
        household = np.where(gender == "female", "family", rng.choice(["single", "couple"], rows))
    frame = pd.DataFrame(
        {
            "cover.insured_limit_eur": rng.choice([1_250_000, 2_500_000], rows),
            "cover.deductible_eur": rng.choice([0, 100, 250], rows),
            "household.composition": household,
            "disclosure.claims_5y_count": rng.poisson(0.3, rows),
            "disclosure.refused_or_cancelled_before": rng.random(rows) < 0.05,
            "claims.registered_5y": rng.poisson(0.3, rows).astype(float),
            "claims.non_payment_3y": rng.poisson(0.03, rows),
            "claims.undeclared_count": rng.poisson(0.05, rows),
            "credit.score_band": rng.choice(
                ["A", "B", "C", "D", "E", "none"], rows, p=[0.35, 0.3, 0.15, 0.1, 0.05, 0.05]
            ),
            "credit.arrears_count": rng.poisson(0.1, rows),
            "gender": gender,
            "age_band": rng.choice(["18-29", "30-44", "45-64", "65+"], rows),
            "origin": rng.choice(["dutch", "other"], rows, p=[0.85, 0.15]),
            "region": rng.choice(list("123456789"), rows),
        }
    )
    frame["disclosure.claims_5y_total_eur"] = frame["disclosure.claims_5y_count"] * rng.integers(200, 5000, rows)
    frame["credit.arrears_open_eur"] = frame["credit.arrears_count"] * rng.integers(100, 3000, rows).astype(float)
    frame.loc[rng.random(rows) < 0.02, "claims.registered_5y"] = np.nan  # a check that was unavailable
    frame.loc[rng.random(rows) < 0.02, "credit.score_band"] = None
    band = frame["credit.score_band"].map({"A": 0, "B": 0.3, "C": 0.7, "D": 1.1, "E": 1.5, "none": 0.5}).fillna(0.5)
    logit = (
        -3.6
        + 0.9 * np.log1p(frame["disclosure.claims_5y_count"])
        + 0.6 * np.log1p(frame["claims.registered_5y"].fillna(0))
        + 0.8 * frame["disclosure.refused_or_cancelled_before"]
        + band
        + 0.5 * np.log1p(frame["credit.arrears_count"])
        - 0.25 * np.log1p(frame["cover.deductible_eur"]) / np.log1p(250)
        + 0.2 * (frame["cover.insured_limit_eur"] > 1_250_000)
    )
    if biased:
        logit = logit + 1.6 * (frame["household.composition"] == "family")
    frame["true_probability"] = 1 / (1 + np.exp(-logit))
    frame["bad_outcome"] = (rng.random(rows) < frame["true_probability"]).astype(int)
    return frame


@pytest.fixture(scope="session")
def avp_spec() -> FeatureSpec:
    return FeatureSpec.load(AVP_SPEC_PATH)


@pytest.fixture(scope="session")
def avp_frame() -> pd.DataFrame:
    return avp_table(8_000, seed=7)


@pytest.fixture(scope="session")
def trained_avp(avp_spec: FeatureSpec, avp_frame: pd.DataFrame) -> TrainedModel:
    return train(avp_frame, avp_spec, thresholds=(0.08, 0.25), folds=3, compare=False)


WriteArtifact = Callable[[TrainedModel, Path, str], Path]


@pytest.fixture(scope="session")
def write_model() -> WriteArtifact:
    def write(trained: TrainedModel, models: Path, version: str) -> Path:
        directory = models / "avp" / version
        write_artifact(
            trained,
            directory=directory,
            version=version,
            spec_text=AVP_SPEC_PATH.read_text(encoding="utf-8"),
            data_source="test table",
            trained_at=TRAINED_AT,
        )
        return directory

    return write


@pytest.fixture(scope="session")
def avp_artifact(
    tmp_path_factory: pytest.TempPathFactory, trained_avp: TrainedModel, write_model: WriteArtifact
) -> Path:
    return write_model(trained_avp, tmp_path_factory.mktemp("models"), "0.1.0")


@pytest.fixture
def client_id(db: Database) -> str:
    with db.engine.begin() as connection:
        client, _ = create_api_client(connection, name="model tests form", now=datetime.now(UTC))
    return client.id
