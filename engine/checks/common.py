"""What the checks share: the person a register is asked about, and the result a check gives."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.application import Applicant, AvbApplication, AvpApplication
from engine.domain.checks import CheckResult, CheckStatus
from engine.registers.identifiers import compact_postcode
from engine.registers.records import Answer, PersonQuery

AnyApplication = AvpApplication | AvbApplication
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def dutch_day(now: datetime) -> date:
    """The calendar day in the Netherlands at ``now``: registers' terms and ages count in Dutch days."""
    return now.astimezone(DUTCH_TIME).date()


def person_query(applicant: Applicant) -> PersonQuery:
    address = applicant.address
    return PersonQuery(
        given_names=applicant.given_names,
        family_name_prefix=applicant.family_name_prefix,
        family_name=applicant.family_name,
        date_of_birth=applicant.date_of_birth,
        postcode=compact_postcode(address.postcode),
        house_number=address.house_number,
    )


def months_ago(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class Stopwatch:
    """Milliseconds since the check started, for its result."""

    def __init__(self) -> None:
        self._started = time.perf_counter()

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self._started) * 1000, 3)


def result(
    check: str,
    *,
    hit: bool,
    facts: Mapping[str, Any],
    answer: Answer[Any] | None,
    source: str,
    now: datetime,
    watch: Stopwatch,
    details: Mapping[str, Any] | None = None,
    restricted_to: str | None = None,
) -> CheckResult:
    return CheckResult(
        check=check,
        status=CheckStatus.HIT if hit else CheckStatus.CLEAR,
        facts=dict(facts),
        source=answer.source if answer is not None else source,
        source_version=answer.source_version if answer is not None else None,
        retrieved_at=answer.retrieved_at if answer is not None else now,
        duration_ms=watch.elapsed_ms(),
        restricted_to=restricted_to,
        details=dict(details or {}),
    )
