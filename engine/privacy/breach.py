"""Breach support: the figures a notification to the Autoriteit Persoonsgegevens needs within 72 hours (Art. 33 GDPR):
per table the records it holds and how many were written or changed in the window, the approximate number of people,
the categories of personal data (from the privacy configuration, so special categories are flagged), and from the
staff access log who viewed what in the window. With a staff member's username, only what that member viewed.

People are counted as the system knows them: applications sharing an e-mail key (e-mail and date of birth) or an
address key (name, date of birth and address) in `subject_keys` are one person, connected over shared keys; a name
key alone joins nobody, so two namesakes born the same day count as two (for a notification, counting high is the
safe side). Keys found only elsewhere (an objection's name key, a limit's key) count as a person of their own, which
also errs high. Fraud-velocity person keys (`identifier_sightings`) are joined to the person of the applications whose
personal data give that key; one that no application still gives counts as a person of its own. An application with
no subject keys counts as one person. The figures are therefore approximate, as Art. 33(3)(a) allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, ColumnElement, Connection, FromClause, Select, Table, and_, false, func, or_, select

from engine.checks.fraud import person_fingerprint
from engine.privacy.config import PrivacyConfig
from engine.privacy.subject import MATCHING_KINDS, parse_application
from engine.review.staff import get_staff_by_username
from engine.store.tables import (
    ApplicationPersonalDataRecord,
    ApplicationRecord,
    Base,
    DecisionRecord,
    ProcessingLimitRecord,
    ReviewCaseRecord,
    StaffAccessRecord,
    SubjectKeyRecord,
    table_of,
)
from engine.store.types import UTCDateTime

NOTIFY_WITHIN = timedelta(hours=72)

_applications = table_of(ApplicationRecord)
_personal = table_of(ApplicationPersonalDataRecord)
_decisions = table_of(DecisionRecord)
_cases = table_of(ReviewCaseRecord)
_limits = table_of(ProcessingLimitRecord)
_access = table_of(StaffAccessRecord)
_subject_keys = table_of(SubjectKeyRecord)


class BreachError(ValueError):
    """A breach report that cannot be made as asked (unknown table or staff member, a window that ends before it
    starts), with the reason."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class CategoryOut(_Out):
    key: str
    text: str = Field(description="The category in English, from the privacy configuration.")
    special: str | None = Field(default=None, description="Set for special categories (criminal-law data, screening).")


class TableFiguresOut(_Out):
    table: str
    records: int = Field(description="Rows the table holds now (with a staff member: of what they viewed).")
    changed_in_window: int | None = Field(
        description="Rows written or changed between since and until; None: the table keeps no timestamp."
    )
    people: int = Field(description="Approximate number of distinct people its rows are about.")
    categories: list[str] = Field(description="Keys of the data categories the table holds.")
    special_categories: list[str]


class AccessFiguresOut(_Out):
    staff_member: str | None = Field(default=None, description="The username the report is narrowed to.")
    accesses: int = Field(description="Reads of applicants' data by staff in the window.")
    staff: int = Field(description="Distinct members of staff who read.")
    applications: int = Field(description="Distinct applications read.")
    people: int = Field(description="Approximate number of distinct people whose data were read.")


class SummaryOut(_Out):
    people: int = Field(description="Approximate number of distinct people across the tables.")
    records: int = Field(description="Rows across the tables.")
    changed_in_window: int
    categories: list[CategoryOut]
    special_categories: list[CategoryOut]
    discovered_at: datetime
    notify_by: datetime = Field(description="The authority must be notified within 72 hours of discovery.")


class BreachReportOut(_Out):
    since: datetime
    until: datetime
    staff_member: str | None
    tables: list[TableFiguresOut]
    access: AccessFiguresOut
    summary: SummaryOut


def personal_tables(config: PrivacyConfig) -> list[str]:
    """The tables that hold personal data, according to the configuration's data categories."""
    return sorted({table for category in config.data_categories.values() for table in category.tables})


