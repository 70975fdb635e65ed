"""A person's decision as a decision record: pure construction of its columns (no I/O)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.decision.reasons import next_steps
from engine.domain.decision import LocalText, Outcome, Reason

DECIDED_BY_PERSON = Reason(
    code="DECIDED_BY_PERSON",
    applicant_text=LocalText(
        nl="Een medewerker heeft uw aanvraag beoordeeld en deze beslissing genomen.",
        en="A member of our staff assessed your application and took this decision.",
    ),
    underwriter_text="A person decided; the rationale is in the review texts (their digest is in this record).",
    source="human",
)


@dataclass(frozen=True, slots=True)
class Conditions:
    """Conditions of an acceptance: a higher deductible, exclusion clauses."""

    deductible_eur: int | None = None
    exclusions: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"deductible_eur": self.deductible_eur, "exclusions": list(self.exclusions)}

    def reasons(self) -> list[Reason]:
        out = []
        if self.deductible_eur is not None:
            amount = f"{self.deductible_eur:,}".replace(",", ".")
            out.append(
                Reason(
                    code="CONDITION_HIGHER_DEDUCTIBLE",
                    applicant_text=LocalText(
                        nl=f"Wij accepteren uw aanvraag met een eigen risico van € {amount} per schade.",
                        en=f"We accept your application with a deductible of EUR {amount} per claim.",
                    ),
                    underwriter_text=f"Accepted with a deductible of EUR {self.deductible_eur}.",
                    source="human",
                )
            )
        for clause in self.exclusions:
            out.append(
                Reason(
                    code="CONDITION_EXCLUSION",
                    applicant_text=LocalText(
                        nl=f"Uitgesloten van de dekking: {clause}", en=f"Excluded from cover: {clause}"
                    ),
                    underwriter_text=f"Accepted with an exclusion: {clause}",
                    source="human",
                )
            )
        return out


def human_decision_row(
    replaced: dict[str, Any],
    *,
    outcome: Outcome,
    conditions: Conditions,
    review: dict[str, Any],
    decided_at: datetime,
) -> dict[str, Any]:
    """The columns of a person's decision replacing ``replaced``: the outcome and the reviewer's reasons, linked to
    the record it replaces (which holds the facts, rules and checks the person saw), under the same applicant token."""
    reasons = [DECIDED_BY_PERSON, *(conditions.reasons() if outcome is Outcome.ACCEPTED else [])]
    steps = next_steps(outcome, processed=True, automated=False)
    previous_notice = replaced["notice"]
    notice = {
        "language": previous_notice["language"],
        "pre_decision_notice": previous_notice.get("pre_decision_notice"),
        "outcome": outcome.value,
        "reasons": [{"code": r.code, "text": r.applicant_text.model_dump()} for r in reasons],
        "next_steps": [step.model_dump(mode="json") for step in steps],
    }
    return {
        "id": str(uuid.uuid4()),
        "application_id": replaced["application_id"],
        "replaces_id": replaced["id"],
        "product": replaced["product"],
        "outcome": outcome.value,
        "basis": "human",
        "advice": review.get("machine_view"),
        "processed": True,
        "reasons": [reason.model_dump(mode="json") for reason in reasons],
        "rules": [],
        "facts": {},
        "checks": [],
        "score": None,
        "policy_version": replaced["policy_version"],
        "policy_hash": replaced["policy_hash"],
        "notice": notice,
        "decided_at": decided_at,
        "applicant_token_hash": replaced["applicant_token_hash"],
        "input_digest": replaced["input_digest"],
        "review": review,
    }
