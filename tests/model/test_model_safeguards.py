"""What keeps a model honest: specs cannot read protected or confidential facts, a fairness verdict cannot be edited
into a pass, a model evaluated on no protected attribute or failing the gate is not activated by itself, reasons name
only facts that were found, a counterfactual replays as recorded, and a fraud referral shows no model explanation."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.config import PROJECT_ROOT
from engine.decision.core import decide
from engine.decision.service import DecisionRuntime, decision_row, replay_decision, submit_application
from engine.domain.checks import CheckStatus
from engine.domain.decision import ModelRef, RiskScore
from engine.domain.products import Product
from engine.model.artifact import METADATA_FILE, ModelError, load_artifact
from engine.model.history import read_history
from engine.model.pipeline import category_value, feature_frame
from engine.model.registry import ModelShelf, activate, ensure_activations
from engine.model.spec import FeatureSpec
from engine.model.training import TrainedModel, data_hash
from engine.policy.facts import FactCatalogue
from engine.scoring import FixedModels
from engine.store.database import Database
from tests.factories import application, avp_body, check_result, clear_checks

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SPEC_HEAD = "name: x\nproduct: AVP\ntarget: {column: bad_outcome}\nprotected: [gender]\nfeatures:\n"


@pytest.mark.parametrize(
    "feature", ["applicant.age", "identity.age_years", "fraud.shared_email_persons", "sanctions.potential_match"]
)
def test_a_product_spec_cannot_read_age_identity_fraud_or_sanctions_facts(feature: str) -> None:
    with pytest.raises(ValueError, match=f"{feature} cannot be a feature of a product model"):
        FeatureSpec.from_yaml(SPEC_HEAD + f"  - {{name: {feature}, type: number}}\n")


def test_a_product_spec_names_its_protected_attributes() -> None:
    text = SPEC_HEAD.replace("protected: [gender]\n", "") + "  - {name: cover.deductible_eur, type: number}\n"
    with pytest.raises(ValueError, match="protected attributes"):
        FeatureSpec.from_yaml(text)


def test_the_shipped_models_load_against_the_facts_and_were_trained_on_the_shipped_histories() -> None:
    for product in Product:
        folder = PROJECT_ROOT / "models" / product.value.lower() / "1.0.0"
        model = load_artifact(folder, catalogue=FactCatalogue.for_product(product))
        assert model.fairness.passed
        history = read_history(PROJECT_ROOT / "data" / "history" / f"{product.value.lower()}.csv.gz")
        assert model.metadata["data"]["sha256"] == data_hash(history)
        assert model.metadata["data"]["rows"] == len(history) >= 200_000
        assert set(model.scorer.features).isdisjoint(model.spec.protected + model.spec.watch)


@pytest.fixture
def edited(avp_artifact: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models" / "avp" / "0.1.0"
    shutil.copytree(avp_artifact, target)
    return target


def _edit_fairness(folder: Path, change: dict[str, object]) -> None:
    meta = json.loads((folder / METADATA_FILE).read_text())
    for attribute in meta["fairness"]["attributes"]:
        attribute.update(change)
    (folder / METADATA_FILE).write_text(json.dumps(meta))


def test_a_fairness_verdict_edited_into_a_pass_does_not_pass(edited: Path) -> None:
    _edit_fairness(edited, {"selection_rate_ratio": 0.3, "passed": True})
    report = load_artifact(edited).fairness
    assert not report.passed


def test_a_failing_attribute_relabelled_as_watched_is_refused(edited: Path) -> None:
    meta = json.loads((edited / METADATA_FILE).read_text())
    gender = next(a for a in meta["fairness"]["attributes"] if a["attribute"] == "gender")
    gender.update({"gated": False, "selection_rate_ratio": 0.31, "passed": True})
    (edited / METADATA_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"gates \['age_band', 'origin'\], but its spec's protected attributes"):
        load_artifact(edited)


def test_a_fairness_report_relabelled_to_gate_nothing_is_refused(edited: Path, db: Database) -> None:
    _edit_fairness(edited, {"gated": False})
    shelf = ModelShelf.open(edited.parent.parent, FactCatalogue.for_product)
    with db.engine.begin() as connection, pytest.raises(ModelError, match="retrain it rather than edit its metadata"):
        activate(connection, shelf=shelf, product="AVP", version="0.1.0", by="t", now=NOW, justification="x" * 40)


def test_a_default_that_fails_the_gate_stops_start_up(edited: Path, db: Database) -> None:
    _edit_fairness(edited, {"equalised_odds_difference": 0.4, "passed": False})
    (edited.parent.parent / "defaults.json").write_text(json.dumps({"AVP": "0.1.0"}))
    shelf = ModelShelf.open(edited.parent.parent, FactCatalogue.for_product)
    with pytest.raises(ModelError, match="shipped default AVP model cannot be activated by itself"):
        ensure_activations(db.engine, shelf, now=NOW)


def test_an_artifact_changed_after_activation_stops_start_up(edited: Path, db: Database) -> None:
    shelf = ModelShelf.open(edited.parent.parent, FactCatalogue.for_product)
    with db.engine.begin() as connection:
        activate(connection, shelf=shelf, product="AVP", version="0.1.0", by="t", now=NOW)
    meta = json.loads((edited / METADATA_FILE).read_text())
    meta["thresholds"]["refer_at"] = 0.5
    (edited / METADATA_FILE).write_text(json.dumps(meta))
    fresh = ModelShelf.open(edited.parent.parent, FactCatalogue.for_product)
    with pytest.raises(ModelError, match="not in the models folder as activated"):
        ensure_activations(db.engine, fresh, now=NOW)


def test_reasons_name_only_facts_that_were_found(trained_avp: TrainedModel) -> None:
    from engine.model.scorer import LinearScorer

    scorer = LinearScorer.from_pipeline(trained_avp.pipeline, trained_avp.spec, ModelRef(version="t", content_hash="h"))
    facts = {name: None for name in scorer.features}  # every check unavailable, nothing declared
    score = scorer.score(facts)
    assert score.contributions  # the score is still computed from the filled-in values...
    assert score.factors == []  # ...but nothing that was not found is given as a reason


def test_category_values_have_one_spelling_in_training_and_serving() -> None:
    assert [category_value(v) for v in (None, float("nan"), 41.0, 41, "41", True, "A")] == [
        "missing",
        "missing",
        "41",
        "41",
        "41",
        "true",
        "A",
    ]


def test_numeric_category_codes_with_gaps_train_from_a_csv(tmp_path: Path, avp_spec: FeatureSpec) -> None:
    spec = FeatureSpec.from_yaml(
        "name: codes\ntarget: {column: bad_outcome}\nfeatures:\n  - {name: code, type: category}\n"
        "  - {name: amount, type: number}\n"
    )
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"code": rng.choice([1, 2, 3], 600).astype(float), "amount": rng.random(600)})
    frame.loc[::7, "code"] = np.nan
    frame["bad_outcome"] = (rng.random(600) < 0.1 + 0.3 * (frame["code"] == 3)).astype(int)
    path = tmp_path / "codes.csv"
    frame.to_csv(path, index=False)
    back = pd.read_csv(path)
    encoded = feature_frame(spec, back)
    assert set(encoded["code"]) == {"1", "2", "3", "missing"}


TEST_REF = ModelRef(version="test-deductible", content_hash="sha256:test")


@dataclass(frozen=True)
class DeductibleModel:
    """A model whose risk falls with the deductible: 0.2 without one, 0.05 with any."""

    ref: ModelRef = TEST_REF

    def score(self, facts: dict[str, object]) -> RiskScore:
        probability = 0.2 if facts.get("cover.deductible_eur") == 0 else 0.05
        return RiskScore(probability=probability, model=self.ref, contributions={"cover.deductible_eur": 0.0})


@pytest.fixture
def counterfactual_runtime(checked_runtime: DecisionRuntime) -> DecisionRuntime:
    return checked_runtime.with_models(FixedModels({Product.AVP: DeductibleModel()}))


def _submit(db: Database, runtime: DecisionRuntime, client_id: str, body: dict[str, object]) -> dict[str, object]:
    return submit_application(
        db=db,
        runtime=runtime,
        client_id=client_id,
        application=application(body),
        idempotency_key=None,
        now=datetime.now(UTC),
    ).record


def test_a_decision_with_a_counterfactual_replays_as_recorded(
    db: Database, counterfactual_runtime: DecisionRuntime, client_id: str
) -> None:
    record = _submit(db, counterfactual_runtime, client_id, avp_body())
    assert record["outcome"] == "referred"
    counterfactual = record["score"]["counterfactual"]  # type: ignore[index]
    assert counterfactual["changes"] == {"cover.deductible_eur": 100}
    assert counterfactual["outcome"] == "accepted"
    assert record["notice"]["score_explanation"]["counterfactual"]["changes"] == {"cover.deductible_eur": 100}  # type: ignore[index]
    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=counterfactual_runtime, decision_id=str(record["id"]))
    assert report.matches, report.differences


def test_a_fraud_referral_shows_no_model_explanation(counterfactual_runtime: DecisionRuntime) -> None:
    fraud = check_result("fraud", CheckStatus.CLEAR, NOW, incident_register=True)
    policy = counterfactual_runtime.policies.active(Product.AVP, NOW.date())
    checks = clear_checks(NOW, fraud)
    decision = decide(application(avp_body()), check_results=checks, policy=policy, model=DeductibleModel(), now=NOW)
    assert decision.score is not None and decision.score.probability == 0.2
    row = decision_row(
        decision,
        decision_id="d",
        application_id="a",
        language="nl",
        decided_at=NOW,
        token_hash="t",
        digest="g",
        pre_decision_notice=None,
    )
    codes = [reason["code"] for reason in row["notice"]["reasons"]]
    assert codes == ["ADDITIONAL_VERIFICATION", "RISK_SCORE_ELEVATED"]
    assert "score_explanation" not in row["notice"]
