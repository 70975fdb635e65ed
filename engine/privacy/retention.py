"""The retention schedule, enforced: `plan` counts what is due per category (a dry run), `run` erases or
pseudonymises it, in batches of one transaction each.

Periods are calendar months counted in Dutch days: a record decided on 10 March is kept through 10 March of the year
after (12 months) and is due from 11 March. An application under a legal hold (`engine.privacy.holds`) is never
touched, whatever the category.

Categories (their periods come from the configuration):

- ``rejected_applications``: application chains (rectified versions together) whose newest version's latest
  decision is `rejected` or still `referred`, decided more than N months ago: erased (`engine.privacy.erasure`).
- ``accepted_after_cover_end``: chains whose newest version's latest decision is `accepted` and whose cover ended
  (``cover_ended_on``, recorded with `underwrite cover end`) more than N months ago: erased.
- ``check_results``: the check details of decisions taken more than N months ago: deleted (the facts the decision
  used stay in its record).
- ``expired_register_data``: entries in check details that their external register no longer shows, N months after
  they lapsed there: removed from the details (a row left with nothing is deleted). When an entry lapses at its
  source is the rule the check itself applies, so what we keep never outlives what the check would still count:
  a claims-register (CIS) registration lapses at the end of its legal term (claims and contractual registrations
  5 years, non-payment 3 years, from registration) or, for an incident entry, at its own end date; an insolvency
  entry six months after the insolvency ended (the Central Insolvency Register's publication period); an entry of
  the internal incident register (fraud check) at its end date. Running insolvencies and credit data (the credit
  check keeps no details) do not lapse here; sanctions matches follow the sanctions hold instead.
- ``fraud_sightings``: identifier sightings last seen more than N months ago: deleted. They belong to a person, not
  to an application, so a hold on an application does not keep them (its check details, kept under the hold,
  record what the fraud check found).
- ``access_log``: staff access-log rows older than N months: deleted.
- ``privacy_requests``: requests closed more than N months ago: what was written in them cleared (the ``details`` the
  person wrote, a refusal's and an extension's reasons, the ``grounds`` in the result, free text in their events, the
  reason a limit they placed was lifted; see `engine.privacy.erasure.clear_requests`). Kind, state and dates stay
  as accountability; a request cleared before (by an erasure, or an earlier run) is not counted again.

Safe to interrupt: each batch commits on its own with the run's counts so far, so a crash leaves whole batches done
and nothing half done; erasing an application is idempotent (its ``erasures`` row), deleting is naturally so, and a
new run picks up what is left.
"""

from __future__ import annotations

import calendar
import time as monotonic
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, and_, delete, exists, insert, or_, select, update

from engine.checks.claims_history import TERM_YEARS
from engine.checks.insolvency import IGNORE_AFTER_MONTHS
from engine.decision.core import DUTCH_TIME
from engine.privacy.config import RETENTION_CATEGORIES, PrivacyConfig, RetentionRule
from engine.privacy.erasure import clear_requests, erase_application, version_chain
from engine.privacy.holds import holds_on
from engine.store.tables import (
    ApplicationRecord,
    CheckDetailRecord,
    DecisionRecord,
    ErasureRecord,
    IdentifierSightingRecord,
    PrivacyRequestRecord,
    RetentionRunRecord,
    StaffAccessRecord,
    table_of,
)

log = structlog.get_logger(__name__)

_applications = table_of(ApplicationRecord)
_decisions = table_of(DecisionRecord)
_details = table_of(CheckDetailRecord)
_sightings = table_of(IdentifierSightingRecord)
_access = table_of(StaffAccessRecord)
_requests = table_of(PrivacyRequestRecord)
_runs = table_of(RetentionRunRecord)
_erasures = table_of(ErasureRecord)

CATEGORIES = RETENTION_CATEGORIES

Progress = Callable[[str, int], None]  # (category, items done in the batch just committed)


@dataclass(frozen=True, slots=True)
class RunReport:
    id: str
    dry_run: bool
    counts: dict[str, int]


