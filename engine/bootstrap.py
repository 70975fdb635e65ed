"""Building the parts of a running system from settings; used by the app factory and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.checks.assembly import CheckSet, build_checks
from engine.checks.providers.local import LocalRegisters
from engine.config import DEMO_API_KEY, Environment, Settings
from engine.decision.core import DUTCH_TIME
from engine.decision.reasons import CORE_CODES
from engine.decision.service import DecisionRuntime
from engine.domain.products import Product
from engine.model.registry import ActiveModels, ModelShelf, ensure_activations
from engine.notice.predecision import NoticeRegistry
from engine.policy.loader import PolicyError
from engine.policy.registry import PolicyRegistry
from engine.review.intake import ReviewIntake, ReviewRules
from engine.review.overview import RubberStampRule
from engine.store.checks import SqlVelocityCounter
from engine.store.clients import create_api_client, get_client_by_prefix
from engine.store.database import Database
from engine.store.db import pending_migrations, upgrade
from engine.store.decisions import PolicySource, ensure_policy_version, get_policy_hash


def build_check_set(settings: Settings, db: Database, *, registers: LocalRegisters | None = None) -> CheckSet | None:
    """The checks, when enabled: embedded registers (loaded and verified here) or HTTP providers, fraud velocity
    counted from this database."""
    if not settings.checks_enabled:
        return None
    return build_checks(settings, velocity=SqlVelocityCounter(db.engine), registers=registers)


def build_review(settings: Settings, db: Database) -> ReviewIntake:
    """Review's part of intake: the service level and authority limits, and the automation switch."""
    rules = ReviewRules(
        due_working_days=settings.review_due_working_days, senior_limit_eur=settings.senior_cover_limit_eur
    )
    return ReviewIntake.for_engine(db.engine, rules, identity_secret=settings.secret_key.get_secret_value().encode())


def rubber_stamp_rule(settings: Settings) -> RubberStampRule:
    return RubberStampRule(
        agreement=settings.review_flag_agreement,
        median_seconds=settings.review_flag_median_seconds,
        min_decisions=settings.review_flag_min_decisions,
    )


def load_models(settings: Settings, runtime: DecisionRuntime) -> ModelShelf:
    """The trained models under ``settings.model_dir``; the defaults are verified now (library versions, spec,
    facts, file hashes) and a bad one stops start-up with its reason, the others when first needed."""
    if not settings.models_enabled or not settings.model_dir.is_dir():
        return ModelShelf.empty()
    return ModelShelf.open(settings.model_dir, runtime.catalogue)


def attach_models(settings: Settings, db: Database, runtime: DecisionRuntime, shelf: ModelShelf) -> DecisionRuntime:
    """Activate the shipped default model of a product that has none recorded yet, refuse an active model that is
    missing from the shelf, and let decisions use the active models."""
    if not settings.models_enabled:
        return runtime
    ensure_activations(db.engine, shelf, now=datetime.now(UTC))
    models = ActiveModels(db.engine, shelf, ttl_seconds=settings.model_refresh_seconds)
    for product in Product:  # the first read now, while the database is known to answer
        models.active(product)
    return runtime.with_models(models)


class NotMigrated(RuntimeError):
    """The database schema is behind the code."""


def build_runtime(settings: Settings) -> DecisionRuntime:
    """Load and validate policies and notices; any problem stops start-up with its message."""
    policies = PolicyRegistry.from_directory(settings.policy_dir, reserved_codes=CORE_CODES)
    policies.check_in_effect(datetime.now(DUTCH_TIME).date())
    return DecisionRuntime(
        policies=policies,
        notices=NoticeRegistry.from_directory(settings.notice_dir),
        token_key=settings.secret_key.get_secret_value().encode(),
    )


def open_database(settings: Settings, *, migrate: bool | None = None) -> Database:
    """Open the database; in development migrate it to head, elsewhere refuse a schema that is behind."""
    db = Database.open(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        batch_size=settings.writer_batch_size,
    )
    try:
        if migrate if migrate is not None else settings.environment is Environment.DEVELOPMENT:
            upgrade(db.engine)
        pending = pending_migrations(db.engine)
        if pending:
            raise NotMigrated(f"the database needs migrations {', '.join(pending)}: run `underwrite db upgrade`")
    except BaseException:
        db.close()
        raise
    return db


def ensure_demo_client(db: Database, settings: Settings) -> str | None:
    """In development only: the demo form client whose key the README's curl uses."""
    if settings.environment is not Environment.DEVELOPMENT:
        return None
    with db.engine.begin() as connection:
        if get_client_by_prefix(connection, DEMO_API_KEY.split("_")[1]) is None:
            create_api_client(connection, name="demo form (development only)", now=datetime.now(UTC), key=DEMO_API_KEY)
    return DEMO_API_KEY


def register_policies(db: Database, runtime: DecisionRuntime) -> None:
    """Store every loaded policy version, and refuse one whose content changed under a version already used:
    decisions must always replay with the policy that made them."""
    now = datetime.now(UTC)
    with db.engine.begin() as connection:
        for policy in runtime.policies.all():
            stored = get_policy_hash(connection, policy.product.value, policy.version)
            if stored is not None and stored != policy.content_hash:
                raise PolicyError(
                    f"policy {policy.product} {policy.version} differs from the one already recorded under that "
                    f"version ({stored[:19]}...): restore it, and give the changed policy a new version"
                )
            source = PolicySource(policy.product.value, policy.version, policy.content_hash, policy.source)
            ensure_policy_version(connection, source, now=now)
    db.stored_policies.update(policy.content_hash for policy in runtime.policies.all())
