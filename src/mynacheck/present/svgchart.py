"""The report's chart as SVG written by hand: for ``report --html`` (inline, its text
as text, nothing to install) — the same two panels as ``--chart``.

Top: distinct cards seen with a valid certificate, cumulative, day by day (the
axis shows dates, even for one day's checks). Bottom: the 12-month renewal
forecast, one stacked colour per group when the report has a few groups.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import TYPE_CHECKING

from ..clock import JST
from .messages import TALLY, Lang, text
from .tally_text import forecast_of, group_label

if TYPE_CHECKING:
    from ..summary import TallySummary

WIDTH, HEIGHT = 720, 520
_LEFT, _RIGHT = 56, 16
#: Colours a reader can tell apart (Okabe-Ito), then the total's green.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MAX_STACKED_GROUPS = len(PALETTE)
FONT = "IPAexGothic, IPAGothic, 'Noto Sans CJK JP', 'Yu Gothic', Meiryo, sans-serif"


def _t(x: float, y: float, value: str, anchor: str = "start", size: int = 12, **extra: str) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{attrs}>'
        f"{escape(value)}</text>"
    )


def _nice_top(value: int) -> int:
    """An axis top at or above ``value``: 1, 2, 5 times a power of ten (at least 1)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def render_chart_svg(summary: TallySummary, lang: Lang) -> str:
    """The chart of ``summary`` (made with ``cumulative=True``) as one ``<svg>`` element."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" font-family="{escape(FONT)}">',
        f"<title>{escape(text(TALLY, 'title', lang))}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    parts += _cumulative(summary, lang, top=10, height=210)
    parts += _forecast(summary, lang, top=270, height=230)
    parts.append("</svg>")
    return "\n".join(parts)


def _axes(top: float, height: float, y_top: int, label: str) -> list[str]:
    right = WIDTH - _RIGHT
    out = []
    steps = next(n for n in (5, 4, 2, 1) if y_top % n == 0 and y_top >= n)
    for step in range(steps + 1):
        value = y_top * step // steps  # whole cards: the steps divide the top
        y = top + height - height * step / steps
        out.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#d0d7de"'
            ' stroke-width="1"/>'
        )
        out.append(_t(_LEFT - 6, y + 4, str(value), "end", 11))
    out.append(_t(_LEFT - 6, top - 8, label, "end", 11))
    return out


def _cumulative(summary: TallySummary, lang: Lang, *, top: float, height: float) -> list[str]:
    chart_top = top + 28
    chart_height = height - 28 - 34
    out = [_t(_LEFT, top + 16, text(TALLY, "chart.cumulative", lang), size=14, font_weight="bold")]
    series = list(summary.valid_cards_cumulative)
    if not series:
        out.append(
            _t(WIDTH / 2, chart_top + chart_height / 2, text(TALLY, "chart.none", lang), "middle")
        )
        return out
    days = [series[0][0] - timedelta(days=1)] + [day for day, _ in series]
    totals = [0] + [n for _, n in series]
    if summary.last is not None:
        end = summary.last.astimezone(JST).date()
        if end > days[-1]:
            days.append(end)
            totals.append(totals[-1])
    first, last = days[0], max(days[-1], days[0] + timedelta(days=2))
    span = (last - first).days
    y_top = _nice_top(max(totals))
    out += _axes(chart_top, chart_height, y_top, text(TALLY, "chart.cards", lang))
    right = WIDTH - _RIGHT

    def x(day: date) -> float:
        return _LEFT + (right - _LEFT) * (day - first).days / span

    def y(n: int) -> float:
        return chart_top + chart_height - chart_height * n / y_top

    points = [f"{x(days[0]):.1f},{y(totals[0]):.1f}"]
    for index in range(1, len(days)):
        points.append(f"{x(days[index]):.1f},{y(totals[index - 1]):.1f}")
        points.append(f"{x(days[index]):.1f},{y(totals[index]):.1f}")
    area = [f"{x(days[0]):.1f},{y(0):.1f}", *points, f"{x(days[-1]):.1f},{y(0):.1f}"]
    out.append(f'<polygon points="{" ".join(area)}" fill="#1a7f37" fill-opacity="0.15"/>')
    out.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#1a7f37" stroke-width="2"/>'
    )
    out.append(_t(x(days[-1]) - 4, y(totals[-1]) - 6, str(totals[-1]), "end", 12))
    ticks = 6 if span >= 6 else span
    seen: set[date] = set()
    for step in range(ticks + 1):
        day = first + timedelta(days=round(span * step / ticks))
        if day in seen:
            continue
        seen.add(day)
        anchor = "start" if step == 0 else "end" if step == ticks else "middle"
        out.append(_t(x(day), chart_top + chart_height + 16, day.isoformat(), anchor, 11))
    return out


def _forecast(summary: TallySummary, lang: Lang, *, top: float, height: float) -> list[str]:
    """The forecast's bars: with ``--latest`` the groups stacked (they add up to the
    whole), else side by side (a card counts in each group where it was checked); the
    whole alone without groups or with too many to tell apart by colour."""
    at = summary.at.isoformat() if summary.at else ""
    title = f"{text(TALLY, 'chart.forecast', lang)} ({at} -)"
    out = [_t(_LEFT, top + 16, title, size=14, font_weight="bold")]
    months = summary.renewal_forecast
    groups = list(summary.groups or ()) if summary.by is not None else []
    if not 0 < len(groups) <= MAX_STACKED_GROUPS:
        groups = []
    stacked = bool(groups) and summary.latest
    chart_top = top + 28
    chart_height = height - 28 - 40 - (22 if groups else 0)
    totals = [m.cards for m in months]
    layers = [[n for _, n in forecast_of(g, summary)] for g in groups] or [totals]
    highest = max(totals) if stacked or not groups else max(max(layer) for layer in layers)
    y_top = _nice_top(max(highest, 0) if months else 0)
    out += _axes(chart_top, chart_height, y_top, text(TALLY, "chart.cards", lang))
    slot = (WIDTH - _RIGHT - _LEFT) / max(1, len(months))
    base = chart_top + chart_height

    def y(n: float) -> float:
        return base - chart_height * n / y_top

    for index, month in enumerate(months):
        width = slot * 0.7 if stacked or not groups else slot * 0.8 / len(layers)
        left = _LEFT + slot * index + slot * (0.15 if stacked or not groups else 0.1)
        level = 0
        for layer, counts in enumerate(layers):
            n = counts[index]
            colour = PALETTE[layer] if groups else "#bf8700"
            x = left if stacked or not groups else left + width * layer
            bottom = level if stacked else 0
            if n:
                out.append(
                    f'<rect x="{x:.1f}" y="{y(bottom + n):.1f}" width="{width:.1f}"'
                    f' height="{y(bottom) - y(bottom + n):.1f}" fill="{colour}"/>'
                )
            if stacked:
                level += n
        centre = _LEFT + slot * (index + 0.5)
        if stacked or not groups:
            out.append(_t(centre, y(totals[index]) - 4, str(totals[index]), "middle", 11))
        out.append(_t(centre, base + 16, month.month, "middle", 10))
    x_at = float(_LEFT)
    for layer, group in enumerate(groups):
        label = group_label(summary, group.key, lang)
        colour = PALETTE[layer]
        out.append(f'<rect x="{x_at:.1f}" y="{base + 26}" width="12" height="12" fill="{colour}"/>')
        out.append(_t(x_at + 16, base + 36, label, size=12))
        x_at += 28 + 13 * len(label)
    return out