# --- time ----------------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier when negative), or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def dutch_day(moment: datetime) -> date:
    return moment.astimezone(DUTCH_TIME).date()


def start_of(day: date) -> datetime:
    """The first moment of a Dutch calendar day."""
    return datetime.combine(day, time(0), tzinfo=DUTCH_TIME)


def cutoff(rule: RetentionRule, *, today: date) -> date:
    """Records from before this Dutch day are past their period."""
    return add_months(today, -rule.months)


# --- expired register entries ----------------------------------------------------------------------------------------


def _registration_expiry(entry: dict[str, Any]) -> date | None:
    registered = date.fromisoformat(entry["registered_on"])
    term = TERM_YEARS.get(str(entry.get("kind")))
    ends = [add_months(registered, 12 * term)] if term is not None else []
    if entry.get("ends_on"):
        ends.append(date.fromisoformat(entry["ends_on"]))
    return min(ends) if ends else None


def _insolvency_expiry(entry: dict[str, Any]) -> date | None:
    if not entry.get("ended_on"):
        return None  # running: still in the register
    # the check counts an entry through the day IGNORE_AFTER_MONTHS after its end, and not from the day after
    return add_months(date.fromisoformat(entry["ended_on"]), IGNORE_AFTER_MONTHS) + timedelta(days=1)


def _incident_expiry(entry: dict[str, Any]) -> date | None:
    return date.fromisoformat(entry["ends_on"]) if entry.get("ends_on") else None


# check -> (the key of its details that lists register entries, when an entry lapses at its source)
REGISTER_ENTRIES: dict[str, tuple[str, Callable[[dict[str, Any]], date | None]]] = {
    "claims_history": ("registrations", _registration_expiry),
    "insolvency": ("entries", _insolvency_expiry),
    "fraud": ("incidents", _incident_expiry),
}


def without_expired(check: str, details: dict[str, Any], *, due_before: date) -> tuple[dict[str, Any], int]:
    """The details without the register entries that lapsed at their source before ``due_before``; how many went."""
    key, expiry = REGISTER_ENTRIES[check]
    entries = details.get(key)
    if not isinstance(entries, list):
        return details, 0
    kept = []
    for entry in entries:
        try:
            lapsed = expiry(entry)
        except (KeyError, TypeError, ValueError):  # an entry we cannot date stays: never erase on a guess
            lapsed = None
        if lapsed is None or lapsed > due_before:
            kept.append(entry)
    return {**details, key: kept}, len(entries) - len(kept)


# --- one batch per category ------------------------------------------------------------------------------------------

Cursor = Any


@dataclass(frozen=True, slots=True)
class _Context:
    now: datetime
    today: date
    batch_size: int
    apply: bool


def _held(connection: Connection, application_ids: Iterable[str], ctx: _Context) -> set[str]:
    return set(holds_on(connection, application_ids, today=ctx.today))


def _applications_batch(
    connection: Connection, name: str, rule: RetentionRule, cursor: Cursor, ctx: _Context
) -> tuple[int, Cursor]:
    newer = _decisions.alias("newer")
    latest = (
        select(_decisions.c.id)
        .where(
            _decisions.c.application_id == _applications.c.id,
            ~exists().where(newer.c.application_id == _decisions.c.application_id, newer.c.seq > _decisions.c.seq),
        )
        .correlate(_applications)
    )
    due = cutoff(rule, today=ctx.today)
    if name == "rejected_applications":
        latest = latest.where(
            _decisions.c.outcome.in_(("rejected", "referred")), _decisions.c.decided_at < start_of(due)
        )
    else:
        latest = latest.where(_decisions.c.outcome == "accepted")
    query = select(_applications.c.id).where(
        _applications.c.superseded_by.is_(None), _applications.c.erased_at.is_(None), exists(latest)
    )
    if name == "accepted_after_cover_end":
        query = query.where(_applications.c.cover_ended_on.is_not(None), _applications.c.cover_ended_on < due)
    if cursor is not None:
        query = query.where(_applications.c.id > cursor)
    candidates = list(connection.execute(query.order_by(_applications.c.id).limit(ctx.batch_size)).scalars())
    done = 0
    for application_id in candidates:
        if ctx.apply:
            outcome = erase_application(connection, application_id, cause="retention", category=name, now=ctx.now)
            done += len(outcome.erased)
        else:
            chain = version_chain(connection, application_id)
            if _held(connection, chain, ctx):
                continue
            erased = set(
                connection.execute(
                    select(_erasures.c.application_id).where(_erasures.c.application_id.in_(chain))
                ).scalars()
            )
            done += len([a for a in chain if a not in erased])
    return done, (candidates[-1] if len(candidates) == ctx.batch_size else None)


