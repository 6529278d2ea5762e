"""The acquisition tally: one SQLite row per check, and the report over many tallies.

- :func:`open_tally` (:mod:`.store`): open, checking everything first, and append;
- :mod:`.keys`: the key that turns a serial into a card hash, and its file;
- :mod:`.schema`: the file itself (versions, creation, read-only access);
- :func:`summarize_tallies` (:mod:`.summary`, :mod:`.gather`, :mod:`.groups`): the
  report's counts, groups and renewal forecast, reduced in SQL;
- the shared tally on a PostgreSQL server: :mod:`.server` (naming, connecting,
  checking its format), :mod:`.server_setup` (its SQL and roles), :mod:`.server_rows`
  (rows and their ids), :mod:`.outbox` (a counter's delivery), :mod:`.push`
  (``tally push``), :mod:`.server_summary` (``report`` over it).

The names below load on first use, never while this package loads
(:mod:`mynacheck.lazy` says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr

_EXPORTS = {
    "KeyFileExposed": ".keys",
    "Tally": ".store",
    "TallyError": ".keys",
    "TallyRow": ".store",
    "card_hash": ".keys",
    "day_range": ".summary",
    "default_db_path": ".store",
    "key_fingerprint": ".keys",
    "key_path_for": ".keys",
    "open_tally": ".store",
    "resolve_db_path": ".store",
    "row_from_report": ".store",
    "summarize_tallies": ".summary",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)


if TYPE_CHECKING:
    from .keys import KeyFileExposed as KeyFileExposed
    from .keys import TallyError as TallyError
    from .keys import card_hash as card_hash
    from .keys import key_fingerprint as key_fingerprint
    from .keys import key_path_for as key_path_for
    from .store import Tally as Tally
    from .store import TallyRow as TallyRow
    from .store import default_db_path as default_db_path
    from .store import open_tally as open_tally
    from .store import resolve_db_path as resolve_db_path
    from .store import row_from_report as row_from_report
    from .summary import day_range as day_range
    from .summary import summarize_tallies as summarize_tallies
