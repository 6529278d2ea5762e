"""Time zone facts: certificate dates are UTC; the calendar people live by is JST."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z``; a four-digit year always, before 1000 too (strftime
    would print ``999``), so any date a certificate may carry prints the same way."""
    if moment.utcoffset() != timedelta(0):  # naive (local time) or another zone
        moment = moment.astimezone(timezone.utc)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )
