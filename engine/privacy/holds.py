"""Legal holds: a duty to keep an application's data that outweighs erasure and the retention schedule.

A hold is either *recorded* (placed by staff with `underwrite hold place`: an open claim, an open dispute, sanctions
screening records with the date until which they must be kept) or *derived* from the data themselves:

- an active review case (not decided) on the application is an open dispute;
- a sanctions check that hit (in any of the application's decision records) or a re-screening alert is a sanctions
  hold: screening records are kept five years after the sanction regime ends (Sanctiewet 1977).
  When compliance has recorded a sanctions hold for the application whose ``until`` (regime end + 5 years) has
  passed, the derived hold lapses with it. Releasing a recorded sanctions hold does not end the derived one: only
  an ``until`` date does (place a sanctions hold with the regime's end to set it).

A hold covers the whole version chain of a rectified application: erasure keeps or erases a chain together.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from engine.domain.decision import LocalText
from engine.errors import Conflict, InvalidInput, NotFound
from engine.privacy.clock import add_months
from engine.store.tables import (
    ApplicationRecord,
    DecisionRecord,
    LegalHoldRecord,
    ReviewCaseRecord,
    ScreeningAlertRecord,
    table_of,
)

_holds = table_of(LegalHoldRecord)
_applications = table_of(ApplicationRecord)
_decisions = table_of(DecisionRecord)
_cases = table_of(ReviewCaseRecord)
_alerts = table_of(ScreeningAlertRecord)

SANCTIONS_KEEP_YEARS = 5  # screening records are kept five years after the sanction regime ends


class HoldKind(StrEnum):
    OPEN_CLAIM = "open_claim"
    OPEN_DISPUTE = "open_dispute"
    SANCTIONS = "sanctions"
    INSURANCE_FILE = "insurance_file"  # derived only: accepted cover, kept while it runs and for a period after


# What a refusal tells the applicant, per kind of hold.
HOLD_TEXTS: dict[HoldKind, LocalText] = {
    HoldKind.OPEN_CLAIM: LocalText(
        nl="Er loopt een schadeclaim op deze verzekering. Wij moeten de gegevens bewaren tot die is afgehandeld.",
        en="A claim on this insurance is still open. We must keep the data until it has been settled.",
    ),
    HoldKind.OPEN_DISPUTE: LocalText(
        nl=(
            "Er loopt een geschil of herbeoordeling over deze aanvraag. Wij bewaren de gegevens tot die is "
            "afgerond, zodat uw standpunt en onze beslissing te controleren blijven."
        ),
        en=(
            "A dispute or review of this application is still open. We keep the data until it has been settled, "
            "so that your point of view and our decision can still be checked."
        ),
    ),
    HoldKind.INSURANCE_FILE: LocalText(
        nl=(
            "Dit is het dossier van uw verzekering. De wet (fiscale bewaarplicht en verjaringstermijnen) verplicht "
            "ons het te bewaren zolang de verzekering loopt en zeven jaar daarna."
        ),
        en=(
            "This is the file of your insurance. The law (tax retention duty and limitation periods) requires us to "
            "keep it while the insurance runs and for seven years after it ends."
        ),
    ),
    # neutral on purpose: a refusal must not tell the applicant that a sanctions screening matched them
    HoldKind.SANCTIONS: LocalText(
        nl=(
            "Een wettelijke bewaarplicht verplicht ons een deel van deze gegevens nog een vaste periode te bewaren; "
            "daarna wissen wij ze."
        ),
        en=(
            "A legal duty to keep records requires us to keep part of these data for a fixed period; we erase them "
            "when it ends."
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class Hold:
    """A hold in force on an application: recorded (``id`` set) or derived from the data (``id`` None)."""

    application_id: str
    kind: HoldKind
    reason: LocalText  # what a refusal quotes
    id: str | None = None
    note: str | None = None  # the reason staff recorded (internal)
    until: date | None = None
    placed_by: str | None = None
    placed_at: datetime | None = None

    @property
    def derived(self) -> bool:
        return self.id is None

    def as_dict(self) -> dict[str, Any]:
        """For a request's result and the erasure report."""
        return {
            "application_id": self.application_id,
            "kind": self.kind.value,
            "reason": self.reason.model_dump(),
            "hold_id": self.id,
            "until": self.until.isoformat() if self.until else None,
        }


def sanctions_until(regime_ended: date) -> date:
    """The last day sanctions screening records must be kept: five years after the regime's end."""
    try:
        return regime_ended.replace(year=regime_ended.year + SANCTIONS_KEEP_YEARS)
    except ValueError:  # 29 February
        return regime_ended.replace(year=regime_ended.year + SANCTIONS_KEEP_YEARS, day=28)


def place_hold(
    connection: Connection,
    *,
    application_id: str,
    kind: HoldKind,
    reason: str,
    by: str,
    now: datetime,
    until: date | None = None,
) -> dict[str, Any]:
    """Record a hold on an application; returns the stored row."""
    if connection.execute(select(_applications.c.id).where(_applications.c.id == application_id)).first() is None:
        raise NotFound(f"no application {application_id}")
    if not reason.strip():
        raise InvalidInput("reason", "say why the data must be kept")
    if kind is HoldKind.INSURANCE_FILE:
        raise InvalidInput("kind", "the insurance file is held by itself while the cover runs; it is not placed")
    hold_id = str(uuid.uuid4())
    connection.execute(
        insert(_holds).values(
            id=hold_id,
            application_id=application_id,
            kind=kind.value,
            reason=reason.strip(),
            placed_by=by,
            placed_at=now,
            until=until,
        )
    )
    return dict(connection.execute(select(_holds).where(_holds.c.id == hold_id)).mappings().one())


