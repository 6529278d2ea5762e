"""The tally: one SQLite row per check, keyed card hashes, and the sums ``report`` shows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os

    from .store import Tally


def open_tally(
    path: str | os.PathLike[str],
    *,
    key_file: str | os.PathLike[str] | None = None,
    tag: str | None = None,
) -> Tally:
    """Open the tally at ``path`` ("default": the user data folder) for appending."""
    from .store import Tally

    return Tally.open(
        str(path) if str(path) == "default" else Path(path),
        Path(key_file) if key_file is not None else None,
    )
