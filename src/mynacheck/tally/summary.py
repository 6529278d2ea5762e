"""``mynacheck report``: counts over one or more tallies, by group, with a renewal forecast.

A *check* is a row. A *card* is a distinct ``card_hash`` — a keyed hash of the
certificate's serial, so really a certificate: a renewed certificate is a new
card (linking the two needs J-LIS, which only licensed verifiers may ask).
Checks without a certificate (``missing``, a read failure) cannot be told
apart and are counted as checks only.

- Without ``by``: checks per verdict, and each card once, by its latest check
  in the period.
- ``by`` day / week / month / tag: the same per group. Without ``latest`` a card
  counts in every group where it was checked (by its latest check there); with
  ``latest`` only in the group of its latest check in the period.
- The renewal forecast and ``cards_renewal_open`` look at each card whose latest
  check found its certificate valid, as of ``at`` (default today, JST); each group
  has its own, from each card's latest check as that group counts it.
- ``tags`` (``--tag``, repeatable) limits the report to those tags' rows, as if
  the tallies held nothing else.

Merging tallies written with one shared key counts a card once across them.
All the reducing happens in SQL (:mod:`.gather`); Python sees only the sums.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..clock import JST, RENEWAL_WINDOW_MONTHS, months_before
from ..status import CERTIFICATE_STATUSES, Status
from ..summary import ForecastMonth, Group, TallySummary
from . import history
from .gather import FileFacts, Request, gather, open_gathering
from .groups import count_on_index, group_spans, group_sql, statuses_on_index
from .keys import TallyError
from .store import check_tag, resolve_db_path

FORECAST_MONTHS = 12

#: Display order: certificate verdicts first, then what prevented one.
STATUS_ORDER: tuple[str, ...] = tuple(
    status.value for status in Status if status in CERTIFICATE_STATUSES
) + tuple(status.value for status in Status if status not in CERTIFICATE_STATUSES)


def ordered(counts: dict[str, int]) -> dict[str, int]:
    """Verdicts in display order; ones this version does not know, last, by name."""
    known = [s for s in STATUS_ORDER if counts.get(s)]
    unknown = sorted(s for s in counts if s not in STATUS_ORDER and counts[s])
    return {s: counts[s] for s in known + unknown}


def forecast_months(at: date) -> list[str]:
    """The 12 months of the forecast, from the month of ``at``."""
    index = at.year * 12 + at.month - 1
    return [f"{(index + i) // 12:04d}-{(index + i) % 12 + 1:02d}" for i in range(FORECAST_MONTHS)]


def renewal_figures(
    expiries: Iterable[tuple[str, int]], at: date
) -> tuple[int, tuple[ForecastMonth, ...]]:
    """``(cards_renewal_open, forecast)`` from ``(expiry, cards)`` of valid certificates
    (``expiry`` an ISO date): the window open on ``at`` (from 3 months before expiry to
    expiry), and the 12 months from ``at``'s month."""
    months = forecast_months(at)
    forecast = dict.fromkeys(months, 0)
    renewal_open = 0
    for expiry_text, n in expiries:
        expiry = date.fromisoformat(expiry_text)
        if expiry_text[:7] in forecast:
            forecast[expiry_text[:7]] += n
        if months_before(expiry, RENEWAL_WINDOW_MONTHS) <= at <= expiry:
            renewal_open += n
    return renewal_open, tuple(ForecastMonth(month=m, cards=forecast[m]) for m in months)


@dataclass(frozen=True)
class RenewalBounds:
    """The expiry dates (ISO text, so that SQL compares them as text) that the renewal
    figures as of ``at`` look at: the forecast's months ``[first, end)``, and the
    expiries whose renewal window is open on ``at``, ``[at, last_open]``."""

    at: str
    last_open: str
    first: str
    end: str

    @classmethod
    def on(cls, at: date) -> RenewalBounds:
        # months_before grows with the expiry date: the open windows end at one date.
        last = at + timedelta(days=31 * RENEWAL_WINDOW_MONTHS)
        while months_before(last, RENEWAL_WINDOW_MONTHS) > at:
            last -= timedelta(days=1)
        months = forecast_months(at)
        year, month = divmod(int(months[-1][:4]) * 12 + int(months[-1][5:7]), 12)
        return cls(
            at.isoformat(), last.isoformat(), f"{months[0]}-01", f"{year:04d}-{month + 1:02d}-01"
        )


def figures_by_month(
    rows: Iterable[tuple[str, int, int]], at: date
) -> tuple[int, tuple[ForecastMonth, ...]]:
    """:func:`renewal_figures` from ``(month, cards, cards_open)`` rows already reduced in
    SQL within :class:`RenewalBounds` (month ``YYYY-MM``; ``cards_open``: those of the
    month whose window is open on ``at``). The same answers (tested)."""
    forecast = dict.fromkeys(forecast_months(at), 0)
    renewal_open = 0
    for month, n, open_n in rows:
        if month in forecast:
            forecast[month] += n
        renewal_open += open_n
    return renewal_open, tuple(ForecastMonth(month=m, cards=n) for m, n in forecast.items())