# --- how each table's rows lead to people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """One table's rows as (application id, key, key kind) and the timestamps that say a row was written or changed,
    over ``source`` (the table, joined to what gives it an application or a time)."""

    source: FromClause
    application_id: ColumnElement[Any] | None
    key: ColumnElement[Any] | None = None
    key_kind: ColumnElement[Any] | Literal["identity", "person"] | None = None
    stamps: Sequence[ColumnElement[Any]] = field(default_factory=tuple)


_NOT_WRITES = frozenset({"due_at", "expires_at"})  # timestamps of what is due, not of when a row was written


def _stamps(table: Table) -> list[Column[Any]]:
    """The columns that say when a row was written or changed."""
    return [c for c in table.columns if isinstance(c.type, UTCDateTime) and c.name not in _NOT_WRITES]


def _source(name: str) -> _Source:
    """How to read a table for the report: its own application id and timestamps, or those of what it belongs to."""
    table = Base.metadata.tables[name]
    columns = table.columns
    if name == "identifier_sightings":
        return _Source(table, None, columns["person"], "person", _stamps(table))
    if name == "processing_limit_keys":
        joined = table.join(_limits, _limits.c.id == columns["limit_id"])
        return _Source(joined, None, columns["key"], columns["key_kind"], (_limits.c.started_at, _limits.c.lifted_at))
    key = columns.get("identity_key")
    kind: Literal["identity"] | None = "identity" if key is not None else None
    if "application_id" in columns:
        own = _stamps(table)
        if own:
            return _Source(table, columns["application_id"], key, kind, own)
        # no time of its own (personal data, subject keys): written with its application
        joined = table.join(_applications, _applications.c.id == columns["application_id"])
        return _Source(joined, columns["application_id"], key, kind, (_applications.c.received_at,))
    if "decision_id" in columns:
        joined = table.join(_decisions, _decisions.c.id == columns["decision_id"])
        return _Source(joined, _decisions.c.application_id, key, kind, (*_stamps(table), _decisions.c.decided_at))
    if "case_id" in columns:
        joined = table.join(_cases, _cases.c.id == columns["case_id"])
        return _Source(joined, _cases.c.application_id, key, kind, _stamps(table) or (_cases.c.opened_at,))
    return _Source(table, None, key, kind, _stamps(table))


# --- people ---------------------------------------------------------------------------------------------------------


class _People:
    """Who is who: applications joined into people through shared identity keys (union-find), and fraud person keys
    joined to them through the applications' personal data (computed only when a table needs them)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._parent: dict[str, str] = {}
        for application_id, identity_key in connection.execute(  # never joined through a name key alone: namesakes
            select(_subject_keys.c.application_id, _subject_keys.c.identity_key).where(
                _subject_keys.c.kind.in_(MATCHING_KINDS)
            )
        ):
            self._union(f"a:{application_id}", f"i:{identity_key}")
        self._person_keys: dict[str, str] | None = None

    def _find(self, node: str) -> str:
        parent = self._parent.setdefault(node, node)
        while parent != node:
            grand = self._parent.setdefault(parent, parent)
            self._parent[node] = grand
            node, parent = parent, grand
        return node

    def _union(self, one: str, other: str) -> None:
        a, b = self._find(one), self._find(other)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def of_application(self, application_id: str) -> str:
        return self._find(f"a:{application_id}")

    def of_key(self, key: str, kind: str) -> str:
        if kind == "person":
            application_id = self._by_person_key().get(key)
            return self.of_application(application_id) if application_id else f"p:{key}"
        return self._find(f"i:{key}")

    def _by_person_key(self) -> dict[str, str]:
        """Fraud person key -> an application whose personal data give it (read once, in batches)."""
        if self._person_keys is None:
            found: dict[str, str] = {}
            rows = self._connection.execution_options(yield_per=500).execute(
                select(_personal.c.application_id, _personal.c.payload)
            )
            for application_id, payload in rows:
                found.setdefault(person_fingerprint(parse_application(payload)), application_id)
            self._person_keys = found
        return self._person_keys

    def person_keys_of(self, application_ids: Iterable[str]) -> set[str]:
        wanted = set(application_ids)
        return {key for key, application_id in self._by_person_key().items() if application_id in wanted}

    def identity_keys_of(self, application_ids: Iterable[str]) -> set[str]:
        wanted = {self.of_application(application_id) for application_id in application_ids}
        return {node[2:] for node in list(self._parent) if node.startswith("i:") and self._find(node) in wanted}


# --- the report -----------------------------------------------------------------------------------------------------


