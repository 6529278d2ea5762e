"""``report --html FILE``: the survey as one self-contained, printable page.

Everything is in the one file: the styles, the chart (inline SVG, its text as
text), no script, no font, picture or style fetched from anywhere. The headline
figures first, then each table (verdicts, the groups asked for with their own
renewal window and forecast, the forecast), the chart, the notes on what is
counted, the period and the tallies read. Printed (or saved as PDF) it fits A4.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from ..status import Status
from .messages import OFFICE, TALLY, Lang, text
from .svgchart import FONT, render_chart_svg
from .tally_text import (
    forecast_of,
    group_label,
    month_label,
    period_text,
    status_label,
    verdict_rows,
    within_renewal_window,
)
from .xlsx import notes, verdict_headers

if TYPE_CHECKING:
    from ..summary import TallySummary

_STYLE = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: %(font)s; color: #1f2328; margin: 0 auto; max-width: 190mm;
       padding: 8mm 0; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; margin: 0; }
.figures { display: flex; flex-wrap: wrap; gap: 3mm; margin: 5mm 0 0; padding: 0; }
.figure { list-style: none; border: 1px solid #d0d7de; border-radius: 2mm; padding: 2mm 3mm;
          flex: 1 1 0; min-width: 34mm; }
.figure .n { font-size: 20pt; font-weight: bold; display: block; }
.figure.main { border-color: #1a7f37; border-width: 2px; }
.figure .what { font-size: 9pt; color: #57606a; }
table { border-collapse: collapse; margin: 1mm 0; break-inside: avoid; }
th, td { border: 1px solid #d0d7de; padding: 0.6mm 2.5mm; white-space: nowrap; }
th { background: #eef3f8; text-align: left; font-weight: bold; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.code { color: #57606a; font-family: monospace; font-size: 9pt; }
table.wide th, table.wide td { padding: 0.6mm 1.6mm; font-size: 9.5pt; }
table.wide thead th { text-align: center; }
figure { margin: 3mm 0; break-inside: avoid; }
figure svg { width: 100%%; height: auto; max-width: 180mm; }
.notes li { margin: 1mm 0; }
footer { margin-top: 6mm; color: #57606a; font-size: 8.5pt; }
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, wide: bool = False) -> str:
    """Cells that are ints are numbers (right-aligned); None is an empty number cell."""
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            if isinstance(cell, int) or cell is None:
                cells.append(f"<td class='n'>{'' if cell is None else cell}</td>")
            elif index == 0:
                cells.append(f"<th scope='row'>{escape(str(cell))}</th>")
            else:
                cells.append(f"<td>{escape(str(cell))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    css = " class='wide'" if wide else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_page(summary: TallySummary, lang: Lang) -> str:
    """The page of ``summary`` (made with ``cumulative=True`` for the chart)."""
    title = text(TALLY, f"title.{summary.by}" if summary.by else "title", lang)
    at = summary.at.isoformat() if summary.at else ""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE % {'font': FONT}}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class='meta'>{escape(text(TALLY, 'period', lang))}:"
        f" {escape(period_text(summary, lang))} /"
        f" {escape(text(OFFICE, 'at', lang))}: {escape(at)}</p>",
    ]
    if summary.tags:
        tags = ", ".join(summary.tags)
        parts.append(f"<p class='meta'>{escape(text(TALLY, 'tags', lang))}: {escape(tags)}</p>")
    if not summary.checks:
        parts.append(f"<p>{escape(text(TALLY, 'empty', lang))}</p>")
    else:
        parts += _figures(summary, lang)
        parts += _tables(summary, lang)
        parts.append("<figure>" + render_chart_svg(summary, lang) + "</figure>")
    parts.append(f"<h2>{escape(text(OFFICE, 'notes', lang))}</h2>")
    parts.append(
        "<ul class='notes'>"
        + "".join(f"<li>{escape(note)}</li>" for note in notes(summary, lang))
        + "</ul>"
    )
    parts.append(f"<h2>{escape(text(TALLY, 'databases', lang))}</h2>")
    parts.append("<ol>" + "".join(f"<li>{escape(str(p))}</li>" for p in summary.sources) + "</ol>")
    parts.append("<footer>mynacheck report</footer>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _figures(summary: TallySummary, lang: Lang) -> list[str]:
    valid = summary.cards_by_status.get(Status.VALID.value, 0)
    headline = text(TALLY, "headline", lang, valid=valid, cards=summary.cards).split(":")[0]
    figures = [
        ("main", headline, valid, ""),
        (
            "",
            text(TALLY, "renewal_open.short", lang),
            summary.cards_renewal_open,
            within_renewal_window(lang),
        ),
        ("", text(TALLY, "cards", lang), summary.cards, ""),
        ("", text(TALLY, "checks", lang), summary.checks, ""),
    ]
    items = [
        f"<li class='figure {kind}'><span class='n'>{n}</span>{escape(label)}"
        + (f"<br><span class='what'>{escape(what)}</span>" if what else "")
        + "</li>"
        for kind, label, n, what in figures
    ]
    return ["<ul class='figures'>", *items, "</ul>"]


def _tables(summary: TallySummary, lang: Lang) -> list[str]:
    out = [f"<h2>{escape(text(TALLY, 'overall', lang))}</h2>"]
    headers = verdict_headers(lang)
    rows: list[list[object]] = [
        [status_label(s, lang), s, c, k]
        for s, c, k in verdict_rows(summary.checks_by_status, summary.cards_by_status)
    ]
    rows.append([text(TALLY, "total", lang), "total", summary.checks, summary.cards])
    out.append(_table(headers, rows))
    if summary.groups is not None and summary.by is not None:
        group_title = text(TALLY, f"group.{summary.by}", lang)
        out.append(f"<h2>{escape(text(TALLY, f'section.{summary.by}', lang))}</h2>")
        counted = text(TALLY, "cards.latest" if summary.latest else "cards.per_group", lang)
        out.append(f"<p class='meta'>{escape(counted)}</p>")
        group_rows: list[list[object]] = []
        for group in summary.groups:
            label = group_label(summary, group.key, lang)
            for index, (s, c, k) in enumerate(verdict_rows(group.checks, group.cards)):
                group_rows.append([label if index == 0 else "", status_label(s, lang), c, k])
        out.append(
            _table(
                [
                    group_title,
                    text(TALLY, "header", lang),
                    text(TALLY, "checks", lang),
                    text(TALLY, "cards", lang),
                ],
                group_rows,
            )
        )
    out += _renewal_table(summary, lang)
    return out


def _renewal_table(summary: TallySummary, lang: Lang) -> list[str]:
    """One table: the whole report, then each group: cards in the renewal window and the
    12 months of the forecast (a header row of years over one of months)."""
    months = summary.renewal_forecast
    at = summary.at.isoformat() if summary.at else ""
    first = months[0].month if months else ""
    title = text(TALLY, "per_group" if summary.groups else "forecast", lang, at=at, first=first)
    corner = text(TALLY, f"group.{summary.by}", lang) if summary.by else ""
    years: dict[str, int] = {}
    for month in months:
        years[month.month[:4]] = years.get(month.month[:4], 0) + 1
    top = (
        f"<tr><th rowspan='2' scope='col'>{escape(corner)}</th>"
        f"<th rowspan='2' scope='col'>{escape(text(TALLY, 'renewal_open.short', lang))}</th>"
        + "".join(f"<th colspan='{n}' scope='colgroup'>{year}</th>" for year, n in years.items())
        + "</tr>"
    )
    names = "".join(
        f"<th scope='col' title='{m.month}'>{escape(month_label(m.month, lang))}</th>"
        for m in months
    )
    rows: list[list[object]] = [
        [text(OFFICE, "all", lang), summary.cards_renewal_open, *(m.cards for m in months)]
    ]
    for group in summary.groups or ():
        rows.append(
            [group_label(summary, group.key, lang), group.cards_renewal_open]
            + [n for _, n in forecast_of(group, summary)]
        )
    table = _table([], rows, wide=True).replace(
        "<thead><tr></tr></thead>", f"<thead>{top}<tr>{names}</tr></thead>"
    )
    return [f"<h2>{escape(title)}</h2>", table]
