"""The register of processing (verwerkingsregister, Art. 30 GDPR), generated from what the system runs on: the privacy
configuration (`data/privacy/processing.yaml`), the policy in effect for each product and each product's active risk
model. Nothing in it is written by hand twice, so it cannot drift from the system; `generated_from` carries the
configuration's SHA-256 and the content hashes of the policies and models, so an auditor can see which ones.

`build_register` is pure (configuration, policies and models in; the register out, in one language); `render_markdown`
writes it as a document. `read_config` and `products_in_effect` gather the inputs from files and the runtime.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.decision.reasons import CORE_REASONS
from engine.domain.application import Language
from engine.domain.decision import Effect, LocalText, Reason
from engine.domain.products import Product
from engine.model.scorer import CategoryTerm, LinearScorer
from engine.model.spec import BooleanFeature, Direction, NumberFeature
from engine.policy.facts import FactCatalogue
from engine.policy.model import CompiledRule, Policy, ReasonText
from engine.privacy.config import PrivacyConfig, RetentionStart

if TYPE_CHECKING:
    from engine.decision.service import DecisionRuntime
    from engine.scoring import RiskModel


# --- the register as data (also the API's response model) -------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ControllerOut(_Out):
    name: str
    address: str
    contact: str
    supervisory_authority: str = Field(description="Where a data subject can lodge a complaint.")


class DataCategoryOut(_Out):
    key: str = Field(description="The category's key in the privacy configuration.")
    text: str
    special: str | None = Field(
        default=None, description="Set for special or sensitive data (e.g. criminal-law data): what and on which basis."
    )
    tables: list[str] = Field(description="The tables that hold it.")


class RecipientOut(_Out):
    key: str
    text: str


class RetentionOut(_Out):
    key: str
    text: str = Field(description="What is kept.")
    months: int
    counts_from: RetentionStart
    counts_from_text: str = Field(description="What the period counts from, in words.")
    then: str = Field(description="What happens afterwards.")
    justification: str


class ActivityOut(_Out):
    name: str
    purposes: list[str]
    legal_basis: str
    data_subjects: str
    data_categories: list[DataCategoryOut]
    recipients: list[RecipientOut]
    retention: list[RetentionOut]
    automated_decisions: bool = Field(description="Decisions based solely on automated processing (Art. 22 GDPR).")


class FactOut(_Out):
    name: str
    description: str | None = Field(default=None, description="What the fact means (English only for now).")


class RuleOut(_Out):
    code: str = Field(description="The stable reason code, as recorded with each decision.")
    source: Literal["core", "policy", "authority", "threshold"]
    effect: Effect
    effect_text: str = Field(description="What the rule does to the outcome, in words.")
    applicant_text: str = Field(description="What the applicant reads when the rule applies.")
    condition: str | None = Field(default=None, description="The policy's condition, exactly as it runs.")
    applies_when: str | None = Field(default=None, description="The condition in plain words, where it can be given.")
    facts: list[FactOut] = Field(default_factory=list, description="The facts the condition reads.")
    withheld: bool = Field(
        default=False,
        description="Fraud and sanctions screening: the condition is not published (it would show how to evade it); "
        "the policy's content hash identifies it for an auditor.",
    )


class ScoreOut(_Out):
    what: str | None = Field(default=None, description="What the risk score is.")
    refer_at: float = Field(description="At or above this score a member of staff decides.")
    reject_at: float = Field(description="At or above this score the application is rejected.")
    refer_text: str
    reject_text: str
    used: bool = Field(description="False when the product has no active model: the thresholds then play no part.")


class FeatureOut(_Out):
    name: str
    description: str | None = Field(default=None, description="What the fact means (English only for now).")
    kind: Literal["number", "boolean", "category"]
    direction: Direction | None = Field(
        default=None, description="The direction the model is constrained to: up (never lowers risk), down, free."
    )
    moves: Literal["raises", "lowers", "depends", "none"] = Field(
        description="How a higher value (or yes) moves the score in the model that runs."
    )
    how: str = Field(description="How the feature moves the outcome, in words.")
    raises_text: str | None = Field(default=None, description="What the applicant reads when it raised the risk.")
    lowers_text: str | None = Field(default=None, description="What the applicant reads when it lowered the risk.")


class ModelOut(_Out):
    version: str
    content_hash: str
    features: list[FeatureOut]
    usable: bool = Field(description="False when the active model cannot score: every application goes to a person.")


class ProductLogicOut(_Out):
    product: str
    policy_version: str
    policy_hash: str
    effective_from: date
    max_insured_limit_eur: int = Field(description="The insurers' delegated authority: above it a person decides.")
    rules: list[RuleOut]
    score: ScoreOut
    model: ModelOut | None = Field(description="None: decisions rest on the policy's rules alone.")


class SafeguardOut(_Out):
    right: str
    text: str


class AutomatedDecisionMakingOut(_Out):
    logic: str | None = None
    score: str | None = None
    engine_rules: list[RuleOut] = Field(description="Rules of the law and the engine itself, for every product.")
    products: list[ProductLogicOut]
    safeguards: list[SafeguardOut]


class PolicySourceOut(_Out):
    product: str
    version: str
    content_hash: str


class ModelSourceOut(_Out):
    product: str
    version: str | None
    content_hash: str | None


class GeneratedFromOut(_Out):
    config_sha256: str = Field(description="SHA-256 of the privacy configuration file, as read.")
    policies: list[PolicySourceOut]
    models: list[ModelSourceOut]


class ProcessingRegisterOut(_Out):
    """The register of processing (Art. 30 GDPR), in one language."""

    language: Language
    as_of: date = Field(description="The day whose policies and models it describes.")
    internal: bool = Field(default=False, description="True: the fraud and sanctions conditions are included.")
    controller: ControllerOut
    activities: list[ActivityOut]
    data_categories: list[DataCategoryOut]
    recipients: list[RecipientOut]
    retention: list[RetentionOut]
    transfers_outside_eea: str
    security_measures: list[str]
    automated_decision_making: AutomatedDecisionMakingOut
    generated_from: GeneratedFromOut


# --- inputs -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductLogic:
    """What decides one product's applications today: its policy, its active model (None: the rules alone) and the
    facts both read."""

    policy: Policy
    model: RiskModel | None
    catalogue: FactCatalogue


def config_sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def read_config(path: Path) -> tuple[PrivacyConfig, str]:
    """The privacy configuration and the SHA-256 of exactly the bytes it was read from; ValueError naming the file.
    Read on every call (an edit shows at once); parsed again only when the bytes changed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path.name}: cannot be read: {exc.strerror}") from exc
    try:
        return _parse_config(data), config_sha256(data)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc


