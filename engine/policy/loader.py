"""Reading a policy document (YAML) and refusing anything that is not exactly right.

Conditions are expressions in the ZEN expression language (GoRules' zen-engine, MIT), compiled once here.
Before compiling, each condition's fact names are checked against the product's fact catalogue, and the compiled
condition is run against sample facts of the right types: it must yield a boolean.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
import zen
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from engine.domain.decision import Effect, LocalText
from engine.domain.products import Product
from engine.policy.facts import FactCatalogue, nest
from engine.policy.model import Authority, CompiledRule, Policy, ReasonText, Thresholds

_SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"
_CODE = r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$"
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# A dotted name that is not a member access (`.x`), a closure reference (`#.x`) or a function call (`len(`).
_NAME = re.compile(r"(?<![.#\w$])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?!\w|\s*\()")
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class PolicyError(ValueError):
    """A policy document that cannot be used; the message says which file, which rule and why."""


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _LocalTextDoc(_Doc):
    nl: Text
    en: Text


class _ReasonDoc(_Doc):
    code: Annotated[str, StringConstraints(pattern=_CODE)]
    applicant: _LocalTextDoc
    underwriter: Text
    route: Literal["underwriting", "senior_underwriting", "compliance", "fraud"] | None = None


class _RuleDoc(_ReasonDoc):
    when: Text


class _AuthorityDoc(_Doc):
    max_insured_limit_eur: int = Field(gt=0)
    excluded_sbi_prefixes: list[Annotated[str, StringConstraints(pattern=r"^[0-9]{1,5}$")]] = Field(
        default_factory=list
    )
    limit_reason: _ReasonDoc
    sector_reason: _ReasonDoc


class _ThresholdsDoc(_Doc):
    refer_at: float = Field(gt=0, lt=1)
    reject_at: float = Field(gt=0, le=1)
    refer_reason: _ReasonDoc
    reject_reason: _ReasonDoc


class _PolicyDoc(_Doc):
    product: Product
    version: Annotated[str, StringConstraints(pattern=_SEMVER)]
    effective_from: date
    description: Text
    knockouts: list[_RuleDoc] = Field(default_factory=list)
    referrals: list[_RuleDoc] = Field(default_factory=list)
    authority: _AuthorityDoc
    thresholds: _ThresholdsDoc


def load_policy(
    path: Path,
    *,
    catalogue_for: Any = FactCatalogue.for_product,
    reserved_codes: frozenset[str] = frozenset(),
) -> Policy:
    return load_policy_text(
        path.read_text(encoding="utf-8"),
        source_name=str(path),
        catalogue_for=catalogue_for,
        reserved_codes=reserved_codes,
    )


def load_policy_text(
    text: str,
    *,
    source_name: str = "<policy>",
    catalogue_for: Any = FactCatalogue.for_product,
    reserved_codes: frozenset[str] = frozenset(),
) -> Policy:
    """Parse, validate and compile one policy document. Raises :class:`PolicyError` with a clear message."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source_name}: not valid YAML: {exc}") from exc
    try:
        doc = _PolicyDoc.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(document)'}: {error['msg']}" for error in exc.errors()
        )
        raise PolicyError(f"{source_name}: {problems}") from exc
    if doc.thresholds.refer_at >= doc.thresholds.reject_at:
        raise PolicyError(f"{source_name}: thresholds.refer_at must be below thresholds.reject_at")

    catalogue: FactCatalogue = catalogue_for(doc.product)
    samples = [nest(sample) for sample in catalogue.samples()]
    reasons = [*doc.knockouts, *doc.referrals, doc.authority.limit_reason, doc.authority.sector_reason]
    reasons += [doc.thresholds.refer_reason, doc.thresholds.reject_reason]
    seen: set[str] = set()
    for reason in reasons:
        if reason.code in reserved_codes:
            raise PolicyError(f"{source_name}: reason code {reason.code} is reserved by the engine; choose another")
        if reason.code in seen:
            raise PolicyError(f"{source_name}: reason code {reason.code} is used twice")
        seen.add(reason.code)

    def compile_rule(rule: _RuleDoc, effect: Effect) -> CompiledRule:
        where = f"{source_name}: rule {rule.code}"
        facts = referenced_facts(rule.when)
        for name in facts:
            if name not in catalogue:
                close = difflib.get_close_matches(name, list(catalogue.specs), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise PolicyError(f"{where}: unknown fact {name!r}{hint} in condition {rule.when!r}")
        try:
            expression = zen.compile_expression(rule.when)
            probes = [expression.evaluate(sample) for sample in samples]
        except RuntimeError as exc:
            raise PolicyError(f"{where}: malformed condition {rule.when!r}: {_first_line(exc)}") from exc
        for probe in probes:
            if not isinstance(probe, bool):
                kind = type(probe).__name__
                raise PolicyError(f"{where}: condition {rule.when!r} must be true or false, not {kind}")
        return CompiledRule(
            text=_reason_text(rule), effect=effect, condition=rule.when, facts=facts, expression=expression
        )

    return Policy(
        product=doc.product,
        version=doc.version,
        content_hash=content_hash(text),
        effective_from=doc.effective_from,
        source=text,
        knockouts=tuple(compile_rule(rule, Effect.REJECT) for rule in doc.knockouts),
        referrals=tuple(compile_rule(rule, Effect.REFER) for rule in doc.referrals),
        authority=Authority(
            max_insured_limit_eur=doc.authority.max_insured_limit_eur,
            excluded_sbi_prefixes=tuple(doc.authority.excluded_sbi_prefixes),
            limit_text=_reason_text(doc.authority.limit_reason),
            sector_text=_reason_text(doc.authority.sector_reason),
        ),
        thresholds=Thresholds(
            refer_at=doc.thresholds.refer_at,
            reject_at=doc.thresholds.reject_at,
            refer_text=_reason_text(doc.thresholds.refer_reason),
            reject_text=_reason_text(doc.thresholds.reject_reason),
        ),
    )


def referenced_facts(condition: str) -> tuple[str, ...]:
    """The fact names a condition mentions, in order of first use (string literals and keywords left out)."""
    bare = _STRING_LITERAL.sub("''", condition)
    names = [name for name in _NAME.findall(bare) if name not in _KEYWORDS]
    return tuple(dict.fromkeys(names))


def content_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reason_text(doc: _ReasonDoc) -> ReasonText:
    return ReasonText(
        code=doc.code,
        applicant=LocalText(nl=doc.applicant.nl, en=doc.applicant.en),
        underwriter=doc.underwriter,
        route=doc.route,
    )


def _first_line(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        parsed = json.loads(message)
    except ValueError:
        return message
    return str(parsed.get("source", message)) if isinstance(parsed, dict) else message
