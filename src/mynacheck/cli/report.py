"""``mynacheck report``: counts from one or more tallies."""

from __future__ import annotations

import json

import click

import mynacheck
from mynacheck.present.messages import text

from .context import common_options, guard, make_output, parse_moment


@click.command(short_help="Counts from one or more tallies.")
@click.argument("databases", nargs=-1, metavar="[DB ...]")
@click.option("--from", "from_text", metavar="DATE", help="First day (JST), inclusive.")
@click.option("--to", "to_text", metavar="DATE", help="Last day (JST), inclusive.")
@click.option("--csv", "csv_output", is_flag=True, help="CSV on stdout.")
@common_options
def report(
    databases: tuple[str, ...],
    from_text: str | None,
    to_text: str | None,
    csv_output: bool,
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Counts from one or more tallies: checks by verdict, distinct cards, renewal window.

    With no DB reads the default tally (the one `--log default` writes).
    """
    output = make_output(lang, json_output, verbose)
    with guard(output):
        from mynacheck.present.messages import TALLY
        from mynacheck.tally.store import (
            day_range,
            render_summary_text,
            report_tallies,
            summary_csv,
            summary_json,
        )

        if json_output and csv_output:
            raise mynacheck.InputError("report_format_conflict")
        start = parse_moment(from_text).date() if from_text else None
        end = parse_moment(to_text).date() if to_text else None
        since, until = day_range(start, end)
        summary = report_tallies(databases or ("default",), since, until)
        if summary.mixed_keys:
            click.echo(f"mynacheck: {text(TALLY, 'mixed_keys', output.lang)}", err=True)
        if json_output:
            click.echo(json.dumps(summary_json(summary), ensure_ascii=False, indent=2))
        elif csv_output:
            click.echo(summary_csv(summary), nl=False)
        else:
            click.echo(render_summary_text(summary, output.lang))