@lru_cache(maxsize=4)
def _parse_config(data: bytes) -> PrivacyConfig:
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot be read: {exc}") from exc
    return PrivacyConfig.model_validate(raw)


def products_in_effect(runtime: DecisionRuntime, on: date) -> list[ProductLogic]:
    """Each product's policy in effect on ``on`` and its active model, as the runtime decides with them now."""
    return [
        ProductLogic(
            policy=runtime.policies.active(product, on),
            model=runtime.model_for(product),
            catalogue=runtime.catalogue(product),
        )
        for product in Product
        if product in runtime.policies.policies
    ]


# --- building ---------------------------------------------------------------------------------------------------------

SCREENING_ROUTES = frozenset({"fraud", "compliance"})  # rules whose conditions a public register does not show
_COUNTS_FROM = {
    RetentionStart.DECISION: LocalText(
        nl="de laatste beslissing over de aanvraag", en="the application's latest decision"
    ),
    RetentionStart.COVER_END: LocalText(nl="het einde van de verzekering", en="the end of the insurance"),
    RetentionStart.RECORDED: LocalText(
        nl="het moment van vastleggen (bij fraudesleutels: laatst gezien)",
        en="when it was recorded (for fraud-check keys: last seen)",
    ),
    RetentionStart.CLOSED: LocalText(nl="het afsluiten van het verzoek", en="when the request was closed"),
    RetentionStart.SOURCE_EXPIRY: LocalText(
        nl="het vervallen van de registratie bij de bron", en="when the registration lapsed at its source"
    ),
}
_EFFECT = {
    Effect.REJECT: LocalText(nl="afwijzing", en="rejection"),
    Effect.REFER: LocalText(nl="een medewerker beslist", en="a member of staff decides"),
}
_MOVES = {
    ("number", "raises"): LocalText(
        nl="Hoe hoger, hoe hoger de risicoscore.", en="The higher, the higher the risk score."
    ),
    ("number", "lowers"): LocalText(
        nl="Hoe hoger, hoe lager de risicoscore.", en="The higher, the lower the risk score."
    ),
    ("boolean", "raises"): LocalText(nl="Zo ja, dan is de risicoscore hoger.", en="If so, the risk score is higher."),
    ("boolean", "lowers"): LocalText(nl="Zo ja, dan is de risicoscore lager.", en="If so, the risk score is lower."),
    ("category", "depends"): LocalText(
        nl="Sommige waarden verhogen de risicoscore, andere verlagen die.",
        en="Some values raise the risk score, others lower it.",
    ),
}
_MOVES_NONE = LocalText(nl="Telt in het model niet mee (gewicht nul).", en="Does not count in the model (weight zero).")
_NO_MODEL = LocalText(
    nl="Geen actief risicomodel: de beslissing rust alleen op de regels.",
    en="No active risk model: decisions rest on the rules alone.",
)


