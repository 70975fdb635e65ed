"""Due dates of review cases: Dutch working days and public holidays, 17:00 Dutch time, never past one month."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.easter import easter as reference_easter

from engine.review.due import add_one_month, add_working_days, due_at, easter_sunday, is_working_day, public_holidays

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),  # the latest possible date
        (2285, date(2285, 3, 22)),  # the earliest possible date
    ],
)
def test_easter_sunday_of_known_years(year: int, sunday: date) -> None:
    assert easter_sunday(year) == sunday
    assert sunday.weekday() == 6


def test_easter_sunday_agrees_with_a_reference_over_four_centuries() -> None:
    wrong = [year for year in range(1900, 2300) if easter_sunday(year) != reference_easter(year)]
    assert wrong == []


# Every Dutch national public holiday (as this engine counts them) of a few years, in full.
HOLIDAYS = {
    # 27 April 2025 is a Sunday: King's Day moves to Saturday 26 April; 2025 is a Liberation Day year (5 May).
    2025: {
        date(2025, 1, 1),
        date(2025, 4, 21),  # Easter Monday
        date(2025, 4, 26),  # King's Day, moved
        date(2025, 5, 5),  # Liberation Day (2025 is divisible by 5)
        date(2025, 5, 29),  # Ascension Day
        date(2025, 6, 9),  # Whit Monday
        date(2025, 12, 25),
        date(2025, 12, 26),
    },
    # 27 April 2026 is a Monday; no Liberation Day off.
    2026: {
        date(2026, 1, 1),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    },
    # 27 April 2030 is a Saturday: King's Day stays (it only moves for a Sunday); Liberation Day year.
    2030: {
        date(2030, 1, 1),
        date(2030, 4, 22),
        date(2030, 4, 27),
        date(2030, 5, 5),
        date(2030, 5, 30),
        date(2030, 6, 10),
        date(2030, 12, 25),
        date(2030, 12, 26),
    },
    # 27 April 2014 was a Sunday: King's Day was on 26 April.
    2014: {
        date(2014, 1, 1),
        date(2014, 4, 21),
        date(2014, 4, 26),
        date(2014, 5, 29),
        date(2014, 6, 9),
        date(2014, 12, 25),
        date(2014, 12, 26),
    },
}


@pytest.mark.parametrize("year", sorted(HOLIDAYS))
def test_public_holidays_of_a_year(year: int) -> None:
    assert set(public_holidays(year)) == HOLIDAYS[year]


@pytest.mark.parametrize(
    ("year", "kings_day"),
    [(2025, date(2025, 4, 26)), (2014, date(2014, 4, 26)), (2026, date(2026, 4, 27)), (2030, date(2030, 4, 27))],
)
def test_kings_day_moves_to_the_26th_only_when_the_27th_is_a_sunday(year: int, kings_day: date) -> None:
    holidays = public_holidays(year)
    assert kings_day in holidays
    other = date(year, 4, 27) if kings_day.day == 26 else date(year, 4, 26)
    assert other not in holidays


@pytest.mark.parametrize(("year", "off"), [(2024, False), (2025, True), (2026, False), (2029, False), (2030, True)])
def test_liberation_day_is_a_day_off_only_every_five_years(year: int, off: bool) -> None:
    assert (date(year, 5, 5) in public_holidays(year)) is off


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 25), True),  # a Wednesday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 12, 25), False),  # Christmas, a Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 3), True),  # Good Friday is not a national day off
        (date(2025, 5, 5), False),  # Liberation Day 2025, a Monday
        (date(2026, 5, 5), True),  # Liberation Day 2026, a Tuesday: a working day
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Wednesday + 5: Thu, Fri, Mon, Tue, Wed.
        (date(2026, 11, 25), 5, date(2026, 12, 2)),
        # Friday 18 Dec + 5: Mon 21, Tue 22, Wed 23, Thu 24 (4), Fri 25 and Sat 26 Christmas, Sun 27, Mon 28 (5).
        (date(2026, 12, 18), 5, date(2026, 12, 28)),
        # Wednesday 23 Dec + 5: Thu 24 (1), Mon 28, Tue 29, Wed 30, Thu 31 (5).
        (date(2026, 12, 23), 5, date(2026, 12, 31)),
        # Wednesday 30 Dec 2026 + 2: Thu 31 (1), Fri 1 Jan 2027 is New Year, Mon 4 Jan (2).
        (date(2026, 12, 30), 2, date(2027, 1, 4)),
        # Thursday before Easter 2026 + 2: Fri 3 Apr (1), Easter Monday 6 Apr off, Tue 7 Apr (2).
        (date(2026, 4, 2), 2, date(2026, 4, 7)),
        # Friday 24 Apr 2026 + 1: King's Day Monday 27 Apr is off: Tue 28 Apr.
        (date(2026, 4, 24), 1, date(2026, 4, 28)),
        # Friday 2 May 2025 + 1: Liberation Day Monday 5 May 2025 is off: Tue 6 May.
        (date(2025, 5, 2), 1, date(2025, 5, 6)),
        # From a Saturday: Monday is the first working day after it.
        (date(2026, 11, 28), 1, date(2026, 11, 30)),
        (date(2026, 11, 25), 0, date(2026, 11, 25)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # not a leap year
        (date(2024, 1, 31), date(2024, 2, 29)),  # a leap year
        (date(2100, 1, 31), date(2100, 2, 28)),  # divisible by 100, not by 400: no leap year
        (date(2000, 1, 30), date(2000, 2, 29)),  # divisible by 400: a leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),  # over the turn of the year
        (date(2026, 11, 25), date(2026, 12, 25)),
    ],
)
def test_add_one_month(day: date, expected: date) -> None:
    assert add_one_month(day) == expected


@pytest.mark.parametrize(
    ("requested_at", "working_days", "expected"),
    [
        pytest.param(
            datetime(2026, 11, 25, 10, 30, tzinfo=UTC),
            5,
            datetime(2026, 12, 2, 17, 0, tzinfo=AMSTERDAM),
            id="wednesday-5-days",
        ),
        pytest.param(
            # 23:30 UTC on Thursday 26 November is already Friday in Amsterdam: count from Friday (the UTC date
            # would give Thursday 3 December).
            datetime(2026, 11, 26, 23, 30, tzinfo=UTC),
            5,
            datetime(2026, 12, 4, 17, 0, tzinfo=AMSTERDAM),
            id="late-utc-thursday-is-dutch-friday",
        ),
        pytest.param(
            # Over the change to summer time (29 March 2026): 17:00 CEST is 15:00 UTC.
            datetime(2026, 3, 26, 10, 0, tzinfo=AMSTERDAM),
            5,
            datetime(2026, 4, 2, 15, 0, tzinfo=UTC),
            id="over-summer-time",
        ),
        pytest.param(
            datetime(2026, 12, 18, 9, 0, tzinfo=AMSTERDAM),
            5,
            datetime(2026, 12, 28, 17, 0, tzinfo=AMSTERDAM),
            id="over-christmas",
        ),
        pytest.param(
            # 20 working days from Friday 31 January 2025 end on Friday 28 February at 17:00, but one month after
            # the request is 28 February 10:00: the legal limit wins.
            datetime(2025, 1, 31, 10, 0, tzinfo=AMSTERDAM),
            20,
            datetime(2025, 2, 28, 10, 0, tzinfo=AMSTERDAM),
            id="capped-short-february",
        ),
        pytest.param(
            # In a leap year the month runs to 29 February: the 20th working day (28 February, 17:00) comes first.
            datetime(2024, 1, 31, 10, 0, tzinfo=AMSTERDAM),
            20,
            datetime(2024, 2, 28, 17, 0, tzinfo=AMSTERDAM),
            id="not-capped-leap-february",
        ),
        pytest.param(
            # Easter Monday and King's Day push the 20th working day to 30 April 17:00; one month is 30 April 10:00.
            datetime(2026, 3, 31, 10, 0, tzinfo=AMSTERDAM),
            20,
            datetime(2026, 4, 30, 10, 0, tzinfo=AMSTERDAM),
            id="capped-by-holidays",
        ),
    ],
)
def test_due_at(requested_at: datetime, working_days: int, expected: datetime) -> None:
    due = due_at(requested_at, working_days=working_days)
    assert due == expected
    assert due.astimezone(AMSTERDAM).utcoffset() == expected.astimezone(AMSTERDAM).utcoffset()


@pytest.mark.parametrize("days", range(0, 40))
def test_due_at_is_never_later_than_one_month_and_never_before_the_request(days: int) -> None:
    requested = datetime(2026, 1, 1, 8, 15, tzinfo=UTC) + timedelta(days=days * 9, hours=days)
    local = requested.astimezone(AMSTERDAM)
    one_month = datetime.combine(add_one_month(local.date()), local.timetz())
    for working_days in (1, 5, 20):
        due = due_at(requested, working_days=working_days)
        assert requested < due <= one_month
        assert is_working_day(due.astimezone(AMSTERDAM).date()) or due == one_month
