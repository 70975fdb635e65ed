"""decide(): the pure, deterministic core. No I/O; time comes in as ``now``.

The order of precedence, each step recorded:

1. Under 16: not processed at all (no rules, no checks, no score), a refusal that says why.
2. The machine's view: knockouts (and under 18) reject; referral rules, authority limits, unavailable checks and
   rules that could not be evaluated refer; a risk score at or over the policy's thresholds refers or rejects.
   When anything refers, a person decides, even if a knockout also hit (the knockout is then the machine's advice).
3. An applicant who objects to automated decision-making (in this application, or earlier: a standing objection),
   and every application while an administrator has suspended automated decisions, is referred; the machine's view
   is advice only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.decision import reasons as core
from engine.decision.counterfactual import RANK, find_counterfactual
from engine.domain.application import AvbApplication, AvpApplication, age_on
from engine.domain.checks import CheckResult, CheckStatus
from engine.domain.decision import Basis, Decision, Effect, Outcome, Reason, RiskScore, RuleEvaluation, RuleResult
from engine.policy.facts import FactCatalogue, FactValue, application_facts, check_facts, fact_namespace
from engine.policy.model import Policy
from engine.scoring import RiskModel

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def decide(
    application: AvpApplication | AvbApplication,
    *,
    check_results: Sequence[CheckResult] = (),
    policy: Policy,
    model: RiskModel | None = None,
    now: datetime,
    catalogue: FactCatalogue | None = None,
    person_first: Reason | None = None,
    explain: bool = True,
) -> Decision:
    """Decide one application. Same inputs, same decision: any recorded decision can be replayed.

    ``person_first`` is a reason from outside the application that a person must decide (a standing objection,
    suspended automation; one of ``reasons.PERSON_FIRST``). With a model, when the score crossed a threshold,
    ``explain`` looks for the smallest change of cover that would have given a better outcome (a counterfactual,
    verified by deciding the changed application again)."""
    if person_first is not None and person_first.code not in core.PERSON_FIRST:
        raise ValueError(f"{person_first.code} is not a reason to send an application to a person first")
    if application.product is not policy.product:
        raise ValueError(f"policy {policy.product} {policy.version} cannot decide a {application.product} application")
    today = now.astimezone(DUTCH_TIME).date()
    if is_under_16(application, now=now):
        return _not_processed(application, policy=policy, now=now)

    catalogue = catalogue or FactCatalogue.for_product(policy.product)
    facts = application_facts(application, today=today) | check_facts(check_results, catalogue)
    reasons: list[Reason] = []
    age = facts["applicant.age"]
    if isinstance(age, int) and age < 18:
        reasons.append(core.APPLICANT_UNDER_18)
    reasons += [
        core.check_unavailable(result.check, result.source)
        for result in check_results
        if result.status is CheckStatus.UNAVAILABLE
    ]

    evaluations = [rule.evaluate(facts) for rule in policy.rules]
    for rule, evaluation in zip(policy.rules, evaluations, strict=True):
        if evaluation.result is RuleResult.HIT:
            reasons.append(rule.text.reason(rule.effect, "policy"))
    if any(_unexplained(evaluation, check_results) for evaluation in evaluations):
        reasons.append(core.FACTS_MISSING)

    authority = policy.authority
    if application.cover.insured_limit_eur > authority.max_insured_limit_eur:
        reasons.append(authority.limit_text.reason(Effect.REFER, "authority"))
    if isinstance(application, AvbApplication) and application.company.sbi_code.startswith(
        authority.excluded_sbi_prefixes
    ):
        reasons.append(authority.sector_text.reason(Effect.REFER, "authority"))

    score = _score(model, facts, reasons)
    crossed = None
    if score is not None:
        thresholds = policy.thresholds
        if score.probability >= thresholds.reject_at:
            reasons.append(thresholds.reject_text.reason(Effect.REJECT, "threshold"))
            crossed = thresholds.reject_at
        elif score.probability >= thresholds.refer_at:
            reasons.append(thresholds.refer_text.reason(Effect.REFER, "threshold"))
            crossed = thresholds.refer_at

    effects = {reason.effect for reason in reasons}
    knocked_out = Effect.REJECT in effects
    if Effect.REFER in effects:
        machine, advice = Outcome.REFERRED, (Outcome.REJECTED if knocked_out else None)
    else:
        machine, advice = (Outcome.REJECTED if knocked_out else Outcome.ACCEPTED), None

    if (
        explain
        and crossed is not None
        and score is not None
        and model is not None
        and _cover_could_change(reasons, evaluations, policy, machine)  # after the cheap tests: the hot path
    ):

        def redecide(changed: AvpApplication | AvbApplication) -> Decision:
            machine_view = changed.model_copy(update={"objects_to_automated_decision": False})
            return decide(
                machine_view,
                check_results=check_results,
                policy=policy,
                model=model,
                now=now,
                catalogue=catalogue,
                explain=False,
            )

        try:
            found = find_counterfactual(
                application, machine=machine, threshold=crossed, model=model, facts=facts, redecide=redecide
            )
        except Exception:
            found = None
        score = score.model_copy(update={"counterfactual": found})

    first = core.OBJECTED_TO_AUTOMATED_DECISION if application.objects_to_automated_decision else person_first
    if first is not None:
        outcome, advice = Outcome.REFERRED, machine
        reasons.insert(0, first)
    else:
        outcome = machine
    return Decision(
        outcome=outcome,
        basis=Basis.AUTOMATED,
        advice=advice,
        reasons=reasons,
        rules=evaluations,
        facts=dict(facts),
        checks=list(check_results),
        score=score,
        policy=policy.ref,
        next_steps=core.next_steps(outcome, processed=True, automated=outcome is not Outcome.REFERRED),
    )


def _score(model: RiskModel | None, facts: dict[str, FactValue], reasons: list[Reason]) -> RiskScore | None:
    """The model's score; a model that fails on these facts refers the application to a person (never a rejection)."""
    if model is None:
        return None
    try:
        return model.score(facts)
    except Exception:
        reasons.append(core.MODEL_UNAVAILABLE)
        return None