def build_register(
    config: PrivacyConfig,
    *,
    config_hash: str,
    products: Sequence[ProductLogic],
    language: Language,
    as_of: date,
    internal: bool = False,
) -> ProcessingRegisterOut:
    """The register in ``language`` from the configuration (read with hash ``config_hash``) and what decides each
    product on ``as_of``. Pure: no I/O, the same inputs always give the same register. The conditions of the fraud
    and sanctions rules are left out (`withheld`) unless ``internal``: the register is public."""
    lang = language.value

    def say(text: LocalText) -> str:
        return text.in_language(lang)

    categories = {
        key: DataCategoryOut(
            key=key,
            text=say(category.text),
            special=say(category.special) if category.special else None,
            tables=list(category.tables),
        )
        for key, category in config.data_categories.items()
    }
    recipients = {key: RecipientOut(key=key, text=say(r.text)) for key, r in config.recipients.items()}
    retention = {
        key: RetentionOut(
            key=key,
            text=say(rule.text),
            months=rule.months,
            counts_from=rule.counts_from,
            counts_from_text=say(_COUNTS_FROM[rule.counts_from]),
            then=say(rule.then),
            justification=say(rule.justification),
        )
        for key, rule in config.retention.items()
    }
    activities = [
        ActivityOut(
            name=say(activity.name),
            purposes=[say(purpose) for purpose in activity.purposes],
            legal_basis=say(activity.legal_basis),
            data_subjects=say(activity.data_subjects),
            data_categories=[categories[key] for key in activity.data_categories],
            recipients=[recipients[key] for key in activity.recipients],
            retention=[retention[key] for key in activity.retention],
            automated_decisions=activity.automated_decisions,
        )
        for activity in config.activities
    ]
    adm = config.automated_decision_making
    controller = config.controller
    return ProcessingRegisterOut(
        language=language,
        as_of=as_of,
        internal=internal,
        controller=ControllerOut(
            name=controller.name,
            address=controller.address,
            contact=controller.contact,
            supervisory_authority=say(controller.supervisory_authority),
        ),
        activities=activities,
        data_categories=list(categories.values()),
        recipients=list(recipients.values()),
        retention=list(retention.values()),
        transfers_outside_eea=say(config.transfers_outside_eea),
        security_measures=[say(measure) for measure in config.security_measures],
        automated_decision_making=AutomatedDecisionMakingOut(
            logic=say(adm.logic) if adm else None,
            score=say(adm.score) if adm else None,
            engine_rules=[
                RuleOut(
                    code=reason.code,
                    source="core",
                    effect=reason.effect,
                    effect_text=say(_EFFECT[reason.effect]),
                    applicant_text=say(reason.applicant_text),
                )
                for reason in _core_reasons()
                if reason.effect is not None
            ],
            products=[_product(logic, lang, adm.score if adm else None, internal=internal) for logic in products],
            safeguards=[SafeguardOut(right=s.right, text=say(s.text)) for s in adm.safeguards] if adm else [],
        ),
        generated_from=GeneratedFromOut(
            config_sha256=config_hash,
            policies=[
                PolicySourceOut(
                    product=p.policy.product.value, version=p.policy.version, content_hash=p.policy.content_hash
                )
                for p in products
            ],
            models=[
                ModelSourceOut(
                    product=p.policy.product.value,
                    version=p.model.ref.version if p.model else None,
                    content_hash=p.model.ref.content_hash if p.model else None,
                )
                for p in products
            ],
        ),
    )


