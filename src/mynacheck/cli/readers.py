"""``mynacheck readers``: index, name, card present, My Number Card or not."""

from __future__ import annotations

import sys

import click

import mynacheck
from mynacheck.present.messages import LABELS, Lang, text

from .context import common_options, guard, make_output


@click.command(short_help="List readers and their cards.")
@common_options
def readers(lang: str | None, json_output: bool, verbose: bool) -> None:
    """List readers: index, name, card present, My Number Card or not."""
    output = make_output(lang, json_output, verbose, check_lines=False)
    with guard(output):
        found = mynacheck.list_readers(probe=True)
        if output.json:
            from mynacheck.present.json import readers_json

            output.print_json(readers_json(found))
        elif not found:
            output.echo(text(LABELS, "readers.none", output.lang))
        else:
            for reader in found:
                output.echo(_reader_line(reader, output.lang))
        sys.exit(0 if found else mynacheck.Status.NO_READER.exit_code)


def _reader_line(reader: mynacheck.ReaderInfo, lang: Lang) -> str:
    if not reader.card_present:
        key = "readers.empty"
    elif reader.my_number_card is None:
        key = "readers.busy"
    else:
        key = "readers.mynumber" if reader.my_number_card else "readers.other"
    return f"{reader.index}: {reader.name}  [{text(LABELS, key, lang)}]"