def breach_report(
    connection: Connection,
    config: PrivacyConfig,
    *,
    since: datetime,
    until: datetime,
    tables: Sequence[str] | None = None,
    staff: str | None = None,
    discovered: datetime | None = None,
) -> BreachReportOut:
    """The figures for ``tables`` (default: every table holding personal data) and the access log between ``since``
    and ``until``; with ``staff`` (a username), only what that member viewed in the window. The 72-hour deadline
    counts from ``discovered`` (default: ``until``). Reads only; raises :class:`BreachError` for a bad request."""
    known = personal_tables(config)
    chosen = list(dict.fromkeys(tables)) if tables else known
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise BreachError(
            f"unknown table {', '.join(unknown)}: the tables that hold personal data are {', '.join(known)}"
        )
    missing = [name for name in chosen if name not in Base.metadata.tables]
    if missing:
        raise BreachError(f"the privacy configuration names {', '.join(missing)}, which the database does not have")
    if since.tzinfo is None or until.tzinfo is None:
        raise BreachError("since and until must carry a time zone")
    if until < since:
        raise BreachError(f"the window ends ({until.isoformat()}) before it starts ({since.isoformat()})")

    in_window = _access.c.at.between(since, until)
    staff_filter: ColumnElement[bool] | None = None
    if staff is not None:
        member = get_staff_by_username(connection, staff)
        if member is None:
            raise BreachError(f"there is no member of staff {staff!r}")
        staff_filter = _access.c.staff_id == member.id
    people = _People(connection)

    access_rows = connection.execute(
        select(_access.c.staff_id, _access.c.application_id).where(
            in_window, *([staff_filter] if staff_filter is not None else [])
        )
    ).all()
    viewed = {row.application_id for row in access_rows if row.application_id is not None}
    access = AccessFiguresOut(
        staff_member=staff,
        accesses=len(access_rows),
        staff=len({row.staff_id for row in access_rows}),
        applications=len(viewed),
        people=len({people.of_application(application_id) for application_id in viewed}),
    )

    scope = _Scope(viewed, people) if staff is not None else None
    figures: list[TableFiguresOut] = []
    everyone: set[str] = set()
    for name in chosen:
        table_figures, persons = _table(connection, config, name, people, since=since, until=until, scope=scope)
        figures.append(table_figures)
        everyone |= persons

    used = [key for key, category in config.data_categories.items() if set(category.tables) & set(chosen)]
    categories = [
        CategoryOut(key=key, text=config.data_categories[key].text.en, special=_special(config, key)) for key in used
    ]
    discovered_at = discovered or until
    return BreachReportOut(
        since=since,
        until=until,
        staff_member=staff,
        tables=figures,
        access=access,
        summary=SummaryOut(
            people=len(everyone),
            records=sum(f.records for f in figures),
            changed_in_window=sum(f.changed_in_window or 0 for f in figures),
            categories=categories,
            special_categories=[category for category in categories if category.special],
            discovered_at=discovered_at,
            notify_by=discovered_at + NOTIFY_WITHIN,
        ),
    )


def _special(config: PrivacyConfig, key: str) -> str | None:
    special = config.data_categories[key].special
    return special.en if special is not None else None


@dataclass
class _Scope:
    """What one member of staff viewed: these applications, and the keys of their people."""

    applications: set[str]
    people: _People
    _identity: set[str] | None = None
    _person: set[str] | None = None

    def keys(self, kind: str) -> set[str]:
        if kind == "person":
            if self._person is None:
                self._person = self.people.person_keys_of(self.applications)
            return self._person
        if self._identity is None:
            self._identity = self.people.identity_keys_of(self.applications)
        return self._identity


def _table(
    connection: Connection,
    config: PrivacyConfig,
    name: str,
    people: _People,
    *,
    since: datetime,
    until: datetime,
    scope: _Scope | None,
) -> tuple[TableFiguresOut, set[str]]:
    source = _source(name)
    where: list[ColumnElement[bool]] = []
    if scope is not None:
        where.append(_in_scope(source, scope))
    changed = or_(*(stamp.between(since, until) for stamp in source.stamps)) if source.stamps else None
    counts: list[ColumnElement[Any]] = [func.count()]
    if changed is not None:
        counts.append(func.count().filter(changed))
    row = connection.execute(select(*counts).select_from(source.source).where(*where)).one()

    persons: set[str] = set()
    if source.application_id is not None:
        ids = _distinct(connection, source, source.application_id, where)
        persons |= {people.of_application(str(application_id)) for application_id in ids if application_id}
    elif source.key is not None:  # key-only tables: sightings (person keys), processing-limit keys (either)
        kind = source.key_kind
        query: Select[Any] = select(source.key, kind) if isinstance(kind, ColumnElement) else select(source.key)
        for found in connection.execute(query.select_from(source.source).where(*where).distinct()):
            persons.add(people.of_key(found[0], found[1] if isinstance(kind, ColumnElement) else str(kind)))
    categories = [key for key, category in config.data_categories.items() if name in category.tables]
    return (
        TableFiguresOut(
            table=name,
            records=row[0],
            changed_in_window=row[1] if changed is not None else None,
            people=len(persons),
            categories=categories,
            special_categories=[key for key in categories if config.data_categories[key].special is not None],
        ),
        persons,
    )


def _distinct(
    connection: Connection, source: _Source, column: ColumnElement[Any], where: list[ColumnElement[bool]]
) -> list[Any]:
    return list(connection.execute(select(column).select_from(source.source).where(*where).distinct()).scalars())


def _in_scope(source: _Source, scope: _Scope) -> ColumnElement[bool]:
    """Rows of the applications the member viewed (key-only tables: the keys of those people)."""
    if source.application_id is not None:
        return source.application_id.in_(sorted(scope.applications)) if scope.applications else false()
    if source.key is None:
        return false()
    if isinstance(source.key_kind, ColumnElement):
        return or_(
            and_(source.key_kind == "person", source.key.in_(sorted(scope.keys("person")))),
            and_(source.key_kind != "person", source.key.in_(sorted(scope.keys("identity")))),
        )
    return source.key.in_(sorted(scope.keys(str(source.key_kind))))
