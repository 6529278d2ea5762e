"""``tally push``: SQLite tallies uploaded to a server tally by hand, each row by its id.

The same ids as the counter's delivery (:mod:`.outbox`, :mod:`.server_rows`): a
file pushed twice, or an outbox pushed after its counter delivered part of it,
stores each row once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from . import schema
from .keys import TallyError
from .server import check_counter, connect, import_psycopg, parse_target, server_error
from .server_rows import NumberedRow, insert_rows, rows_from_sqlite
from .store import row_problem

_T = TypeVar("_T")
PUSH_BATCH = 5000


@dataclass(frozen=True, kw_only=True)
class PushResult:
    """One tally file pushed: ``sent`` rows went to the server, ``new`` of them were
    not there yet (the rest had been pushed before)."""

    path: Path
    sent: int
    new: int


def push_tallies(
    files: Sequence[str | os.PathLike[str]], target_text: str, *, password: str | None = None
) -> list[PushResult]:
    """Upload SQLite tallies to the server, each row by its id (twice is harmless).

    Every file is read (never written) and checked, every row of it, before anything
    is sent: a file that is not a tally, or a row that is bad data, is a usage error
    naming it. Then the rows go in batches of :data:`PUSH_BATCH`, one transaction each."""
    target = parse_target(target_text, password)
    tallies = [TallyFile(Path(path)) for path in files]
    for tally in tallies:
        for _batch in tally.batches():  # the check: reads every row, keeps none
            pass
    psycopg = import_psycopg()
    results = []
    with connect(target) as connection:
        check_counter(connection, target)
        for tally in tallies:
            sent = new = 0
            try:
                for batch in tally.batches():
                    with connection.transaction():
                        new += insert_rows(connection, tally.tally_id, tally.fingerprint, batch)
                    sent += len(batch)
            except psycopg.Error as error:
                raise server_error(error, target) from None
            results.append(PushResult(path=tally.path, sent=sent, new=new))
    return results


class TallyFile:
    """A SQLite tally read for ``tally push``: recognised first, then read in batches."""

    def __init__(self, path: Path) -> None:
        self.meta, self.tally_id = schema.inspect_with_id(path)
        self.path = path
        self.fingerprint = self.meta.key_fingerprint

    def _read(self, read: Callable[[sqlite3.Connection], list[_T]]) -> list[_T]:
        return schema.read_attached(self.path, read)

    def batches(self) -> Iterator[list[NumberedRow]]:
        tag = "tag" if self.meta.version >= 2 else "NULL"
        done = 0
        while True:
            records = self._read(partial(_rows_after, tag=tag, after=done))
            if not records:
                return
            rows = rows_from_sqlite(records)
            for item in rows:
                if row_problem(item.row) is not None:
                    raise TallyError("tally_bad_row", path=str(self.path), row=item.seq)
            done = rows[-1].seq
            yield rows


def _rows_after(connection: sqlite3.Connection, *, tag: str, after: int) -> list[Any]:
    return connection.execute(
        "SELECT id, time, status, expiry, renewal_open, reader, card_hash,"
        f" {tag} FROM src.checks WHERE id > ? ORDER BY id LIMIT ?",
        (after, PUSH_BATCH),
    ).fetchall()
