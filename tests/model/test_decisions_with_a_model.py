"""Decisions with a trained model: the score, its contributions and main reasons are recorded, the counterfactual is
stated only when deciding the changed application again really gives the better outcome, and replay reproduces the
score exactly."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.decision.core import decide
from engine.decision.service import DecisionRuntime, replay_decision, submit_application
from engine.domain.application import AvpApplication
from engine.domain.checks import CheckStatus
from engine.domain.decision import ModelRef, Outcome, RiskScore
from engine.domain.products import Product
from engine.errors import NotReplayable
from engine.model.artifact import LoadedModel, load_artifact
from engine.policy.model import Policy
from engine.policy.registry import PolicyRegistry
from engine.scoring import FixedModels
from engine.store.database import Database
from tests.factories import application, avp_body, check_result, clear_checks

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def model(avp_artifact: Path) -> LoadedModel:
    return load_artifact(avp_artifact)


@pytest.fixture(scope="module")
def policy(runtime: DecisionRuntime) -> Policy:
    return runtime.policies.active(Product.AVP, NOW.date())


def _app(deductible: int = 0, limit: int = 2_500_000, **overrides: object) -> AvpApplication:
    body = avp_body(NOW.date(), **overrides)
    body["cover"] |= {"deductible_eur": deductible, "insured_limit_eur": limit}
    app = application(body)
    assert isinstance(app, AvpApplication)
    return app


def _with_thresholds(policy: Policy, refer_at: float, reject_at: float = 0.99) -> Policy:
    return dataclasses.replace(
        policy, thresholds=dataclasses.replace(policy.thresholds, refer_at=refer_at, reject_at=reject_at)
    )


def _probability(model: LoadedModel, policy: Policy, app: AvpApplication) -> float:
    decision = decide(
        app, check_results=clear_checks(NOW), policy=_with_thresholds(policy, 0.99), model=model.scorer, now=NOW
    )
    assert decision.score is not None
    return decision.score.probability


def test_a_decision_records_score_contributions_and_main_reasons(model: LoadedModel, policy: Policy) -> None:
    decision = decide(_app(), check_results=clear_checks(NOW), policy=policy, model=model.scorer, now=NOW)
    assert decision.score is not None
    assert decision.score.model == model.ref
    assert set(decision.score.contributions) == set(model.scorer.features)
    assert decision.score.factors
    assert decision.score.factors[0].text.nl and decision.score.factors[0].text.en


def test_a_higher_deductible_that_really_flips_the_outcome_is_stated(model: LoadedModel, policy: Policy) -> None:
    at_zero, at_top = _probability(model, policy, _app(0)), _probability(model, policy, _app(250))
    assert at_top < at_zero  # the spec's direction: a higher deductible never raises the risk
    strict = _with_thresholds(policy, refer_at=(at_zero + at_top) / 2)

    decision = decide(_app(0), check_results=clear_checks(NOW), policy=strict, model=model.scorer, now=NOW)

    assert decision.outcome is Outcome.REFERRED
    assert any(reason.source == "threshold" for reason in decision.reasons)
    assert decision.score is not None and decision.score.counterfactual is not None
    counterfactual = decision.score.counterfactual
    assert set(counterfactual.changes) <= {"cover.deductible_eur", "cover.insured_limit_eur"}
    assert counterfactual.outcome is Outcome.ACCEPTED
    changed = _app(
        counterfactual.changes.get("cover.deductible_eur", 0),
        counterfactual.changes.get("cover.insured_limit_eur", 2_500_000),
    )
    again = decide(changed, check_results=clear_checks(NOW), policy=strict, model=model.scorer, now=NOW)
    assert again.outcome is Outcome.ACCEPTED
    assert again.score is not None and again.score.probability == pytest.approx(counterfactual.probability)
    assert "€ 0" in counterfactual.text.nl and "€0" in counterfactual.text.en


def test_no_counterfactual_is_stated_when_no_change_of_cover_changes_the_outcome(
    model: LoadedModel, policy: Policy
) -> None:
    at_zero = _probability(model, policy, _app(0))
    strict = _with_thresholds(policy, refer_at=at_zero / 10)  # even the best cover stays over it
    referred = decide(_app(0), check_results=clear_checks(NOW), policy=strict, model=model.scorer, now=NOW)
    assert referred.outcome is Outcome.REFERRED
    assert referred.score is not None and referred.score.counterfactual is None


def test_a_cover_change_is_not_offered_when_a_rule_would_still_refer(model: LoadedModel, policy: Policy) -> None:
    at_zero, at_top = _probability(model, policy, _app(0)), _probability(model, policy, _app(250))
    strict = _with_thresholds(policy, refer_at=(at_zero + at_top) / 2)
    arrears = check_result("credit", CheckStatus.CLEAR, NOW, arrears_count=2, arrears_recent_count=1)
    checks = clear_checks(NOW, arrears)
    decision = decide(_app(0), check_results=checks, policy=strict, model=model.scorer, now=NOW)
    assert decision.outcome is Outcome.REFERRED
    assert {r.code for r in decision.reasons} >= {"CREDIT_ARREARS"}
    assert decision.score is not None and decision.score.counterfactual is None


def test_an_objection_keeps_the_machines_counterfactual_as_advice(model: LoadedModel, policy: Policy) -> None:
    at_zero, at_top = _probability(model, policy, _app(0)), _probability(model, policy, _app(250))
    strict = _with_thresholds(policy, refer_at=(at_zero + at_top) / 2)
    objecting = _app(0, objects_to_automated_decision=True)
    decision = decide(objecting, check_results=clear_checks(NOW), policy=strict, model=model.scorer, now=NOW)
    assert decision.outcome is Outcome.REFERRED and decision.advice is Outcome.REFERRED
    assert decision.score is not None and decision.score.counterfactual is not None


@pytest.fixture
def scored_runtime(checked_runtime: DecisionRuntime, model: LoadedModel) -> DecisionRuntime:
    return checked_runtime.with_models(FixedModels({Product.AVP: model.scorer}))


def test_replay_reproduces_the_recorded_score_exactly(
    db: Database, scored_runtime: DecisionRuntime, client_id: str
) -> None:
    submitted = submit_application(
        db=db,
        runtime=scored_runtime,
        client_id=client_id,
        application=_app(0),
        idempotency_key=None,
        now=datetime.now(UTC),
    )
    record = submitted.record
    assert record["score"] is not None
    assert record["score"]["model"]["content_hash"].startswith("sha256:")
    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=scored_runtime, decision_id=record["id"])
    assert report.matches, report.differences


def test_replay_refuses_when_the_scoring_model_is_gone(
    db: Database, scored_runtime: DecisionRuntime, checked_runtime: DecisionRuntime, client_id: str
) -> None:
    submitted = submit_application(
        db=db,
        runtime=scored_runtime,
        client_id=client_id,
        application=_app(0),
        idempotency_key=None,
        now=datetime.now(UTC),
    )
    without = checked_runtime.with_models(FixedModels({}))
    with db.engine.connect() as connection, pytest.raises(NotReplayable, match="not in the models folder"):
        replay_decision(connection=connection, runtime=without, decision_id=submitted.record["id"])
    with db.engine.connect() as connection, pytest.raises(NotReplayable, match="models are switched off"):
        replay_decision(connection=connection, runtime=checked_runtime, decision_id=submitted.record["id"])


def test_the_shipped_policies_thresholds_are_ordered(runtime: DecisionRuntime) -> None:
    registry: PolicyRegistry = runtime.policies
    for product in Product:
        thresholds = registry.active(product, NOW.date()).thresholds
        assert 0 < thresholds.refer_at < thresholds.reject_at < 1


class BrokenModel:
    """A model that fails on every application."""

    ref = ModelRef(version="broken", content_hash="sha256:broken")

    def score(self, facts: object) -> RiskScore:
        raise ValueError("math domain error")


def test_a_model_that_fails_refers_to_a_person_and_never_rejects(policy: Policy) -> None:
    decision = decide(_app(), check_results=clear_checks(NOW), policy=policy, model=BrokenModel(), now=NOW)
    assert decision.outcome is Outcome.REFERRED
    assert [reason.code for reason in decision.reasons] == ["MODEL_UNAVAILABLE"]
    assert decision.score is None
    assert "zegt niets over u" in decision.reasons[0].applicant_text.nl


def test_a_decision_the_model_failed_on_replays_as_recorded(
    db: Database, checked_runtime: DecisionRuntime, client_id: str
) -> None:
    broken = checked_runtime.with_models(FixedModels({Product.AVP: BrokenModel()}))
    record = submit_application(
        db=db, runtime=broken, client_id=client_id, application=_app(), idempotency_key=None, now=datetime.now(UTC)
    ).record
    assert record["outcome"] == "referred" and record["score"] is None
    assert "MODEL_UNAVAILABLE" in [reason["code"] for reason in record["reasons"]]
    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=broken, decision_id=record["id"])
    assert report.matches, report.differences


def test_activations_unreadable_at_the_first_read_refer_rather_than_decide_without_a_model(
    tmp_path: Path, policy: Policy
) -> None:
    from sqlalchemy import create_engine

    from engine.model.registry import ActiveModels, ModelShelf

    unreachable = create_engine(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    model = ActiveModels(unreachable, ModelShelf.empty()).active(Product.AVP)
    assert model is not None
    decision = decide(_app(), check_results=clear_checks(NOW), policy=policy, model=model, now=NOW)
    assert decision.outcome is Outcome.REFERRED
    assert "MODEL_UNAVAILABLE" in [reason.code for reason in decision.reasons]


@pytest.mark.parametrize("value", [float("inf"), "12", -5])
def test_a_fact_the_model_cannot_score_refers_and_never_rejects(
    model: LoadedModel, policy: Policy, value: object
) -> None:
    facts = {**decide(_app(), check_results=clear_checks(NOW), policy=policy, now=NOW).facts}
    facts["credit.arrears_open_eur"] = value
    with pytest.raises((ValueError, TypeError)):
        model.scorer.score(facts)  # type: ignore[arg-type]
