"""``report --chart FILE``: one picture for a personnel office's report.

Top: distinct cards seen with a valid certificate, cumulative, day by day.
Bottom: the 12-month renewal forecast (valid certificates expiring per month).
Labels in Japanese or English; Japanese needs a CJK font, looked for through
matplotlib's font manager (IPA Gothic, Noto Sans CJK, Yu Gothic, Meiryo, ...);
without one the chart is drawn in English and the caller is told.

matplotlib is the optional extra ``mynacheck[chart]``; this module imports it
only inside :func:`draw_chart`, and draws on an Agg canvas of its own (no
pyplot, no global backend switch). SVG keeps its text as text
(``svg.fonttype = "none"``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import JST
from . import outfiles
from .messages import TALLY, Lang, text
from .svgchart import MAX_STACKED_GROUPS, PALETTE

if TYPE_CHECKING:
    from ..summary import TallySummary

SUFFIXES = (".png", ".svg")
#: Fonts that can write Japanese, best first (family names as matplotlib knows them).
CJK_FAMILIES = (
    "IPAexGothic",
    "IPAGothic",
    "IPAPGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "Hiragino Sans",
    "TakaoGothic",
    "VL Gothic",
)
#: File names of such fonts, for a font installed after matplotlib's font cache was made.
CJK_FILES = (
    "ipaexg",
    "ipag",
    "ipagp",
    "notosanscjk",
    "notosansjp",
    "sourcehansans",
    "yugoth",
    "meiryo",
    "msgothic",
    "takaogothic",
    "vl-gothic",
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ChartResult:
    path: Path
    lang: Lang
    font: str | None


def _is_picture(path: Path, head: bytes) -> bool:
    if path.suffix.lower() == ".png":
        return head.startswith(_PNG_SIGNATURE)
    return b"<svg" in head and head.lstrip().startswith((b"<?xml", b"<svg", b"<!DOCTYPE svg"))


#: ``--chart``'s files: an earlier PNG or SVG picture may be replaced, nothing else; checked
#: before any work by :func:`.outfiles.check_target`, as every report file.
PICTURE = outfiles.FileKind(
    "--chart",
    SUFFIXES,
    _is_picture,
    ("matplotlib", "chart_needs_matplotlib"),
    bad_suffix="chart_bad_suffix",
    not_replaced="chart_not_replaced",
    write_failed="chart_write_failed",
)


def find_cjk_font() -> str | None:
    """A font family matplotlib can use for Japanese, or None."""
    from matplotlib import font_manager

    known = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for file in font_manager.findSystemFonts():
        name = Path(file).name.lower().replace(" ", "").replace("_", "")
        if name.startswith(CJK_FILES):
            with contextlib.suppress(Exception):  # a font file matplotlib cannot load
                font_manager.fontManager.addfont(file)
                family = font_manager.FontProperties(fname=file).get_name()
                return str(family)
    return None


def draw_chart(summary: TallySummary, path: Path, lang: Lang) -> ChartResult:
    """Draw the chart of ``summary`` (made with ``cumulative=True``) into ``path``."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = find_cjk_font() if lang == "ja" else None
    if lang == "ja" and font is None:
        lang = "en"
    settings: Any = {"svg.fonttype": "none", "svg.hashsalt": "mynacheck"}
    if font is not None:
        settings["font.family"] = [font, "DejaVu Sans"]
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(8, 7), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        top, bottom = figure.subplots(2, 1)
        _cumulative(top, summary, lang)
        _forecast(bottom, summary, lang)
        figure.suptitle(_title(summary, lang))
        _save(figure, path)
    return ChartResult(path, lang, font)


def _title(summary: TallySummary, lang: Lang) -> str:
    title = text(TALLY, "title", lang)
    first = summary.since or summary.first
    last = summary.until - timedelta(days=1) if summary.until else summary.last
    if first is not None and last is not None:
        title += f"\n{first.astimezone(JST).date()} .. {last.astimezone(JST).date()} (JST)"
    return title


