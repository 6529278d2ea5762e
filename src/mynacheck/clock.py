"""Time zone facts: certificate dates are UTC; the calendar people live by is JST."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
#: The renewal window opens this many months before the expiry date (JST calendar).
RENEWAL_WINDOW_MONTHS = 3


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` earlier, clamped to the month's end (the
    renewal rule: a certificate expiring on 31 May opens renewal on 28/29 February).
    Raises ``ValueError`` before year 1."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def now_utc() -> datetime:
    """This moment, aware, in UTC (what a check or a row is stamped with)."""
    return datetime.now(timezone.utc)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z``; a four-digit year always, before 1000 too (strftime
    would print ``999``), so any date a certificate may carry prints the same way."""
    if moment.utcoffset() != timedelta(0):  # naive (local time) or another zone
        moment = moment.astimezone(timezone.utc)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )
