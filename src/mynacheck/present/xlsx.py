"""``report --xlsx FILE``: the survey as an Excel workbook.

Sheets: the summary (headline, verdicts, renewal window, notes), one per grouping
asked for (``--by``: the groups' verdicts, then each group's renewal window and
forecast), the 12-month renewal forecast with a native Excel chart (a column per
group, stacked), and the tallies read. Headers in the ``--lang`` language; numbers
as numbers, days and months as Excel dates, column widths set, header rows frozen.

XlsxWriter is the optional extra ``mynacheck[excel]``, imported only here and only
when a workbook is asked for. Takes a :class:`~mynacheck.tally.summary.TallySummary`;
imports nothing of the tally at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import JST
from ..status import Status
from .messages import OFFICE, TALLY, Lang, text
from .tally_text import forecast_of, group_label, period_text, status_label, verdict_rows
from .watchview import display_width

if TYPE_CHECKING:
    from ..summary import TallySummary


class _Sheet:
    """A worksheet that remembers each column's widest cell, for the widths."""

    def __init__(self, book: Any, name: str, formats: dict[str, Any]) -> None:
        self.sheet = book.add_worksheet(name)
        self.formats = formats
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: object, style: str | None = None) -> None:
        fmt = self.formats.get(style) if style else None
        if isinstance(value, datetime):
            self.sheet.write_datetime(row, col, value, fmt or self.formats["moment"])
            width = 16
        elif isinstance(value, date):
            self.sheet.write_datetime(row, col, value, fmt or self.formats["day"])
            width = 10
        elif isinstance(value, int):
            self.sheet.write_number(row, col, value, fmt)
            width = len(str(value))
        elif value is None:
            return
        else:
            self.sheet.write_string(row, col, str(value), fmt)
            width = max((display_width(line) for line in str(value).splitlines()), default=0)
        if style != "note":  # a long note overflows to the right
            self.widths[col] = max(self.widths.get(col, 0), width)

    def header(self, row: int, titles: Sequence[str]) -> None:
        for col, title in enumerate(titles):
            self.put(row, col, title, "header")

    def finish(self, frozen_rows: int, *, cap: int = 60) -> None:
        for col, width in self.widths.items():
            self.sheet.set_column(col, col, min(cap, width + 2))
        if frozen_rows:
            self.sheet.freeze_panes(frozen_rows, 0)


def write_workbook(summary: TallySummary, path: Path, lang: Lang) -> None:
    """Write the workbook of ``summary`` (made with ``cumulative=True`` for the chart's
    data, though the workbook works without) to ``path``."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties({"title": text(TALLY, "title", lang), "comments": "mynacheck report"})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "bold": book.add_format({"bold": True}),
        "day": book.add_format({"num_format": "yyyy-mm-dd", "align": "left"}),
        "month": book.add_format({"num_format": "yyyy-mm", "align": "left"}),
        "moment": book.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"}),
        "note": book.add_format({"italic": True}),
    }
    _summary_sheet(book, formats, summary, lang)
    if summary.groups is not None and summary.by is not None:
        _group_sheet(book, formats, summary, lang)
    _forecast_sheet(book, formats, summary, lang)
    _files_sheet(book, formats, summary, lang)
    book.close()


def _summary_sheet(book: Any, formats: dict[str, Any], summary: TallySummary, lang: Lang) -> None:
    sheet = _Sheet(book, text(OFFICE, "sheet.summary", lang), formats)
    title = text(TALLY, f"title.{summary.by}" if summary.by else "title", lang)
    sheet.sheet.write_string(0, 0, title, formats["title"])
    sheet.header(1, [text(OFFICE, "item", lang), text(OFFICE, "value", lang)])
    valid = summary.cards_by_status.get(Status.VALID.value, 0)
    facts: list[tuple[str, object]] = [
        (text(TALLY, "period", lang), period_text(summary, lang)),
        (text(OFFICE, "at", lang), summary.at),
        (text(OFFICE, "first", lang), _jst(summary.first)),
        (text(OFFICE, "last", lang), _jst(summary.last)),
        (text(TALLY, "databases", lang), len(summary.sources)),
    ]
    if summary.tags:
        facts.append((text(TALLY, "tags", lang), ", ".join(summary.tags)))
    facts += [
        (text(TALLY, "headline", lang, valid=valid, cards=summary.cards).split(":")[0], valid),
        (text(TALLY, "cards", lang), summary.cards),
        (text(TALLY, "checks", lang), summary.checks),
        (text(TALLY, "renewal_open.short", lang), summary.cards_renewal_open),
    ]
    row = 2
    for label, value in facts:
        sheet.put(row, 0, label, "bold")
        sheet.put(row, 1, value)
        row += 1
    row += 1
    sheet.header(row, verdict_headers(lang))
    rows = verdict_rows(summary.checks_by_status, summary.cards_by_status)
    total = ("total", summary.checks, summary.cards, "bold")
    row = _verdicts(sheet, row, [], [*((*r, None) for r in rows), total], lang)
    row += 2
    sheet.put(row, 0, text(OFFICE, "notes", lang), "bold")
    for note in notes(summary, lang):
        row += 1
        sheet.put(row, 0, note, "note")
    sheet.finish(2)


def verdict_headers(lang: Lang) -> list[str]:
    """The columns of a table of verdicts: the words, the code, checks, cards."""
    return [
        text(TALLY, "header", lang),
        text(OFFICE, "code", lang),
        text(TALLY, "checks", lang),
        text(TALLY, "cards", lang),
    ]


def _verdicts(
    sheet: _Sheet,
    row: int,
    first: Sequence[tuple[object, str | None]],
    rows: Sequence[tuple[str, int, int | None, str | None]],
    lang: Lang,
) -> int:
    """One line per ``(status, checks, cards, style)`` below ``row``, after the cells
    ``first`` (a group's key): the words, the code, the numbers."""
    for status, checks, cards, style in rows:
        row += 1
        words = status_label(status, lang)
        cells = [*first, (words, style), (status, style), (checks, style), (cards, style)]
        for col, (value, cell_style) in enumerate(cells):
            sheet.put(row, col, value, cell_style)
    return row


def notes(summary: TallySummary, lang: Lang) -> list[str]:
    """What the numbers mean, said beside them (the text report's notes)."""
    said = [text(TALLY, "renewal_open.means", lang)]
    if summary.by is not None:
        said.append(text(TALLY, "cards.latest" if summary.latest else "cards.per_group", lang))
    if summary.checks_without_certificate:
        said.append(text(TALLY, "without_certificate", lang, n=summary.checks_without_certificate))
    from .tally_text import expired_shown

    if expired_shown(summary):
        said.append(text(TALLY, "expired.note", lang))
    if summary.mixed_keys:
        said.append(text(TALLY, "mixed_keys", lang))
    return said


def _group_sheet(book: Any, formats: dict[str, Any], summary: TallySummary, lang: Lang) -> None:
    assert summary.groups is not None and summary.by is not None
    by = summary.by
    sheet = _Sheet(book, text(TALLY, f"section.{by}", lang), formats)
    group_title = text(TALLY, f"group.{by}", lang)
    sheet.header(0, [group_title, *verdict_headers(lang)])
    row = 0
    for group in summary.groups:
        key = group_key(summary, group.key, lang)
        rows = [(*r, None) for r in verdict_rows(group.checks, group.cards)]
        row = _verdicts(sheet, row, [(key, "month" if by == "month" else None)], rows, lang)
    # each group's renewal window and forecast, beside the verdicts
    left = 6
    months = [m.month for m in summary.renewal_forecast]
    titles = [group_title, text(TALLY, "renewal_open.short", lang)]
    for col, title in enumerate(titles):
        sheet.put(0, left + col, title, "header")
    for col, month in enumerate(months):
        sheet.sheet.write_datetime(0, left + 2 + col, _month(month), _header_month(book, formats))
        sheet.widths[left + 2 + col] = 7
    for index, group in enumerate(summary.groups):
        r = index + 1
        sheet.put(r, left, group_key(summary, group.key, lang), "month" if by == "month" else None)
        sheet.put(r, left + 1, group.cards_renewal_open)
        for col, (_, n) in enumerate(forecast_of(group, summary)):
            sheet.put(r, left + 2 + col, n)
    sheet.finish(1)


def _header_month(book: Any, formats: dict[str, Any]) -> Any:
    if "header_month" not in formats:
        formats["header_month"] = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "num_format": "yyyy-mm"}
        )
    return formats["header_month"]


def _forecast_sheet(book: Any, formats: dict[str, Any], summary: TallySummary, lang: Lang) -> None:
    sheet = _Sheet(book, text(OFFICE, "sheet.forecast", lang), formats)
    groups = list(summary.groups or ()) if summary.by is not None else []
    titles = [text(OFFICE, "month", lang), text(OFFICE, "all", lang)] + [
        group_label(summary, g.key, lang) for g in groups
    ]
    sheet.header(0, titles)
    for index, month in enumerate(summary.renewal_forecast):
        sheet.put(index + 1, 0, _month(month.month), "month")
        sheet.put(index + 1, 1, month.cards)
    for col, group in enumerate(groups):
        for index, (_, n) in enumerate(forecast_of(group, summary)):
            sheet.put(index + 1, 2 + col, n)
    sheet.finish(1, cap=30)
    name = sheet.sheet.get_name()
    # stacked only with --latest: then the groups add up to the whole
    kind = (
        {"type": "column", "subtype": "stacked"}
        if groups and summary.latest
        else {"type": "column"}
    )
    chart = book.add_chart(kind)
    last = len(summary.renewal_forecast)
    series_columns = range(2, 2 + len(groups)) if groups else range(1, 2)
    for col in series_columns:
        chart.add_series(
            {
                "name": [name, 0, col],
                "categories": [name, 1, 0, last, 0],
                "values": [name, 1, col, last, col],
            }
        )
    at = summary.at.isoformat() if summary.at else ""
    chart.set_title({"name": f"{text(TALLY, 'chart.forecast', lang)} ({at} -)"})
    chart.set_x_axis({"date_axis": False, "num_format": "yyyy-mm"})
    chart.set_y_axis(
        {"name": text(TALLY, "chart.cards", lang), "major_gridlines": {"visible": True}}
    )
    chart.set_legend({"position": "bottom" if groups else "none"})
    chart.set_size({"width": 720, "height": 360})
    sheet.sheet.insert_chart(1, 3 + len(groups), chart)


def _files_sheet(book: Any, formats: dict[str, Any], summary: TallySummary, lang: Lang) -> None:
    sheet = _Sheet(book, text(OFFICE, "sheet.files", lang), formats)
    sheet.header(0, [text(OFFICE, "number", lang), text(OFFICE, "file", lang)])
    for index, path in enumerate(summary.sources):
        sheet.put(index + 1, 0, index + 1)
        sheet.put(index + 1, 1, str(path))
    sheet.finish(1, cap=100)


def _jst(moment: datetime | None) -> datetime | None:
    """A UTC moment as JST wall time (Excel has no time zones)."""
    return moment.astimezone(JST).replace(tzinfo=None) if moment else None


def _month(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def group_key(summary: TallySummary, key: str | None, lang: Lang) -> object:
    """A day or week as a date, a month as its first day (shown yyyy-mm), a tag as text."""
    if key is None or summary.by == "tag":
        return group_label(summary, key, lang)
    if summary.by == "month":
        return _month(key)
    return date.fromisoformat(key)
