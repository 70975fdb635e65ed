"""Which model decides: the artifacts under `models/` (the shelf, each loaded and verified when first needed; the
defaults at start-up), and the database's record of which one each product uses (activations). Activation passes
the fairness gate or records a person's justification; earlier models stay on the shelf so that their decisions
replay. Each process rereads the activations every few seconds, so an activation reaches every worker without a
restart; a model that should score but cannot is replaced by one that fails, so its applications go to a person."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from engine.domain.decision import ModelRef
from engine.domain.products import Product
from engine.model.artifact import METADATA_FILE, LoadedModel, ModelError, load_artifact
from engine.policy.facts import FactCatalogue
from engine.scoring import UNKNOWN_MODEL, RiskModel, UnavailableModel
from engine.store.tables import ModelActivationRecord, table_of

DEFAULTS_FILE = "defaults.json"  # {"AVP": "1.0.0", ...}: what a new database activates at first start
SHIPPED_DEFAULT = "system (shipped default)"
MIN_JUSTIFICATION = 20

_activations = table_of(ModelActivationRecord)
SAFE_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
log = structlog.get_logger(__name__)


class FairnessGateClosed(ModelError):
    """A model that fails the fairness gate, activated without a recorded justification."""


@dataclass(frozen=True)
class ModelShelf:
    """The artifacts in the models folder by product and version; each is loaded and verified when first needed
    (the active and default ones at start-up, an older one when a decision it made is replayed), so an artifact that
    no longer loads (trained with another scikit-learn) stops only what needs it, with its reason."""

    directory: Path | None
    catalogue_for: Callable[[Product], FactCatalogue] | None
    defaults: Mapping[str, str]
    _loaded: dict[tuple[str, str], LoadedModel] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @classmethod
    def empty(cls) -> ModelShelf:
        return cls(None, None, {})

    @classmethod
    def open(cls, directory: Path, catalogue_for: Callable[[Product], FactCatalogue]) -> ModelShelf:
        """The shelf of ``directory``, with its defaults (`defaults.json`) loaded and verified now."""
        defaults: dict[str, str] = {}
        defaults_path = directory / DEFAULTS_FILE
        if defaults_path.is_file():
            try:
                raw = json.loads(defaults_path.read_text(encoding="utf-8"))
                defaults = {str(Product(str(k).upper())): str(v) for k, v in raw.items()}
            except (ValueError, AttributeError) as exc:
                raise ModelError(f"{DEFAULTS_FILE}: not a mapping of product to version ({exc})") from exc
        shelf = cls(directory, catalogue_for, defaults)
        for product_code, version in defaults.items():
            if shelf.find(product_code, version) is None:
                raise ModelError(f"{DEFAULTS_FILE} names {product_code} {version}, which is not in the models folder")
        return shelf

    def versions(self, product: str) -> list[str]:
        """The versions in the models folder (loaded or not), oldest name first."""
        if self.directory is None:
            return []
        folder = self.directory / product.lower()
        if not folder.is_dir():
            return []
        return sorted(
            path.name
            for path in folder.iterdir()
            if SAFE_VERSION.fullmatch(path.name) and (path / METADATA_FILE).is_file()
        )

    def find(self, product: str, version: str) -> LoadedModel | None:
        """The verified model, or None when the folder has no such version; raises :class:`ModelError` when it is
        there but cannot be used."""
        key = (product, version)
        with self._lock:
            if key in self._loaded:
                return self._loaded[key]
            if self.directory is None or not SAFE_VERSION.fullmatch(version):
                return None
            folder = self.directory / product.lower() / version
            if not (folder / METADATA_FILE).is_file():
                return None
            catalogue = self.catalogue_for(Product(product)) if self.catalogue_for is not None else None
            model = load_artifact(folder, catalogue=catalogue)
            self._loaded[key] = model
            return model

    def get(self, product: str, version: str) -> LoadedModel:
        model = self.find(product, version)
        if model is None:
            known = ", ".join(self.versions(product)) or "none"
            raise ModelError(f"there is no {product} model {version} in the models folder (there are: {known})")
        return model


def _version_key(name: str) -> tuple[tuple[int, str], ...]:
    """1.10.0 after 1.9.0: numeric parts compare as numbers."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"[.\-_]", name))


