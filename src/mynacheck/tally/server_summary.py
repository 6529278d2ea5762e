"""``mynacheck report postgresql://...``: the report's model (:class:`TallySummary`),
computed in SQL on the server, giving the same answers as over the same rows in
SQLite files (tests/test_pg_report.py compares them).

What is read, in one read-only snapshot: the checks per verdict and group from
``daily`` (kept per JST day, tag and verdict by the server's trigger; a period is
whole JST days), each card's latest check from ``cards`` (the whole tally) or
from the rows of the period (``DISTINCT ON`` over the index ``checks_time``),
the key fingerprints from ``keys``. Python sees only the sums.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from ..clock import JST
from ..summary import Group, TallySummary
from .server import ServerTarget, connect, import_psycopg, jst_sql, read_meta, server_error
from .summary import build_groups, check_tags, ordered, renewal_figures

#: A row's group, as a date (the JST day, the week's Monday, the month's first day) or
#: the tag: grouped on as it is, made into SQLite's keys (groups.group_sql) in Python.
_GROUP_OF_TIME = {
    "day": "(" + jst_sql("{t}") + ")::date",
    "week": "date_trunc('week', " + jst_sql("{t}") + ")::date",
    "month": "date_trunc('month', " + jst_sql("{t}") + ")::date",
    "tag": "{tag}",
}
#: The same from a line of ``daily`` (a JST day, '' for no tag).
_GROUP_OF_DAY = {
    "day": "day",
    "week": "date_trunc('week', day)::date",
    "month": "date_trunc('month', day)::date",
    "tag": "nullif(tag, '')",
}


def _group_of_time(by: str, table: str = "") -> str:
    prefix = f"{table}." if table else ""
    return _GROUP_OF_TIME[by].format(t=f"{prefix}time", tag=f"{prefix}tag")


def _key(by: str | None, value: Any) -> str | None:
    """A group's key as the report shows it: ``YYYY-MM-DD``, ``YYYY-MM``, or the tag."""
    if value is None or by is None or by == "tag":
        return value if by == "tag" else None
    return str(value.isoformat()[:7] if by == "month" else value.isoformat())


def _whole_days(moment: datetime | None) -> date | None:
    """The JST day a bound falls on, when it is that day's midnight (else None)."""
    if moment is None:
        return None
    local = moment.astimezone(JST)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date()


def summarize_server(
    target: ServerTarget,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    by: str | None = None,
    latest: bool = False,
    at: date | None = None,
    cumulative: bool = False,
    tags: Any = None,
) -> TallySummary:
    """The report over the server tally ``target`` (read only); ``tags``: only the rows
    of those tags, as if the tally held nothing else."""
    wanted = check_tags(tags)
    psycopg = import_psycopg()
    today = at if at is not None else datetime.now(JST).date()
    with connect(target) as connection:
        connection.read_only = True
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        read_meta(connection, target)
        try:
            with connection.transaction():
                return _summarize(
                    connection, target, since, until, by, latest, today, cumulative, wanted
                )
        except psycopg.Error as error:
            raise server_error(error, target) from None


class _Period:
    """The rows a report reads on the server: its period and tags, as SQL and values."""

    def __init__(
        self,
        connection: Any,
        since: datetime | None,
        until: datetime | None,
        tags: tuple[str, ...],
    ) -> None:
        self.connection = connection
        self.since, self.until, self.tags = since, until, tags
        self.whole = since is None and until is None and not tags
        self.span: dict[str, Any] = {
            "low": since or datetime(1, 1, 2, tzinfo=timezone.utc),
            "high": until or datetime(9999, 12, 30, tzinfo=timezone.utc),
            "tags": list(tags),
        }
        self.sql = "time >= %(low)s AND time < %(high)s"
        if tags:
            self.sql += " AND tag = ANY(%(tags)s)"

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, self.span if params is None else params)
            return list(cursor.fetchall())


class _CardCounts:
    """Cards per verdict, overall and per group, and the valid ones' expiry dates."""

    def __init__(self) -> None:
        self.by_status: dict[str, int] = {}
        self.valid_expiries: dict[str, int] = {}
        self.groups: dict[str | None, dict[str, int]] = {}
        self.group_expiries: dict[str | None, list[tuple[str, int]]] = {}

    def add_to_group(self, group: str | None, status: str, expiry: date | None, n: int) -> None:
        counts = self.groups.setdefault(group, {})
        counts[status] = counts.get(status, 0) + n
        if expiry is not None:
            self.group_expiries.setdefault(group, []).append((expiry.isoformat(), n))


def _count_checks(
    period: _Period, by: str | None
) -> tuple[dict[str, int], dict[str | None, dict[str, int]], int]:
    """Checks per verdict (and group): from ``daily`` over whole JST days, else the rows."""
    low_day, high_day = _whole_days(period.since), _whole_days(period.until)
    by_days = (period.since is None or low_day is not None) and (
        period.until is None or high_day is not None
    )
    if by_days:
        days = {
            "lowday": low_day or date(1, 1, 2),
            "highday": high_day or date(9999, 12, 30),
            "tags": list(period.tags),
        }
        day_filter = "day >= %(lowday)s AND day < %(highday)s"
        if period.tags:
            day_filter += " AND tag = ANY(%(tags)s)"
        key = "NULL" if by is None else _GROUP_OF_DAY[by]
        counted = period.rows(
            f"SELECT {key}, status, sum(checks), sum(without) FROM mynacheck.daily"
            f" WHERE {day_filter} GROUP BY 1, 2",
            days,
        )
    else:
        key = "NULL" if by is None else _group_of_time(by)
        counted = period.rows(
            f"SELECT {key}, status, count(*), count(*) FILTER (WHERE card_hash IS NULL)"
            f" FROM mynacheck.checks WHERE {period.sql} GROUP BY 1, 2"
        )
    checks_by_status: dict[str, int] = {}
    group_checks: dict[str | None, dict[str, int]] = {}
    without = 0
    for value, status, n, nohash in counted:
        checks_by_status[status] = checks_by_status.get(status, 0) + int(n)
        group_checks.setdefault(_key(by, value), {})[status] = int(n)
        without += int(nohash)
    return checks_by_status, group_checks, without