def _core_reasons() -> list[Reason]:
    """The engine's own reasons that change an outcome, each code once."""
    unique: dict[str, Reason] = {}
    for reason in CORE_REASONS:
        if reason.effect is not None:
            unique.setdefault(reason.code, reason)
    return list(unique.values())


def _product(logic: ProductLogic, lang: str, score_text: LocalText | None, *, internal: bool) -> ProductLogicOut:
    policy = logic.policy
    rules = [_rule(rule, lang, logic.catalogue, internal=internal) for rule in policy.rules]
    authority = policy.authority
    rules.append(
        _reason(
            authority.limit_text,
            Effect.REFER,
            "authority",
            lang,
            applies_when=f"The insured limit asked for is above {euros(authority.max_insured_limit_eur, lang)}."
            if lang == "en"
            else f"Het gevraagde verzekerde bedrag is hoger dan {euros(authority.max_insured_limit_eur, lang)}.",
        )
    )
    if authority.excluded_sbi_prefixes:
        prefixes = ", ".join(authority.excluded_sbi_prefixes)
        rules.append(
            _reason(
                authority.sector_text,
                Effect.REFER,
                "authority",
                lang,
                applies_when=f"The SBI activity code starts with {prefixes}."
                if lang == "en"
                else f"De SBI-activiteitcode begint met {prefixes}.",
            )
        )
    thresholds = policy.thresholds
    model = logic.model
    return ProductLogicOut(
        product=policy.product.value,
        policy_version=policy.version,
        policy_hash=policy.content_hash,
        effective_from=policy.effective_from,
        max_insured_limit_eur=authority.max_insured_limit_eur,
        rules=rules,
        score=ScoreOut(
            what=score_text.in_language(lang) if score_text and model else _NO_MODEL.in_language(lang),
            refer_at=thresholds.refer_at,
            reject_at=thresholds.reject_at,
            refer_text=thresholds.refer_text.applicant.in_language(lang),
            reject_text=thresholds.reject_text.applicant.in_language(lang),
            used=model is not None,
        ),
        model=_model(model, lang, logic.catalogue) if model is not None else None,
    )


def euros(amount: int, lang: str) -> str:
    """EUR 2,500,000 in English, EUR 2.500.000 in Dutch."""
    grouped = f"{amount:,}"
    return f"EUR {grouped.replace(',', '.') if lang == 'nl' else grouped}"


def _reason(
    text: ReasonText,
    effect: Effect,
    source: Literal["core", "policy", "authority", "threshold"],
    lang: str,
    *,
    condition: str | None = None,
    applies_when: str | None = None,
    facts: Iterable[FactOut] = (),
) -> RuleOut:
    return RuleOut(
        code=text.code,
        source=source,
        effect=effect,
        effect_text=_EFFECT[effect].in_language(lang),
        applicant_text=text.applicant.in_language(lang),
        condition=condition,
        applies_when=applies_when,
        facts=list(facts),
    )


def _rule(rule: CompiledRule, lang: str, catalogue: FactCatalogue, *, internal: bool) -> RuleOut:
    if rule.text.route in SCREENING_ROUTES and not internal:
        return _reason(rule.text, rule.effect, "policy", lang).model_copy(update={"withheld": True})
    described = {name: _description(name, catalogue, lang) for name in rule.facts}
    return _reason(
        rule.text,
        rule.effect,
        "policy",
        lang,
        condition=rule.condition,
        applies_when=_sentence(plain_condition(rule.condition, catalogue)) if lang == "en" else None,
        facts=[FactOut(name=name, description=text) for name, text in described.items()],
    )


def _sentence(text: str | None) -> str | None:
    return f"{text[0].upper()}{text[1:]}" if text else None


def _description(name: str, catalogue: FactCatalogue, lang: str) -> str | None:
    """The fact's meaning; the catalogue has it in English only, so a Dutch register names the fact alone."""
    spec = catalogue.specs.get(name)
    return spec.description if spec is not None and lang == "en" else None


