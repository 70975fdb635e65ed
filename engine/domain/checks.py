"""Check results: what one source said about one application.

The checks themselves (credit, claims history, fraud, sanctions, insolvency, identity) plug in through
:class:`engine.checks.Check`; the decision core sees their results only through this type.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CheckStatus(StrEnum):
    CLEAR = "clear"
    HIT = "hit"
    UNAVAILABLE = "unavailable"


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    check: str = Field(description="Name of the check, e.g. `credit`; its facts are exposed as `credit.<fact>`.")
    status: CheckStatus
    facts: dict[str, Any] = Field(default_factory=dict)
    source: str
    source_version: str | None = None
    retrieved_at: datetime
    duration_ms: float = Field(ge=0)
    error: str | None = Field(default=None, description="Why the check was unavailable; never personal data.")
    restricted_to: str | None = Field(
        default=None,
        description="The staff role that alone may see this result's details (`fraud`, `compliance`). The facts stay "
        "in the decision record, which replay needs; a reviewer's view shows them only to that role.",
    )
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="What lies behind the facts (matched entries, registrations). Stored apart from the decision "
        "record, under `restricted_to` when set; not needed to replay the decision.",
    )

    def for_record(self) -> dict[str, Any]:
        """The result as the decision record keeps it: the details are stored apart, and only their SHA-256 is in
        the (hash-chained) record, so altered details are detected and erased ones leave the chain intact."""
        record = self.model_dump(mode="json", exclude={"details"})
        if self.details:
            text = json.dumps(self.details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
            record["details_sha256"] = hashlib.sha256(text.encode()).hexdigest()
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> CheckResult:
        """A result as read back from a decision record (without its details)."""
        return cls.model_validate({key: value for key, value in record.items() if key != "details_sha256"})
