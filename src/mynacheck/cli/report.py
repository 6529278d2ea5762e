"""``mynacheck report``: counts from one or more tallies, by group, with a renewal
forecast and a chart. Reads only; never writes to a tally or beside it."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

import mynacheck
from mynacheck.clock import JST
from mynacheck.present.messages import OFFICE, TALLY, text

from .context import Choice, Output, common_options, guard, make_output, parse_moment

if TYPE_CHECKING:
    from mynacheck import TallySummary


@click.command(short_help="Counts from tallies: cards by verdict, group, renewal month.")
@click.argument("databases", nargs=-1, metavar="[DB ... | URI]")
@click.option("--from", "from_text", metavar="DATE", help="First day (JST), inclusive.")
@click.option("--to", "to_text", metavar="DATE", help="Last day (JST), inclusive.")
@click.option(
    "--by",
    type=Choice(["day", "week", "month", "tag"]),
    help="Counts per day, week (from Monday), month (JST) or tag.",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Only the checks with this tag (a section); repeat for several.",
)
@click.option(
    "--latest",
    is_flag=True,
    help="With --by: each card only in the group of its latest check in the period.",
)
@click.option(
    "--at", "at_text", metavar="DATE", help="'Now' for the renewal forecast (default: today, JST)."
)
@click.option(
    "--chart",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw a chart into this .png or .svg file (needs mynacheck[chart]).",
)
@click.option(
    "--csv",
    "csv_output",
    is_flag=False,
    flag_value="-",
    default=None,
    metavar="[FILE.csv]",
    help="CSV on stdout (plain UTF-8), or into FILE.csv with a BOM for Excel.",
)
@click.option(
    "--xlsx",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.xlsx",
    help="Also write an Excel workbook with a chart (needs mynacheck[excel]).",
)
@click.option(
    "--html",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.html",
    help="Also write one printable page (no scripts, nothing from the network).",
)
@common_options
def report(
    databases: tuple[str, ...],
    from_text: str | None,
    to_text: str | None,
    by: str | None,
    tags: tuple[str, ...],
    latest: bool,
    at_text: str | None,
    chart: Path | None,
    csv_output: str | None,
    xlsx: Path | None,
    html: Path | None,
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Counts from one or more tallies: checks and distinct cards by verdict (per day,
    week, month or tag with --by), cards in the renewal window, and how many valid
    certificates expire in each of the next 12 months (overall and per group).
    --tag limits the report to sections. --csv FILE.csv, --xlsx and --html write
    files for Excel and a browser; the report still goes to stdout.

    With no DB reads the default tally (the one `--log default` writes). A server tally
    (postgresql://... or service=NAME) is counted on the server; no password on the
    command line: ~/.pgpass (PGPASSFILE), or a prompt.
    """
    output = make_output(lang, json_output, verbose)
    with guard(output):
        csv_file, databases = _csv_file(csv_output, databases)
        csv_stdout = csv_output is not None and csv_file is None
        if json_output and csv_stdout:
            raise mynacheck.InputError("report_format_conflict")
        start = parse_moment(from_text).date() if from_text else None
        end = parse_moment(to_text).date() if to_text else None
        at = parse_moment(at_text).astimezone(JST).date() if at_text else None
        files = _ReportFiles(csv=csv_file, xlsx=xlsx, html=html, chart=chart)
        files.check()
        from .tally import with_server_password

        summary = with_server_password(
            output,
            lambda password: mynacheck.summarize_tallies(
                databases or ("default",),
                first_day=start,
                last_day=end,
                by=by,
                latest=latest,
                at=at,
                cumulative=files.need_days,
                tags=tags,
                password=password,
            ),
        )
        if summary.mixed_keys:
            output.warn(text(TALLY, "mixed_keys", output.lang))
        _print_summary(output, summary, csv_stdout=csv_stdout)
        files.write(output, summary)


def _csv_file(
    csv_output: str | None, databases: tuple[str, ...]
) -> tuple[Path | None, tuple[str, ...]]:
    """``--csv``'s file (a name ending in .csv) or None (CSV on stdout, or no CSV), and the
    tallies: ``report --csv tally.sqlite3`` names a tally, with CSV on stdout (as ever)."""
    if csv_output in (None, "-"):
        return None, databases
    assert csv_output is not None
    if Path(csv_output).suffix.lower() == ".csv":
        return Path(csv_output), databases
    return None, (csv_output, *databases)


def _print_summary(output: Output, summary: TallySummary, *, csv_stdout: bool) -> None:
    """The report on stdout: JSON, CSV, or text in the user's language."""
    if output.json:
        from mynacheck.present.json import tally_summary_json

        output.print_json(tally_summary_json(summary))
    elif csv_stdout:
        from mynacheck.present.tally_text import summary_csv

        output.echo(summary_csv(summary, output.lang), nl=False)
    else:
        from mynacheck.present.tally_text import render_summary_text

        output.echo(render_summary_text(summary, output.lang))


@dataclass(frozen=True, kw_only=True)
class _ReportFiles:
    """The files ``report`` writes beside its stdout: checked before any tally is read
    (the one overwrite rule, :func:`.outfiles.check_target`), written after."""

    csv: Path | None
    xlsx: Path | None
    html: Path | None
    chart: Path | None

    @property
    def need_days(self) -> bool:
        """The chart, the workbook and the page draw the day-by-day cumulative counts."""
        return self.chart is not None or self.xlsx is not None or self.html is not None

    def check(self) -> None:
        from mynacheck.present import outfiles
        from mynacheck.present.chart import PICTURE

        kinds = [
            (self.chart, PICTURE),
            (self.csv, outfiles.CSV),
            (self.xlsx, outfiles.XLSX),
            (self.html, outfiles.HTML),
        ]
        for path, kind in kinds:
            if path is not None:
                outfiles.check_target(path, kind)

    def write(self, output: Output, summary: TallySummary) -> None:
        """Each file written whole, each said on stderr (the chart: also a missing font)."""
        from mynacheck.present import outfiles

        lang = output.lang
        if self.csv is not None:
            from mynacheck.present.tally_text import summary_csv

            data = summary_csv(summary, lang, newline="\r\n")
            outfiles.write_whole(self.csv, codecs.BOM_UTF8 + data.encode("utf-8"))
            output.echo(text(OFFICE, "written", lang, path=self.csv), err=True)
        if self.xlsx is not None:
            from mynacheck.present.xlsx import write_workbook

            outfiles.write_whole(self.xlsx, lambda path: write_workbook(summary, path, lang))
            output.echo(text(OFFICE, "written", lang, path=self.xlsx), err=True)
        if self.html is not None:
            from mynacheck.present.html import render_page

            outfiles.write_whole(self.html, render_page(summary, lang).encode("utf-8"))
            output.echo(text(OFFICE, "written", lang, path=self.html), err=True)
        if self.chart is not None:
            from mynacheck.present.chart import draw_chart

            drawn = draw_chart(summary, self.chart, lang)
            if drawn.lang != lang:
                output.warn(text(TALLY, "chart.no_font", lang))
            output.echo(text(TALLY, "chart.written", lang, path=self.chart), err=True)
