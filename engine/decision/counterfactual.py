"""Counterfactuals: the smallest change within the applicant's control — a lower insured limit or a higher
deductible, among the product's options; never age, history or anything else — that would have given a better
outcome. A change is stated only when deciding the changed application again really gives that outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from engine.domain.application import AvbApplication, AvpApplication
from engine.domain.decision import Counterfactual, Decision, LocalText, Outcome
from engine.domain.products import PRODUCT_SPECS
from engine.policy.facts import FactValue
from engine.scoring import RiskModel

RANK = {Outcome.REJECTED: 0, Outcome.REFERRED: 1, Outcome.ACCEPTED: 2}
LIMIT, DEDUCTIBLE = "cover.insured_limit_eur", "cover.deductible_eur"

Application = AvpApplication | AvbApplication


def candidates(application: Application) -> Iterator[dict[str, int]]:
    """Changes in order of size: one field before two, fewer option steps before more, the deductible before the
    limit (it keeps the cover whole)."""
    spec = PRODUCT_SPECS[application.product]
    cover = application.cover
    deductibles = sorted(d for d in spec.deductibles_eur if d > cover.deductible_eur)
    limits = sorted((x for x in spec.insured_limits_eur if x < cover.insured_limit_eur), reverse=True)
    options: list[tuple[int, int, int, dict[str, int]]] = []
    for i, deductible in enumerate(deductibles, start=1):
        options.append((1, i, 0, {DEDUCTIBLE: deductible}))
    for j, limit in enumerate(limits, start=1):
        options.append((1, j, 1, {LIMIT: limit}))
    for i, deductible in enumerate(deductibles, start=1):
        for j, limit in enumerate(limits, start=1):
            options.append((2, i + j, 0, {DEDUCTIBLE: deductible, LIMIT: limit}))
    for *_order, change in sorted(options, key=lambda option: option[:3]):
        yield change


def find_counterfactual(
    application: Application,
    *,
    machine: Outcome,
    threshold: float,
    model: RiskModel,
    facts: dict[str, FactValue],
    redecide: Callable[[Application], Decision],
) -> Counterfactual | None:
    """The first candidate whose score falls under ``threshold`` (the one the score crossed) and whose re-decision
    (``redecide``: the machine's view, no person-first reason) gives a better outcome than ``machine``; None when no
    change within the applicant's control does."""
    for change in candidates(application):
        if model.score(facts | change).probability >= threshold:
            continue
        changed = application.model_copy(update={"cover": application.cover.model_copy(update=_fields(change))})
        again = redecide(changed)  # the machine's view: without a person-first reason
        outcome = again.outcome
        if RANK[outcome] > RANK[machine]:
            assert again.score is not None
            return Counterfactual(
                changes=change,
                outcome=outcome,
                probability=again.score.probability,
                text=_text(application, change, outcome),
            )
    return None


def _fields(change: dict[str, int]) -> dict[str, int]:
    return {name.removeprefix("cover."): value for name, value in change.items()}


def _euros(amount: int, language: str) -> str:
    grouped = f"{amount:,}"
    return f"€ {grouped.replace(',', '.')}" if language == "nl" else f"€{grouped}"


def _text(application: Application, change: dict[str, int], outcome: Outcome) -> LocalText:
    cover = application.cover
    nl_parts, en_parts = [], []
    if DEDUCTIBLE in change:
        was = cover.deductible_eur
        nl_parts.append(f"een eigen risico van {_euros(change[DEDUCTIBLE], 'nl')} (in plaats van {_euros(was, 'nl')})")
        en_parts.append(f"a deductible of {_euros(change[DEDUCTIBLE], 'en')} (instead of {_euros(was, 'en')})")
    if LIMIT in change:
        was = cover.insured_limit_eur
        nl_parts.append(f"een verzekerd bedrag van {_euros(change[LIMIT], 'nl')} (in plaats van {_euros(was, 'nl')})")
        en_parts.append(f"an insured amount of {_euros(change[LIMIT], 'en')} (instead of {_euros(was, 'en')})")
    if outcome is Outcome.ACCEPTED:
        nl_end, en_end = "zou uw aanvraag zijn geaccepteerd", "your application would have been accepted"
    else:
        nl_end = "zou een medewerker uw aanvraag hebben beoordeeld in plaats van hem af te wijzen"
        en_end = "a member of our staff would have assessed your application instead of rejecting it"
    return LocalText(
        nl=f"Met {' en '.join(nl_parts)} {nl_end}.",
        en=f"With {' and '.join(en_parts)}, {en_end}.",
    )
