"""Loading a policy document: everything that is not exactly right is refused with a clear message."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.decision.reasons import CORE_CODES
from engine.domain.decision import Effect
from engine.domain.products import Product
from engine.policy.facts import FactCatalogue, FactSpec
from engine.policy.loader import PolicyError, content_hash, load_policy_text, referenced_facts
from engine.policy.registry import PolicyRegistry
from tests.unit.conftest import POLICY_DIR

AVP_TEXT = (POLICY_DIR / "avp" / "1.0.0.yaml").read_text(encoding="utf-8")
AVP_DOC: dict[str, Any] = yaml.safe_load(AVP_TEXT)


def policy_text(change: Callable[[dict[str, Any]], object] = lambda doc: None) -> str:
    """The shipped AVP policy with one change, as YAML text."""
    doc = copy.deepcopy(AVP_DOC)
    change(doc)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def load(text: str) -> Any:
    return load_policy_text(text, source_name="test.yaml", reserved_codes=CORE_CODES)


def first_knockout(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc["knockouts"][0].update(fields)


def test_the_shipped_policy_loads_with_its_rules() -> None:
    policy = load(policy_text())
    assert policy.product is Product.AVP
    assert policy.version == "1.0.0"
    assert [rule.code for rule in policy.knockouts] == ["CLAIMS_FREQUENCY_HIGH", "CLAIMS_AMOUNT_HIGH"]
    assert {rule.effect for rule in policy.knockouts} == {Effect.REJECT}
    assert {rule.effect for rule in policy.referrals} == {Effect.REFER}
    assert policy.knockouts[0].facts == ("disclosure.claims_5y_count",)
    assert (policy.thresholds.refer_at, policy.thresholds.reject_at) == (0.08, 0.25)


def pop_key(path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[leaf]

    return change


def set_key(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[leaf] = value

    return change


REFUSALS: list[Any] = [
    pytest.param(
        first_knockout(when="disclosure.claim_5y_count >= 4"),
        [
            "rule CLAIMS_FREQUENCY_HIGH",
            "unknown fact 'disclosure.claim_5y_count'",
            "did you mean disclosure.claims_5y_count?",
        ],
        id="unknown-fact-with-hint",
    ),
    pytest.param(
        first_knockout(when="company.staff_count > 50"),
        ["unknown fact 'company.staff_count'"],
        id="fact-of-another-product",
    ),
    pytest.param(
        first_knockout(when="disclosure.claims_5y_count >="),
        ["rule CLAIMS_FREQUENCY_HIGH", "malformed condition 'disclosure.claims_5y_count >='"],
        id="malformed-dangling-operator",
    ),
    pytest.param(
        first_knockout(when="(disclosure.claims_5y_count > 1"),
        ["malformed condition"],
        id="malformed-unbalanced-bracket",
    ),
    pytest.param(
        first_knockout(when="household.composition > 3"),
        ["malformed condition 'household.composition > 3'"],
        id="type-error-string-vs-number",
    ),
    pytest.param(
        first_knockout(when="applicant.age + 1"),
        ["condition 'applicant.age + 1' must be true or false, not float"],
        id="number-not-boolean",
    ),
    pytest.param(
        first_knockout(when="household.composition"),
        ["must be true or false, not str"],
        id="string-not-boolean",
    ),
    pytest.param(pop_key("knockouts.0.applicant.nl"), ["knockouts.0.applicant.nl: Field required"], id="no-nl"),
    pytest.param(pop_key("referrals.1.applicant.en"), ["referrals.1.applicant.en: Field required"], id="no-en"),
    pytest.param(set_key("knockouts.0.applicant.en", "   "), ["knockouts.0.applicant.en"], id="blank-en"),
    pytest.param(pop_key("knockouts.1.underwriter"), ["knockouts.1.underwriter: Field required"], id="no-underwriter"),
    pytest.param(
        pop_key("authority.limit_reason.underwriter"),
        ["authority.limit_reason.underwriter: Field required"],
        id="no-underwriter-authority",
    ),
    pytest.param(pop_key("knockouts.0.when"), ["knockouts.0.when: Field required"], id="no-condition"),
    pytest.param(
        first_knockout(code="Claims_High"), ["knockouts.0.code: String should match pattern"], id="code-mixed"
    ),
    pytest.param(first_knockout(code="CLAIMS-HIGH"), ["knockouts.0.code"], id="code-dash"),
    pytest.param(first_knockout(code="_CLAIMS"), ["knockouts.0.code"], id="code-leading-underscore"),
    pytest.param(first_knockout(code="CLAIMS__HIGH"), ["knockouts.0.code"], id="code-double-underscore"),
    pytest.param(
        set_key("referrals.0.code", "CLAIMS_FREQUENCY_HIGH"),
        ["reason code CLAIMS_FREQUENCY_HIGH"],
        id="duplicate-knockout-referral",
    ),
    pytest.param(
        set_key("thresholds.refer_reason.code", "AUTHORITY_LIMIT_EXCEEDED"),
        ["reason code AUTHORITY_LIMIT_EXCEEDED"],
        id="duplicate-threshold-authority",
    ),
    pytest.param(first_knockout(code="FACTS_MISSING"), ["reason code FACTS_MISSING"], id="reserved-facts-missing"),
    pytest.param(
        set_key("referrals.0.code", "OBJECTED_TO_AUTOMATED_DECISION"),
        ["reason code OBJECTED_TO_AUTOMATED_DECISION"],
        id="reserved-objected",
    ),
    pytest.param(set_key("version", "1.0"), ["version: String should match pattern"], id="version-two-parts"),
    pytest.param(set_key("version", "01.0.0"), ["version"], id="version-leading-zero"),
    pytest.param(set_key("version", "1.0.0-rc1"), ["version"], id="version-prerelease"),
    pytest.param(set_key("version", "v1.0.0"), ["version"], id="version-v-prefix"),
    pytest.param(set_key("thresholds.refer_at", 0.25), ["refer_at must be below thresholds.reject_at"], id="refer-eq"),
    pytest.param(set_key("thresholds.refer_at", 0.3), ["refer_at must be below thresholds.reject_at"], id="refer-gt"),
    pytest.param(set_key("thresholds.reject_at", 1.5), ["thresholds.reject_at"], id="reject-above-1"),
    pytest.param(set_key("product", "WA"), ["product"], id="unknown-product"),
    pytest.param(set_key("owner", "me"), ["owner: Extra inputs are not permitted"], id="extra-field"),
    pytest.param(
        set_key("authority.excluded_sbi_prefixes", ["2a"]),
        ["authority.excluded_sbi_prefixes.0"],
        id="bad-sbi-prefix",
    ),
]


@pytest.mark.parametrize(("change", "expected"), REFUSALS)
def test_a_bad_policy_is_refused_with_a_clear_message(
    change: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    with pytest.raises(PolicyError) as caught:
        load(policy_text(change))
    message = str(caught.value)
    assert message.startswith("test.yaml: ")
    for part in expected:
        assert part in message


def test_reserved_codes_are_only_refused_when_given() -> None:
    text = policy_text(first_knockout(code="FACTS_MISSING"))
    assert load_policy_text(text).knockouts[0].code == "FACTS_MISSING"
    with pytest.raises(PolicyError):
        load_policy_text(text, reserved_codes=CORE_CODES)


def test_not_yaml_is_refused() -> None:
    with pytest.raises(PolicyError, match=r"^test\.yaml: not valid YAML"):
        load("product: [AVP\n")


def test_an_empty_document_is_refused() -> None:
    with pytest.raises(PolicyError, match=r"^test\.yaml: "):
        load("")


def test_a_check_fact_needs_a_catalogue_that_has_it() -> None:
    text = policy_text(
        lambda doc: doc["referrals"].append(
            {**doc["referrals"][0], "code": "ARREARS", "when": "credit.arrears_count > 0"}
        )
    )
    assert load(text).referrals[-1].facts == ("credit.arrears_count",)  # the default catalogue has every check fact

    def without_checks(product: Product) -> FactCatalogue:
        return FactCatalogue.for_product(product, check_facts=[FactSpec("credit.score_band", "string", "Band.")])

    with pytest.raises(PolicyError, match=r"unknown fact 'credit\.arrears_count'"):
        load_policy_text(text, catalogue_for=without_checks)


# --- content hash --------------------------------------------------------------------------------------------------


def test_content_hash_is_stable_for_the_same_text() -> None:
    first, second = load(AVP_TEXT), load(AVP_TEXT)
    assert first.content_hash == second.content_hash == content_hash(AVP_TEXT)
    assert first.content_hash.startswith("sha256:")
    assert len(first.content_hash) == len("sha256:") + 64
    assert first.source == AVP_TEXT


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(AVP_TEXT.replace(">= 4", ">= 5"), id="condition"),
        pytest.param(AVP_TEXT.replace("refer_at: 0.08", "refer_at: 0.09"), id="threshold"),
        pytest.param(AVP_TEXT + "\n# a comment\n", id="comment"),
    ],
)
def test_content_hash_changes_with_the_content(changed: str) -> None:
    assert changed != AVP_TEXT
    assert load(changed).content_hash != load(AVP_TEXT).content_hash


# --- referenced_facts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "facts"),
    [
        ("disclosure.claims_5y_count >= 4", ("disclosure.claims_5y_count",)),
        (
            "disclosure.claims_5y_count >= 2 and disclosure.claims_5y_count <= 3",
            ("disclosure.claims_5y_count",),
        ),
        (
            "company.staff_count > 50 or company.annual_turnover_eur > 1e7",
            ("company.staff_count", "company.annual_turnover_eur"),
        ),
        ("company.sbi_code == '4311'", ("company.sbi_code",)),
        ("household.composition == 'disclosure.insolvency'", ("household.composition",)),
        ('household.composition == "applicant.age"', ("household.composition",)),
        ("not disclosure.insolvency and true", ("disclosure.insolvency",)),
        ("applicant.age in [18..65] or null == false", ("applicant.age",)),
        ("len(household.composition) > 2", ("household.composition",)),
        ("upper (household.composition) == 'X'", ("household.composition",)),
        ("some([1, 2], #.amount > applicant.age)", ("applicant.age",)),
        ("all([1, 2], # > 0)", ()),
        ("1e5 > applicant.age", ("applicant.age",)),
    ],
)
def test_referenced_facts(condition: str, facts: tuple[str, ...]) -> None:
    assert referenced_facts(condition) == facts


# --- the registry --------------------------------------------------------------------------------------------------


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, target)
    return target


def write_version(directory: Path, product: str, version: str, file_version: str | None = None) -> None:
    source = (directory / product.lower() / "1.0.0.yaml").read_text(encoding="utf-8")
    text = source.replace("version: 1.0.0", f"version: {version}")
    assert text != source
    (directory / product.lower() / f"{file_version or version}.yaml").write_text(text, encoding="utf-8")


def test_registry_loads_every_product(policy_dir: Path) -> None:
    registry = PolicyRegistry.from_directory(policy_dir, reserved_codes=CORE_CODES)
    assert {(p.product, p.version) for p in registry.all()} == {
        (product, version) for product in Product for version in ("1.0.0", "1.1.0", "1.2.0")
    }
    assert registry.active(Product.AVB).product is Product.AVB


def test_registry_file_name_must_match_the_version(policy_dir: Path) -> None:
    write_version(policy_dir, "AVP", "1.1.0", file_version="1.2.0")
    with pytest.raises(PolicyError, match=r"must be stored as avp/1\.1\.0\.yaml"):
        PolicyRegistry.from_directory(policy_dir)


def test_registry_directory_must_match_the_product(policy_dir: Path) -> None:
    shutil.copy(policy_dir / "avp" / "1.0.0.yaml", policy_dir / "avb" / "2.0.0.yaml")
    with pytest.raises(PolicyError, match=r"must be stored as avp/1\.0\.0\.yaml"):
        PolicyRegistry.from_directory(policy_dir)


def test_registry_needs_a_policy_for_every_product(policy_dir: Path) -> None:
    shutil.rmtree(policy_dir / "avb")
    with pytest.raises(PolicyError, match="no policy for AVB"):
        PolicyRegistry.from_directory(policy_dir)


def test_registry_needs_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        PolicyRegistry.from_directory(tmp_path / "nowhere")


def test_registry_refuses_a_policy_with_a_reserved_code(policy_dir: Path) -> None:
    path = policy_dir / "avp" / "1.0.0.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("CLAIMS_SEVERAL", "CHECK_UNAVAILABLE"), encoding="utf-8")
    PolicyRegistry.from_directory(policy_dir)  # without reserved codes it loads
    with pytest.raises(PolicyError, match="CHECK_UNAVAILABLE"):
        PolicyRegistry.from_directory(policy_dir, reserved_codes=CORE_CODES)


def test_registry_newest_semver_is_active_and_old_versions_stay_reachable(policy_dir: Path) -> None:
    for version in ("1.9.0", "1.10.0", "1.2.0"):
        write_version(policy_dir, "AVP", version)
    registry = PolicyRegistry.from_directory(policy_dir)
    assert registry.active(Product.AVP).version == "1.10.0"
    assert registry.active(Product.AVB).version == "1.2.0"
    for version in ("1.0.0", "1.2.0", "1.9.0", "1.10.0"):
        policy = registry.get(Product.AVP, version)
        assert policy is not None
        assert policy.version == version
    assert registry.get(Product.AVP, "3.0.0") is None
    assert registry.get(Product.AVB, "1.10.0") is None


def test_registry_refuses_a_changed_policy_under_a_known_version(registry: PolicyRegistry) -> None:
    known = registry.active(Product.AVP)
    changed = load_policy_text(known.source.replace(">= 4", ">= 6"))
    scratch = PolicyRegistry(policies={Product.AVP: {known.version: known}})
    scratch.add(load_policy_text(known.source))  # the same content again is fine
    with pytest.raises(PolicyError, match="give a changed policy a new version"):
        scratch.add(changed)


def test_registry_load_stored_uses_its_reserved_codes(registry: PolicyRegistry) -> None:
    source = registry.active(Product.AVP).source
    assert registry.load_stored(source).content_hash == registry.active(Product.AVP).content_hash
    with pytest.raises(PolicyError, match="FACTS_MISSING"):
        registry.load_stored(source.replace("CLAIMS_SEVERAL", "FACTS_MISSING"))
