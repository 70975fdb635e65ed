"""The privacy configuration (`data/privacy/processing.yaml`): what personal data the system holds and where, why
(purposes and legal bases), who receives it, and how long each kind of record is kept. The retention run enforces
the `retention` part; the register of processing is generated from all of it, so the two cannot drift apart."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.config import PROJECT_ROOT
from engine.domain.decision import LocalText

DEFAULT_PATH = PROJECT_ROOT / "data" / "privacy" / "processing.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Controller(_Strict):
    name: str
    address: str
    contact: str
    supervisory_authority: LocalText  # where a data subject can complain


class DataCategory(_Strict):
    """A category of personal data, and the tables (and columns) that hold it."""

    text: LocalText
    special: LocalText | None = None  # e.g. criminal-law data (Art. 10 GDPR): why it is held, for breach reports
    tables: list[str] = Field(min_length=1)


class Recipient(_Strict):
    text: LocalText


class RetentionStart(StrEnum):
    """What a retention period counts from."""

    DECISION = "decision"  # the application's latest decision
    COVER_END = "cover_end"  # the end of the accepted cover (recorded with `underwrite cover end`)
    RECORDED = "recorded"  # when the row was written (access log, sightings: last seen)
    CLOSED = "closed"  # when a privacy request was closed
    SOURCE_EXPIRY = "source_expiry"  # when the external register's entry stopped being valid at its source


class RetentionRule(_Strict):
    """How long one kind of record is kept, from when, and why that long."""

    text: LocalText  # what is kept
    months: int = Field(ge=0, le=1200)
    counts_from: RetentionStart
    then: LocalText  # what happens afterwards (erased, pseudonymised)
    justification: LocalText


class Activity(_Strict):
    """One processing activity in the register."""

    name: LocalText
    purposes: list[LocalText] = Field(min_length=1)
    legal_basis: LocalText
    data_subjects: LocalText
    data_categories: list[str] = Field(min_length=1)
    recipients: list[str] = Field(default_factory=list)
    retention: list[str] = Field(default_factory=list)
    automated_decisions: bool = False


class Safeguard(_Strict):
    """A safeguard for people subject to automated decisions (Art. 22(3) GDPR), as the register states it."""

    right: str = Field(pattern=r"^[a-z][a-z_]*$")  # human_intervention, contest, objection, ...
    text: LocalText


class AutomatedDecisionMaking(_Strict):
    """What the register says about automated decision-making beyond what the policies and models state themselves:
    how a decision comes about, what the score is, and the safeguards."""

    logic: LocalText
    score: LocalText
    safeguards: list[Safeguard] = Field(min_length=1)


# The kinds of record the retention run knows how to find, in the order it works them; the configuration gives each
# its period.
RETENTION_CATEGORIES = (
    "rejected_applications",
    "accepted_after_cover_end",
    "check_results",
    "expired_register_data",
    "fraud_sightings",
    "access_log",
    "privacy_requests",
)


class PrivacyConfig(_Strict):
    controller: Controller
    data_categories: dict[str, DataCategory]
    recipients: dict[str, Recipient]
    retention: dict[str, RetentionRule]
    activities: list[Activity] = Field(min_length=1)
    transfers_outside_eea: LocalText
    security_measures: list[LocalText]
    automated_decision_making: AutomatedDecisionMaking | None = None  # the register's texts on Art. 22 decisions
    request_due_soon_days: int = Field(default=7, ge=1, le=27, description="Requests due within this are flagged.")

    @model_validator(mode="after")
    def _every_retention_category(self) -> Self:
        missing, unknown = (
            set(RETENTION_CATEGORIES) - set(self.retention),
            set(self.retention) - set(RETENTION_CATEGORIES),
        )
        if missing or unknown:
            problems = [
                f"missing {', '.join(sorted(missing))}" if missing else "",
                f"unknown {', '.join(sorted(unknown))}" if unknown else "",
            ]
            raise ValueError(
                f"retention: {'; '.join(p for p in problems if p)} (known: {', '.join(sorted(RETENTION_CATEGORIES))})"
            )
        return self

    @model_validator(mode="after")
    def _references_known(self) -> Self:
        for activity in self.activities:
            for name in activity.data_categories:
                if name not in self.data_categories:
                    raise ValueError(f"activity {activity.name.en!r}: unknown data category {name!r}")
            for name in activity.recipients:
                if name not in self.recipients:
                    raise ValueError(f"activity {activity.name.en!r}: unknown recipient {name!r}")
            for name in activity.retention:
                if name not in self.retention:
                    raise ValueError(f"activity {activity.name.en!r}: unknown retention category {name!r}")
        return self


def load_privacy_config(path: Path = DEFAULT_PATH) -> PrivacyConfig:
    """Read and validate the configuration; a problem raises ValueError naming the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot be read: {exc}") from exc
    try:
        return PrivacyConfig.model_validate(raw)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc
