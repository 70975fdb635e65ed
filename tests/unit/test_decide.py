"""decide(): the pure decision core, against the shipped policies."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import yaml

from engine.decision import core as decision_core
from engine.decision import reasons as core
from engine.decision.reasons import CORE_CODES
from engine.domain.checks import CheckResult, CheckStatus
from engine.domain.decision import Basis, Decision, Effect, Outcome, RuleResult
from engine.domain.facts import ALL_CHECK_FACTS
from engine.domain.products import Product
from engine.policy.facts import FactCatalogue, FactSpec, fact_namespace
from engine.policy.loader import load_policy_text
from engine.policy.model import Policy
from engine.policy.registry import PolicyRegistry
from tests.factories import CLEAR_FACTS, application, avb_body, avp_body, check_result, claims, clear_checks
from tests.unit.conftest import NOW, TODAY, FakeModel

CREDIT = FactSpec("credit.arrears_count", "number", "Number of payment arrears registered.")


def years_ago(years: int, days: int = 0) -> str:
    return (TODAY.replace(year=TODAY.year - years) - timedelta(days=days)).isoformat()


def codes(decision: Decision) -> list[str]:
    return [reason.code for reason in decision.reasons]


def hits(decision: Decision) -> list[str]:
    return [rule.code for rule in decision.rules if rule.result is RuleResult.HIT]


def policy_for(registry: PolicyRegistry, body: dict[str, Any]) -> Policy:
    return registry.active(Product(body["product"]))


def check(name: str, status: CheckStatus, **facts: Any) -> CheckResult:
    return check_result(name, status, NOW, **facts)


def decide(app: Any, *, check_results: Any = None, **kwargs: Any) -> Decision:
    """decide() as the engine calls it: with all six checks, clear unless the test says otherwise."""
    results = clear_checks(NOW) if check_results is None else check_results
    return decision_core.decide(app, check_results=results, **kwargs)


# --- the valid starting points -------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [avp_body(TODAY), avb_body(TODAY)], ids=["AVP", "AVB"])
def test_the_factory_applications_are_accepted(registry: PolicyRegistry, body: dict[str, Any]) -> None:
    policy = policy_for(registry, body)
    decision = decide(application(body), policy=policy, now=NOW)
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.basis is Basis.AUTOMATED
    assert decision.advice is None
    assert decision.processed is True
    assert decision.reasons == []
    assert [rule.code for rule in decision.rules] == [rule.code for rule in policy.rules]
    assert {rule.result for rule in decision.rules} == {RuleResult.NO_HIT}
    assert decision.facts["applicant.age"] == 35
    assert decision.policy == policy.ref
    assert decision.score is None


# --- one row per rule of the shipped policies ----------------------------------------------------------------------

RULES: list[Any] = [
    # AVP knockouts
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100, 100, 100)),
        Outcome.REJECTED,
        None,
        ["CLAIMS_FREQUENCY_HIGH"],
        id="AVP-CLAIMS_FREQUENCY_HIGH",
    ),
    # No AVP application can hit CLAIMS_AMOUNT_HIGH alone (total > 25,000 means one claim above 10,000, two or
    # three claims, or four or more); four claims of 9,000 hit it with the frequency knockout only.
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 9_000, 9_000, 9_000, 9_000)),
        Outcome.REJECTED,
        None,
        ["CLAIMS_FREQUENCY_HIGH", "CLAIMS_AMOUNT_HIGH"],
        id="AVP-CLAIMS_AMOUNT_HIGH",
    ),
    # AVP referrals
    pytest.param(
        avp_body(TODAY, disclosure__refused_or_cancelled_before=True),
        Outcome.REFERRED,
        None,
        ["PREVIOUSLY_REFUSED_OR_CANCELLED"],
        id="AVP-PREVIOUSLY_REFUSED_OR_CANCELLED",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__criminal_record_last_8_years=True),
        Outcome.REFERRED,
        None,
        ["CRIMINAL_RECORD_DECLARED"],
        id="AVP-CRIMINAL_RECORD_DECLARED",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__insolvency=True),
        Outcome.REFERRED,
        None,
        ["INSOLVENCY_DECLARED"],
        id="AVP-INSOLVENCY_DECLARED",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100)),
        Outcome.REFERRED,
        None,
        ["CLAIMS_SEVERAL"],
        id="AVP-CLAIMS_SEVERAL-2",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100, 100)),
        Outcome.REFERRED,
        None,
        ["CLAIMS_SEVERAL"],
        id="AVP-CLAIMS_SEVERAL-3",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 10_001)),
        Outcome.REFERRED,
        None,
        ["LARGE_SINGLE_CLAIM"],
        id="AVP-LARGE_SINGLE_CLAIM",
    ),
    # AVB knockouts
    pytest.param(
        avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100, 100, 100, 100)),
        Outcome.REJECTED,
        None,
        ["CLAIMS_FREQUENCY_HIGH"],
        id="AVB-CLAIMS_FREQUENCY_HIGH",
    ),
    # As for AVP, CLAIMS_AMOUNT_HIGH (> 250,000) cannot hit alone; six claims of 45,000 add only the frequency one.
    pytest.param(
        avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, *[45_000] * 6)),
        Outcome.REJECTED,
        None,
        ["CLAIMS_FREQUENCY_HIGH", "CLAIMS_AMOUNT_HIGH"],
        id="AVB-CLAIMS_AMOUNT_HIGH",
    ),
    # AVB referrals
    pytest.param(
        avb_body(TODAY, disclosure__refused_or_cancelled_before=True),
        Outcome.REFERRED,
        None,
        ["PREVIOUSLY_REFUSED_OR_CANCELLED"],
        id="AVB-PREVIOUSLY_REFUSED_OR_CANCELLED",
    ),
    pytest.param(
        avb_body(TODAY, disclosure__criminal_record_last_8_years=True),
        Outcome.REFERRED,
        None,
        ["CRIMINAL_RECORD_DECLARED"],
        id="AVB-CRIMINAL_RECORD_DECLARED",
    ),
    pytest.param(
        avb_body(TODAY, disclosure__insolvency=True),
        Outcome.REFERRED,
        None,
        ["INSOLVENCY_DECLARED"],
        id="AVB-INSOLVENCY_DECLARED",
    ),
    pytest.param(
        avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100)),
        Outcome.REFERRED,
        None,
        ["CLAIMS_SEVERAL"],
        id="AVB-CLAIMS_SEVERAL-2",
    ),
    pytest.param(
        avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100, 100, 100)),
        Outcome.REFERRED,
        None,
        ["CLAIMS_SEVERAL"],
        id="AVB-CLAIMS_SEVERAL-4",
    ),
    pytest.param(
        avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 50_001)),
        Outcome.REFERRED,
        None,
        ["LARGE_SINGLE_CLAIM"],
        id="AVB-LARGE_SINGLE_CLAIM",
    ),
    pytest.param(
        avb_body(TODAY, company__staff_count=51),
        Outcome.REFERRED,
        None,
        ["COMPANY_SIZE_OUTSIDE_STANDARD"],
        id="AVB-COMPANY_SIZE_OUTSIDE_STANDARD-staff",
    ),
    pytest.param(
        avb_body(TODAY, company__annual_turnover_eur=10_000_001),
        Outcome.REFERRED,
        None,
        ["COMPANY_SIZE_OUTSIDE_STANDARD"],
        id="AVB-COMPANY_SIZE_OUTSIDE_STANDARD-turnover",
    ),
    pytest.param(
        avb_body(TODAY, company__founding_date=years_ago(1, days=-1), company__annual_turnover_eur=2_000_001),
        Outcome.REFERRED,
        None,
        ["YOUNG_COMPANY_HIGH_TURNOVER"],
        id="AVB-YOUNG_COMPANY_HIGH_TURNOVER",
    ),
    pytest.param(
        avb_body(TODAY, company__sbi_code="4311"),
        Outcome.REFERRED,
        None,
        ["SECTOR_DEMOLITION"],
        id="AVB-SECTOR_DEMOLITION",
    ),
]


@pytest.mark.parametrize(("body", "outcome", "advice", "expected"), RULES)
def test_each_rule_of_the_shipped_policies(
    registry: PolicyRegistry, body: dict[str, Any], outcome: Outcome, advice: Outcome | None, expected: list[str]
) -> None:
    decision = decide(application(body), policy=policy_for(registry, body), now=NOW)
    assert decision.outcome is outcome
    assert decision.advice is advice
    assert hits(decision) == expected
    assert codes(decision) == expected
    assert all(reason.source == "policy" for reason in decision.reasons)


def _on(name: str, status: CheckStatus = CheckStatus.HIT, **facts: Any) -> list[CheckResult]:
    return clear_checks(NOW, check(name, status, **facts))


FRAUD_SIGNALS = {
    "incident": {"incident_register": True},
    "inconsistencies": {"inconsistency_count": 2},
    "email": {"shared_email_persons": 2},
    "phone": {"shared_phone_persons": 2},
    "iban": {"shared_iban_persons": 2},
    "address": {"shared_address_persons": 4},
}

# (product, check results, outcome, codes, route): one row per rule over check facts in the shipped policies
CHECK_RULES = [
    *(
        pytest.param(product, results, Outcome.REFERRED, [code], route, id=f"{product}-{code}-{case}")
        for product in ("AVP", "AVB")
        for code, route, case, results in [
            ("CREDIT_ARREARS", None, "open", _on("credit", arrears_count=1)),
            ("CREDIT_ARREARS", None, "recent-resolved", _on("credit", arrears_recent_count=1)),
            ("CREDIT_DEBT_RESTRUCTURING", None, "wsnp", _on("credit", debt_restructuring=True)),
            ("CREDIT_SCORE_LOW", None, "band-e", _on("credit", CheckStatus.CLEAR, score_band="E")),
            ("INSOLVENCY_PERSON_ACTIVE", None, "running", _on("insolvency", person_active=True)),
            (
                "INSOLVENCY_PERSON_RECENTLY_ENDED",
                None,
                "ended",
                _on("insolvency", person_ended_recently=True),
            ),
            ("CLAIMS_NON_PAYMENT", None, "3y", _on("claims_history", non_payment_3y=1)),
            ("CLAIMS_CONTRACTUAL", None, "5y", _on("claims_history", contractual_5y=1)),
            ("INCIDENT_REGISTER", "fraud", "cis", _on("claims_history", incident_register=True)),
            ("SANCTIONS_POTENTIAL_MATCH", "compliance", "match", _on("sanctions", potential_match=True)),
            ("ADDRESS_NOT_VERIFIED", None, "mismatch", _on("identity", address_consistent=False)),
            ("DISPOSABLE_EMAIL", None, "disposable", _on("identity", disposable_email=True)),
            *(("FRAUD_SIGNALS", "fraud", signal, _on("fraud", **facts)) for signal, facts in FRAUD_SIGNALS.items()),
        ]
    ),
    pytest.param(
        "AVP",
        _on("claims_history", non_disclosure=True),
        Outcome.REFERRED,
        ["NON_DISCLOSURE"],
        None,
        id="AVP-NON_DISCLOSURE",
    ),
    pytest.param(
        "AVP",
        _on("claims_history", registered_5y=4),
        Outcome.REJECTED,
        ["CLAIMS_REGISTERED_FREQUENCY_HIGH"],
        None,
        id="AVP-CLAIMS_REGISTERED_FREQUENCY_HIGH",
    ),
    pytest.param(
        "AVB",
        _on("insolvency", company_active=True),
        Outcome.REJECTED,
        ["COMPANY_INSOLVENT"],
        None,
        id="AVB-COMPANY_INSOLVENT",
    ),
    pytest.param(
        "AVB",
        _on("insolvency", company_ended_recently=True),
        Outcome.REFERRED,
        ["COMPANY_INSOLVENCY_RECENTLY_ENDED"],
        None,
        id="AVB-COMPANY_INSOLVENCY_RECENTLY_ENDED",
    ),
]


@pytest.mark.parametrize(("product", "results", "outcome", "expected", "route"), CHECK_RULES)
def test_each_rule_on_check_facts(
    registry: PolicyRegistry,
    product: str,
    results: list[CheckResult],
    outcome: Outcome,
    expected: list[str],
    route: str | None,
) -> None:
    body = avp_body(TODAY) if product == "AVP" else avb_body(TODAY)
    decision = decide(application(body), policy=policy_for(registry, body), now=NOW, check_results=results)
    assert decision.outcome is outcome
    assert hits(decision) == expected
    assert codes(decision) == expected
    assert [reason.route for reason in decision.reasons] == [route]


@pytest.mark.parametrize("product", ["AVP", "AVB"])
def test_just_inside_the_check_rules_is_accepted(registry: PolicyRegistry, product: str) -> None:
    body = avp_body(TODAY) if product == "AVP" else avb_body(TODAY)
    results = clear_checks(
        NOW,
        check("credit", CheckStatus.CLEAR, score_band="D"),
        check("claims_history", CheckStatus.HIT, registered_5y=1 if product == "AVP" else 3),
        check("fraud", CheckStatus.HIT, shared_email_persons=1, shared_address_persons=3, inconsistency_count=1),
        check("insolvency", CheckStatus.CLEAR, kind="none"),
    )
    decision = decide(application(body), policy=policy_for(registry, body), now=NOW, check_results=results)
    assert decision.outcome is Outcome.ACCEPTED, codes(decision)


def test_fraud_and_sanctions_texts_do_not_tip_off_the_applicant(registry: PolicyRegistry) -> None:
    for policy in (registry.active(Product.AVP), registry.active(Product.AVB)):
        for rule in policy.rules:
            if rule.text.route == "fraud":
                assert "fraud" not in rule.text.applicant.en.lower()
                assert "fraude" not in rule.text.applicant.nl.lower()


def test_every_rule_of_the_shipped_policies_has_a_row(registry: PolicyRegistry) -> None:
    covered = {(param.id.split("-")[0], param.values[3][-1]) for param in RULES}
    covered |= {(param.values[0], param.values[3][-1]) for param in CHECK_RULES}
    shipped = {(policy.product.value, rule.code) for policy in registry.all() for rule in policy.rules}
    assert shipped == covered


BOUNDARIES: list[Any] = [
    pytest.param(avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100)), id="AVP-one-claim"),
    pytest.param(avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 10_000)), id="AVP-claim-10000"),
    pytest.param(avb_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 50_000)), id="AVB-claim-50000"),
    pytest.param(avb_body(TODAY, company__staff_count=50), id="AVB-staff-50"),
    pytest.param(avb_body(TODAY, company__annual_turnover_eur=10_000_000), id="AVB-turnover-10m"),
    pytest.param(
        avb_body(TODAY, company__founding_date=years_ago(1), company__annual_turnover_eur=2_000_001),
        id="AVB-company-one-year-old",
    ),
    pytest.param(
        avb_body(TODAY, company__founding_date=years_ago(0, days=10), company__annual_turnover_eur=2_000_000),
        id="AVB-young-company-turnover-2m",
    ),
    pytest.param(avb_body(TODAY, company__sbi_code="43110"), id="AVB-sbi-43110-is-not-4311"),
    pytest.param(avb_body(TODAY, company__sbi_code="3011"), id="AVB-sbi-30-not-excluded"),
]


@pytest.mark.parametrize("body", BOUNDARIES)
def test_just_inside_the_rules_is_accepted(registry: PolicyRegistry, body: dict[str, Any]) -> None:
    decision = decide(application(body), policy=policy_for(registry, body), now=NOW)
    assert decision.outcome is Outcome.ACCEPTED, codes(decision)
    assert decision.reasons == []


def test_all_hits_are_reported_not_only_the_first(avp_policy: Policy) -> None:
    body = avp_body(
        TODAY,
        disclosure__refused_or_cancelled_before=True,
        disclosure__criminal_record_last_8_years=True,
        disclosure__insolvency=True,
        disclosure__claims_last_5_years=claims(TODAY, 100, 12_000),
    )
    decision = decide(application(body), policy=avp_policy, now=NOW)
    expected = [
        "PREVIOUSLY_REFUSED_OR_CANCELLED",
        "CRIMINAL_RECORD_DECLARED",
        "INSOLVENCY_DECLARED",
        "CLAIMS_SEVERAL",
        "LARGE_SINGLE_CLAIM",
    ]
    assert hits(decision) == codes(decision) == expected
    assert len(decision.rules) == len(avp_policy.rules)
    assert decision.outcome is Outcome.REFERRED


def test_a_rule_evaluation_records_the_facts_it_used(avp_policy: Policy) -> None:
    body = avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 200))
    decision = decide(application(body), policy=avp_policy, now=NOW)
    several = next(rule for rule in decision.rules if rule.code == "CLAIMS_SEVERAL")
    assert several.facts_used == {"disclosure.claims_5y_count": 2, "disclosure.claims_5y_total_eur": 300}
    assert several.effect is Effect.REFER
    assert several.missing_facts == []
    assert decision.facts["disclosure.claims_5y_total_eur"] == 300


def test_referral_beats_knockout(avp_policy: Policy) -> None:
    body = avp_body(
        TODAY,
        disclosure__claims_last_5_years=claims(TODAY, 100, 100, 100, 100),
        disclosure__refused_or_cancelled_before=True,
    )
    decision = decide(application(body), policy=avp_policy, now=NOW)
    assert decision.outcome is Outcome.REFERRED
    assert decision.advice is Outcome.REJECTED
    assert codes(decision) == ["CLAIMS_FREQUENCY_HIGH", "PREVIOUSLY_REFUSED_OR_CANCELLED"]
    assert [step.action for step in decision.next_steps] == ["wait"]


# --- age -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "born",
    [
        pytest.param(years_ago(16, days=-1), id="day-before-16th-birthday"),
        pytest.param(years_ago(10), id="10"),
        pytest.param(TODAY.isoformat(), id="born-today"),
    ],
)
def test_under_16_is_not_processed(avp_policy: Policy, born: str) -> None:
    model = FakeModel(0.9)
    decision = decide(
        application(avp_body(TODAY, applicant__date_of_birth=born)),
        policy=avp_policy,
        now=NOW,
        model=model,
        check_results=[check("credit", CheckStatus.HIT, arrears_count=3)],
    )
    assert decision.processed is False
    assert decision.outcome is Outcome.REJECTED
    assert codes(decision) == ["APPLICANT_UNDER_16"]
    assert decision.rules == []
    assert decision.facts == {}
    assert decision.checks == []
    assert decision.score is None
    assert model.calls == []
    assert [step.action for step in decision.next_steps] == ["none"]


@pytest.mark.parametrize(
    ("born", "code"),
    [
        pytest.param(years_ago(16), "APPLICANT_UNDER_18", id="16th-birthday"),
        pytest.param(years_ago(18, days=-1), "APPLICANT_UNDER_18", id="day-before-18th-birthday"),
    ],
)
def test_16_and_17_are_processed_and_rejected(avp_policy: Policy, born: str, code: str) -> None:
    decision = decide(application(avp_body(TODAY, applicant__date_of_birth=born)), policy=avp_policy, now=NOW)
    assert decision.processed is True
    assert decision.outcome is Outcome.REJECTED
    assert codes(decision) == [code]
    assert decision.reasons[0].effect is Effect.REJECT
    assert len(decision.rules) == len(avp_policy.rules)


def test_18th_birthday_is_accepted(avp_policy: Policy) -> None:
    decision = decide(application(avp_body(TODAY, applicant__date_of_birth=years_ago(18))), policy=avp_policy, now=NOW)
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.facts["applicant.age"] == 18


def test_age_is_taken_on_the_dutch_date(avp_policy: Policy) -> None:
    # 23:30 UTC on 24 November is already 25 November in Amsterdam: the applicant turns 16 that day.
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    body = avp_body(TODAY, applicant__date_of_birth=date(2010, 11, 25).isoformat())
    decision = decide(application(body), policy=avp_policy, now=late)
    assert decision.processed is True
    assert decision.facts["applicant.age"] == 16
    earlier = decide(application(body), policy=avp_policy, now=late - timedelta(hours=1))
    assert earlier.processed is False


def test_under_16_wins_over_an_objection(avp_policy: Policy) -> None:
    body = avp_body(TODAY, applicant__date_of_birth=years_ago(15), objects_to_automated_decision=True)
    decision = decide(application(body), policy=avp_policy, now=NOW)
    assert decision.processed is False
    assert codes(decision) == ["APPLICANT_UNDER_16"]


# --- objection to automated decision-making ------------------------------------------------------------------------

OBJECTIONS: list[Any] = [
    pytest.param(avp_body(TODAY), Outcome.ACCEPTED, [], id="accepted"),
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100, 100, 100)),
        Outcome.REJECTED,
        ["CLAIMS_FREQUENCY_HIGH"],
        id="knocked-out",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__insolvency=True), Outcome.REFERRED, ["INSOLVENCY_DECLARED"], id="referred"
    ),
    pytest.param(
        avp_body(TODAY, applicant__date_of_birth=years_ago(17)), Outcome.REJECTED, ["APPLICANT_UNDER_18"], id="u18"
    ),
]


@pytest.mark.parametrize(("body", "machine", "machine_codes"), OBJECTIONS)
def test_an_objection_is_always_referred_with_the_machine_outcome_as_advice(
    avp_policy: Policy, body: dict[str, Any], machine: Outcome, machine_codes: list[str]
) -> None:
    without = decide(application(body), policy=avp_policy, now=NOW)
    assert without.outcome is machine
    body = copy.deepcopy(body) | {"objects_to_automated_decision": True}
    decision = decide(application(body), policy=avp_policy, now=NOW)
    assert decision.outcome is Outcome.REFERRED
    assert decision.advice is machine
    assert codes(decision) == ["OBJECTED_TO_AUTOMATED_DECISION", *machine_codes]
    assert [step.action for step in decision.next_steps] == ["wait"]


# --- the delegated authority ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(avb_body(TODAY, cover__insured_limit_eur=5_000_000), ["AUTHORITY_LIMIT_EXCEEDED"], id="limit-5m"),
        pytest.param(avb_body(TODAY, company__sbi_code="2011"), ["SECTOR_OUTSIDE_AUTHORITY"], id="sbi-2011"),
        pytest.param(avb_body(TODAY, company__sbi_code="06"), ["SECTOR_OUTSIDE_AUTHORITY"], id="sbi-06"),
        pytest.param(avb_body(TODAY, company__sbi_code="30300"), ["SECTOR_OUTSIDE_AUTHORITY"], id="sbi-30300"),
        pytest.param(
            avb_body(TODAY, cover__insured_limit_eur=5_000_000, company__sbi_code="3512"),
            ["AUTHORITY_LIMIT_EXCEEDED", "SECTOR_OUTSIDE_AUTHORITY"],
            id="both",
        ),
    ],
)
def test_beyond_the_authority_is_referred(avb_policy: Policy, body: dict[str, Any], expected: list[str]) -> None:
    decision = decide(application(body), policy=avb_policy, now=NOW)
    assert decision.outcome is Outcome.REFERRED
    assert decision.advice is None
    assert codes(decision) == expected
    assert {(reason.effect, reason.source) for reason in decision.reasons} == {(Effect.REFER, "authority")}
    assert hits(decision) == []


def test_the_authority_limit_itself_is_within_authority(avb_policy: Policy) -> None:
    body = avb_body(TODAY, cover__insured_limit_eur=2_500_000)
    assert decide(application(body), policy=avb_policy, now=NOW).outcome is Outcome.ACCEPTED


# --- checks --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "advice", "expected"),
    [
        pytest.param(avp_body(TODAY), None, ["CHECK_UNAVAILABLE"], id="otherwise-accepted"),
        pytest.param(
            avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100, 100, 100)),
            Outcome.REJECTED,
            ["CHECK_UNAVAILABLE", "CLAIMS_FREQUENCY_HIGH"],
            id="otherwise-rejected",
        ),
        pytest.param(
            avp_body(TODAY, applicant__date_of_birth=years_ago(17)),
            Outcome.REJECTED,
            ["APPLICANT_UNDER_18", "CHECK_UNAVAILABLE"],
            id="under-18",
        ),
    ],
)
def test_an_unavailable_check_refers_and_never_rejects(
    avp_policy: Policy, body: dict[str, Any], advice: Outcome | None, expected: list[str]
) -> None:
    results = clear_checks(NOW, check("credit", CheckStatus.UNAVAILABLE))
    decision = decide(application(body), policy=avp_policy, now=NOW, check_results=results)
    assert decision.outcome is Outcome.REFERRED
    assert decision.advice is advice
    assert codes(decision) == expected  # the credit rules could not be evaluated: the unavailable check says why
    assert decision.checks == results
    unavailable = next(reason for reason in decision.reasons if reason.code == "CHECK_UNAVAILABLE")
    assert "credit bureau" in unavailable.applicant_text.en  # says which source was missing
    assert "kredietbureau" in unavailable.applicant_text.nl


def test_available_checks_alone_change_nothing(avp_policy: Policy) -> None:
    results = clear_checks(NOW, check("sanctions", CheckStatus.HIT, listed=True))
    decision = decide(application(avp_body(TODAY)), policy=avp_policy, now=NOW, check_results=results)
    assert decision.outcome is Outcome.ACCEPTED
    assert decision.facts["sanctions.listed"] is True


@pytest.fixture(scope="module")
def credit_catalogue() -> FactCatalogue:
    return FactCatalogue.for_product(Product.AVP, check_facts=[CREDIT])


@pytest.fixture(scope="module")
def credit_policy(registry: PolicyRegistry) -> Policy:
    policy = registry.get(Product.AVP, "1.0.0")  # the version before the shipped rules on check facts
    assert policy is not None
    doc = yaml.safe_load(policy.source)
    doc["referrals"].append(
        {
            "code": "CREDIT_ARREARS",
            "when": "credit.arrears_count > 0",
            "applicant": {"nl": "Betalingsachterstand.", "en": "Payment arrears."},
            "underwriter": "Arrears registered.",
        }
    )
    return load_policy_text(
        yaml.safe_dump(doc),
        catalogue_for=lambda product: FactCatalogue.for_product(product, check_facts=[CREDIT]),
        reserved_codes=CORE_CODES,
    )


@pytest.mark.parametrize(
    ("results", "outcome", "result", "expected"),
    [
        pytest.param([check("credit", CheckStatus.CLEAR, arrears_count=0)], Outcome.ACCEPTED, RuleResult.NO_HIT, []),
        pytest.param(
            [check("credit", CheckStatus.HIT, arrears_count=2)],
            Outcome.REFERRED,
            RuleResult.HIT,
            ["CREDIT_ARREARS"],
            id="hit",
        ),
        pytest.param([], Outcome.REFERRED, RuleResult.NOT_EVALUABLE, ["FACTS_MISSING"], id="check-not-run"),
        pytest.param(
            [check("credit", CheckStatus.CLEAR).model_copy(update={"facts": {}})],
            Outcome.REFERRED,
            RuleResult.NOT_EVALUABLE,
            ["FACTS_MISSING"],
            id="fact-not-returned",
        ),
        pytest.param(
            [check("credit", CheckStatus.UNAVAILABLE)],
            Outcome.REFERRED,
            RuleResult.NOT_EVALUABLE,
            ["CHECK_UNAVAILABLE"],  # the unavailable check already says why the rule could not be evaluated
            id="check-unavailable",
        ),
    ],
)
def test_a_rule_on_a_missing_fact_is_not_evaluable_and_refers(
    credit_policy: Policy,
    credit_catalogue: FactCatalogue,
    results: list[CheckResult],
    outcome: Outcome,
    result: RuleResult,
    expected: list[str],
) -> None:
    decision = decide(
        application(avp_body(TODAY)), policy=credit_policy, now=NOW, check_results=results, catalogue=credit_catalogue
    )
    rule = next(rule for rule in decision.rules if rule.code == "CREDIT_ARREARS")
    assert rule.result is result
    assert rule.missing_facts == (["credit.arrears_count"] if result is RuleResult.NOT_EVALUABLE else [])
    assert decision.outcome is outcome
    assert codes(decision) == expected
    assert {rule.result for rule in decision.rules if rule.code != "CREDIT_ARREARS"} == {RuleResult.NO_HIT}


def test_an_unavailable_check_leaves_its_catalogued_facts_missing(
    credit_policy: Policy, credit_catalogue: FactCatalogue
) -> None:
    results = [check("credit", CheckStatus.UNAVAILABLE)]
    decision = decide(
        application(avp_body(TODAY)), policy=credit_policy, now=NOW, check_results=results, catalogue=credit_catalogue
    )
    assert "credit.arrears_count" in decision.facts
    assert decision.facts["credit.arrears_count"] is None


# --- risk score thresholds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("product", "probability", "outcome", "expected"),
    [
        pytest.param("AVP", 0.0, Outcome.ACCEPTED, [], id="AVP-0"),
        pytest.param("AVP", 0.129, Outcome.ACCEPTED, [], id="AVP-below-refer"),
        pytest.param("AVP", 0.13, Outcome.REFERRED, ["RISK_SCORE_ELEVATED"], id="AVP-at-refer"),
        pytest.param("AVP", 0.459, Outcome.REFERRED, ["RISK_SCORE_ELEVATED"], id="AVP-below-reject"),
        pytest.param("AVP", 0.46, Outcome.REJECTED, ["RISK_SCORE_HIGH"], id="AVP-at-reject"),
        pytest.param("AVP", 1.0, Outcome.REJECTED, ["RISK_SCORE_HIGH"], id="AVP-1"),
        pytest.param("AVB", 0.179, Outcome.ACCEPTED, [], id="AVB-below-refer"),
        pytest.param("AVB", 0.18, Outcome.REFERRED, ["RISK_SCORE_ELEVATED"], id="AVB-at-refer"),
        pytest.param("AVB", 0.47, Outcome.REJECTED, ["RISK_SCORE_HIGH"], id="AVB-at-reject"),
    ],
)
def test_risk_score_thresholds(
    registry: PolicyRegistry, product: str, probability: float, outcome: Outcome, expected: list[str]
) -> None:
    body = avp_body(TODAY) if product == "AVP" else avb_body(TODAY)
    model = FakeModel(probability)
    decision = decide(application(body), policy=policy_for(registry, body), now=NOW, model=model)
    assert decision.outcome is outcome
    assert codes(decision) == expected
    assert all(reason.source == "threshold" for reason in decision.reasons)
    assert decision.score is not None
    assert decision.score.probability == probability
    assert model.calls[0] == decision.facts  # later calls: the counterfactual search, with a changed cover
    assert all(call.keys() == decision.facts.keys() for call in model.calls)
    # a model whose score no cover changes: no counterfactual is stated
    assert decision.score.counterfactual is None


# --- determinism, product and next steps ---------------------------------------------------------------------------


def test_decide_is_deterministic(credit_policy: Policy, credit_catalogue: FactCatalogue) -> None:
    body = avp_body(TODAY, disclosure__claims_last_5_years=claims(TODAY, 100, 100), objects_to_automated_decision=True)
    results = [check("credit", CheckStatus.HIT, arrears_count=1), check("fraud", CheckStatus.UNAVAILABLE)]

    def run() -> Decision:
        return decide(
            application(body),
            policy=credit_policy,
            now=NOW,
            check_results=results,
            model=FakeModel(0.12),
            catalogue=credit_catalogue,
        )

    first, second = run(), run()
    assert first == second
    assert first.model_dump(mode="json") == second.model_dump(mode="json")


@pytest.mark.parametrize(
    ("body", "product"), [(avp_body(TODAY), Product.AVB), (avb_body(TODAY), Product.AVP)], ids=["AVP", "AVB"]
)
def test_a_policy_of_another_product_is_refused(
    registry: PolicyRegistry, body: dict[str, Any], product: Product
) -> None:
    with pytest.raises(ValueError, match="cannot decide"):
        decide(application(body), policy=registry.active(product), now=NOW)


AUTOMATED_FINAL = ["request_human_review", "contest", "object_to_automated_decision"]


@pytest.mark.parametrize(
    ("change", "outcome", "actions"),
    [
        pytest.param(lambda body: body, Outcome.ACCEPTED, AUTOMATED_FINAL, id="accepted"),
        pytest.param(
            lambda body: body | {"disclosure": body["disclosure"] | {"claims_last_5_years": claims(TODAY, *[1] * 4)}},
            Outcome.REJECTED,
            AUTOMATED_FINAL,
            id="rejected",
        ),
        pytest.param(
            lambda body: body | {"disclosure": body["disclosure"] | {"insolvency": True}},
            Outcome.REFERRED,
            ["wait"],
            id="referred",
        ),
        pytest.param(
            lambda body: body | {"applicant": body["applicant"] | {"date_of_birth": years_ago(12)}},
            Outcome.REJECTED,
            ["none"],
            id="not-processed",
        ),
    ],
)
def test_next_steps_per_outcome(
    avp_policy: Policy, change: Callable[[dict[str, Any]], dict[str, Any]], outcome: Outcome, actions: list[str]
) -> None:
    decision = decide(application(change(avp_body(TODAY))), policy=avp_policy, now=NOW)
    assert decision.outcome is outcome
    assert [step.action for step in decision.next_steps] == actions
    assert all(step.text.nl and step.text.en for step in decision.next_steps)


@pytest.mark.parametrize("outcome", [Outcome.ACCEPTED, Outcome.REJECTED])
def test_next_steps_after_a_human_decision_offer_only_contest(outcome: Outcome) -> None:
    assert [step.action for step in core.next_steps(outcome, processed=True, automated=False)] == ["contest"]


def test_the_clear_check_results_of_the_tests_name_every_check_fact() -> None:
    named = {f"{fact_namespace(check)}.{fact}" for check, facts in CLEAR_FACTS.items() for fact in facts}
    assert named == {spec.name for spec in ALL_CHECK_FACTS}
