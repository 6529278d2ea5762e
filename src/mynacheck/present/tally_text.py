"""``mynacheck report`` as text (ja/en, aligned in terminal cells) and as CSV.

Takes a :class:`~mynacheck.tally.summary.TallySummary`; imports nothing of the
tally at run time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..clock import JST, RENEWAL_WINDOW_MONTHS
from ..status import CARD_HASH_STATUSES, Status
from .messages import TALLY, WATCH, Lang, text
from .watchview import display_width

if TYPE_CHECKING:
    from ..summary import Group, TallySummary

#: Verdicts that come with a certificate, hence a card hash (others show no card count).
_CARD_STATUSES = frozenset(s.value for s in CARD_HASH_STATUSES)
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pad_right(value: str, width: int) -> str:
    return value + " " * max(0, width - display_width(value))


def pad_left(value: str, width: int) -> str:
    return " " * max(0, width - display_width(value)) + value


def _word(status: str, lang: Lang) -> str:
    """The verdict word (expired marked for its note; a phone in the report's own
    words); a newer version's verdict: its name."""
    if status == Status.EXPIRED.value:
        return text(TALLY, "expired.mark", lang)
    return status_label(status, lang)


def status_label(status: str, lang: Lang) -> str:
    """The words for a verdict, or for a CSV line of figures (``total``, ``renewal_open``,
    ``expires_YYYY-MM``): the CSV's ``status_label``."""
    if status == Status.EXPIRED.value:
        return text(TALLY, "expired.label", lang)
    if status == "total":
        return text(TALLY, "total", lang)
    if status == "renewal_open":
        return text(TALLY, "renewal_open.short", lang) + " (" + within_renewal_window(lang) + ")"
    if status.startswith("expires_"):
        return text(TALLY, "forecast.in", lang, month=status.removeprefix("expires_"))
    if f"status.{status}" in TALLY:  # a phone: "a phone was shown", not a verdict word
        return text(TALLY, f"status.{status}", lang)
    key = f"word.{status}"
    return text(WATCH, key, lang) if key in WATCH else status


def within_renewal_window(lang: Lang) -> str:
    """ "expiring within 3 months": the renewal window, in months (clock.RENEWAL_WINDOW_MONTHS)."""
    return text(TALLY, "renewal_open.within", lang, months=RENEWAL_WINDOW_MONTHS)


def month_label(month: str, lang: Lang) -> str:
    """``YYYY-MM`` as a short column header: 10月 / Oct."""
    number = int(month[5:7])
    return text(TALLY, "forecast.short", lang, m=number, name=_MONTH_NAMES[number - 1])


def expired_shown(summary: TallySummary) -> bool:
    """An expired count is shown somewhere in the report (and so is its note)."""
    if summary.checks_by_status.get(Status.EXPIRED.value) or summary.cards_by_status.get(
        Status.EXPIRED.value
    ):
        return True
    return any(Status.EXPIRED.value in g.checks for g in summary.groups or ())


def _day(moment: datetime | None) -> str:
    return moment.astimezone(JST).date().isoformat() if moment else ""


def group_label(summary: TallySummary, key: str | None, lang: Lang) -> str:
    return key if key is not None else text(TALLY, "group.none", lang)


def period_text(summary: TallySummary, lang: Lang) -> str:
    """The period asked for (JST days), or "all" with the days of the first and last check."""
    last_day = summary.until - timedelta(days=1) if summary.until else None
    if summary.since or summary.until:
        return f"{_day(summary.since) or '...'} .. {_day(last_day) or '...'} (JST)"
    period = text(TALLY, "period.all", lang)
    if summary.first is not None:
        period += f" ({_day(summary.first)} .. {_day(summary.last)} JST)"
    return period


