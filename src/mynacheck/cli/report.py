"""``mynacheck report``: counts from one or more tallies, by group, with a renewal
forecast and a chart. Reads only; never writes to a tally or beside it."""

from __future__ import annotations

import codecs
from pathlib import Path

import click

import mynacheck
from mynacheck.clock import JST
from mynacheck.present.messages import OFFICE, TALLY, text

from .context import common_options, guard, make_output, parse_moment


@click.command(short_help="Counts from tallies: cards by verdict, group, renewal month.")
@click.argument("databases", nargs=-1, metavar="[DB ... | URI]")
@click.option("--from", "from_text", metavar="DATE", help="First day (JST), inclusive.")
@click.option("--to", "to_text", metavar="DATE", help="Last day (JST), inclusive.")
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month", "tag"]),
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
    from mynacheck.present import outfiles

    output = make_output(lang, json_output, verbose)
    with guard(output):
        csv_file: Path | None = None
        if csv_output not in (None, "-"):
            assert csv_output is not None
            if Path(csv_output).suffix.lower() == ".csv":
                csv_file = Path(csv_output)
            else:  # `report --csv tally.sqlite3`: the tally, CSV on stdout (as ever)
                databases = (csv_output, *databases)
        csv_stdout = csv_output is not None and csv_file is None
        if json_output and csv_stdout:
            raise mynacheck.InputError("report_format_conflict")
        start = parse_moment(from_text).date() if from_text else None
        end = parse_moment(to_text).date() if to_text else None
        at = parse_moment(at_text).astimezone(JST).date() if at_text else None
        from mynacheck.present.chart import PICTURE

        files = [
            (chart, PICTURE),
            (csv_file, outfiles.CSV),
            (xlsx, outfiles.XLSX),
            (html, outfiles.HTML),
        ]
        for path, kind in files:
            if path is not None:
                outfiles.check_target(path, kind)
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
                cumulative=chart is not None or xlsx is not None or html is not None,
                tags=tags,
                password=password,
            ),
        )
        if summary.mixed_keys:
            output.warn(text(TALLY, "mixed_keys", output.lang))
        if json_output:
            from mynacheck.present.json import tally_summary_json

            output.print_json(tally_summary_json(summary))
        elif csv_stdout:
            from mynacheck.present.tally_text import summary_csv

            output.echo(summary_csv(summary, output.lang), nl=False)
        else:
            from mynacheck.present.tally_text import render_summary_text

            output.echo(render_summary_text(summary, output.lang))
        if csv_file is not None:
            from mynacheck.present.tally_text import summary_csv

            data = summary_csv(summary, output.lang, newline="\r\n")
            outfiles.write_whole(csv_file, codecs.BOM_UTF8 + data.encode("utf-8"))
            output.echo(text(OFFICE, "written", output.lang, path=csv_file), err=True)
        if xlsx is not None:
            from mynacheck.present.xlsx import write_workbook

            outfiles.write_whole(xlsx, lambda path: write_workbook(summary, path, output.lang))
            output.echo(text(OFFICE, "written", output.lang, path=xlsx), err=True)
        if html is not None:
            from mynacheck.present.html import render_page

            page = render_page(summary, output.lang)
            outfiles.write_whole(html, page.encode("utf-8"))
            output.echo(text(OFFICE, "written", output.lang, path=html), err=True)
        if chart is not None:
            from mynacheck.present.chart import draw_chart

            drawn = draw_chart(summary, chart, output.lang)
            if drawn.lang != output.lang:
                output.warn(text(TALLY, "chart.no_font", output.lang))
            output.echo(text(TALLY, "chart.written", output.lang, path=chart), err=True)