def _model(model: RiskModel, lang: str, catalogue: FactCatalogue) -> ModelOut:
    if not isinstance(model, LinearScorer):  # a model that should score but cannot: every application to a person
        return ModelOut(version=model.ref.version, content_hash=model.ref.content_hash, features=[], usable=False)
    features: list[FeatureOut] = []
    for term in model.terms:
        feature = model.spec.feature(term.name)
        moves: Literal["raises", "lowers", "depends", "none"]
        if isinstance(term, CategoryTerm):
            moves = "depends" if any(value != 0 for value in term.by_value.values()) else "none"
        else:
            moves = "raises" if term.coef > 0 else "lowers" if term.coef < 0 else "none"
        direction = feature.direction if isinstance(feature, NumberFeature | BooleanFeature) else None
        how = _MOVES.get((feature.type, moves), _MOVES_NONE)
        features.append(
            FeatureOut(
                name=term.name,
                description=_description(term.name, catalogue, lang),
                kind=feature.type,
                direction=direction,
                moves=moves,
                how=how.in_language(lang),
                raises_text=feature.texts.up.in_language(lang) if feature.texts else None,
                lowers_text=feature.texts.down.in_language(lang) if feature.texts else None,
            )
        )
    return ModelOut(version=model.ref.version, content_hash=model.ref.content_hash, features=features, usable=True)


# --- conditions in plain words ----------------------------------------------------------------------------------------

_CLAUSE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+)"
    r"(?:\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>-?\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\"|true|false))?$"
)
_OPS = {
    ">=": "is {v} or more",
    ">": "is more than {v}",
    "<=": "is {v} or less",
    "<": "is less than {v}",
    "==": "is {v}",
    "!=": "is not {v}",
}


def plain_condition(condition: str, catalogue: FactCatalogue) -> str | None:
    """A simple condition (comparisons of facts with constants, joined by only `and` or only `or`) in plain English
    from the facts' descriptions; None for anything else, which the register then gives as the condition alone."""
    if "(" in condition or ")" in condition:
        return None
    for joiner, word in ((" and ", "; and "), (" or ", "; or ")):
        parts = [part.strip() for part in condition.split(joiner)]
        if len(parts) > 1:
            if any(" and " in part or " or " in part for part in parts):
                return None  # both joiners: the precedence would need explaining
            clauses = [_plain_clause(part, catalogue) for part in parts]
            return None if any(c is None for c in clauses) else word.join(str(c) for c in clauses) + "."
    clause = _plain_clause(condition.strip(), catalogue)
    return f"{clause}." if clause else None


def _plain_clause(clause: str, catalogue: FactCatalogue) -> str | None:
    match = _CLAUSE.match(clause)
    if match is None:
        return None
    spec = catalogue.specs.get(match["name"])
    if spec is None:
        return None
    subject = spec.description.rstrip(".")
    op, value = match["op"], match["value"]
    if op is None or (spec.type == "boolean" and op == "==" and value == "true"):
        return subject if spec.type == "boolean" else None
    if spec.type == "boolean" and op in ("==", "!=") and value in ("true", "false"):
        negated = (op == "==") == (value == "false")
        return f"not so: {subject[0].lower()}{subject[1:]}" if negated else subject
    shown = value.strip("'\"")
    if spec.type == "number":
        try:
            shown = f"{float(value):,.10g}"
        except ValueError:
            return None
    return f"{subject[0].lower()}{subject[1:]} {_OPS[op].format(v=shown)}"


# --- Markdown ---------------------------------------------------------------------------------------------------------