def render_summary_text(summary: TallySummary, lang: Lang) -> str:
    """The report: period and files, counts (per group with ``--by``), the renewal
    window as of ``--at``, and the 12-month renewal forecast."""
    title = text(TALLY, f"title.{summary.by}" if summary.by else "title", lang)
    period = period_text(summary, lang)
    lines = [
        title,
        f"  {text(TALLY, 'period', lang)}: {period}",
        f"  {text(TALLY, 'databases', lang)}: " + ", ".join(str(p) for p in summary.sources),
    ]
    if summary.tags:
        lines.append(f"  {text(TALLY, 'tags', lang)}: " + ", ".join(summary.tags))
    lines.append("")
    if not summary.checks:
        lines.append(text(TALLY, "empty", lang))
        return "\n".join(lines)
    valid = summary.cards_by_status.get(Status.VALID.value, 0)
    lines += [f"  {text(TALLY, 'headline', lang, valid=valid, cards=summary.cards)}", ""]
    if summary.groups is not None and summary.by is not None:
        note = "cards.latest" if summary.latest else "cards.per_group"
        lines += [f"  {text(TALLY, note, lang)}", ""]
        lines += _group_table(summary, summary.groups, lang)
        lines += ["", f"  {text(TALLY, 'overall', lang)}"]
    lines += _status_table(summary, lang)
    lines.append("")
    at = summary.at.isoformat() if summary.at else ""
    lines.append(f"  {text(TALLY, 'renewal_open.at', lang, at=at)}: {summary.cards_renewal_open}")
    if summary.checks_without_certificate:
        note = text(TALLY, "without_certificate", lang, n=summary.checks_without_certificate)
        lines.append(f"  {note}")
    if expired_shown(summary):
        lines.append(f"  {text(TALLY, 'expired.note', lang)}")
    if summary.renewal_forecast:
        lines += ["", f"  {text(TALLY, 'forecast', lang, at=at)}"]
        width = max(len(str(month.cards)) for month in summary.renewal_forecast)
        for month in summary.renewal_forecast:
            lines.append(f"    {month.month}  {pad_left(str(month.cards), max(width, 4))}")
    if summary.groups and summary.by is not None and summary.renewal_forecast:
        first = summary.renewal_forecast[0].month
        lines += ["", f"  {text(TALLY, 'per_group', lang, at=at, first=first)}"]
        lines += _per_group_renewal_table(summary, summary.groups, lang)
    return "\n".join(lines)


def _per_group_renewal_table(
    summary: TallySummary, groups: Sequence[Group], lang: Lang
) -> list[str]:
    """One line per group: its cards in the renewal window, then its 12-month forecast."""
    assert summary.by is not None
    months = [month_label(m.month, lang) for m in summary.renewal_forecast]
    rows: list[tuple[str, ...]] = [
        (text(TALLY, f"group.{summary.by}", lang), text(TALLY, "renewal_open.short", lang), *months)
    ]
    for group in groups:
        rows.append(
            (
                group_label(summary, group.key, lang),
                str(group.cards_renewal_open),
                *(str(n) for _, n in forecast_of(group, summary)),
            )
        )
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        (
            "  "
            + "  ".join(
                pad_right(cell, widths[i]) if i == 0 else pad_left(cell, widths[i])
                for i, cell in enumerate(row)
            )
        ).rstrip()
        for row in rows
    ]


def forecast_of(group: Group, summary: TallySummary) -> list[tuple[str, int]]:
    """A group's forecast as ``(month, cards)``, on the report's 12 months (zeros for a
    group without one: a model made elsewhere that left it out)."""
    own = {m.month: m.cards for m in group.renewal_forecast}
    return [(m.month, own.get(m.month, 0)) for m in summary.renewal_forecast]


def _columns(lang: Lang) -> tuple[str, str, str]:
    return (text(TALLY, "header", lang), text(TALLY, "checks", lang), text(TALLY, "cards", lang))


def verdict_rows(
    checks: Mapping[str, int], cards: Mapping[str, int]
) -> list[tuple[str, int, int | None]]:
    """``(status, checks, cards)``: every verdict with checks or cards, cards None for a
    verdict without a certificate (such checks cannot be told apart)."""
    statuses = list(checks) + [s for s in cards if s not in checks]
    return [
        (
            status,
            checks.get(status, 0),
            cards.get(status, 0) if status in _CARD_STATUSES or status in cards else None,
        )
        for status in statuses
    ]


