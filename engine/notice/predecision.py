"""The pre-decision notice: versioned texts, in Dutch and English, that a form must show before submitting."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from engine.domain.products import Product

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
REQUIRED_SECTIONS = ("automated_decision", "data_used", "logic", "human_intervention", "objection")


class NoticeError(ValueError):
    """A notice file that cannot be used."""


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalisedText(_Doc):
    nl: Text
    en: Text


class NoticeSection(_Doc):
    id: Text
    title: LocalisedText
    body: LocalisedText


class PreDecisionNotice(_Doc):
    product: Product
    version: Annotated[str, StringConstraints(pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")]
    effective_from: date
    sections: list[NoticeSection]


@dataclass
class NoticeRegistry:
    notices: dict[Product, dict[str, PreDecisionNotice]] = field(default_factory=dict)
    hashes: dict[tuple[Product, str], str] = field(default_factory=dict)

    @classmethod
    def from_directory(cls, directory: Path) -> NoticeRegistry:
        registry = cls()
        for path in sorted(directory.glob("*/*.yaml")):
            text = path.read_text(encoding="utf-8")
            try:
                notice = PreDecisionNotice.model_validate(yaml.safe_load(text))
            except (ValidationError, yaml.YAMLError) as exc:
                raise NoticeError(f"{path}: {exc}") from exc
            if path.parent.name.upper() != notice.product.value or path.stem != notice.version:
                raise NoticeError(
                    f"{path}: a notice for {notice.product} version {notice.version} must be stored as "
                    f"{notice.product.value.lower()}/{notice.version}.yaml"
                )
            missing = [name for name in REQUIRED_SECTIONS if name not in {section.id for section in notice.sections}]
            if missing:
                raise NoticeError(f"{path}: the notice lacks the sections {', '.join(missing)}")
            registry.notices.setdefault(notice.product, {})[notice.version] = notice
            registry.hashes[(notice.product, notice.version)] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        missing_products = [product.value for product in Product if product not in registry.notices]
        if missing_products:
            raise NoticeError(f"{directory}: no pre-decision notice for {', '.join(missing_products)}")
        return registry

    def current(self, product: Product) -> PreDecisionNotice:
        versions = self.notices[product]
        return versions[max(versions, key=lambda v: tuple(int(p) for p in v.split(".")))]

    def get(self, product: Product, version: str) -> PreDecisionNotice | None:
        return self.notices.get(product, {}).get(version)