def _count_cards(period: _Period, by: str | None, latest: bool) -> _CardCounts:
    """Each card's latest line, once: per verdict and (valid) expiry, and per group with
    --latest; without --latest, each card's latest check within each group, apart."""
    if period.whole:
        lines = "mynacheck.cards"
    else:
        lines = (
            "(SELECT DISTINCT ON (card_hash) card_hash, time, status, expiry, tag"
            f" FROM mynacheck.checks WHERE card_hash IS NOT NULL AND {period.sql}"
            " ORDER BY card_hash, time DESC, received DESC) AS lines"
        )
    cards = _CardCounts()
    per_group = by is not None and latest
    key = _group_of_time(by) if per_group and by is not None else "NULL"
    for value, status, expiry, n in period.rows(
        f"SELECT {key}, status, CASE WHEN status = 'valid' THEN expiry END, count(*)"
        f" FROM {lines} GROUP BY 1, 2, 3"
    ):
        cards.by_status[status] = cards.by_status.get(status, 0) + int(n)
        if expiry is not None:
            day = expiry.isoformat()
            cards.valid_expiries[day] = cards.valid_expiries.get(day, 0) + int(n)
        if per_group:
            cards.add_to_group(_key(by, value), status, expiry, int(n))
    if by is not None and not latest:
        _count_cards_per_group(period, by, cards)
    return cards


def _count_cards_per_group(period: _Period, by: str, cards: _CardCounts) -> None:
    """Without --latest: each card's latest check within each group, counted apart."""
    source = (
        "SELECT DISTINCT ON (grp, card_hash) grp, status, expiry FROM (SELECT"
        f" {_group_of_time(by)} AS grp, card_hash, time, received, status, expiry"
        f" FROM mynacheck.checks WHERE card_hash IS NOT NULL AND {period.sql}) AS g"
        " ORDER BY grp, card_hash, time DESC, received DESC"
    )
    for value, status, expiry, n in period.rows(
        "SELECT grp, status, CASE WHEN status = 'valid' THEN expiry END, count(*)"
        f" FROM ({source}) AS s GROUP BY 1, 2, 3"
    ):
        cards.add_to_group(_key(by, value), status, expiry, int(n))


def _valid_cards_cumulative(period: _Period) -> tuple[tuple[date, int], ...]:
    """Valid cards so far, by the JST day each card was first seen valid."""
    if period.whole:
        firsts = "SELECT first_valid AS time FROM mynacheck.cards WHERE first_valid IS NOT NULL"
    else:
        firsts = (
            "SELECT min(time) AS time FROM mynacheck.checks WHERE card_hash IS NOT NULL"
            f" AND status = 'valid' AND {period.sql} GROUP BY card_hash"
        )
    total = 0
    points = []
    for day, n in period.rows(
        f"SELECT ({jst_sql('time')})::date AS day, count(*) FROM ({firsts}) AS f"
        " GROUP BY 1 ORDER BY 1"
    ):
        total += int(n)
        points.append((day, total))
    return tuple(points)


def _summarize(
    connection: Any,
    target: ServerTarget,
    since: datetime | None,
    until: datetime | None,
    by: str | None,
    latest: bool,
    at: date,
    cumulative: bool,
    tags: tuple[str, ...],
) -> TallySummary:
    period = _Period(connection, since, until, tags)
    ((first, last),) = period.rows(
        f"SELECT min(time), max(time) FROM mynacheck.checks WHERE {period.sql}"
    )
    checks_by_status, group_checks, without = _count_checks(period, by)
    cards = _count_cards(period, by, latest)
    renewal_open, forecast = renewal_figures(sorted(cards.valid_expiries.items()), at)
    groups: tuple[Group, ...] | None = None
    if by is not None:
        groups = build_groups(
            group_checks,
            cards.groups,
            lambda k: renewal_figures(cards.group_expiries.get(k, ()), at),
        )
    fingerprints = tuple(
        f for (f,) in period.rows("SELECT key_fingerprint FROM mynacheck.keys ORDER BY 1", {})
    )
    return TallySummary(
        sources=(target.display,),
        since=since,
        until=until,
        first=first.astimezone(timezone.utc) if first else None,
        last=last.astimezone(timezone.utc) if last else None,
        checks=sum(checks_by_status.values()),
        checks_by_status=ordered(checks_by_status),
        cards=sum(cards.by_status.values()),
        cards_by_status=ordered(cards.by_status),
        cards_renewal_open=renewal_open,
        checks_without_certificate=without,
        key_fingerprints=fingerprints,
        at=at,
        by=by,
        latest=latest,
        groups=groups,
        renewal_forecast=forecast,
        valid_cards_cumulative=_valid_cards_cumulative(period) if cumulative else (),
        tags=tags,
    )