def _cover_could_change(
    reasons: Sequence[Reason], evaluations: Sequence[RuleEvaluation], policy: Policy, machine: Outcome
) -> bool:
    """Whether another cover could give a better outcome at all: not when reasons that do not depend on the cover
    (a rule over other facts, an unavailable check, a sector outside the authority) already decide as badly."""
    cover_rules = {e.code for e in evaluations if any(fact.startswith("cover.") for fact in e.facts_used)}
    limit_code = policy.authority.limit_text.code
    fixed = {
        reason.effect
        for reason in reasons
        if reason.source != "threshold" and reason.code not in cover_rules and reason.code != limit_code
    }
    best = (
        Outcome.REFERRED if Effect.REFER in fixed else Outcome.REJECTED if Effect.REJECT in fixed else Outcome.ACCEPTED
    )
    return RANK[best] > RANK[machine]


def _unexplained(evaluation: RuleEvaluation, check_results: Sequence[CheckResult]) -> bool:
    """A rule that could not be evaluated for a reason other than an unavailable check (whose own reason already
    says why): a fact missing from an answer, or a condition that failed."""
    if evaluation.result is not RuleResult.NOT_EVALUABLE:
        return False
    down = {f"{fact_namespace(r.check)}." for r in check_results if r.status is CheckStatus.UNAVAILABLE}
    return not evaluation.missing_facts or any(not fact.startswith(tuple(down)) for fact in evaluation.missing_facts)


def is_under_16(application: AvpApplication | AvbApplication, *, now: datetime) -> bool:
    """Services are not aimed at children under 16: their applications are not processed at all."""
    return age_on(application.applicant.date_of_birth, now.astimezone(DUTCH_TIME).date()) < 16


def _not_processed(application: AvpApplication | AvbApplication, *, policy: Policy, now: datetime) -> Decision:
    return Decision(
        outcome=Outcome.REJECTED,
        basis=Basis.AUTOMATED,
        processed=False,
        reasons=[core.APPLICANT_UNDER_16],
        rules=[],
        facts={},
        policy=policy.ref,
        next_steps=core.next_steps(Outcome.REJECTED, processed=False, automated=True),
    )
