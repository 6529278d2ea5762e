"""``mynacheck inspect FILE [--ca FILE]``: evaluate a certificate file as check would."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import mynacheck

from .context import (
    at_option,
    common_options,
    guard,
    make_output,
    parse_moment,
    trust_anchor_option,
)
from .inputs import trust_anchor_inputs


@click.command(short_help="Evaluate a certificate file.")
@click.argument("certificate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--ca", type=click.Path(path_type=Path, dir_okay=False), help="Its CA certificate.")
@at_option
@trust_anchor_option
@common_options
def inspect(
    certificate: Path,
    ca: Path | None,
    at_text: str | None,
    trust_anchors: tuple[Path, ...],
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Evaluate a certificate file as check would (without --ca: chain not checked)."""
    output = make_output(lang, json_output, verbose)
    with guard(output):
        at = parse_moment(at_text) if at_text is not None else None
        report = mynacheck.inspect_certificate(
            certificate, ca=ca, at=at, trust_anchors=trust_anchor_inputs(trust_anchors)
        )
        sys.exit(output.report(report))
