"""``mynacheck check``: the card's certificate, and the PIN unless --no-pin."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import mynacheck

from ._early import stdin_is_terminal
from .context import (
    at_option,
    card_source_options,
    common_options,
    guard,
    log_options,
    make_output,
    note_transcript,
    parse_moment,
    print_scenarios,
    trust_anchor_option,
)
from .inputs import trust_anchor_inputs
from .prompt import ClickTerminal, PromptPinSource, StdinPinSource


@click.command(short_help="Check the card's certificate (and the PIN).")
@card_source_options
@at_option
@click.option("--pin-stdin", is_flag=True, help="Read the PIN from one line of standard input.")
@click.option("--no-pin", is_flag=True, help="Do not ask for the PIN (counter use).")
@click.option("--allow-last-try", is_flag=True, help="Allow spending the last PIN try.")
@trust_anchor_option
@common_options
@log_options
def check(
    reader: str | None,
    wait: float | None,
    replay: Path | None,
    simulate: str | None,
    record: Path | None,
    at_text: str | None,
    pin_stdin: bool,
    no_pin: bool,
    allow_last_try: bool,
    trust_anchors: tuple[Path, ...],
    lang: str | None,
    json_output: bool,
    verbose: bool,
    log: str | None,
    key_file: Path | None,
    tag: str | None,
) -> None:
    """Check the card's user-authentication certificate (and the PIN, unless --no-pin)."""
    output = make_output(lang, json_output, verbose)
    with guard(output):
        if simulate == "list":
            print_scenarios(output)
            return
        # A mistyped scenario is the first thing wrong, whatever the PIN source.
        if simulate is not None:
            mynacheck.SimulatedReader.check_scenarios([simulate])
        if pin_stdin and no_pin:
            raise mynacheck.InputError("pin_options_conflict")
        if not pin_stdin and not no_pin and not stdin_is_terminal():
            raise mynacheck.InputError("pin_source_needed")
        at = parse_moment(at_text) if at_text is not None else None
        anchors = trust_anchor_inputs(trust_anchors)
        pin: mynacheck.PinSource | None = None
        if pin_stdin:
            pin = StdinPinSource(sys.stdin)
        elif not no_pin:
            pin = PromptPinSource(ClickTerminal(), output.lang)
        # The tally and its key are opened and checked before the card.
        tally = None
        if log is not None:
            from .tally import open_log

            tally = open_log(output, log, key_file, tag)
        try:
            with mynacheck.open_card(
                reader, wait=wait, simulate=simulate, replay=replay, record=record
            ) as card:
                report = mynacheck.check_card(
                    card, pin=pin, allow_last_try=allow_last_try, at=at, trust_anchors=anchors
                )
            note_transcript(output, card)
            if tally is not None:
                report = tally.record(report)
                if mynacheck.Detail.TALLY_NOT_WRITTEN in report.details:
                    from mynacheck.present.messages import LABELS, text

                    reason = report.info.get("tally_error")
                    output.warn(text(LABELS, "tally_not_written", output.lang, reason=reason))
            code = output.report(report)  # the verdict first: it never waits on a server
        finally:
            if tally is not None:
                from .tally import close_log

                close_log(output, tally)
        sys.exit(code)
