"""Activation: the shipped default is activated at first start, a model that fails the fairness gate is not activated
without a recorded justification, an activation reaches running decisions, a mismatched artifact stops start-up,
and the applicant reads the model's reasons and counterfactual."""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from engine.api.app import create_app
from engine.checks.providers.local import LocalRegisters
from engine.config import PROJECT_ROOT, Environment, Settings
from engine.model.artifact import METADATA_FILE, ModelError
from engine.model.registry import (
    SHIPPED_DEFAULT,
    FairnessGateClosed,
    ModelShelf,
    activate,
    activation_history,
    current_activation,
)
from engine.model.spec import FeatureSpec
from engine.model.training import TrainedModel, train
from engine.policy.facts import FactCatalogue
from engine.store.database import Database
from tests.conftest import Api
from tests.factories import avp_body
from tests.model.conftest import WriteArtifact, avp_table

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def biased(avp_spec: FeatureSpec) -> TrainedModel:
    """A model trained where the outcome leans on a feature that carries gender."""
    return train(avp_table(8_000, seed=21, biased=True), avp_spec, thresholds=(0.08, 0.25), folds=3, compare=False)


@pytest.fixture(scope="module")
def models(
    tmp_path_factory: pytest.TempPathFactory, avp_artifact: Path, biased: TrainedModel, write_model: WriteArtifact
) -> Path:
    """A models folder: the fair 0.1.0 (the default) and the biased 0.9.0."""
    folder = tmp_path_factory.mktemp("shelf")
    shutil.copytree(avp_artifact, folder / "avp" / "0.1.0")
    write_model(biased, folder, "0.9.0")
    (folder / "defaults.json").write_text(json.dumps({"AVP": "0.1.0"}))
    return folder


def _shelf(models: Path) -> ModelShelf:
    return ModelShelf.open(models, FactCatalogue.for_product)


def test_the_deliberately_biased_model_fails_the_gate_and_the_fair_one_passes(
    biased: TrainedModel, trained_avp: TrainedModel
) -> None:
    assert trained_avp.fairness.passed
    assert not biased.fairness.passed
    assert any("gender" in problem for problem in biased.fairness.problems)


def test_the_gate_blocks_activation_without_a_justification(models: Path, db: Database) -> None:
    shelf = _shelf(models)
    for justification in (None, "", "too short"):
        with db.engine.begin() as connection, pytest.raises(FairnessGateClosed, match="fails the fairness gate"):
            activate(
                connection,
                shelf=shelf,
                product="AVP",
                version="0.9.0",
                by="tester",
                now=NOW,
                justification=justification,
            )
    with db.engine.connect() as connection:
        assert current_activation(connection, "AVP") is None  # nothing was recorded


def test_a_recorded_justification_lets_a_person_activate_it(models: Path, db: Database) -> None:
    shelf = _shelf(models)
    why = "Household size is a legitimate rating factor; reviewed by the actuarial committee on 2026-11-25."
    with db.engine.begin() as connection:
        activate(connection, shelf=shelf, product="AVP", version="0.1.0", by="first", now=NOW)
        row = activate(connection, shelf=shelf, product="AVP", version="0.9.0", by="second", now=NOW, justification=why)
    assert row["previous_version"] == "0.1.0"
    with db.engine.connect() as connection:
        history = activation_history(connection, "AVP")
    assert [(r["version"], r["activated_by"], r["fairness_passed"]) for r in history] == [
        ("0.1.0", "first", True),
        ("0.9.0", "second", False),
    ]
    assert history[-1]["justification"] == why


def test_an_unknown_version_is_refused(models: Path, db: Database) -> None:
    with db.engine.begin() as connection, pytest.raises(ModelError, match=r"no AVP model 7\.0\.0.*0\.1\.0, 0\.9\.0"):
        activate(connection, shelf=_shelf(models), product="AVP", version="7.0.0", by="tester", now=NOW)