_HEADINGS = {
    "title": LocalText(nl="Register van verwerkingsactiviteiten", en="Register of processing activities"),
    "as_of": LocalText(nl="Stand van", en="As of"),
    "controller": LocalText(nl="Verwerkingsverantwoordelijke", en="Controller"),
    "contact": LocalText(nl="Contact", en="Contact"),
    "authority": LocalText(nl="Toezichthouder", en="Supervisory authority"),
    "activities": LocalText(nl="Verwerkingsactiviteiten", en="Processing activities"),
    "purposes": LocalText(nl="Doelen", en="Purposes"),
    "legal_basis": LocalText(nl="Grondslag", en="Legal basis"),
    "subjects": LocalText(nl="Betrokkenen", en="Data subjects"),
    "categories": LocalText(nl="Categorieën persoonsgegevens", en="Categories of personal data"),
    "recipients": LocalText(nl="Ontvangers", en="Recipients"),
    "none": LocalText(nl="geen", en="none"),
    "retention": LocalText(nl="Bewaartermijnen", en="Retention periods"),
    "months": LocalText(nl="maanden", en="months"),
    "from": LocalText(nl="vanaf", en="from"),
    "then": LocalText(nl="daarna", en="then"),
    "why": LocalText(nl="waarom", en="why"),
    "special": LocalText(nl="bijzonder", en="special"),
    "tables": LocalText(nl="tabellen", en="tables"),
    "adm": LocalText(nl="Geautomatiseerde besluitvorming", en="Automated decision-making"),
    "automated": LocalText(nl="Geautomatiseerde besluitvorming: ja", en="Automated decision-making: yes"),
    "engine_rules": LocalText(
        nl="Regels van wet en systeem (alle producten)", en="Rules of law and system (all products)"
    ),
    "policy": LocalText(nl="Acceptatiebeleid", en="Acceptance policy"),
    "effective": LocalText(nl="geldig vanaf", en="in effect from"),
    "rule": LocalText(nl="Regel", en="Rule"),
    "effect": LocalText(nl="Gevolg", en="Effect"),
    "applicant": LocalText(nl="Wat de aanvrager leest", en="What the applicant reads"),
    "when": LocalText(nl="Wanneer", en="When"),
    "authority_limit": LocalText(nl="Gedelegeerde bevoegdheid tot", en="Delegated authority up to"),
    "score": LocalText(nl="Risicoscore", en="Risk score"),
    "thresholds": LocalText(nl="Drempels", en="Thresholds"),
    "refer_at": LocalText(nl="voorleggen vanaf", en="refer at"),
    "reject_at": LocalText(nl="afwijzen vanaf", en="reject at"),
    "model": LocalText(nl="Risicomodel", en="Risk model"),
    "unusable": LocalText(
        nl="kan nu niet scoren: elke aanvraag gaat naar een medewerker",
        en="cannot score now: every application goes to a member of staff",
    ),
    "feature": LocalText(nl="Kenmerk", en="Feature"),
    "how": LocalText(nl="Invloed", en="How it moves the outcome"),
    "withheld": LocalText(
        nl="niet openbaar (fraude- en sanctiecontrole)", en="not published (fraud and sanctions screening)"
    ),
    "safeguards": LocalText(nl="Waarborgen", en="Safeguards"),
    "transfers": LocalText(nl="Doorgifte buiten de EER", en="Transfers outside the EEA"),
    "security": LocalText(nl="Beveiligingsmaatregelen", en="Security measures"),
    "generated": LocalText(nl="Gegenereerd uit", en="Generated from"),
    "config": LocalText(nl="privacyconfiguratie", en="privacy configuration"),
}