def current_activation(connection: Connection, product: str) -> dict[str, Any] | None:
    row = (
        connection.execute(
            select(_activations).where(_activations.c.product == product).order_by(_activations.c.seq.desc()).limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def activation_history(connection: Connection, product: str | None = None) -> list[dict[str, Any]]:
    query = select(_activations).order_by(_activations.c.seq)
    if product is not None:
        query = query.where(_activations.c.product == product)
    return [dict(row) for row in connection.execute(query).mappings()]


def activate(
    connection: Connection,
    *,
    shelf: ModelShelf,
    product: str,
    version: str | None,
    by: str,
    now: datetime,
    justification: str | None = None,
) -> dict[str, Any]:
    """Record that ``product`` now uses ``version`` (None: no model, the rules alone). A model that fails the
    fairness gate needs a justification of at least 20 characters, which is recorded with the activation."""
    model = None
    if version is not None:
        model = shelf.get(product, version)
        fairness = model.fairness
        if not any(attribute.gated for attribute in fairness.attributes):
            raise FairnessGateClosed(
                f"{product} model {version} was not evaluated on any protected attribute: retrain it with the "
                "protected columns in the data and listed under `protected:` in its spec"
            )
        text = (justification or "").strip()
        if not fairness.passed and len(text) < MIN_JUSTIFICATION:
            problems = "; ".join(fairness.problems)
            raise FairnessGateClosed(
                f"{product} model {version} fails the fairness gate ({problems}); it is activated only with a "
                f"justification of at least {MIN_JUSTIFICATION} characters (--justification), which is recorded"
            )
    previous = current_activation(connection, product)
    seq = connection.execute(select(func.coalesce(func.max(_activations.c.seq), 0))).scalar_one() + 1
    row = {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "product": product,
        "version": version,
        "content_hash": model.ref.content_hash if model else None,
        "previous_version": previous["version"] if previous else None,
        "activated_by": by,
        "activated_at": now,
        "fairness_passed": model.fairness.passed if model else None,
        "justification": (justification or "").strip() or None,
    }
    connection.execute(insert(_activations).values(**row))
    return row


def ensure_activations(engine: Engine, shelf: ModelShelf, *, now: datetime) -> None:
    """At start-up: a product with no activation yet gets the shipped default (which must pass the fairness gate:
    nobody is there to justify it); the active model must load and be the one activated, or start-up stops."""
    for product in Product:
        with engine.connect() as connection:
            current = current_activation(connection, product.value)
        if current is None:
            default = shelf.defaults.get(product.value)
            if default is None:
                continue
            try:
                with engine.begin() as connection:
                    activate(
                        connection, shelf=shelf, product=product.value, version=default, by=SHIPPED_DEFAULT, now=now
                    )
            except FairnessGateClosed as exc:
                raise ModelError(
                    f"the shipped default {product.value} model cannot be activated by itself: {exc}. Activate a "
                    "model with `underwrite model activate`, or set no default"
                ) from exc
            except IntegrityError:  # another worker activated it at the same moment
                pass
            continue
        if current["version"] is None:
            continue
        model = shelf.find(product.value, current["version"])
        if model is None or model.ref.content_hash != current["content_hash"]:
            raise ModelError(
                f"{product.value} uses model {current['version']} ({current['content_hash']}), which is not in the "
                "models folder as activated: restore that artifact, or activate another with "
                "`underwrite model activate`"
            )


@dataclass
class ActiveModels:
    """The models decisions use now, read from the activations at most every ``ttl_seconds``; and any model on the
    shelf by version, for replay."""

    engine: Engine
    shelf: ModelShelf
    ttl_seconds: float = 5.0
    _active: dict[str, RiskModel | None] = field(default_factory=dict)
    _read_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def active(self, product: Product) -> RiskModel | None:
        now = time.monotonic()
        if now - self._read_at > self.ttl_seconds:
            with self._lock:
                if now - self._read_at > self.ttl_seconds:
                    self._active = self._read()
                    self._read_at = now
        return self._active.get(product.value)

    def _read(self) -> dict[str, RiskModel | None]:
        try:
            with self.engine.connect() as connection:
                rows = {product.value: current_activation(connection, product.value) for product in Product}
        except SQLAlchemyError:
            log.exception("model_activations_unreadable")
            if self._read_at != float("-inf"):
                return self._active  # keep deciding with the models read last
            why = "which model is active could not be read"
            return {product.value: UnavailableModel(UNKNOWN_MODEL, why) for product in Product}
        active: dict[str, RiskModel | None] = {}
        for code, row in rows.items():
            active[code] = None if not row or not row["version"] else self._model(code, row, self._active.get(code))
        return active

    def _model(self, code: str, row: dict[str, Any], previous: RiskModel | None) -> RiskModel:
        ref = ModelRef(version=row["version"], content_hash=row["content_hash"])
        try:
            model = self.shelf.get(code, row["version"])
        except ModelError as exc:
            log.exception("activated_model_unloadable", product=code, version=row["version"])
            # the activation was verified where it was made: keep the last good model, or refer to a person
            return previous if previous is not None else UnavailableModel(ref, str(exc))
        if model.ref.content_hash != row["content_hash"]:
            log.error("activated_model_differs", product=code, version=row["version"])
            why = f"{code} model {row['version']} differs from the one activated"
            return previous if previous is not None else UnavailableModel(ref, why)
        return model.scorer

    def for_record(self, product: Product, version: str, content_hash: str) -> RiskModel | None:
        model = self.shelf.find(product.value, version)
        if model is None or model.ref.content_hash != content_hash:
            return None
        return model.scorer
