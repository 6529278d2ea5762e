"""Tally files that share a history: a copy, a backup put back, a file copied back over
a newer one — each written again afterwards.

A tally gets an id when it is made (``meta.tally_id``); a copy keeps it, and keeps its
rows' numbers. Two files with one id hold the same rows up to where they parted and
then each its own rows, numbered on from there: a row is the same row in both when
its number *and* every value (its time to the microsecond, verdict, expiry, renewal,
reader, card hash, tag) are equal. The server tally keeps a row once by an id made
from exactly these (:func:`.server_rows.row_id`); ``report`` over files does the same
here: the files of one history are merged, read-only, into a temporary tally that
holds each of their rows once, and that tally is read in their place.

Two files with one id but different keys cannot be told apart safely (the same
check would hash to two card hashes): ``report`` refuses them, naming both.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..log import Log
from . import schema
from .keys import TallyError

_LOG = Log("tally")
#: The values that make two rows with one number one row (``tag``: NULL in a version-1 tally).
_VALUES = ("time", "status", "expiry", "renewal_open", "reader", "card_hash", "tag")
_ORIGIN = """
CREATE TABLE origin (id INTEGER PRIMARY KEY, file INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX origin_seq ON origin (seq)
"""


@dataclass(frozen=True)
class Identity:
    """Whose history a tally file is: its id and its key's fingerprint."""

    tally_id: str
    fingerprint: str


def identity(path: Path) -> Identity | None:
    """The history of the tally at ``path`` (read-only), or None for an empty tally without
    an id (it holds no row to share). Refuses what ``report`` refuses: a file that is
    not there, not a tally, of a newer format."""
    if not schema.check_regular_file(path):
        raise TallyError("tally_not_found", path=str(path))
    meta = schema.inspect(path)
    value = schema.read_attached(
        path, lambda connection: schema.tally_id(connection, meta.key_fingerprint, "src")
    )
    return Identity(value, meta.key_fingerprint) if value else None


@dataclass(frozen=True)
class Plan:
    """What ``report`` reads for ``paths``: each file, or for files of one history the
    tally that holds their rows once (:attr:`reads`); :meth:`explain` names the file
    and row behind an error met in such a merged tally."""

    reads: tuple[Path, ...]
    groups: dict[Path, tuple[Path, ...]]

    def explain(self, error: TallyError) -> TallyError:
        merged = {str(path): path for path in self.groups}
        where = merged.get(str(error.info.get("path")))
        if where is None:
            return error
        files = self.groups[where]
        info = {**error.info, "path": str(files[0])}
        row = error.info.get("row")
        if isinstance(row, int):
            found = _origin(where, row)
            if found is not None:
                info.update(path=str(files[found[0]]), row=found[1])
        return TallyError(error.key, **info)


@contextlib.contextmanager
def plan(paths: Sequence[Path]) -> Iterator[Plan]:
    """A :class:`Plan` for ``report`` over ``paths`` (each named once), the merged tallies
    in a temporary folder that is gone afterwards. Nothing is written in or beside a
    tally."""
    if len(paths) < 2:
        yield Plan(tuple(paths), {})
        return
    histories: dict[str, list[tuple[Path, Identity]]] = {}
    for path in paths:
        found = identity(path)
        key = found.tally_id if found is not None else f"\x00{path}"
        histories.setdefault(key, []).append((path, found or Identity("", "")))
    for members in histories.values():
        keys = {found.fingerprint for _, found in members}
        if len(keys) > 1:
            raise TallyError(
                "tally_history_other_key", path=str(members[0][0]), other=str(members[1][0])
            )
    if all(len(members) == 1 for members in histories.values()):
        yield Plan(tuple(paths), {})
        return
    with tempfile.TemporaryDirectory(prefix="mynacheck-report-") as folder:
        reads: list[Path] = []
        groups: dict[Path, tuple[Path, ...]] = {}
        for number, members in enumerate(histories.values()):
            files = tuple(path for path, _ in members)
            if len(files) == 1:
                reads.append(files[0])
                continue
            target = Path(folder) / f"history-{number}.sqlite3"
            merge(files, target, members[0][1].fingerprint)
            _LOG.info("%s share one history: each of their rows counted once", len(files))
            reads.append(target)
            groups[target] = files
        yield Plan(tuple(reads), groups)


def merge(files: Sequence[Path], target: Path, fingerprint: str) -> None:
    """A new tally at ``target`` holding each row of ``files`` (of one history) once,
    with ``origin`` saying where each came from; the files are only read."""
    if not schema.create(target, lambda: fingerprint):
        raise TallyError("tally_write_failed", path=str(target), reason="exists")
    connection = sqlite3.connect(target.resolve().as_uri(), uri=True)
    connection.isolation_level = None
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for statement in _ORIGIN.split(";"):
            connection.execute(statement)
        for number, path in enumerate(files):
            schema.inspect(path)
            _add_file(connection, number, path)
        connection.execute("BEGIN")
        schema.fill_cards(connection)
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        raise TallyError("tally_write_failed", path=str(target), reason=str(error)) from None
    finally:
        connection.close()


def _add_file(connection: sqlite3.Connection, number: int, path: Path) -> None:
    """The rows of ``path`` not in the tally yet (by number and values), read consistently
    while a counter may be writing it."""

    def read() -> None:
        tag = "tag" if schema.read_meta(connection, path).version >= 2 else "NULL"
        values = ", ".join(f"s.{name}" for name in _VALUES[:-1]) + f", {tag} AS tag"
        same = " AND ".join(f"m.{name} IS s.{name}" for name in _VALUES[:-1])
        same += f" AND m.tag IS s.{tag}" if tag == "tag" else " AND m.tag IS NULL"
        (base,) = connection.execute("SELECT coalesce(max(id), 0) FROM main.checks").fetchone()
        connection.execute("BEGIN")
        try:
            _add_rows(connection, number, base, values, same)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def undo() -> None:
        connection.execute(
            "DELETE FROM main.checks WHERE id IN (SELECT id FROM main.origin WHERE file = ?)",
            (number,),
        )
        connection.execute("DELETE FROM main.origin WHERE file = ?", (number,))

    schema.read_consistently(connection, path, read, undo)


def _add_rows(
    connection: sqlite3.Connection, number: int, base: int, values: str, same: str
) -> None:
    """Into the merged tally: the rows of ``src`` it lacks, numbered from ``base``."""
    connection.execute(
        f"CREATE TEMP TABLE fresh AS SELECT s.id AS seq, {values} FROM src.checks s"
        " WHERE NOT EXISTS (SELECT 1 FROM main.origin o JOIN main.checks m ON m.id = o.id"
        f" WHERE o.seq = s.id AND {same})"
    )
    connection.execute(
        f"INSERT INTO main.checks (id, {', '.join(_VALUES)})"
        f" SELECT ? + seq, {', '.join(_VALUES)} FROM temp.fresh",
        (base,),
    )
    connection.execute(
        "INSERT INTO main.origin (id, file, seq) SELECT ? + seq, ?, seq FROM temp.fresh",
        (base, number),
    )
    connection.execute("DROP TABLE temp.fresh")


def _origin(merged: Path, row: int) -> tuple[int, int] | None:
    """The file (its number in the group) and row a merged tally's row ``row`` came from."""
    connection = sqlite3.connect(merged)
    try:
        found = connection.execute("SELECT file, seq FROM origin WHERE id = ?", (row,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return (int(found[0]), int(found[1])) if found is not None else None
