"""The legal clock of a data-subject request (Art. 12(3) GDPR): an answer within one month of receipt; an extension
by at most two further months, only when the applicant is told, with reasons, within that first month. Months are
calendar months counted from the day of receipt in Dutch time (a request received on 31 January is due on the last
day of February), and a request is due at the end of that day. Pure functions: the caller passes the time."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from engine.decision.core import DUTCH_TIME

MAX_EXTENSION_MONTHS = 2


class ClockState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CLOSED = "closed"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, or the last day of that month when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: date) -> datetime:
    """The last moment of a Dutch calendar day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=DUTCH_TIME) - timedelta(microseconds=1)


def received_day(received_at: datetime) -> date:
    return received_at.astimezone(DUTCH_TIME).date()


def due_at(received_at: datetime, *, extension_months: int = 0) -> datetime:
    """When the answer is due: one month after receipt, plus an extension of at most two months."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"an extension is 1 or 2 months, not {extension_months}")
    return end_of_day(add_months(received_day(received_at), 1 + extension_months))


def why_cannot_extend(*, received_at: datetime, extended: bool, closed: bool, now: datetime) -> str | None:
    """None when the request may still be extended now, else why not."""
    if closed:
        return "the request is closed"
    if extended:
        return "the request was extended already; the law allows one extension of at most two months"
    if now > due_at(received_at):
        return "an extension must be told to the applicant within the first month, which has passed"
    return None


def clock_state(due: datetime, *, now: datetime, closed: bool, soon_days: int) -> ClockState:
    """Whether an open request is on time, due within ``soon_days``, or overdue."""
    if closed:
        return ClockState.CLOSED
    if now > due:
        return ClockState.OVERDUE
    if due - now <= timedelta(days=soon_days):
        return ClockState.DUE_SOON
    return ClockState.ON_TIME
