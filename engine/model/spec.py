"""The feature specification: which columns a model reads, how, in which direction risk may move with them, and which
columns are protected attributes, kept for fairness evaluation only and never used as features.

A spec is a YAML file (`data/model_specs/<name>.yaml`). For the products, feature names are fact names
(`disclosure.claims_5y_count`), so the model reads the same facts the policy's rules read; for a user's own history
(the benchmark command) they are the table's column names.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.domain.decision import LocalText

# Facts a product model may never read, whatever its spec says: age is a protected ground (the applicant's age is
# checked by rules only), identity facts describe the address and e-mail rather than the risk, and fraud and sanctions
# signals go to a person and must not surface, through a score or its reasons, to the applicant.
NEVER_FEATURES: dict[str, str] = {
    "applicant.age": "age is a protected attribute",
    "identity.": "identity facts (age, address, e-mail) are for verification, not risk",
    "fraud.": "fraud signals are for a person to weigh, and must not show in the reasons",
    "sanctions.": "a sanctions match is for compliance to weigh, and must not show in the reasons",
}


class SpecError(ValueError):
    """A feature specification that cannot be used, with the reason."""


class Direction(StrEnum):
    """How risk may move as a number grows: `up` (never lowers risk: more registered claims), `down` (never raises
    it: a higher deductible), or `free`. Trained coefficients that break a stated direction are not kept."""

    UP = "up"
    DOWN = "down"
    FREE = "free"


class Transform(StrEnum):
    NONE = "none"
    LOG1P = "log1p"  # counts and euro amounts: the step from 0 to 1 claim matters more than from 5 to 6


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FactorTexts(_Strict):
    """What the applicant reads when this feature is one of the main reasons, per direction of its contribution."""

    up: LocalText
    down: LocalText


class NumberFeature(_Strict):
    name: str
    type: Literal["number"]
    transform: Transform = Transform.NONE
    direction: Direction = Direction.FREE
    controllable: bool = Field(
        default=False,
        description="Within the applicant's control (cover, deductible): a counterfactual may change it.",
    )
    texts: FactorTexts | None = None


class BooleanFeature(_Strict):
    name: str
    type: Literal["boolean"]
    direction: Direction = Direction.FREE
    texts: FactorTexts | None = None
    controllable: Literal[False] = False


class CategoryFeature(_Strict):
    name: str
    type: Literal["category"]
    categories: tuple[str, ...] = Field(
        default=(),
        description="The known values; empty means learn them from the training data. Unknown values add nothing.",
    )
    texts: FactorTexts | None = None
    controllable: Literal[False] = False


Feature = Annotated[NumberFeature | BooleanFeature | CategoryFeature, Field(discriminator="type")]


class Target(_Strict):
    column: str
    bad: tuple[str | int | bool, ...] = Field(
        default=(1, True, "1", "bad"), description="Values of the target column that mean a bad outcome."
    )
    description: str = ""


class FeatureSpec(_Strict):
    name: str
    description: str = ""
    product: Literal["AVP", "AVB"] | None = Field(default=None, description="Set for a product's serving model.")
    target: Target
    features: tuple[Feature, ...] = Field(min_length=1)
    protected: tuple[str, ...] = Field(
        default=(), description="Protected attributes: evaluated for fairness, never features."
    )
    watch: tuple[str, ...] = Field(
        default=(), description="Possible proxies (postcode region): reported beside the protected attributes."
    )
    regularisation_c: float = Field(default=1.0, gt=0, description="Inverse L2 strength of the logistic regression.")
    content_hash: str = Field(default="", description="sha256 of the YAML text; set when loaded.")

    @model_validator(mode="after")
    def _consistent(self) -> FeatureSpec:
        names = [feature.name for feature in self.features]
        if len(set(names)) != len(names):
            raise ValueError("a feature is listed twice")
        used = set(names) & (set(self.protected) | set(self.watch))
        if used:
            raise ValueError(f"protected or watched columns cannot be features: {', '.join(sorted(used))}")
        if self.target.column in names:
            raise ValueError("the target column cannot be a feature")
        if self.product is not None:
            for name in names:
                for prefix, why in NEVER_FEATURES.items():
                    if name == prefix or (prefix.endswith(".") and name.startswith(prefix)):
                        raise ValueError(f"{name} cannot be a feature of a product model: {why}")
            if not self.protected:
                raise ValueError("a product model's spec lists its protected attributes (`protected:`) for the gate")
        return self

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(feature.name for feature in self.features)

    def feature(self, name: str) -> NumberFeature | BooleanFeature | CategoryFeature:
        return next(feature for feature in self.features if feature.name == name)

    @property
    def group_columns(self) -> tuple[str, ...]:
        return self.protected + self.watch

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "spec") -> FeatureSpec:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SpecError(f"{source}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise SpecError(f"{source}: a feature spec is a mapping")
        data["content_hash"] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise SpecError(f"{source}: {problems}") from exc

    @classmethod
    def load(cls, path: Path) -> FeatureSpec:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SpecError(f"cannot read feature spec {path.name}: {exc.strerror}") from exc
        return cls.from_yaml(text, source=path.name)
