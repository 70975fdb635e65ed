"""What checks leave besides the decision record: identifier sightings for fraud velocity, check details (kept
apart, restricted where marked), and screening alerts from sanctions re-screening."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Executable, bindparam, func, insert, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.domain.checks import CheckResult
from engine.domain.facts import VELOCITY_CAP
from engine.privacy.limits import restricted_keys
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    CheckDetailRecord,
    DecisionRecord,
    IdentifierSightingRecord,
    ProcessingLimitKeyRecord,
    ScreeningAlertRecord,
    table_of,
)

_sightings = table_of(IdentifierSightingRecord)
_details = table_of(CheckDetailRecord)
_alerts = table_of(ScreeningAlertRecord)
_decisions = table_of(DecisionRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_limit_keys = table_of(ProcessingLimitKeyRecord)

_INSERT_DETAIL = insert(_details)


@functools.cache  # one statement per combination of identifier kinds (at most 2**4), built once
def _other_people(kinds: tuple[str, ...]) -> Executable:
    """Per identifier, the other people seen with it since a moment, at most :data:`VELOCITY_CAP` rows read each."""
    parts = []
    for kind in kinds:
        others = (
            select(_sightings.c.person)
            .where(
                _sightings.c.key == bindparam(f"key_{kind}"),
                _sightings.c.last_seen >= bindparam("since"),
                _sightings.c.person != bindparam("person"),
                _sightings.c.person.not_in(restricted_keys()),  # restricted people's data are not used
            )
            .limit(VELOCITY_CAP)
            .subquery()
        )
        parts.append(select(literal(kind).label("kind"), others.c.person))
    return union_all(*parts) if len(parts) > 1 else parts[0]


@dataclass(frozen=True, slots=True)
class Identifiers:
    """An application's identifier keys and its person key, written with its decision."""

    keys: Mapping[str, str]
    person: str


def record_sightings(connection: Connection, *, identifiers: Identifiers, seen_at: datetime) -> None:
    """Note that this person applied with these identifiers now (one row per identifier and person)."""
    rows = [
        {"key": key, "person": identifiers.person, "kind": kind, "first_seen": seen_at, "last_seen": seen_at}
        for kind, key in identifiers.keys.items()
    ]
    if not rows:
        return
    postgres = connection.dialect.name == "postgresql"
    upsert = (postgresql_insert if postgres else sqlite_insert)(_sightings)
    latest = (func.greatest if postgres else func.max)(_sightings.c.last_seen, upsert.excluded.last_seen)
    statement = upsert.on_conflict_do_update(
        index_elements=[_sightings.c.key, _sightings.c.person], set_={"last_seen": latest}
    )
    connection.execute(statement, rows)


def insert_check_details(connection: Connection, *, decision_id: str, results: Iterable[CheckResult]) -> None:
    rows = [
        {"decision_id": decision_id, "check": r.check, "restricted_to": r.restricted_to, "details": r.details}
        for r in results
        if r.details
    ]
    if rows:
        connection.execute(_INSERT_DETAIL, rows)


def get_check_details(connection: Connection, decision_id: str, *, roles: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The details of a decision's checks that someone with ``roles`` may see: unrestricted ones, and those
    restricted to one of the roles."""
    allowed = set(roles)
    rows = connection.execute(select(_details).where(_details.c.decision_id == decision_id)).mappings()
    return {
        row["check"]: row["details"] for row in rows if row["restricted_to"] is None or row["restricted_to"] in allowed
    }


@dataclass(frozen=True)
class SqlVelocityCounter:
    """Counts other people using the same identifiers from the stored applications, through the index on
    (key, received_at)."""

    engine: Engine

    def other_people(self, keys: Mapping[str, str], *, person: str, since: datetime) -> dict[str, set[str]]:
        if not keys:
            return {}
        kinds = tuple(sorted(keys))
        parameters: dict[str, object] = {f"key_{kind}": keys[kind] for kind in kinds}
        found: dict[str, set[str]] = {kind: set() for kind in kinds}
        with self.engine.connect() as connection:
            for kind, other in connection.execute(
                _other_people(kinds), parameters | {"since": since, "person": person}
            ):
                found[str(kind)].add(str(other))
        return found

    def restricted(self, people: set[str]) -> set[str]:
        if not people:
            return set()
        with self.engine.connect() as connection:
            rows = connection.execute(restricted_keys().where(_limit_keys.c.key.in_(sorted(people))))
            return {str(key) for key in rows.scalars()}


@dataclass(frozen=True, slots=True)
class AcceptedApplicant:
    decision_id: str
    application_id: str
    payload: dict[str, Any]


def accepted_applicants(connection: Connection, *, batch_size: int = 500) -> Iterator[AcceptedApplicant]:
    """The applications whose latest decision is `accepted` and whose personal data are still held."""
    latest = (
        select(_decisions.c.application_id, func.max(_decisions.c.seq).label("seq"))
        .group_by(_decisions.c.application_id)
        .subquery()
    )
    query = (
        select(_decisions.c.id, _decisions.c.application_id, _personal.c.payload)
        .join(latest, (latest.c.application_id == _decisions.c.application_id) & (latest.c.seq == _decisions.c.seq))
        .join(_personal, _personal.c.application_id == _decisions.c.application_id)
        .where(_decisions.c.outcome == "accepted")
        .order_by(_decisions.c.seq)
    )
    result = connection.execution_options(yield_per=batch_size).execute(query)
    for row in result:
        yield AcceptedApplicant(decision_id=row.id, application_id=row.application_id, payload=row.payload)


def open_screening_alert(
    connection: Connection,
    *,
    decision_id: str,
    application_id: str,
    list_version: str,
    matches: list[dict[str, Any]],
    now: datetime,
) -> bool:
    """Record a potential match found on re-screening; False when this list version already raised it."""
    exists = connection.execute(
        select(_alerts.c.id).where(_alerts.c.decision_id == decision_id, _alerts.c.list_version == list_version)
    ).first()
    if exists is not None:
        return False
    connection.execute(
        insert(_alerts).values(
            id=str(uuid.uuid4()),
            decision_id=decision_id,
            application_id=application_id,
            list_version=list_version,
            created_at=now,
            status="open",
            matches=matches,
        )
    )
    return True


def open_screening_alerts(connection: Connection) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(_alerts).where(_alerts.c.status == "open").order_by(_alerts.c.created_at)
    ).mappings()
    return [dict(row) for row in rows]
