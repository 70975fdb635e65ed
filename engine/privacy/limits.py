"""Limits on what we do with a person's data: a restriction ("bevriezen") or an upheld objection to further
processing (stored, not used: no automated decisions, no fraud velocity counts, no training exports, no marketing),
and an objection to marketing (absolute: out of every marketing selection at once). Each limit holds for the
person's identity keys (their applications, now and later) and person keys (their fraud-velocity sightings); lifting
one is recorded, never deleted."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, bindparam, exists, insert, select, update

from engine.errors import Conflict, NotFound
from engine.store.tables import PrivacyRequestRecord, ProcessingLimitKeyRecord, ProcessingLimitRecord, table_of

_limits = table_of(ProcessingLimitRecord)
_keys = table_of(ProcessingLimitKeyRecord)
_requests = table_of(PrivacyRequestRecord)


class LimitKind(StrEnum):
    RESTRICTION = "restriction"  # Art. 18: stored, not used
    NO_FURTHER_PROCESSING = "no_further_processing"  # Art. 21(1): an objection without compelling grounds to go on
    NO_MARKETING = "no_marketing"  # Art. 21(2)-(3): absolute


# Limits under which a person's data may be stored but not used for decisions, velocity, training or marketing.
NOT_USED = frozenset({LimitKind.RESTRICTION, LimitKind.NO_FURTHER_PROCESSING})
NO_MARKETING = frozenset({LimitKind.RESTRICTION, LimitKind.NO_FURTHER_PROCESSING, LimitKind.NO_MARKETING})


def _active_with(kinds: frozenset[LimitKind]) -> Any:
    """The keys of limits of ``kinds`` that have not been lifted (a subquery of keys)."""
    return (
        select(_keys.c.key)
        .join(_limits, _limits.c.id == _keys.c.limit_id)
        .where(_limits.c.lifted_at.is_(None), _limits.c.kind.in_(sorted(kinds)))
    )


# Built once: on the path of every application.
_IS_RESTRICTED = select(exists(_active_with(NOT_USED).where(_keys.c.key.in_(bindparam("keys", expanding=True)))))


def restricted_keys() -> Any:
    """A subquery of the keys (identity and person) whose data may not be used: for NOT IN filters."""
    return _active_with(NOT_USED)


def no_marketing_keys() -> Any:
    """A subquery of the keys that must stay out of marketing selections."""
    return _active_with(NO_MARKETING)


def is_restricted(connection: Connection, keys: Iterable[str]) -> bool:
    """Whether any of these identity keys is under a restriction or an upheld objection to further processing."""
    return bool(connection.execute(_IS_RESTRICTED, {"keys": list(keys)}).scalar())


def active_limits(connection: Connection, keys: Iterable[str]) -> list[dict[str, Any]]:
    """The limits in force for a person (any of their identity keys), oldest first."""
    ids = select(_keys.c.limit_id).where(_keys.c.key.in_(list(keys)))
    rows = connection.execute(
        select(_limits).where(_limits.c.id.in_(ids), _limits.c.lifted_at.is_(None)).order_by(_limits.c.started_at)
    ).mappings()
    return [dict(row) for row in rows]


def limits_of(connection: Connection, keys: Iterable[str]) -> list[dict[str, Any]]:
    """Every limit a person ever had (lifted ones too), oldest first."""
    ids = select(_keys.c.limit_id).where(_keys.c.key.in_(list(keys)))
    rows = connection.execute(select(_limits).where(_limits.c.id.in_(ids)).order_by(_limits.c.started_at)).mappings()
    return [dict(row) for row in rows]


def place_limit(
    connection: Connection,
    *,
    kind: LimitKind,
    identity_keys: Iterable[str],
    person_keys: Iterable[str],
    request_id: str | None,
    by: str,
    now: datetime,
) -> str:
    """Start a limit for a person: each request gets its own, so lifting one (its objection weighed, a request
    refused) never ends another that still holds."""
    limit_id = str(uuid.uuid4())
    connection.execute(
        insert(_limits).values(id=limit_id, kind=kind.value, request_id=request_id, started_at=now, started_by=by)
    )
    _add_keys(connection, limit_id, sorted(set(identity_keys)), person_keys)
    return limit_id


def _add_keys(connection: Connection, limit_id: str, identity: list[str], person: Iterable[str]) -> None:
    known = set(connection.execute(select(_keys.c.key).where(_keys.c.limit_id == limit_id)).scalars())
    rows = [{"limit_id": limit_id, "key": key, "key_kind": "identity"} for key in identity if key not in known]
    rows += [{"limit_id": limit_id, "key": k, "key_kind": "person"} for k in sorted(set(person)) if k not in known]
    if rows:
        connection.execute(insert(_keys), rows)


def lift_limit(
    connection: Connection, *, limit_id: str, by: str, reason: str, now: datetime, by_its_request: bool = False
) -> dict[str, Any]:
    """End a limit, recording who and why; the row stays. A limit whose request is still open (an objection to
    further processing not yet weighed) ends only through that request (``by_its_request``): weighed, or refused."""
    row = connection.execute(select(_limits).where(_limits.c.id == limit_id)).mappings().first()
    if row is None:
        raise NotFound(f"no processing limit {limit_id}")
    if row["lifted_at"] is not None:
        raise Conflict(f"this {row['kind']} was lifted already, on {row['lifted_at']:%Y-%m-%d}")
    if not by_its_request and row["request_id"] is not None:
        state = connection.execute(
            select(_requests.c.state).where(_requests.c.id == row["request_id"])
        ).scalar_one_or_none()
        if state == "open":
            raise Conflict("its request is still open: weigh the objection (or refuse the request) instead")
    connection.execute(
        update(_limits)
        .where(_limits.c.id == limit_id, _limits.c.lifted_at.is_(None))
        .values(lifted_at=now, lifted_by=by, lift_reason=reason)
    )
    lifted = connection.execute(select(_limits).where(_limits.c.id == limit_id)).mappings().one()
    return dict(lifted)


def extend_to_person(connection: Connection, *, identity_keys: Iterable[str], person_key: str) -> None:
    """A restricted person applied again (perhaps from a new address): their new person key joins the limits in
    force, so their new sightings stay out of velocity counts too."""
    for limit in active_limits(connection, identity_keys):
        if limit["kind"] in NOT_USED:
            _add_keys(connection, limit["id"], [], [person_key])