def _after(cursor: Cursor, first: Any, second: Any) -> Any:
    return or_(first > cursor[0], and_(first == cursor[0], second > cursor[1]))


def _details_batch(
    connection: Connection, name: str, rule: RetentionRule, cursor: Cursor, ctx: _Context
) -> tuple[int, Cursor]:
    query = select(_details.c.decision_id, _details.c.check, _details.c.details, _decisions.c.application_id).join(
        _decisions, _decisions.c.id == _details.c.decision_id
    )
    due = cutoff(rule, today=ctx.today)
    if name == "check_results":
        query = query.where(_decisions.c.decided_at < start_of(due))
    else:
        query = query.where(_details.c.check.in_(sorted(REGISTER_ENTRIES)))
    if cursor is not None:
        query = query.where(_after(cursor, _details.c.decision_id, _details.c.check))
    rows = connection.execute(query.order_by(_details.c.decision_id, _details.c.check).limit(ctx.batch_size)).all()
    held = _held(connection, {row.application_id for row in rows}, ctx)
    done = 0
    for row in rows:
        if row.application_id in held:
            continue
        where = and_(_details.c.decision_id == row.decision_id, _details.c.check == row.check)
        if name == "check_results":
            done += 1
            if ctx.apply:
                connection.execute(delete(_details).where(where))
            continue
        kept, removed = without_expired(row.check, row.details, due_before=due)
        if not removed:
            continue
        done += removed
        if ctx.apply:
            key = REGISTER_ENTRIES[row.check][0]
            if set(kept) == {key} and not kept[key]:
                connection.execute(delete(_details).where(where))
            else:
                connection.execute(update(_details).where(where).values(details=kept))
    last = (rows[-1].decision_id, rows[-1].check) if len(rows) == ctx.batch_size else None
    return done, last


def _sightings_batch(
    connection: Connection, name: str, rule: RetentionRule, cursor: Cursor, ctx: _Context
) -> tuple[int, Cursor]:
    query = select(_sightings.c.key, _sightings.c.person).where(
        _sightings.c.last_seen < start_of(cutoff(rule, today=ctx.today))
    )
    if cursor is not None:
        query = query.where(_after(cursor, _sightings.c.key, _sightings.c.person))
    rows = connection.execute(query.order_by(_sightings.c.key, _sightings.c.person).limit(ctx.batch_size)).all()
    if ctx.apply:
        for key, person in rows:
            connection.execute(delete(_sightings).where(_sightings.c.key == key, _sightings.c.person == person))
    last = (rows[-1].key, rows[-1].person) if len(rows) == ctx.batch_size else None
    return len(rows), last


def _access_batch(
    connection: Connection, name: str, rule: RetentionRule, cursor: Cursor, ctx: _Context
) -> tuple[int, Cursor]:
    query = select(_access.c.id).where(_access.c.at < start_of(cutoff(rule, today=ctx.today)))
    if cursor is not None:
        query = query.where(_access.c.id > cursor)
    ids = list(connection.execute(query.order_by(_access.c.id).limit(ctx.batch_size)).scalars())
    if ctx.apply and ids:
        connection.execute(delete(_access).where(_access.c.id.in_(ids)))
    return len(ids), (ids[-1] if len(ids) == ctx.batch_size else None)


