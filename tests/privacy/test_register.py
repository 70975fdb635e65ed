"""The register of processing: generated from the privacy configuration, the policies in effect and the active
models, in Dutch and English; no database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from engine.cli import app
from engine.config import Settings
from engine.decision.core import DUTCH_TIME
from engine.decision.service import DecisionRuntime
from engine.domain.application import Language
from engine.domain.products import Product
from engine.model.registry import ModelShelf
from engine.policy.facts import FactCatalogue
from engine.privacy.config import PrivacyConfig
from engine.privacy.register import (
    ProcessingRegisterOut,
    ProductLogic,
    build_register,
    plain_condition,
    products_in_effect,
    read_config,
    render_markdown,
)
from engine.scoring import FixedModels

TODAY = datetime.now(DUTCH_TIME).date()
CONFIG_PATH = Settings().privacy_config


@pytest.fixture(scope="module")
def shipped() -> tuple[PrivacyConfig, str]:
    return read_config(CONFIG_PATH)


@pytest.fixture(scope="module")
def logic(runtime: DecisionRuntime, shipped_models: ModelShelf) -> list[ProductLogic]:
    """What decides today: the policies in effect and the shipped default models."""
    models = FixedModels({p: shipped_models.get(p.value, shipped_models.defaults[p.value]).scorer for p in Product})
    return products_in_effect(runtime.with_models(models), TODAY)


def _register(
    config: PrivacyConfig, config_hash: str, logic: list[ProductLogic], language: Language, **kwargs: bool
) -> ProcessingRegisterOut:
    return build_register(config, config_hash=config_hash, products=logic, language=language, as_of=TODAY, **kwargs)


@pytest.mark.parametrize("language", list(Language))
def test_holds_every_activity_category_recipient_and_retention_period_of_the_config(shipped, logic, language):
    config, config_hash = shipped
    lang = language.value

    register = _register(config, config_hash, logic, language)

    assert register.language is language
    assert [a.name for a in register.activities] == [a.name.in_language(lang) for a in config.activities]
    for entry, activity in zip(register.activities, config.activities, strict=True):
        assert entry.legal_basis == activity.legal_basis.in_language(lang)
        assert [c.key for c in entry.data_categories] == activity.data_categories
        assert [r.key for r in entry.recipients] == activity.recipients
        assert [r.key for r in entry.retention] == activity.retention
        assert entry.automated_decisions is activity.automated_decisions
    assert {c.key: c.text for c in register.data_categories} == {
        key: c.text.in_language(lang) for key, c in config.data_categories.items()
    }
    specials = {c.key for c in register.data_categories if c.special}
    assert specials == {key for key, c in config.data_categories.items() if c.special} >= {"criminal_record"}
    assert {r.key: r.text for r in register.recipients} == {
        key: r.text.in_language(lang) for key, r in config.recipients.items()
    }
    assert {"insurers", "experts", "investigators", "authorities"} <= {r.key for r in register.recipients}
    for entry in register.retention:
        rule = config.retention[entry.key]
        assert (entry.months, entry.counts_from, entry.justification) == (
            rule.months,
            rule.counts_from,
            rule.justification.in_language(lang),
        )
    assert len(register.retention) == len(config.retention)
    assert register.controller.supervisory_authority == config.controller.supervisory_authority.in_language(lang)
    assert register.transfers_outside_eea == config.transfers_outside_eea.in_language(lang)
    assert {s.right for s in register.automated_decision_making.safeguards} == {
        "human_intervention",
        "contest",
        "objection",
    }


@pytest.mark.parametrize("language", list(Language))
def test_names_each_products_policy_rules_thresholds_and_model_features(shipped, logic, language):
    config, config_hash = shipped

    adm = _register(config, config_hash, logic, language).automated_decision_making

    assert [p.product for p in adm.products] == [entry.policy.product.value for entry in logic]
    for product, entry in zip(adm.products, logic, strict=True):
        policy = entry.policy
        assert (product.policy_version, product.policy_hash) == (policy.version, policy.content_hash)
        codes = [rule.code for rule in product.rules]
        assert codes[: len(policy.rules)] == [rule.code for rule in policy.rules]
        assert policy.authority.limit_text.code in codes
        rule = product.rules[0]
        assert rule.applicant_text == policy.rules[0].text.applicant.in_language(language.value)
        assert (product.score.refer_at, product.score.reject_at) == (
            policy.thresholds.refer_at,
            policy.thresholds.reject_at,
        )
        assert product.score.used
        assert product.model is not None and entry.model is not None
        assert product.model.version == entry.model.ref.version
        assert product.model.content_hash == entry.model.ref.content_hash
        assert [f.name for f in product.model.features] == list(entry.model.features)  # type: ignore[attr-defined]
        assert all(f.how and f.moves in ("raises", "lowers", "depends", "none") for f in product.model.features)
        deductible = next(f for f in product.model.features if f.name == "cover.deductible_eur")
        assert deductible.moves == "lowers" and deductible.raises_text
    assert "APPLICANT_UNDER_16" in {rule.code for rule in adm.engine_rules}


def test_says_when_a_rule_applies_in_plain_words_and_withholds_screening_conditions(shipped, logic):
    config, config_hash = shipped

    public = _register(config, config_hash, logic, Language.EN)
    internal = _register(config, config_hash, logic, Language.EN, internal=True)

    avp = {rule.code: rule for rule in public.automated_decision_making.products[0].rules}
    assert avp["CLAIMS_FREQUENCY_HIGH"].condition == "disclosure.claims_5y_count >= 4"
    assert avp["CLAIMS_FREQUENCY_HIGH"].applies_when == "Number of claims declared for the last 5 years is 4 or more."
    assert avp["CLAIMS_FREQUENCY_HIGH"].effect_text == "rejection"
    fraud = avp["FRAUD_SIGNALS"]
    assert fraud.withheld and fraud.condition is None and fraud.facts == []
    assert fraud.applicant_text.startswith("We need to verify")
    internal_fraud = next(r for r in internal.automated_decision_making.products[0].rules if r.code == "FRAUD_SIGNALS")
    assert not internal_fraud.withheld and internal_fraud.condition


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            "disclosure.claims_5y_total_eur > 25000",
            "sum of the declared claim amounts of the last 5 years is more than 25,000",
        ),
        ("disclosure.criminal_record_8y", "A criminal record declared for the last 8 years"),
        ("identity.address_consistent == false", "not so: postcode, house number and city belong together"),
        ("credit.arrears_count >= 1 or credit.arrears_recent_count >= 1", "; or payment-arrears"),
        ("disclosure.claims_5y_count >= 2 and (disclosure.insolvency or disclosure.criminal_record_8y)", None),
        ("disclosure.claims_5y_count >= 2 and disclosure.insolvency or disclosure.criminal_record_8y", None),
        ("unknown.fact > 1", None),
    ],
)
def test_plain_condition(condition, expected):
    words = plain_condition(condition, FactCatalogue.for_product(Product.AVP))

    if expected is None:
        assert words is None
    else:
        assert words is not None and expected in words


def test_is_generated_from_the_configuration_not_written_into_the_code(shipped, logic, tmp_path: Path):
    raw = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    raw["recipients"]["reinsurers"] = {"text": {"nl": "Herverzekeraars", "en": "Reinsurers"}}
    raw["activities"][0]["recipients"].append("reinsurers")
    raw["retention"]["access_log"]["months"] = 18
    raw["activities"].append({**raw["activities"][-1], "name": {"nl": "Klanttevredenheid", "en": "Satisfaction"}})
    changed_path = tmp_path / "processing.yaml"
    changed_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    config, config_hash = read_config(changed_path)

    register = _register(config, config_hash, logic, Language.EN)

    assert config_hash != shipped[1]
    assert register.generated_from.config_sha256 == config_hash
    assert "Reinsurers" in [r.text for r in register.activities[0].recipients]
    assert next(r for r in register.retention if r.key == "access_log").months == 18
    assert register.activities[-1].name == "Satisfaction"
    assert len(register.activities) == len(shipped[0].activities) + 1


def test_generated_from_names_the_config_policies_and_models_it_was_made_from(shipped, logic):
    config, config_hash = shipped

    source = _register(config, config_hash, logic, Language.NL).generated_from

    assert source.config_sha256 == config_hash and config_hash.startswith("sha256:")
    assert [(p.product, p.version, p.content_hash) for p in source.policies] == [
        (e.policy.product.value, e.policy.version, e.policy.content_hash) for e in logic
    ]
    assert all(m.content_hash and m.content_hash.startswith("sha256:") for m in source.models)


def test_without_a_model_the_thresholds_play_no_part(shipped, logic):
    config, config_hash = shipped
    rules_only = [ProductLogic(policy=e.policy, model=None, catalogue=e.catalogue) for e in logic]

    register = _register(config, config_hash, rules_only, Language.NL)

    for product in register.automated_decision_making.products:
        assert product.model is None and not product.score.used
        assert product.score.what is not None and "alleen op de regels" in product.score.what
    assert all(m.version is None for m in register.generated_from.models)


def test_a_config_without_automated_decision_texts_still_gives_the_logic(shipped, logic):
    config, config_hash = shipped
    bare = config.model_copy(update={"automated_decision_making": None})

    adm = _register(bare, config_hash, logic, Language.EN).automated_decision_making

    assert adm.logic is None and adm.safeguards == []
    assert adm.products and adm.products[0].rules


@pytest.mark.parametrize(("language", "title"), [(Language.NL, "Register van"), (Language.EN, "Register of")])
def test_markdown_rendering(shipped, logic, language, title):
    config, config_hash = shipped
    register = _register(config, config_hash, logic, language)

    text = render_markdown(register)

    assert text.startswith(f"# {title}")
    assert config_hash in text
    for product in register.automated_decision_making.products:
        assert product.policy_hash in text
        assert "`CLAIMS_FREQUENCY_HIGH`" in text or product.product != "AVP"
    for activity in register.activities:
        assert activity.name in text
    assert "|---|" in text


def test_a_broken_config_is_refused_naming_the_file(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("controller: [1, 2]\n", encoding="utf-8")

    with pytest.raises(ValueError, match=r"broken\.yaml"):
        read_config(path)
    with pytest.raises(ValueError, match=r"missing\.yaml"):
        read_config(tmp_path / "missing.yaml")


# --- the command -----------------------------------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("UNDERWRITE_ENVIRONMENT", "development")
    monkeypatch.setenv("UNDERWRITE_DATABASE_URL", f"sqlite:///{tmp_path / 'register.db'}")
    monkeypatch.setenv("UNDERWRITE_MODELS_ENABLED", "false")  # the shipped models load in the tests above
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_register_export_writes_json_and_markdown(cli: CliRunner, tmp_path: Path):
    as_json = cli.invoke(app, ["register", "export", "--lang", "en"], catch_exceptions=False)
    out = tmp_path / "register.md"
    as_markdown = cli.invoke(app, ["register", "export", "--format", "markdown", "--out", str(out)])

    assert as_json.exit_code == 0, as_json.output
    register = ProcessingRegisterOut.model_validate_json(as_json.stdout)
    assert register.language is Language.EN
    assert as_markdown.exit_code == 0, as_markdown.output
    assert out.read_text(encoding="utf-8").startswith("# Register van verwerkingsactiviteiten")


def test_register_export_refuses_a_bad_config_without_a_traceback(cli: CliRunner, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("UNDERWRITE_PRIVACY_CONFIG", str(tmp_path / "nowhere.yaml"))

    result = cli.invoke(app, ["register", "export"])

    assert result.exit_code == 2
    assert "nowhere.yaml" in result.output and "Traceback" not in result.output