def check_tags(tags: Iterable[str] | None) -> tuple[str, ...]:
    """``--tag`` values, each checked as a tally's tag is (``bad_tag``), once each, sorted."""
    return tuple(sorted({checked for tag in tags or () if (checked := check_tag(tag))}))


def summarize_tallies(
    dbs: Iterable[str | os.PathLike[str]],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    by: str | None = None,
    latest: bool = False,
    at: date | None = None,
    cumulative: bool = False,
    tags: Iterable[str] | None = None,
) -> TallySummary:
    """Read every database (each once, never writing) and count them together; with
    ``tags``, only the rows of those tags."""
    request = Request(since, until, by, latest, cumulative, check_tags(tags))
    today = at if at is not None else datetime.now(JST).date()
    paths: list[Path] = []
    seen: set[Path] = set()
    for db in dbs:
        path = resolve_db_path(db)
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            paths.append(path)
    with history.plan(paths) as plan:  # files of one history: each row once
        try:
            summary = _summarize_files(plan.reads, request, today)
        except TallyError as error:
            raise plan.explain(error) from None
    return replace(summary, sources=tuple(paths))


def _summarize_files(paths: Sequence[Path], request: Request, today: date) -> TallySummary:
    connection = open_gathering(request)
    try:
        if len(paths) == 1:  # summed up while the tally is attached: its indexes serve
            return gather(
                connection,
                0,
                paths[0],
                request,
                lambda facts: _summarize(connection, [facts], request, today),
                alone=True,
            )
        facts = [
            gather(connection, number, path, request, lambda facts: facts, alone=False)
            for number, path in enumerate(paths)
        ]
        return _summarize(connection, facts, request, today)
    finally:
        connection.close()


def _summarize(
    connection: sqlite3.Connection, facts: Sequence[FileFacts], request: Request, at: date
) -> TallySummary:
    """The sums, from ``temp.counts`` and each card's latest check (``lines``)."""
    q = connection.execute
    q("DROP VIEW IF EXISTS temp.cardlines")
    q("DROP TABLE IF EXISTS temp.merged")
    if len(facts) > 1:  # one card in several tallies: its latest check over all of them
        q(
            "CREATE TEMP TABLE merged AS SELECT card_hash, max(time) AS time, status, expiry, tag"
            " FROM temp.latest WHERE card_hash IS NOT NULL GROUP BY card_hash"
        )
        lines = "temp.merged"
    elif facts[0].lines == "src.cards":
        lines = "src.cards"
    else:
        q("CREATE TEMP VIEW cardlines AS SELECT * FROM temp.latest WHERE card_hash IS NOT NULL")
        lines = "temp.cardlines"
    checks_by_status = dict(q("SELECT status, sum(n) FROM temp.counts GROUP BY status"))
    cards_by_status = dict(q(f"SELECT status, count(*) FROM {lines} GROUP BY status"))
    (without,) = q("SELECT coalesce(sum(n), 0) FROM temp.latest WHERE card_hash IS NULL").fetchone()
    renewal_open, forecast = renewal_figures(  # checked: date(expiry) IS expiry
        q(
            f"SELECT expiry, count(*) FROM {lines}"
            " WHERE status = 'valid' AND expiry IS NOT NULL GROUP BY expiry"
        ).fetchall(),
        at,
    )
    firsts = [f.first for f in facts if f.first]
    lasts = [f.last for f in facts if f.last]
    first, last = (min(firsts), max(lasts)) if firsts and lasts else (None, None)
    return TallySummary(
        sources=tuple(f.path for f in facts),
        since=request.since,
        until=request.until,
        first=_moment(first) if first else None,
        last=_moment(last) if last else None,
        checks=sum(checks_by_status.values()),
        checks_by_status=ordered(checks_by_status),
        cards=sum(cards_by_status.values()),
        cards_by_status=ordered(cards_by_status),
        cards_renewal_open=renewal_open,
        checks_without_certificate=without,
        key_fingerprints=tuple(sorted({f.key_fingerprint for f in facts})),
        at=at,
        by=request.by,
        latest=request.latest,
        groups=_groups(connection, request, lines, len(facts), first, last, at),
        renewal_forecast=forecast,
        valid_cards_cumulative=_cumulative(connection, lines, len(facts))
        if request.first_valid
        else (),
        tags=request.tags,
    )


