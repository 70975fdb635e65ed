"""Properties of decide() over generated applications (Hypothesis)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.decision.core import decide
from engine.decision.reasons import CORE_CODES
from engine.domain.application import AvbApplication, AvpApplication, age_on
from engine.domain.checks import CheckResult, CheckStatus
from engine.domain.decision import Effect, Outcome
from engine.domain.products import PRODUCT_SPECS, Product
from engine.policy.registry import PolicyRegistry
from tests.factories import application, avb_body, avp_body, claims
from tests.unit.conftest import NOW, POLICY_DIR, TODAY, FakeModel

REGISTRY = PolicyRegistry.from_directory(POLICY_DIR, reserved_codes=CORE_CODES)
PROPERTY = settings(max_examples=100, deadline=None)


@st.composite
def applications(draw: st.DrawFn, *, min_age: int = 0, max_age: int = 90) -> AvpApplication | AvbApplication:
    product = draw(st.sampled_from(list(Product)))
    spec = PRODUCT_SPECS[product]
    age = draw(st.integers(min_value=min_age, max_value=max_age))
    born = TODAY.replace(year=TODAY.year - age) - timedelta(days=draw(st.integers(min_value=0, max_value=364)))
    amounts = draw(st.lists(st.integers(min_value=0, max_value=120_000), max_size=6))
    overrides: dict[str, Any] = {
        "applicant__date_of_birth": born.isoformat(),
        "cover__insured_limit_eur": draw(st.sampled_from(spec.insured_limits_eur)),
        "cover__deductible_eur": draw(st.sampled_from(spec.deductibles_eur)),
        "disclosure__claims_last_5_years": claims(TODAY, *amounts),
        "disclosure__refused_or_cancelled_before": draw(st.booleans()),
        "disclosure__criminal_record_last_8_years": draw(st.booleans()),
        "disclosure__insolvency": draw(st.booleans()),
        "objects_to_automated_decision": draw(st.booleans()),
    }
    if product is Product.AVP:
        body = avp_body(TODAY, household=draw(st.sampled_from(["single", "couple", "family"])), **overrides)
    else:
        body = avb_body(
            TODAY,
            company__sbi_code=draw(st.sampled_from(["4120", "4311", "2011", "3030", "6201", "35"])),
            company__staff_count=draw(st.integers(min_value=0, max_value=200)),
            company__annual_turnover_eur=draw(st.integers(min_value=0, max_value=20_000_000)),
            **overrides,
        )
    return application(body)


def check_results() -> st.SearchStrategy[list[CheckResult]]:
    one = st.builds(
        lambda name, status, arrears: CheckResult(
            check=name,
            status=status,
            facts={} if status is CheckStatus.UNAVAILABLE else {"arrears_count": arrears},
            source="fake",
            retrieved_at=NOW,
            duration_ms=1.0,
        ),
        st.sampled_from(["credit", "fraud", "sanctions"]),
        st.sampled_from(list(CheckStatus)),
        st.integers(min_value=0, max_value=5),
    )
    return st.lists(one, max_size=3)


probabilities = st.none() | st.floats(min_value=0.0, max_value=1.0)


def run(app: AvpApplication | AvbApplication, results: list[CheckResult], probability: float | None) -> Any:
    model = FakeModel(probability) if probability is not None else None
    return decide(app, policy=REGISTRY.active(app.product), now=NOW, check_results=results, model=model)


@PROPERTY
@given(app=applications(), results=check_results(), probability=probabilities)
def test_an_objecting_applicant_never_gets_an_automated_final_decision(
    app: AvpApplication | AvbApplication, results: list[CheckResult], probability: float | None
) -> None:
    app = app.model_copy(update={"objects_to_automated_decision": True})
    decision = run(app, results, probability)
    if decision.processed:  # an applicant under 16 is not processed at all, objection or not
        assert decision.outcome is Outcome.REFERRED
        assert decision.reasons[0].code == "OBJECTED_TO_AUTOMATED_DECISION"
        assert decision.advice is not None
    else:
        assert age_on(app.applicant.date_of_birth, TODAY) < 16


@PROPERTY
@given(app=applications(max_age=15), results=check_results(), probability=probabilities)
def test_an_applicant_under_16_is_never_processed(
    app: AvpApplication | AvbApplication, results: list[CheckResult], probability: float | None
) -> None:
    model = FakeModel(probability) if probability is not None else None
    decision = decide(app, policy=REGISTRY.active(app.product), now=NOW, check_results=results, model=model)
    assert decision.processed is False
    assert decision.outcome is Outcome.REJECTED
    assert [reason.code for reason in decision.reasons] == ["APPLICANT_UNDER_16"]
    assert decision.rules == []
    assert decision.checks == []
    assert decision.facts == {}
    assert decision.score is None
    assert model is None or model.calls == []


@PROPERTY
@given(app=applications(min_age=16), results=check_results(), probability=probabilities)
def test_an_applicant_of_16_or_over_is_processed(
    app: AvpApplication | AvbApplication, results: list[CheckResult], probability: float | None
) -> None:
    decision = run(app, results, probability)
    assert decision.processed is True
    assert len(decision.rules) == len(REGISTRY.active(app.product).rules)


@PROPERTY
@given(app=applications(), results=check_results(), probability=probabilities)
def test_decide_is_deterministic(
    app: AvpApplication | AvbApplication, results: list[CheckResult], probability: float | None
) -> None:
    assert run(app, results, probability) == run(app, list(results), probability)


@PROPERTY
@given(app=applications(min_age=16), results=check_results(), probability=probabilities)
def test_an_unavailable_check_never_yields_a_rejection(
    app: AvpApplication | AvbApplication, results: list[CheckResult], probability: float | None
) -> None:
    unavailable = CheckResult(
        check="identity", status=CheckStatus.UNAVAILABLE, source="fake", retrieved_at=NOW, duration_ms=300.0
    )
    decision = run(app, [*results, unavailable], probability)
    assert decision.outcome is Outcome.REFERRED
    assert "CHECK_UNAVAILABLE" in [reason.code for reason in decision.reasons]


@PROPERTY
@given(app=applications(), results=check_results(), probability=probabilities)
def test_accepted_means_no_reason_that_rejects_or_refers(
    app: AvpApplication | AvbApplication, results: list[CheckResult], probability: float | None
) -> None:
    decision = run(app, results, probability)
    effects = {reason.effect for reason in decision.reasons}
    if decision.outcome is Outcome.ACCEPTED:
        assert effects.isdisjoint({Effect.REJECT, Effect.REFER})
    elif decision.outcome is Outcome.REJECTED:
        assert Effect.REJECT in effects
        assert Effect.REFER not in effects or not decision.processed
    else:
        assert Effect.REFER in effects