def _requests_batch(
    connection: Connection, name: str, rule: RetentionRule, cursor: Cursor, ctx: _Context
) -> tuple[int, Cursor]:
    query = select(_requests.c.id).where(
        _requests.c.closed_at.is_not(None), _requests.c.closed_at < start_of(cutoff(rule, today=ctx.today))
    )
    if cursor is not None:
        query = query.where(_requests.c.id > cursor)
    ids = list(connection.execute(query.order_by(_requests.c.id).limit(ctx.batch_size)).scalars())
    done = clear_requests(connection, ids, apply=ctx.apply)
    return done, (ids[-1] if len(ids) == ctx.batch_size else None)


_BATCHES: dict[str, Callable[[Connection, str, RetentionRule, Cursor, _Context], tuple[int, Cursor]]] = {
    "rejected_applications": _applications_batch,
    "accepted_after_cover_end": _applications_batch,
    "check_results": _details_batch,
    "expired_register_data": _details_batch,
    "fraud_sightings": _sightings_batch,
    "access_log": _access_batch,
    "privacy_requests": _requests_batch,
}


def _rules(config: PrivacyConfig) -> dict[str, RetentionRule]:
    unknown = sorted(set(config.retention) - set(_BATCHES))
    if unknown:
        raise ValueError(f"the retention schedule names categories this engine cannot enforce: {', '.join(unknown)}")
    return {name: config.retention[name] for name in CATEGORIES if name in config.retention}


# --- plan and run ----------------------------------------------------------------------------------------------------


def plan(connection: Connection, config: PrivacyConfig, *, now: datetime, batch_size: int = 500) -> dict[str, int]:
    """What a run at ``now`` would do, per category (applications erased, rows deleted, entries removed, requests
    cleared), changing nothing. Held applications are left out, as the run leaves them."""
    ctx = _Context(now=now, today=dutch_day(now), batch_size=batch_size, apply=False)
    counts: dict[str, int] = {}
    for name, rule in _rules(config).items():
        counts[name], cursor = 0, None
        while True:
            done, cursor = _BATCHES[name](connection, name, rule, cursor, ctx)
            counts[name] += done
            if cursor is None:
                break
    return counts


def run(
    engine: Engine,
    config: PrivacyConfig,
    *,
    now: datetime,
    by: str,
    batch_size: int = 100,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> RunReport:
    """Enforce the schedule (or, with ``dry_run``, only count), recorded as a ``retention_runs`` row. Each batch is
    one transaction that also updates the run's counts; ``progress`` is told after each commit."""
    if batch_size < 1:
        raise ValueError("the batch size is at least 1")
    rules = _rules(config)
    run_id = str(uuid.uuid4())
    counts = dict.fromkeys(rules, 0)
    if dry_run:
        with engine.connect() as connection:
            counts = plan(connection, config, now=now, batch_size=max(batch_size, 500))
        with engine.begin() as connection:
            connection.execute(
                insert(_runs).values(id=run_id, started_at=now, finished_at=now, dry_run=True, run_by=by, counts=counts)
            )
        return RunReport(run_id, True, counts)
    with engine.begin() as connection:
        connection.execute(
            insert(_runs).values(id=run_id, started_at=now, finished_at=None, dry_run=False, run_by=by, counts=counts)
        )
    ctx = _Context(now=now, today=dutch_day(now), batch_size=batch_size, apply=True)
    started = monotonic.monotonic()
    for name, rule in rules.items():
        cursor = None
        while True:
            with engine.begin() as connection:
                done, cursor = _BATCHES[name](connection, name, rule, cursor, ctx)
                counts[name] += done
                connection.execute(update(_runs).where(_runs.c.id == run_id).values(counts=dict(counts)))
            if done:
                log.debug("retention_batch_done", run_id=run_id, category=name, count=done)
            if progress is not None:
                progress(name, done)
            if cursor is None:
                break
    with engine.begin() as connection:
        finished = now + timedelta(seconds=monotonic.monotonic() - started)  # the run's `now`, plus how long it took
        connection.execute(update(_runs).where(_runs.c.id == run_id).values(finished_at=finished, counts=dict(counts)))
    log.info("retention_run_finished", run_id=run_id, counts=counts)
    return RunReport(run_id, False, counts)
