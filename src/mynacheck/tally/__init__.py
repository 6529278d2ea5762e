"""The acquisition tally: one SQLite row per check, and the report over many tallies.

- :func:`open_tally` (:mod:`.store`): open, checking everything first, and append;
- :mod:`.keys`: the key that turns a serial into a card hash, and its file;
- :mod:`.schema`: the file itself (versions, creation, read-only access);
- :func:`summarize_tallies` (:mod:`.summary`, :mod:`.gather`): the report's counts,
  groups and renewal forecast, reduced in SQL;
- :mod:`.chart`: the report's picture (matplotlib, the optional ``chart`` extra;
  imported only when a chart is asked for).
"""

from __future__ import annotations

from ..report import ForecastMonth, Group, TallySummary
from .keys import KeyFileExposed, TallyError, card_hash, key_fingerprint, key_path_for
from .store import (
    Tally,
    TallyRow,
    default_db_path,
    open_tally,
    resolve_db_path,
    row_from_report,
)
from .summary import day_range, summarize_tallies

__all__ = [
    "ForecastMonth",
    "Group",
    "KeyFileExposed",
    "Tally",
    "TallyError",
    "TallyRow",
    "TallySummary",
    "card_hash",
    "day_range",
    "default_db_path",
    "key_fingerprint",
    "key_path_for",
    "open_tally",
    "resolve_db_path",
    "row_from_report",
    "summarize_tallies",
]
