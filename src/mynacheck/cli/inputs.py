"""What a command checks before the card, without click: the trust anchor files
named and the scenario names given. The window (gui/app.py) checks its options with
these too, and can do so without loading click when it was given none."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import mynacheck


def trust_anchor_inputs(files: tuple[Path, ...]) -> Iterator[mynacheck.AnchorLike]:
    """``--trust-anchor`` files first, then the user's anchors folder (listed lazily,
    after the card is read)."""
    for path in files:  # a missing file is a usage error before the card
        if not path.exists():
            raise mynacheck.InputError("file_unreadable", path=str(path), reason="not found")
    return itertools.chain(files, _user_trust_anchors())


def _user_trust_anchors() -> Iterator[Path]:
    """The anchors folder's files, the API asked only when they are read (the window
    is painted before the API loads)."""
    yield from mynacheck.user_trust_anchors()


def scenario_names(simulate: str, reader: str | None) -> tuple[str, ...]:
    """``--simulate a,b``: the scenario names, each known (a usage error otherwise,
    and with ``--reader`` too)."""
    if reader is not None:
        raise mynacheck.InputError("source_conflict")
    names = tuple(name.strip() for name in simulate.split(",") if name.strip())
    mynacheck.SimulatedReader.check_scenarios(names or (simulate,))
    return names
