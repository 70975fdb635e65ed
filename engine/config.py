"""Settings: the only place that reads the environment (variables prefixed ``UNDERWRITE_``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
DEMO_API_KEY = "uw_demo_localdevelopmentonly"  # printed on start in development; refused elsewhere


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UNDERWRITE_", env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'underwrite.db'}",
        description="SQLAlchemy URL: sqlite:///path (default) or postgresql+psycopg://user:pass@host/db.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET),
        description="Derives applicant tokens; must be set to a long random value outside development.",
    )
    policy_dir: Path = PROJECT_ROOT / "data" / "policies"
    notice_dir: Path = PROJECT_ROOT / "data" / "notices"
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    sqlite_synchronous: str = Field(default="FULL", pattern="^(FULL|NORMAL|EXTRA)$")
    writer_batch_size: int = Field(default=64, gt=0, description="Decisions committed together at most (group commit).")
    checks_enabled: bool = Field(
        default=True, description="Run the credit, claims-history, fraud, sanctions, insolvency and identity checks."
    )
    register_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "registers",
        description="The embedded registers (synthetic ones ship); used for every register without a URL.",
    )
    register_urls: dict[str, str] = Field(
        default_factory=dict,
        description="HTTP providers by register name (`credit`, `claims`, `insolvency`, `sanctions`, `incidents`, "
        '`postcodes`), as JSON, e.g. {"credit": "https://bureau.example.com/v1"}; `POST {url}/{name}/lookup`.',
    )
    register_api_key: SecretStr | None = Field(default=None, description="Bearer token sent to HTTP providers.")
    register_retries: int = Field(default=2, ge=0, le=5, description="Retries of a failed HTTP register read.")
    check_timeout_ms: int = Field(default=250, gt=0, description="Time one check may take.")
    check_budget_ms: int = Field(default=300, gt=0, description="Time all checks of one application may take together.")
    check_threads: int = Field(default=32, gt=0, le=512, description="Threads that run checks.")
    fraud_velocity_days: int = Field(default=30, gt=0, le=365, description="Window of the fraud velocity counts.")
    review_due_working_days: int = Field(
        default=5, gt=0, le=20, description="Working days a person has to decide a review case (never past one month)."
    )
    senior_cover_limit_eur: int = Field(
        default=2_500_000, gt=0, description="Insured limits above this need a senior underwriter's decision."
    )
    staff_session_hours: float = Field(default=8.0, gt=0, le=24, description="How long a staff login lasts.")
    review_flag_agreement: float = Field(
        default=0.95, gt=0, le=1, description="Agreement with the machine at or above which a reviewer is flagged..."
    )
    review_flag_median_seconds: float = Field(
        default=60.0, gt=0, description="...when their median handling time is also under this many seconds..."
    )
    review_flag_min_decisions: int = Field(default=10, gt=0, description="...over at least this many decisions.")
    models_enabled: bool = Field(
        default=True, description="Score applications with each product's active risk model (see `models/`)."
    )
    model_dir: Path = Field(default=PROJECT_ROOT / "models", description="Trained models: `<product>/<version>/`.")
    model_refresh_seconds: float = Field(
        default=5.0, gt=0, le=300, description="How often a process rereads which model is active."
    )
    privacy_config: Path = Field(
        default=PROJECT_ROOT / "data" / "privacy" / "processing.yaml",
        description="Data categories, purposes, legal bases, recipients and the retention schedule.",
    )
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _no_default_secrets_outside_development(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            secret = self.secret_key.get_secret_value()
            if secret == DEVELOPMENT_SECRET or len(secret) < 32:
                raise ValueError("UNDERWRITE_SECRET_KEY must be set to a random value of 32+ characters in production")
        return self

    @model_validator(mode="after")
    def _known_registers(self) -> Self:
        known = {"credit", "claims", "insolvency", "sanctions", "incidents", "postcodes"}
        for name, url in self.register_urls.items():
            if name not in known:
                known_names = ", ".join(sorted(known))
                raise ValueError(f"UNDERWRITE_REGISTER_URLS: unknown register {name!r}; known: {known_names}")
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"UNDERWRITE_REGISTER_URLS: the {name} URL must start with http:// or https://")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
