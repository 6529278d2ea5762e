"""``mynacheck report`` as text (ja/en, aligned in terminal cells) and as CSV.

Takes a :class:`~mynacheck.tally.summary.TallySummary`; imports nothing of the
tally at run time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..clock import JST
from ..status import CERTIFICATE_STATUSES, Status
from .messages import TALLY, WATCH, Lang, text
from .watchview import display_width

if TYPE_CHECKING:
    from ..tally.summary import Group, TallySummary

#: Verdicts that come with a certificate, hence a card hash (others show no card count).
_CARD_STATUSES = frozenset(s.value for s in CERTIFICATE_STATUSES if s is not Status.MISSING)


def pad_right(value: str, width: int) -> str:
    return value + " " * max(0, width - display_width(value))


def pad_left(value: str, width: int) -> str:
    return " " * max(0, width - display_width(value)) + value


def _word(status: str, lang: Lang) -> str:
    """The verdict word; a verdict of a newer version shows as its name."""
    if f"status.{status}" in TALLY:
        return text(TALLY, f"status.{status}", lang)
    key = f"word.{status}"
    return text(WATCH, key, lang) if key in WATCH else status


def _day(moment: datetime | None) -> str:
    return moment.astimezone(JST).date().isoformat() if moment else ""


def group_label(summary: TallySummary, key: str | None, lang: Lang) -> str:
    return key if key is not None else text(TALLY, "group.none", lang)


def render_summary_text(summary: TallySummary, lang: Lang) -> str:
    """The report: period and files, counts (per group with ``--by``), the renewal
    window as of ``--at``, and the 12-month renewal forecast."""
    title = text(TALLY, f"title.{summary.by}" if summary.by else "title", lang)
    last_day = summary.until - timedelta(days=1) if summary.until else None
    if summary.since or summary.until:
        period = f"{_day(summary.since) or '...'} .. {_day(last_day) or '...'} (JST)"
    else:
        period = text(TALLY, "period.all", lang)
        if summary.first is not None:
            period += f" ({_day(summary.first)} .. {_day(summary.last)} JST)"
    lines = [
        title,
        f"  {text(TALLY, 'period', lang)}: {period}",
        f"  {text(TALLY, 'databases', lang)}: " + ", ".join(str(p) for p in summary.sources),
        "",
    ]
    if not summary.checks:
        lines.append(text(TALLY, "empty", lang))
        return "\n".join(lines)
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
    if summary.renewal_forecast:
        lines += ["", f"  {text(TALLY, 'forecast', lang, at=at)}"]
        width = max(len(str(month.cards)) for month in summary.renewal_forecast)
        for month in summary.renewal_forecast:
            lines.append(f"    {month.month}  {pad_left(str(month.cards), max(width, 4))}")
    return "\n".join(lines)


def _columns(lang: Lang) -> tuple[str, str, str]:
    return (text(TALLY, "header", lang), text(TALLY, "checks", lang), text(TALLY, "cards", lang))


def _rows(checks: dict[str, int], cards: dict[str, int]) -> list[tuple[str, str, str]]:
    """``(status, checks, cards)``: every verdict with checks or cards, cards ``-`` for a
    verdict without a certificate."""
    statuses = list(checks) + [s for s in cards if s not in checks]
    return [
        (
            status,
            str(checks.get(status, 0)),
            str(cards.get(status, 0)) if status in _CARD_STATUSES or status in cards else "-",
        )
        for status in statuses
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


def summary_csv(summary: TallySummary) -> str:
    """``report --csv``.

    Without ``--by``: ``status,checks,cards`` rows, then ``total`` and
    ``renewal_open``. With ``--by``: ``group,status,checks,cards``, one row per group
    and verdict (an untagged group's key is empty). ``cards`` is empty for verdicts
    without a certificate (they cannot be told apart).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if summary.groups is not None:
        writer.writerow(["group", "status", "checks", "cards"])
        for group in summary.groups:
            for status, checks, cards in _rows(group.checks, group.cards):
                writer.writerow(
                    ["" if group.key is None else group.key, status, checks, _csv(cards)]
                )
        return buffer.getvalue()
    writer.writerow(["status", "checks", "cards"])
    for status, checks, cards in _rows(summary.checks_by_status, summary.cards_by_status):
        writer.writerow([status, checks, _csv(cards)])
    writer.writerow(["total", summary.checks, summary.cards])
    writer.writerow(["renewal_open", "", summary.cards_renewal_open])
    return buffer.getvalue()


def _csv(cards: str) -> str:
    return "" if cards == "-" else cards
