"""A policy that loads never crashes decide(): type errors hidden behind `and` are found when it loads, and a
condition that fails at run time (e.g. a division by zero) makes its rule not evaluable, so a person decides."""

from __future__ import annotations

import pytest

from engine.decision.core import decide
from engine.domain.decision import Outcome, RuleResult
from engine.policy.loader import PolicyError
from tests.factories import application, avp_body
from tests.unit.conftest import NOW, TODAY
from tests.unit.test_policy_loader import first_knockout, load, policy_text


def test_a_type_error_behind_and_is_refused_when_the_policy_loads() -> None:
    text = policy_text(first_knockout(when="disclosure.insolvency and household.composition > 3"))
    with pytest.raises(PolicyError, match="CLAIMS_FREQUENCY_HIGH: malformed condition"):
        load(text)


def test_a_reserved_code_is_refused_as_reserved() -> None:
    with pytest.raises(PolicyError, match="FACTS_MISSING is reserved"):
        load(policy_text(first_knockout(code="FACTS_MISSING")))


def test_a_condition_failing_at_run_time_refers_instead_of_crashing() -> None:
    policy = load(policy_text(first_knockout(when="applicant.age / disclosure.claims_5y_count > 100")))
    decision = decide(application(avp_body(TODAY)), policy=policy, now=NOW)  # no claims: a division by zero
    rule = next(rule for rule in decision.rules if rule.code == "CLAIMS_FREQUENCY_HIGH")
    assert rule.result is RuleResult.NOT_EVALUABLE
    assert decision.outcome is Outcome.REFERRED
    assert "FACTS_MISSING" in [reason.code for reason in decision.reasons]
