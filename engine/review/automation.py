"""The switch that stops automated decisions: an admin suspends them for a product or for all (recorded, with a
reason); while suspended every new application is referred to a person. Each process reads the switch from the
database at most once a second, so a suspension reaches every worker within a second."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from engine.errors import Conflict
from engine.review.staff import StaffMember
from engine.store.tables import AutomationSuspensionRecord, StaffAccountRecord, table_of

_suspensions = table_of(AutomationSuspensionRecord)
_accounts = table_of(StaffAccountRecord)


def active_suspensions(connection: Connection) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(
            _suspensions.c.id,
            _suspensions.c.product,
            _suspensions.c.reason,
            _accounts.c.username.label("suspended_by"),
            _suspensions.c.suspended_at,
        )
        .join(_accounts, _accounts.c.id == _suspensions.c.suspended_by)
        .where(_suspensions.c.resumed_at.is_(None))
        .order_by(_suspensions.c.suspended_at)
    ).mappings()
    return [dict(row) for row in rows]


def suspend(connection: Connection, *, product: str | None, reason: str, member: StaffMember, now: datetime) -> None:
    """Suspend automated decisions for ``product`` (None: every product)."""
    current = [s for s in active_suspensions(connection) if s["product"] == product]
    if current:
        raise Conflict(f"automated decisions are already suspended for {product or 'all products'}")
    connection.execute(
        insert(_suspensions).values(
            id=str(uuid.uuid4()),
            product=product,
            reason=reason,
            suspended_by=member.id,
            suspended_at=now,
            resumed_by=None,
            resumed_at=None,
            resume_reason=None,
        )
    )


def resume(connection: Connection, *, product: str | None, reason: str, member: StaffMember, now: datetime) -> None:
    """Lift the suspension for ``product`` (None: the one for every product)."""
    condition = _suspensions.c.product.is_(None) if product is None else _suspensions.c.product == product
    done = connection.execute(
        update(_suspensions)
        .where(condition, _suspensions.c.resumed_at.is_(None))
        .values(resumed_by=member.id, resumed_at=now, resume_reason=reason)
    )
    if done.rowcount == 0:
        raise Conflict(f"automated decisions are not suspended for {product or 'all products'}")


@dataclass
class AutomationSwitch:
    """Whether automated decisions are suspended for a product, read from the database at most every ``ttl``."""

    engine: Engine
    ttl_seconds: float = 1.0
    _suspended: frozenset[str | None] = frozenset()
    _read_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def suspended(self, product: str) -> bool:
        now = time.monotonic()
        if now - self._read_at > self.ttl_seconds:
            with self.engine.connect() as connection:
                rows = connection.execute(select(_suspensions.c.product).where(_suspensions.c.resumed_at.is_(None)))
                suspended = frozenset(row.product for row in rows)
            with self._lock:
                self._suspended, self._read_at = suspended, now
        current = self._suspended
        return None in current or product in current

    def forget(self) -> None:
        """Read again on the next question (after this process changed the switch)."""
        with self._lock:
            self._read_at = float("-inf")
