"""``mynacheck pin-status``: tries left on every PIN of the card, spending none."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import mynacheck
from mynacheck.present.messages import LABELS, Lang, text

from .context import (
    card_source_options,
    common_options,
    guard,
    make_output,
    note_transcript,
    print_scenarios,
)


@click.command("pin-status", short_help="Tries left on every PIN (spends none).")
@card_source_options
@common_options
def pin_status(
    reader: str | None,
    wait: float | None,
    replay: Path | None,
    simulate: str | None,
    record: Path | None,
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Tries left on every PIN of the card, without spending any."""
    output = make_output(lang, json_output, verbose, check_lines=False)
    with guard(output):
        if simulate == "list":
            print_scenarios(output)
            return
        with mynacheck.open_card(
            reader, wait=wait, simulate=simulate, replay=replay, record=record
        ) as card:
            pins = mynacheck.read_pin_statuses(card)
        note_transcript(output, card)
        blocked = any(pin.blocked for pin in pins)
        status = mynacheck.Status.PIN_BLOCKED if blocked else mynacheck.Status.VALID
        if output.json:
            from mynacheck.present.json import pin_statuses_json

            output.print_json(
                pin_statuses_json(
                    pins,
                    blocked=blocked,
                    exit_code=status.exit_code,
                    simulated=card.simulated,
                    reader=card.reader,
                    labels={p.name: text(LABELS, "pinname." + p.name, output.lang) for p in pins},
                    advice={p.name: _reset_advice(p, output.lang) for p in pins},
                )
            )
        else:
            if card.simulated:
                output.echo(text(LABELS, "simulated", output.lang))
            for pin in pins:
                label = text(LABELS, "pinname." + pin.name, output.lang)
                output.echo(f"{label}: {_state(pin, output.lang)}")
                if pin.blocked:
                    output.echo(f"  -> {_reset_advice(pin, output.lang)}")
            if any(pin.tries_left == 1 and not pin.blocked for pin in pins):
                output.echo(text(LABELS, "pin.last_try_left", output.lang))
            if not blocked:
                output.echo(text(LABELS, "pin.none_blocked", output.lang))
        sys.exit(status.exit_code)


def _reset_advice(pin: mynacheck.PinInfo, lang: Lang) -> str:
    key = f"pinreset.{pin.name}"
    return text(LABELS, key if key in LABELS else "pinreset.other", lang)


def _state(pin: mynacheck.PinInfo, lang: Lang) -> str:
    if not pin.available:
        return text(LABELS, "pinstate.unavailable", lang)
    if pin.blocked:
        return text(LABELS, "pinstate.blocked", lang)
    if pin.verified:
        return text(LABELS, "pinstate.verified", lang)
    if pin.max_tries:
        return text(LABELS, "pinstate.tries_of", lang, tries=pin.tries_left, max=pin.max_tries)
    return text(LABELS, "pinstate.tries", lang, tries=pin.tries_left)
