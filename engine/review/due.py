"""Due dates of review cases: working days in the Netherlands, never later than one month after the request
(GDPR Art. 12(3)). Pure functions."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")
END_OF_DAY = time(17, 0)


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Dutch national public holidays: New Year, Easter Monday, King's Day (the 26th when the 27th is a Sunday),
    Liberation Day (a day off every five years), Ascension Day, Whit Monday and Christmas."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    days = {
        date(year, 1, 1),
        easter + timedelta(days=1),
        kings_day,
        easter + timedelta(days=39),
        easter + timedelta(days=50),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year % 5 == 0:
        days.add(date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def add_one_month(day: date) -> date:
    """The same day next month, or its last day when it is shorter (31 January → 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_at(requested_at: datetime, *, working_days: int) -> datetime:
    """The end (17:00 Dutch time) of the ``working_days``-th working day after the request, and never later than
    the same moment one month after it."""
    local = requested_at.astimezone(DUTCH_TIME)
    by_service_level = datetime.combine(add_working_days(local.date(), working_days), END_OF_DAY, DUTCH_TIME)
    legal_limit = datetime.combine(add_one_month(local.date()), local.timetz())
    return min(by_service_level, legal_limit)
