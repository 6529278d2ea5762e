"""The groups of ``report --by``: day, week (from Monday), month (JST calendar), or tag.

Two ways to the same groups: a SQL expression of a row's UTC ``time`` (for a
``GROUP BY``), and the groups' UTC time bounds (to count a verdict's checks on
an index ``(status, time)``, one group at a time, without sorting any row).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone

from ..clock import JST
from .store import TIME_FORMAT, format_time

_GROUP_SQL = {
    "day": "date({t}, '+9 hours')",
    "week": "date({t}, '+9 hours', 'weekday 0', '-6 days')",
    "month": "strftime('%Y-%m', {t}, '+9 hours')",
    "tag": "{tag}",
}


def group_sql(by: str, time_column: str = "time", tag_column: str = "tag") -> str:
    """The SQL expression of a check's group key."""
    return _GROUP_SQL[by].format(t=time_column, tag=tag_column)


def group_start(by: str, day: date) -> date:
    """The first day (JST) of the day / week / month group holding ``day``."""
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def next_group(by: str, start: date) -> date:
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def group_key(by: str, start: date) -> str:
    return start.isoformat()[:7] if by == "month" else start.isoformat()


def _jst_day(time: str) -> date:
    return datetime.strptime(time, TIME_FORMAT).replace(tzinfo=timezone.utc).astimezone(JST).date()


def group_spans(by: str, first: str, last: str) -> Sequence[tuple[str, str, str]]:
    """``(key, low, high)`` for every day / week / month group from ``first`` to
    ``last`` (row times), as UTC row-time bounds."""
    start = group_start(by, _jst_day(first))
    end = _jst_day(last)
    spans = []
    while start <= end:
        following = next_group(by, start)
        low = datetime(start.year, start.month, start.day, tzinfo=JST)
        high = datetime(following.year, following.month, following.day, tzinfo=JST)
        spans.append((group_key(by, start), format_time(low), format_time(high)))
        start = following
    return spans


def count_on_index(
    connection: sqlite3.Connection,
    table: str,
    statuses: Iterable[str],
    spans: Sequence[tuple[str, str, str]],
    low: str,
    high: str,
) -> list[tuple[str, str, int]]:
    """``(key, status, n)`` for each group and verdict, counted on ``table``'s index
    ``(status, time)`` within ``[low, high)``: no row is sorted."""
    counts = []
    for status in statuses:
        for key, start, end in spans:
            (n,) = connection.execute(
                f"SELECT count(*) FROM {table} WHERE status = ? AND time >= ? AND time < ?",
                (status, max(start, low), min(end, high)),
            ).fetchone()
            if n:
                counts.append((key, status, n))
    return counts


def statuses_on_index(connection: sqlite3.Connection, table: str) -> list[str]:
    """Every verdict in ``table``, found on its index ``(status, time)`` by skipping from
    one verdict to the next (a handful of lookups, not a scan of every row)."""
    found: list[str] = []
    query = f"SELECT min(status) FROM {table} WHERE status > ?"
    (current,) = connection.execute(f"SELECT min(status) FROM {table}").fetchone()
    while current is not None:
        found.append(current)
        (current,) = connection.execute(query, (current,)).fetchone()
    return found