def _rows(checks: Mapping[str, int], cards: Mapping[str, int]) -> list[tuple[str, str, str]]:
    """:func:`verdict_rows` as text, cards ``-`` for a verdict without a certificate."""
    return [
        (status, str(n), "-" if k is None else str(k))
        for status, n, k in verdict_rows(checks, cards)
    ]


def _status_table(summary: TallySummary, lang: Lang) -> list[str]:
    headers = _columns(lang)
    rows = [
        (_word(s, lang), c, k)
        for s, c, k in _rows(summary.checks_by_status, summary.cards_by_status)
    ]
    rows.append((text(TALLY, "total", lang), str(summary.checks), str(summary.cards)))
    return _table([headers, *rows])


def _group_table(summary: TallySummary, groups: Sequence[Group], lang: Lang) -> list[str]:
    assert summary.by is not None
    headers = (text(TALLY, f"group.{summary.by}", lang), *_columns(lang))
    rows: list[tuple[str, ...]] = [headers]
    for group in groups:
        label = group_label(summary, group.key, lang)
        for index, (status, checks, cards) in enumerate(_rows(group.checks, group.cards)):
            rows.append((label if index == 0 else "", _word(status, lang), checks, cards))
    return _table(rows)


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Text columns left-aligned, the last two (numbers) right-aligned, in cells."""
    count = len(rows[0])
    widths = [max(display_width(row[i]) for row in rows) for i in range(count)]
    widths[-2:] = [max(6, w) for w in widths[-2:]]
    out = []
    for row in rows:
        cells = [pad_right(cell, widths[i]) for i, cell in enumerate(row[:-2])]
        cells += [pad_left(cell, widths[count - 2 + i]) for i, cell in enumerate(row[-2:])]
        out.append(("  " + "  ".join(cells)).rstrip())
    return out


def summary_csv(summary: TallySummary, lang: Lang = "en", *, newline: str = "\n") -> str:
    """``report --csv``.

    Without ``--by``: ``status,checks,cards,status_label`` rows, then ``total``,
    ``renewal_open`` and ``expires_YYYY-MM`` (the 12-month forecast). With ``--by``:
    ``group,status,checks,cards,status_label``, per group its verdicts, then its own
    ``renewal_open`` and ``expires_YYYY-MM`` (an untagged group's key is empty).
    ``cards`` is empty for verdicts without a certificate (they cannot be told apart).
    ``status`` keeps the codes; ``status_label`` says them in ``lang``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    if summary.groups is not None:
        writer.writerow(["group", "status", "checks", "cards", "status_label"])
        for group in summary.groups:
            key = "" if group.key is None else group.key
            for status, checks, cards in _rows(group.checks, group.cards):
                writer.writerow([key, status, checks, _csv(cards), status_label(status, lang)])
            for status, cards_n in _renewal_rows(
                group.cards_renewal_open, forecast_of(group, summary)
            ):
                writer.writerow([key, status, "", cards_n, status_label(status, lang)])
        return buffer.getvalue()
    writer.writerow(["status", "checks", "cards", "status_label"])
    for status, checks, cards in _rows(summary.checks_by_status, summary.cards_by_status):
        writer.writerow([status, checks, _csv(cards), status_label(status, lang)])
    writer.writerow(["total", summary.checks, summary.cards, status_label("total", lang)])
    for status, cards_n in _renewal_rows(
        summary.cards_renewal_open, [(m.month, m.cards) for m in summary.renewal_forecast]
    ):
        writer.writerow([status, "", cards_n, status_label(status, lang)])
    return buffer.getvalue()


def _renewal_rows(renewal_open: int, forecast: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    return [("renewal_open", renewal_open)] + [(f"expires_{month}", n) for month, n in forecast]


def _csv(cards: str) -> str:
    return "" if cards == "-" else cards
