"""``mynacheck watch``: counter mode on a terminal, a renderer of ``mynacheck.CounterLoop``."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

import mynacheck
from mynacheck.present.messages import WATCH, Lang, text, usage_text
from mynacheck.present.watchview import CLEAR_SCREEN, render_summary, render_verdict

from .context import (
    Output,
    debug_log_option,
    guard,
    lang_option,
    log_options,
    make_output,
    out,
    print_scenarios,
    reader_option,
    scenarios_option,
    trust_anchor_option,
)
from .inputs import scenario_names, trust_anchor_inputs


@click.command(short_help="Counter mode: card after card, no PIN.")
@reader_option
@trust_anchor_option
@log_options
@click.option("--once", is_flag=True, help="Check one card, then exit with its exit code.")
@scenarios_option
@debug_log_option
@click.option(
    "--verbose",
    is_flag=True,
    help="A diagnostic log on stderr (APDUs, PIN redacted); a traceback on internal errors.",
)
@click.option(
    "--json",
    "json_output",
    is_flag=True,
    help="One JSON object per line: each check, then a summary.",
)
@lang_option
def watch(
    reader: str | None,
    trust_anchors: tuple[Path, ...],
    log: str | None,
    key_file: Path | None,
    tag: str | None,
    once: bool,
    simulate: str | None,
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Counter mode: card after card without the PIN; Ctrl-C ends with a summary.

    Shows the verdict large, the expiry date and the renewal hint; never the
    serial nor personal data. The normal end (Ctrl-C, SIGTERM, simulated cards
    done) exits 0; with --once the exit code is that of the one check.
    """
    output = make_output(lang, json_output, verbose)
    with guard(output):
        scenarios: tuple[str, ...] = ()
        if simulate is not None:
            if simulate == "list":
                print_scenarios(output)
                return
            scenarios = scenario_names(simulate, reader)
        anchors = trust_anchor_inputs(trust_anchors)
        loop = mynacheck.CounterLoop(reader, trust_anchors=anchors, simulate=scenarios, once=once)
        tally = None
        if log is not None:
            from .tally import DeliveryLines, open_log

            tally = open_log(output, log, key_file, tag)
            output.echo(text(WATCH, "logging", output.lang, path=tally.path), err=True)
            if isinstance(tally, mynacheck.ServerTally):  # its delivery, as it changes
                tally.on_state = DeliveryLines(output)
        loop.tally = tally
        screen = _Screen(output, color=_stdout_wants_color(), clear=_stdout_is_terminal())
        stop = threading.Event()
        _terminate_as_interrupt()
        counts: Mapping[str, int]
        try:
            counts = loop.run(screen.show, stop)
        except KeyboardInterrupt:
            stop.set()
            counts = loop.counts
            output.echo("", err=True)
        finally:
            if tally is not None:
                from .tally import close_log

                close_log(output, tally)
        if once:
            sys.exit(screen.last_exit_code)
        screen.summary(counts)
        sys.exit(0)


class _Screen:
    """Draws the loop's events: verdicts on stdout, prompts and notices on stderr."""

    def __init__(self, output: Output, *, color: bool, clear: bool) -> None:
        self.output = output
        self.color = color
        self.clear = clear
        self.shown_a_verdict = False
        self.last_exit_code = 0

    def show(self, event: mynacheck.CounterEvent) -> None:
        lang: Lang = self.output.lang
        if event.kind == "waiting":
            if self.clear and self.shown_a_verdict and not self.output.json:
                # The card left: the last verdict must not be read as the next person's.
                out(CLEAR_SCREEN, nl=False)
            self.output.echo(text(WATCH, "waiting", lang), err=True)
        elif event.kind == "reading":
            self.output.echo(text(WATCH, "reading", lang), err=True)
        elif event.kind == "remove_card":
            self.output.echo(text(WATCH, "remove", lang), err=True)
        elif event.kind == "reader_problem":
            problem = event.problem or ""
            if problem in ("no_reader", "pcsc_unavailable"):
                message = text(WATCH, problem, lang)
            else:
                message = usage_text(problem, lang, dict(event.info))
            self.output.echo(message, err=True)
        elif event.kind == "tally_problem":
            self.output.echo(text(WATCH, "tally_failed", lang, reason=event.problem), err=True)
        elif event.kind == "result" and event.report is not None:
            self._result(event.report)

    def _result(self, report: mynacheck.CheckReport) -> None:
        self.shown_a_verdict = True
        self.last_exit_code = report.exit_code
        if self.output.json:
            from mynacheck.present.json import watch_check_json

            line = json.dumps(watch_check_json(report, self.output.lang), ensure_ascii=False)
            out(line)
        else:
            out(render_verdict(report, self.output.lang, color=self.color))

    def summary(self, counts: Mapping[str, int]) -> None:
        ordered = dict(counts)
        if self.output.json:
            from mynacheck.present.json import watch_summary_json

            out(json.dumps(watch_summary_json(ordered), ensure_ascii=False))
        else:
            out(render_summary(ordered, self.output.lang))


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (ValueError, OSError):
        return False


def _stdout_wants_color() -> bool:
    return (
        _stdout_is_terminal()
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM", "") != "dumb"
    )


def _terminate_as_interrupt() -> None:
    """SIGTERM ends a counter session like Ctrl-C: summary printed, tally closed."""
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except (ValueError, OSError):  # not the main thread, or no SIGTERM here
        pass
