"""Tally files that share a history: a copy, a backup put back, a file copied back over
a newer one — each written again afterwards.

A tally gets an id when it is made (``meta.tally_id``); a copy keeps it, and keeps its
rows' numbers. Two files with one id hold the same rows up to where they parted and
then each its own rows, numbered on from there: a row is the same row in both when
its number *and* every value (its time to the microsecond, verdict, expiry, renewal,
reader, card hash, tag) are equal. The server tally keeps a row once by an id made
from exactly these (:func:`.server_rows.row_id`); ``report`` over files does the same
here: of the files of one history the first is read as it is, and the rows the others
hold beyond it (compared row by row, by number: a join on the primary key) are
gathered, read-only, into a temporary tally read beside it. Copies usually share all
but their last rows: that tally is small.

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
    meta, value = schema.inspect_with_id(path)
    return Identity(value, meta.key_fingerprint) if value else None


@dataclass(frozen=True)
class Plan:
    """What ``report`` reads for ``paths``: each file, and for files of one history the
    first of them and a tally of the rows the others add (:attr:`reads`); :meth:`explain`
    names the file and row behind an error met in such a tally."""

    reads: tuple[Path, ...]
    groups: dict[Path, tuple[Path, ...]]

    def explain(self, error: TallyError) -> TallyError:
        extras = {str(path): path for path in self.groups}
        where = extras.get(str(error.info.get("path")))
        if where is None:
            return error
        files = self.groups[where]
        info = {**error.info, "path": str(files[1])}
        row = error.info.get("row")
        if isinstance(row, int):
            found = _origin(where, row)
            if found is not None:
                info.update(path=str(files[found[0]]), row=found[1])
        return TallyError(error.key, **info)


@contextlib.contextmanager
def plan(paths: Sequence[Path]) -> Iterator[Plan]:
    """A :class:`Plan` for ``report`` over ``paths`` (each named once), its temporary
    tallies in a folder that is gone afterwards. Nothing is written in or beside a
    tally."""
    histories: dict[str, list[tuple[Path, Identity]]] = {}
    for path in paths if len(paths) > 1 else ():
        found = identity(path)
        key = found.tally_id if found is not None else f"\x00{path}"
        histories.setdefault(key, []).append((path, found or Identity("", "")))
    for members in histories.values():
        if len({found.fingerprint for _, found in members}) > 1:
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
            reads.append(files[0])
            if len(files) == 1:
                continue
            extras = Path(folder) / f"history-{number}.sqlite3"
            added = gather_extras(files, extras, members[0][1].fingerprint)
            _LOG.info(
                "%d files share one history: each row counted once (%d beyond %s)",
                len(files),
                added,
                files[0],
            )
            if added:
                reads.append(extras)
                groups[extras] = files
        yield Plan(tuple(reads), groups)


def gather_extras(files: Sequence[Path], target: Path, fingerprint: str) -> int:
    """A new tally at ``target`` holding once each row of ``files[1:]`` that ``files[0]``
    does not hold, with ``origin`` saying where each came from; returns how many. The
    files (of one history) are only read."""
    if not schema.create(target, lambda: fingerprint):
        raise TallyError("tally_write_failed", path=str(target), reason="exists")
    connection = sqlite3.connect(target.resolve().as_uri(), uri=True)
    connection.isolation_level = None
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for statement in _ORIGIN.split(";"):
            connection.execute(statement)
        base = files[0]
        base_tag = "tag" if schema.inspect(base).version >= 2 else "NULL"
        schema.attach(connection, base, immutable=not Path(f"{base}-wal").exists(), schema="base")
        for number, path in enumerate(files[1:], start=1):
            schema.inspect(path)
            _add_file(connection, number, path, base_tag)
        schema.detach(connection, "base")
        connection.execute("BEGIN")
        schema.fill_cards(connection)
        connection.execute("COMMIT")
        (added,) = connection.execute("SELECT count(*) FROM main.checks").fetchone()
    except sqlite3.Error as error:
        raise TallyError("tally_unreadable", path=str(files[0]), reason=str(error)) from None
    finally:
        connection.close()
    return int(added)


def _add_file(connection: sqlite3.Connection, number: int, path: Path, base_tag: str) -> None:
    """The rows of ``path`` that neither the base file nor the tally holds yet (by number
    and values), read consistently while a counter may be writing it."""

    def read() -> None:
        tag = "tag" if schema.read_meta(connection, path).version >= 2 else "NULL"
        values = ", ".join(f"s.{name}" for name in _VALUES[:-1]) + f", {tag} AS tag"
        (after,) = connection.execute("SELECT coalesce(max(id), 0) FROM main.checks").fetchone()
        connection.execute("BEGIN")
        try:
            connection.execute(
                f"CREATE TEMP TABLE fresh AS SELECT s.id AS seq, {values} FROM src.checks s"
                " WHERE NOT EXISTS (SELECT 1 FROM base.checks m WHERE m.id = s.id AND"
                f" {_same(base_tag, tag)}) AND NOT EXISTS (SELECT 1 FROM main.origin o"
                f" JOIN main.checks m ON m.id = o.id WHERE o.seq = s.id AND {_same('tag', tag)})"
            )
            _keep_fresh(connection, number, after)
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


def _same(m_tag: str, s_tag: str) -> str:
    """SQL: row ``m`` holds what row ``s`` holds (their tags: ``tag`` or ``NULL``)."""
    same = " AND ".join(f"m.{name} IS s.{name}" for name in _VALUES[:-1])
    return (
        same
        + f" AND {'m.tag' if m_tag == 'tag' else 'NULL'} IS {'s.tag' if s_tag == 'tag' else 'NULL'}"
    )


def _keep_fresh(connection: sqlite3.Connection, number: int, after: int) -> None:
    """``temp.fresh`` into the tally, numbered on from ``after``, and where each came from."""
    connection.execute(
        f"INSERT INTO main.checks (id, {', '.join(_VALUES)})"
        f" SELECT ? + seq, {', '.join(_VALUES)} FROM temp.fresh",
        (after,),
    )
    connection.execute(
        "INSERT INTO main.origin (id, file, seq) SELECT ? + seq, ?, seq FROM temp.fresh",
        (after, number),
    )
    connection.execute("DROP TABLE temp.fresh")


def _origin(extras: Path, row: int) -> tuple[int, int] | None:
    """The file (its number in the group) and row a row of ``extras`` came from."""
    connection = sqlite3.connect(extras)
    try:
        found = connection.execute("SELECT file, seq FROM origin WHERE id = ?", (row,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return (int(found[0]), int(found[1])) if found is not None else None