def render_markdown(register: ProcessingRegisterOut) -> str:
    """The register as a Markdown document in its own language."""
    lang = register.language.value

    def h(key: str) -> str:
        return _HEADINGS[key].in_language(lang)

    def cell(text: str | None) -> str:
        return (text or "").replace("|", "\\|").replace("\n", " ")

    out: list[str] = [f"# {h('title')}", "", f"{h('as_of')} {register.as_of.isoformat()}.", ""]
    c = register.controller
    out += [f"## {h('controller')}", "", f"{c.name}, {c.address}. {h('contact')}: {c.contact}", ""]
    out += [f"{h('authority')}: {c.supervisory_authority}", ""]
    out += [f"## {h('activities')}", ""]
    for number, activity in enumerate(register.activities, 1):
        out += [f"### {number}. {activity.name}", ""]
        out += [f"- **{h('purposes')}**: " + "; ".join(activity.purposes)]
        out += [f"- **{h('legal_basis')}**: {activity.legal_basis}", f"- **{h('subjects')}**: {activity.data_subjects}"]
        out += [f"- **{h('categories')}**: " + "; ".join(_category(cat) for cat in activity.data_categories)]
        out += [f"- **{h('recipients')}**: " + ("; ".join(r.text for r in activity.recipients) or h("none"))]
        out += [
            f"- **{h('retention')}**: "
            + ("; ".join(f"{r.text}: {r.months} {h('months')}" for r in activity.retention) or h("none"))
        ]
        if activity.automated_decisions:
            out += [f"- **{h('automated')}**"]
        out += [""]
    out += [
        f"## {h('categories')}",
        "",
        f"| | {h('categories')} | {h('special')} | {h('tables')} |",
        "|---|---|---|---|",
    ]
    out += [
        f"| `{d.key}` | {cell(d.text)} | {cell(d.special)} | {', '.join(d.tables)} |" for d in register.data_categories
    ]
    out += ["", f"## {h('recipients')}", ""]
    out += [f"- {r.text}" for r in register.recipients]
    out += ["", f"## {h('retention')}", ""]
    for r in register.retention:
        out += [
            f"- **{r.text}**: {r.months} {h('months')} {h('from')} {r.counts_from_text}; {h('then')}: {r.then}. "
            f"{h('why').capitalize()}: {r.justification}"
        ]
    adm = register.automated_decision_making
    out += ["", f"## {h('adm')}", ""]
    if adm.logic:
        out += [adm.logic, ""]
    if adm.score:
        out += [adm.score, ""]
    out += [f"### {h('engine_rules')}", "", *_rule_table(adm.engine_rules, h, cell), ""]
    for product in adm.products:
        out += [
            f"### {product.product}: {h('policy').lower()} {product.policy_version} "
            f"({h('effective')} {product.effective_from.isoformat()})",
            "",
            f"`{product.policy_hash}`",
            "",
            *_rule_table(product.rules, h, cell),
            "",
            f"{h('authority_limit')} {euros(product.max_insured_limit_eur, lang)}.",
            "",
        ]
        score = product.score
        if not score.used:  # the overview above says what the score is; here only that there is none
            out += [f"**{h('score')}**: {score.what or ''}", ""]
        out += [f"{h('thresholds')}: {h('refer_at')} {score.refer_at}; {h('reject_at')} {score.reject_at}.", ""]
        if product.model is not None:
            model = product.model
            state = f" — {h('unusable')}" if not model.usable else ""
            out += [f"**{h('model')}** {model.version} `{model.content_hash}`{state}", ""]
            if model.features:
                out += [f"| {h('feature')} | {h('how')} | {h('applicant')} |", "|---|---|---|"]
                for f in model.features:
                    texts = " / ".join(t for t in (f.raises_text, f.lowers_text) if t)
                    out += [f"| `{f.name}` {cell(f.description)} | {cell(f.how)} | {cell(texts)} |"]
                out += [""]
    if adm.safeguards:
        out += [f"### {h('safeguards')}", ""]
        out += [f"- {s.text}" for s in adm.safeguards]
        out += [""]
    out += [f"## {h('transfers')}", "", register.transfers_outside_eea, ""]
    out += [f"## {h('security')}", "", *[f"- {m}" for m in register.security_measures], ""]
    g = register.generated_from
    out += [f"## {h('generated')}", "", f"- {h('config')}: `{g.config_sha256}`"]
    out += [f"- {h('policy').lower()} {p.product} {p.version}: `{p.content_hash}`" for p in g.policies]
    out += [
        f"- {h('model').lower()} {m.product} {m.version}: `{m.content_hash}`"
        if m.version
        else f"- {h('model').lower()} {m.product}: {h('none')}"
        for m in g.models
    ]
    return "\n".join(out) + "\n"


def _category(category: DataCategoryOut) -> str:
    return f"{category.text} ({category.special})" if category.special else category.text


def _rule_table(rules: Sequence[RuleOut], h: Callable[[str], str], cell: Callable[[str | None], str]) -> list[str]:
    lines = [f"| {h('rule')} | {h('effect')} | {h('when')} | {h('applicant')} |", "|---|---|---|---|"]
    for rule in rules:
        when = rule.applies_when or (f"`{rule.condition}`" if rule.condition else "")
        if rule.withheld:
            when = h("withheld")
        lines.append(f"| `{rule.code}` | {cell(rule.effect_text)} | {cell(when)} | {cell(rule.applicant_text)} |")
    return lines