def release_hold(connection: Connection, *, hold_id: str, by: str, reason: str, now: datetime) -> dict[str, Any]:
    """End a recorded hold, with who and why; the row stays."""
    row = connection.execute(select(_holds).where(_holds.c.id == hold_id)).mappings().first()
    if row is None:
        raise NotFound(f"no legal hold {hold_id}")
    if row["released_at"] is not None:
        raise Conflict(f"this hold was released already, on {row['released_at']:%Y-%m-%d}")
    if not reason.strip():
        raise InvalidInput("reason", "say why the hold ends")
    connection.execute(
        update(_holds)
        .where(_holds.c.id == hold_id, _holds.c.released_at.is_(None))
        .values(released_at=now, released_by=by, release_reason=reason.strip())
    )
    return dict(connection.execute(select(_holds).where(_holds.c.id == hold_id)).mappings().one())


def list_holds(
    connection: Connection, *, application_id: str | None = None, include_released: bool = True
) -> list[dict[str, Any]]:
    """Recorded holds (of one application, when given), oldest first."""
    query = select(_holds).order_by(_holds.c.placed_at, _holds.c.id)
    if application_id is not None:
        query = query.where(_holds.c.application_id == application_id)
    if not include_released:
        query = query.where(_holds.c.released_at.is_(None))
    return [dict(row) for row in connection.execute(query).mappings()]


def _in_force(row: Any, today: date) -> bool:
    return row.released_at is None and (row.until is None or row.until >= today)


def holds_on(
    connection: Connection, application_ids: Iterable[str], *, today: date, insurance_file_months: int | None = None
) -> dict[str, list[Hold]]:
    """The holds in force on each of these applications (only those with any): recorded ones that are not released
    and whose ``until`` has not passed, and derived ones (an active review case, a sanctions hit). With
    ``insurance_file_months`` (for an erasure request) also the insurance file: the newest version of an accepted
    application whose cover runs or ended less than that many months ago (the retention schedule itself erases
    those files when their period is over, so it does not ask)."""
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    found: dict[str, list[Hold]] = {}
    sanctions_lapsed: set[str] = set()
    for row in connection.execute(
        select(_holds).where(_holds.c.application_id.in_(ids)).order_by(_holds.c.placed_at, _holds.c.id)
    ):
        kind = HoldKind(row.kind)
        if kind is HoldKind.SANCTIONS and row.until is not None and row.until < today:
            sanctions_lapsed.add(row.application_id)
        if _in_force(row, today):
            found.setdefault(row.application_id, []).append(
                Hold(
                    application_id=row.application_id,
                    kind=kind,
                    reason=HOLD_TEXTS[kind],
                    id=row.id,
                    note=row.reason,
                    until=row.until,
                    placed_by=row.placed_by,
                    placed_at=row.placed_at,
                )
            )
    disputed = connection.execute(
        select(_cases.c.application_id).where(_cases.c.application_id.in_(ids), _cases.c.state != "decided")
    ).scalars()
    for application_id in sorted(set(disputed)):
        if not any(h.kind is HoldKind.OPEN_DISPUTE for h in found.get(application_id, [])):
            found.setdefault(application_id, []).append(
                Hold(application_id, HoldKind.OPEN_DISPUTE, HOLD_TEXTS[HoldKind.OPEN_DISPUTE])
            )
    if insurance_file_months is not None:
        for application_id in insurance_files(connection, ids, today=today, months=insurance_file_months):
            found.setdefault(application_id, []).append(
                Hold(application_id, HoldKind.INSURANCE_FILE, HOLD_TEXTS[HoldKind.INSURANCE_FILE])
            )
    for application_id in sorted(sanctions_hits(connection, ids) - sanctions_lapsed):
        if not any(h.kind is HoldKind.SANCTIONS for h in found.get(application_id, [])):
            found.setdefault(application_id, []).append(
                Hold(application_id, HoldKind.SANCTIONS, HOLD_TEXTS[HoldKind.SANCTIONS])
            )
    return found


def insurance_files(connection: Connection, application_ids: Sequence[str], *, today: date, months: int) -> list[str]:
    """The newest versions among these applications whose latest decision accepted them and whose cover has not
    ended ``months`` months ago."""
    latest = (
        select(_decisions.c.application_id, func.max(_decisions.c.seq).label("seq"))
        .where(_decisions.c.application_id.in_(list(application_ids)))
        .group_by(_decisions.c.application_id)
        .subquery()
    )
    rows = connection.execute(
        select(_applications.c.id, _applications.c.cover_ended_on)
        .join(latest, latest.c.application_id == _applications.c.id)
        .join(_decisions, _decisions.c.seq == latest.c.seq)
        .where(_decisions.c.outcome == "accepted", _applications.c.superseded_by.is_(None))
    )
    return sorted(
        application_id for application_id, ended in rows if ended is None or add_months(ended, months) >= today
    )


def sanctions_hits(connection: Connection, application_ids: Sequence[str]) -> set[str]:
    """The applications with a sanctions check that hit in any of their decision records, or a screening alert."""
    ids = list(application_ids)
    hit = set(connection.execute(select(_alerts.c.application_id).where(_alerts.c.application_id.in_(ids))).scalars())
    for application_id, checks in connection.execute(
        select(_decisions.c.application_id, _decisions.c.checks).where(_decisions.c.application_id.in_(ids))
    ):
        if any(c.get("check") == "sanctions" and c.get("status") == "hit" for c in checks or ()):
            hit.add(application_id)
    return hit
