"""Uses of personal data beyond the decision, and who is left out of them: the marketing selection (people who
consented to marketing by e-mail, minus everyone who objected to marketing or whose data are restricted, and minus
erased data) and the training export (the facts and outcomes of decisions for training a risk model, minus
restricted people and people whose objection to further processing stands)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from engine.privacy.limits import no_marketing_keys, restricted_keys
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    DecisionRecord,
    SubjectKeyRecord,
    table_of,
)

_applications = table_of(ApplicationRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_decisions = table_of(DecisionRecord)
_subject_keys = table_of(SubjectKeyRecord)

MARKETING_COLUMNS = ("application_id", "product", "language", "given_names", "family_name", "email")


def _latest_decisions(*, automated_only: bool = False) -> Any:
    """Per application, the seq of its latest decision (a person's, once one decided)."""
    query = select(_decisions.c.application_id, func.max(_decisions.c.seq).label("seq"))
    if automated_only:
        query = query.where(_decisions.c.basis == "automated")
    return query.group_by(_decisions.c.application_id).subquery()


def _limited(keys: Any) -> Any:
    """Applications filed under any of the keys in ``keys`` (a subquery of limited keys)."""
    return select(_subject_keys.c.application_id).where(_subject_keys.c.identity_key.in_(keys))


def marketing_selection(connection: Connection, *, today: date) -> list[dict[str, Any]]:
    """Who may receive marketing by e-mail now: an accepted application (its newest version) whose cover has not
    ended, with consent to marketing e-mail, personal data still held, and no objection to marketing, restriction or
    upheld objection to further processing; one row per e-mail address, the newest application first."""
    latest = _latest_decisions()
    rows = connection.execute(
        select(_applications.c.id, _applications.c.product, _personal.c.payload)
        .join(latest, latest.c.application_id == _applications.c.id)
        .join(_decisions, _decisions.c.seq == latest.c.seq)
        .join(_personal, _personal.c.application_id == _applications.c.id)
        .where(
            _decisions.c.outcome == "accepted",
            _applications.c.superseded_by.is_(None),
            _applications.c.erased_at.is_(None),
            (_applications.c.cover_ended_on.is_(None)) | (_applications.c.cover_ended_on > today),
            _applications.c.id.not_in(_limited(no_marketing_keys())),
        )
        .order_by(_applications.c.received_at.desc(), _applications.c.id)
    )
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for application_id, product, payload in rows:
        if not payload.get("consents", {}).get("marketing_email"):
            continue
        person = payload["applicant"]
        email = str(person["email"]).strip().lower()
        if email in seen:
            continue
        seen.add(email)
        out.append(
            {
                "application_id": application_id,
                "product": product,
                "language": payload.get("language", "nl"),
                "given_names": person["given_names"],
                "family_name": " ".join(p for p in (person.get("family_name_prefix"), person["family_name"]) if p),
                "email": email,
            }
        )
    return out


def training_rows(connection: Connection, *, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    """The facts and machine outcome of each application's latest automated decision (the newest version of a
    rectified application only), for training: no direct identifiers, and nothing of people whose data are
    restricted or whose objection to further processing stands. Erased applications stay in: their facts no
    longer identify anyone."""
    latest = _latest_decisions(automated_only=True)
    query = (
        select(
            _decisions.c.id,
            _decisions.c.product,
            _decisions.c.decided_at,
            _decisions.c.outcome,
            _decisions.c.advice,
            _decisions.c.policy_version,
            _decisions.c.score,
            _decisions.c.facts,
        )
        .join(latest, latest.c.seq == _decisions.c.seq)
        .join(_applications, _applications.c.id == _decisions.c.application_id)
        .where(
            _applications.c.superseded_by.is_(None),
            _applications.c.id.not_in(_limited(restricted_keys())),
        )
        .order_by(_decisions.c.seq)
    )
    for row in connection.execution_options(yield_per=batch_size).execute(query):
        score = row.score or {}
        yield {
            "decision_id": row.id,
            "product": row.product,
            "decided_on": row.decided_at.date().isoformat(),
            "machine_outcome": row.advice or row.outcome,
            "policy_version": row.policy_version,
            "model_version": (score.get("model") or {}).get("version"),
            "probability": score.get("probability"),
            **{f"fact.{name}": value for name, value in sorted(row.facts.items())},
        }