@pytest.fixture
def settings(database_url: str, models: Path, tmp_path: Path) -> Settings:
    """The app's settings for these tests: the test models folder, and an AVP policy whose referral threshold every
    application crosses, so that each AVP outcome rests on the score."""
    policies = tmp_path / "policies"
    shutil.copytree(PROJECT_ROOT / "data" / "policies", policies)
    newest = max((policies / "avp").glob("*.yaml"), key=lambda p: tuple(int(x) for x in p.stem.split(".")))
    text = newest.read_text()
    start = text.index("thresholds:")
    refer = text.index("refer_at:", start)
    reject = text.index("reject_at:", start)
    text = text[:refer] + "refer_at: 0.0001\n  " + text[reject:]
    newest.write_text(text)
    return Settings(
        environment=Environment.TEST,
        database_url=database_url,
        log_json=False,
        log_level="WARNING",
        model_dir=models,
        policy_dir=policies,
        model_refresh_seconds=0.01,
    )


def test_first_start_activates_the_shipped_default(api: Api) -> None:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    with services.db.engine.connect() as connection:
        row = current_activation(connection, "AVP")
    assert row is not None and (row["version"], row["activated_by"]) == ("0.1.0", SHIPPED_DEFAULT)


def test_the_applicant_reads_the_models_reasons_and_the_staff_see_the_score(api: Api) -> None:
    response = api.submit(avp_body())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["outcome"] == "referred"
    assert [reason["code"] for reason in body["reasons"]] == ["RISK_SCORE_ELEVATED"]
    explanation = body["score_explanation"]
    assert explanation["factors"]
    assert all(factor["effect"] == "raises" for factor in explanation["factors"])
    assert all(factor["feature"] not in {"gender", "age_band", "origin", "region"} for factor in explanation["factors"])
    assert explanation["counterfactual"] is None  # with refer_at 0.0001 no change of cover helps
    detail = api.client.get(f"/v1/staff/decisions/{body['decision_id']}", headers=api.staff("auditor"))
    assert detail.status_code == 200, detail.text
    assert detail.json()["score"]["model"]["version"] == "0.1.0"


def test_an_activation_reaches_running_decisions(api: Api) -> None:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    shelf = _shelf(services.settings.model_dir)
    with services.db.engine.begin() as connection:
        activate(connection, shelf=shelf, product="AVP", version=None, by="tester", now=NOW)
    time.sleep(0.05)
    body = api.submit(avp_body()).json()
    assert body["score_explanation"] is None
    assert "RISK_SCORE_ELEVATED" not in [reason["code"] for reason in body["reasons"]]
    detail = api.client.get(f"/v1/staff/decisions/{body['decision_id']}", headers=api.staff("auditor")).json()
    assert detail["score"] is None


@pytest.fixture
def broken_models(models: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(models, folder)
    meta_path = folder / "avp" / "0.1.0" / METADATA_FILE
    meta = json.loads(meta_path.read_text())
    meta["libraries"]["scikit-learn"] = "1.0.0"
    meta_path.write_text(json.dumps(meta))
    return folder


def test_a_mismatched_artifact_stops_start_up_with_its_reason(
    settings: Settings, broken_models: Path, registers: LocalRegisters
) -> None:
    app = create_app(settings.model_copy(update={"model_dir": broken_models}), registers=registers)
    with pytest.raises(ModelError, match=r"trained with scikit-learn 1\.0\.0"), TestClient(app):
        pass


def test_activations_cannot_be_changed_or_deleted(models: Path, db: Database) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with db.engine.begin() as connection:
        activate(connection, shelf=_shelf(models), product="AVP", version="0.1.0", by="first", now=NOW)
    for statement in ("UPDATE model_activations SET activated_by = 'someone else'", "DELETE FROM model_activations"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
    with db.engine.connect() as connection:
        assert [row["activated_by"] for row in activation_history(connection)] == ["first"]
