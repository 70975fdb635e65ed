"""The dashboard's figures: the queue by state, route, reason and age; outcomes per day; overrides; and per reviewer
the agreement with the machine and the median handling time, flagging near-total agreement at very short handling
times (review that may be a rubber stamp)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy import case as sa_case

from engine.review.cases import ACTIVE_STATES
from engine.store.tables import DecisionRecord, ReviewCaseRecord, StaffAccountRecord, table_of

_cases = table_of(ReviewCaseRecord)
_decisions = table_of(DecisionRecord)
_accounts = table_of(StaffAccountRecord)
AGE_BUCKETS = (("<1d", 1), ("1-3d", 3), ("3-5d", 5), (">5d", None))


@dataclass(frozen=True, slots=True)
class RubberStampRule:
    agreement: float = 0.95
    median_seconds: float = 60.0
    min_decisions: int = 10


def queue_figures(connection: Connection, *, now: datetime) -> dict[str, Any]:
    active = _cases.c.state.in_(ACTIVE_STATES)

    def counted(column: Any) -> dict[str, int]:
        rows = connection.execute(select(column, func.count()).where(active).group_by(column)).all()
        return {str(key): int(count) for key, count in rows}

    by_state, by_route, by_reason = counted(_cases.c.state), counted(_cases.c.route), counted(_cases.c.reason)
    overdue = connection.execute(
        select(func.count()).select_from(_cases).where(active, _cases.c.due_at < now)
    ).scalar_one()
    whens = []
    for label, days in AGE_BUCKETS:
        if days is not None:
            whens.append((_cases.c.opened_at > now - timedelta(days=days), label))
    bucket = sa_case(*whens, else_=AGE_BUCKETS[-1][0]).label("bucket")
    ages = counted(bucket)
    return {
        "open": int(by_state.get("open", 0)),
        "claimed": int(by_state.get("claimed", 0)),
        "overdue": int(overdue),
        "by_route": by_route,
        "by_reason": by_reason,
        "age": [{"bucket": label, "count": ages.get(label, 0)} for label, _ in AGE_BUCKETS],
    }


def outcomes_per_day(connection: Connection, *, since: datetime) -> list[dict[str, Any]]:
    """Decisions per day (UTC, whatever the database session's time zone), basis and outcome."""
    moment: Any = _decisions.c.decided_at
    if connection.dialect.name == "postgresql":  # date() of a timestamptz takes the session's zone
        moment = func.timezone("UTC", moment)
    day = func.date(moment).label("day")
    rows = connection.execute(
        select(day, _decisions.c.basis, _decisions.c.outcome, func.count())
        .where(_decisions.c.decided_at >= since)
        .group_by(day, _decisions.c.basis, _decisions.c.outcome)
        .order_by(day)
    ).all()
    return [{"day": str(d), "basis": basis, "outcome": outcome, "count": int(n)} for d, basis, outcome, n in rows]


def overrides_per_day(connection: Connection, *, since: datetime) -> list[dict[str, Any]]:
    """People's decisions that differ from the machine's view, per day (UTC)."""
    rows = connection.execute(
        select(_decisions.c.decided_at, _decisions.c.outcome, _decisions.c.advice).where(
            _decisions.c.basis == "human", _decisions.c.decided_at >= since
        )
    ).all()
    counts = Counter(
        decided_at.date().isoformat()
        for decided_at, outcome, advice in rows
        if advice in ("accepted", "rejected") and outcome != advice
    )
    return [{"day": day, "count": counts[day]} for day in sorted(counts)]


def reviewer_figures(connection: Connection, *, since: datetime, rule: RubberStampRule) -> list[dict[str, Any]]:
    """Per reviewer who decided cases since ``since``: agreement with the machine's view (where it had one) and
    the median time from their own claim to their decision (time others held a case before is not theirs)."""
    rows = connection.execute(
        select(
            _accounts.c.username, _cases.c.machine_view, _cases.c.claimed_at, _cases.c.decided_at, _decisions.c.outcome
        )
        .join(_cases, _cases.c.claimed_by == _accounts.c.id)
        .join(_decisions, _decisions.c.id == _cases.c.outcome_decision_id)
        .where(_cases.c.state == "decided", _cases.c.decided_at >= since)
    ).all()
    per: dict[str, list[tuple[str | None, float, str]]] = {}
    for username, view, claimed_at, decided_at, outcome in rows:
        per.setdefault(username, []).append((view, (decided_at - claimed_at).total_seconds(), outcome))
    out = []
    for username, items in sorted(per.items()):
        compared = [(view, outcome) for view, _, outcome in items if view is not None]
        agreement = sum(view == outcome for view, outcome in compared) / len(compared) if compared else None
        median = statistics.median(seconds for _, seconds, _ in items)
        flagged = (
            len(items) >= rule.min_decisions
            and agreement is not None
            and agreement >= rule.agreement
            and median < rule.median_seconds
        )
        out.append(
            {
                "username": username,
                "decided": len(items),
                "agreement_rate": agreement,
                "median_handling_seconds": median,
                "flagged": flagged,
            }
        )
    return out


def overview(connection: Connection, *, now: datetime, days: int, rule: RubberStampRule) -> dict[str, Any]:
    since = now - timedelta(days=days)
    return {
        "queue": queue_figures(connection, now=now),
        "outcomes_per_day": outcomes_per_day(connection, since=since),
        "overrides_per_day": overrides_per_day(connection, since=since),
        "reviewers": reviewer_figures(connection, since=since, rule=rule),
    }