def _cumulative(axes: Any, summary: TallySummary, lang: Lang) -> None:
    axes.set_title(text(TALLY, "chart.cumulative", lang), loc="left")
    series = summary.valid_cards_cumulative
    if not series:
        axes.text(0.5, 0.5, text(TALLY, "chart.none", lang), ha="center", transform=axes.transAxes)
        return
    from matplotlib.ticker import MaxNLocator

    days = [series[0][0] - timedelta(days=1)] + [day for day, _ in series]
    totals = [0] + [n for _, n in series]
    if summary.last is not None:  # carry the line on to the last check
        end = summary.last.astimezone(JST).date()
        if end > days[-1]:
            days.append(end)
            totals.append(totals[-1])
    axes.step(days, totals, where="post", color="#1a7f37", linewidth=2)
    axes.fill_between(days, totals, step="post", color="#1a7f37", alpha=0.15)
    axes.set_ylabel(text(TALLY, "chart.cards", lang))
    axes.set_ylim(bottom=0, top=max(totals) * 1.15 + 1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.annotate(
        str(totals[-1]), (days[-1], totals[-1]), textcoords="offset points", xytext=(4, 4)
    )
    _day_axis(axes, days[0], days[-1])
    for label in axes.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def _day_axis(axes: Any, first: date, last: date) -> None:
    """Dates on the axis, never hours: a short period (one day's checks) gets a few days
    of room and a tick a day."""
    import matplotlib.dates

    dates: Any = matplotlib.dates  # untyped
    if (last - first).days < 10:
        axes.set_xlim(first - timedelta(days=1), last + timedelta(days=1))
        axes.xaxis.set_major_locator(dates.DayLocator())
    else:
        axes.xaxis.set_major_locator(dates.AutoDateLocator(minticks=3, maxticks=8))
    axes.xaxis.set_major_formatter(dates.DateFormatter("%Y-%m-%d"))


def _forecast(axes: Any, summary: TallySummary, lang: Lang) -> None:
    """The forecast's bars; with a few groups, one colour each: stacked with ``--latest``
    (the groups add up to the whole), else side by side (a card counts in each group
    where it was checked)."""
    from matplotlib.ticker import MaxNLocator

    at = summary.at.isoformat() if summary.at else ""
    axes.set_title(f"{text(TALLY, 'chart.forecast', lang)} ({at} -)", loc="left")
    months = [month.month for month in summary.renewal_forecast]
    counts = [month.cards for month in summary.renewal_forecast]
    groups = list(summary.groups or ()) if summary.by is not None else []
    highest = max([*counts, 1])
    if 0 < len(groups) <= MAX_STACKED_GROUPS:
        if not summary.latest:  # side by side: the highest group's bar, not the whole
            highest = 1
        positions = list(range(len(months)))
        width = 0.8 / (1 if summary.latest else len(groups))
        bottom = [0] * len(months)
        for index, group in enumerate(groups):
            own = {m.month: m.cards for m in group.renewal_forecast}
            values = [own.get(month, 0) for month in months]
            label = group.key if group.key is not None else text(TALLY, "group.none", lang)
            if summary.latest:
                axes.bar(positions, values, 0.8, bottom=bottom, color=PALETTE[index], label=label)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            else:
                offset = [p - 0.4 + width * (index + 0.5) for p in positions]
                axes.bar(offset, values, width, color=PALETTE[index], label=label)
                highest = max(highest, *values)
        if summary.latest:
            for position, total in zip(positions, counts, strict=True):
                axes.annotate(
                    str(total),
                    (position, total),
                    textcoords="offset points",
                    xytext=(0, 2),
                    ha="center",
                )
        axes.set_xticks(positions, months)
        axes.legend(loc="upper right", fontsize="small", ncols=min(4, len(groups)))
    else:
        bars = axes.bar(months, counts, color="#bf8700")
        axes.bar_label(bars, padding=2)
    axes.set_ylabel(text(TALLY, "chart.cards", lang))
    axes.set_ylim(0, highest * 1.35)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.tick_params(axis="x", labelrotation=45)


def _save(figure: Any, path: Path) -> None:
    """Write beside ``path`` and rename over it: a reader never sees half a picture."""
    kind = path.suffix.lower().lstrip(".")
    metadata = {"Date": None} if kind == "svg" else {"Software": None}
    outfiles.write_whole(
        path, lambda temporary: figure.savefig(temporary, format=kind, metadata=metadata), PICTURE
    )