def _groups(
    connection: sqlite3.Connection,
    request: Request,
    lines: str,
    files: int,
    first: str | None,
    last: str | None,
    at: date,
) -> tuple[Group, ...] | None:
    by = request.by
    if by is None:
        return None
    checks: dict[str | None, dict[str, int]] = {}
    cards: dict[str | None, dict[str, int]] = {}
    expiries: dict[str | None, list[tuple[str, int, int]]] = {}
    for key, status, n in connection.execute(
        "SELECT grp, status, sum(n) FROM temp.counts GROUP BY grp, status"
    ):
        checks.setdefault(key, {})[status] = n
    # ``valid``: each group's cards whose latest check there found a valid certificate
    # expiring within the bounds, by month (an expiry checked as a date where it comes
    # from the rows; every card's own latest line is checked already). On a tally's own
    # card lines, the index (status, expiry) finds the few that expire soon.
    bounds = RenewalBounds.on(at)
    soon = (
        "status = 'valid' AND expiry >= :first AND expiry < :end"
        " AND expiry IS NOT NULL AND date(expiry) IS expiry"
    )
    month_open = (
        "substr(expiry, 1, 7) AS m, {n} AS n, {n} * (expiry >= :at AND expiry <= :last_open) AS o"
    )
    if request.latest:
        if lines == "src.cards" and by != "tag" and first and last:
            statuses = statuses_on_index(connection, lines)
            spans = group_spans(by, first, last)
            counted = count_on_index(connection, lines, statuses, spans, request.low, request.high)
        else:
            counted = connection.execute(
                f"SELECT {group_sql(by)}, status, count(*) FROM {lines} GROUP BY 1, 2"
            ).fetchall()
        checked = soon.replace(" AND date(expiry) IS expiry", "")
        valid = (
            f"SELECT {group_sql(by)} AS grp, {month_open.format(n=1)} FROM {lines} WHERE {checked}"
        )
    elif files > 1:
        counted = connection.execute(
            "SELECT grp, status, count(*) FROM (SELECT grp, card_hash, max(time), status"
            " FROM temp.gcards GROUP BY grp, card_hash) GROUP BY grp, status"
        ).fetchall()
        valid = (
            f"SELECT grp, {month_open.format(n=1)} FROM (SELECT grp, card_hash, max(time),"
            f" status, expiry FROM temp.gcards GROUP BY grp, card_hash) WHERE {soon}"
        )
    else:
        counted = connection.execute(
            "SELECT grp, status, sum(n) FROM temp.gcounts GROUP BY grp, status"
        ).fetchall()
        valid = f"SELECT grp, {month_open.format(n='n')} FROM temp.gcounts WHERE {soon}"
    for key, status, n in counted:
        cards.setdefault(key, {})[status] = n
    for key, month, n, open_n in connection.execute(
        f"SELECT grp, m, sum(n), sum(o) FROM ({valid}) GROUP BY grp, m", vars(bounds)
    ):
        expiries.setdefault(key, []).append((month, n, open_n))
    return build_groups(checks, cards, lambda key: figures_by_month(expiries.get(key, ()), at))


def build_groups(
    checks: dict[str | None, dict[str, int]],
    cards: dict[str | None, dict[str, int]],
    figures: Callable[[str | None], tuple[int, tuple[ForecastMonth, ...]]],
) -> tuple[Group, ...]:
    """The report's groups, one per key in ``checks`` or ``cards`` (in key order; no
    key, last): checks and cards per verdict in display order, and the group's renewal
    figures ``figures(key)`` (``(cards_renewal_open, forecast)``). Shared by the SQLite
    files' report and the server's (:mod:`.server_summary`)."""
    groups = []
    for key in sorted(set(checks) | set(cards), key=lambda k: (k is None, k or "")):
        renewal_open, forecast = figures(key)
        groups.append(
            Group(
                key=key,
                checks=ordered(checks.get(key, {})),
                cards=ordered(cards.get(key, {})),
                cards_renewal_open=renewal_open,
                renewal_forecast=forecast,
            )
        )
    return tuple(groups)


def _cumulative(
    connection: sqlite3.Connection, lines: str, files: int
) -> tuple[tuple[date, int], ...]:
    if lines == "src.cards":
        first = "SELECT card_hash, first_valid AS time FROM src.cards WHERE first_valid IS NOT NULL"
    elif files > 1:
        first = "SELECT card_hash, min(time) AS time FROM temp.firstvalid GROUP BY card_hash"
    else:
        first = "SELECT card_hash, time FROM temp.firstvalid"
    total = 0
    series = []
    for day, n in connection.execute(
        f"SELECT date(time, '+9 hours') AS day, count(*) FROM ({first}) GROUP BY day ORDER BY day"
    ):
        total += n
        series.append((date.fromisoformat(day), total))
    return tuple(series)


def _moment(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def day_range(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """``--from`` / ``--to`` days (JST, both inclusive) as a [since, until) UTC range.

    ``--from`` after ``--to`` is a usage error (``report_period_reversed``).
    """
    if start is not None and end is not None and start > end:
        raise TallyError("report_period_reversed", start=start.isoformat(), end=end.isoformat())
    since = datetime(start.year, start.month, start.day, tzinfo=JST) if start else None
    until = datetime(end.year, end.month, end.day, tzinfo=JST) + timedelta(days=1) if end else None
    return since, until
