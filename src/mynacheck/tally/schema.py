"""The tally file: its SQLite schema, how one is created, recognised, migrated and read.

Versions: 1 (issue 5) has no ``tag``; 2 adds ``tag`` and the two indexes the
report reads through. Only writers (``--log``) migrate a tally forward; the
report reads every known version as it is and never writes. A version this
program does not know (a newer mynacheck's) is refused by both.

Nothing here touches a file before it is known to be a mynacheck tally: an
existing file is recognised by its SQLite header and then its ``meta`` table,
read through an ``immutable`` connection that takes no lock and creates no
``-wal`` / ``-shm`` companion files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..userfiles import os_error_reason
from .keys import TallyError

SCHEMA_VERSION = 2
KNOWN_VERSIONS = (1, 2)
#: How long a connection waits for another one holding the lock (milliseconds).
BUSY_TIMEOUT_MS = 15_000
_SQLITE_HEADER = b"SQLite format 3\x00"
_T = TypeVar("_T")

_TABLES = """
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE checks (
    id           INTEGER PRIMARY KEY,
    time         TEXT NOT NULL,     -- UTC, ISO 8601 with microseconds and Z
    status       TEXT NOT NULL,     -- the verdict (Status value)
    expiry       TEXT,              -- certificate expiry, JST date, or NULL
    renewal_open INTEGER,           -- 0/1 at the time of the check, NULL without a certificate
    reader       TEXT,              -- reader name
    card_hash    TEXT,              -- HMAC-SHA256(key, serial) hex, NULL without one
    tag          TEXT               -- --tag (a section, a counter), or NULL
);
CREATE INDEX checks_time ON checks (time);
"""
#: Version 2: each card's latest check, kept by the writers in the same transaction as
#: the row (the same facts as the rows, one line per card hash), so a report over a
#: whole tally reads one line per card instead of every row; and indexes that let the
#: report count checks per verdict and period, or per tag, without sorting any row.
_V2 = """
CREATE INDEX IF NOT EXISTS checks_status ON checks (status, time);
CREATE INDEX IF NOT EXISTS checks_tag ON checks (tag, status, time);
CREATE TABLE IF NOT EXISTS cards (
    card_hash    TEXT PRIMARY KEY,  -- as in checks
    time         TEXT NOT NULL,     -- the card's latest check
    status       TEXT NOT NULL,     -- its verdict
    expiry       TEXT,              -- its certificate's expiry
    tag          TEXT,              -- its tag
    first_valid  TEXT,              -- the card's first check that found it valid, or NULL
    checks       INTEGER NOT NULL   -- how many checks of the card the tally holds
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cards_status ON cards (status, time);
CREATE INDEX IF NOT EXISTS cards_expiry ON cards (status, expiry);
CREATE INDEX IF NOT EXISTS cards_tag ON cards (tag, status);
"""


def later_check_wins(current: str, columns: tuple[str, ...], indent: str) -> str:
    """The ``SET`` of a ``cards`` upsert, in SQLite and PostgreSQL alike (here and in
    the server's trigger, :mod:`.server_setup`): the later check's ``columns`` win (a
    tie: the one written later), the earliest valid check stays, one more check.
    ``current`` names the row already there; lines after the first start ``indent``."""
    wins = [
        f"{column} = CASE WHEN excluded.time >= {current}.time"
        f" THEN excluded.{column} ELSE {current}.{column} END"
        for column in columns
    ]
    first_valid = (
        f"first_valid = CASE\n{indent}    WHEN excluded.first_valid IS NOT NULL\n"
        f"{indent}         AND ({current}.first_valid IS NULL"
        f" OR excluded.first_valid < {current}.first_valid)\n"
        f"{indent}    THEN excluded.first_valid ELSE {current}.first_valid END"
    )
    return f",\n{indent}".join([*wins, first_valid, f"checks = {current}.checks + 1"])


#: One row into ``cards``: the later check (a tie: the later written) wins.
UPSERT_CARD = f"""
INSERT INTO cards (card_hash, time, status, expiry, tag, first_valid, checks)
VALUES (:card_hash, :time, :status, :expiry, :tag,
        CASE WHEN :status = 'valid' THEN :time END, 1)
ON CONFLICT (card_hash) DO UPDATE SET
    {later_check_wins("cards", ("time", "status", "expiry", "tag"), "    ")}
"""
#: ``cards`` made from the rows of an older tally (migration).
_FILL_CARDS = """
INSERT INTO cards (card_hash, time, status, expiry, tag, first_valid, checks)
SELECT card_hash, max(time), status, expiry, tag, NULL, count(*)
FROM checks WHERE card_hash IS NOT NULL GROUP BY card_hash;
CREATE TEMP TABLE first_valid (card_hash TEXT PRIMARY KEY, time TEXT) WITHOUT ROWID;
INSERT INTO temp.first_valid SELECT card_hash, min(time) FROM checks
WHERE card_hash IS NOT NULL AND status = 'valid' GROUP BY card_hash;
UPDATE cards SET first_valid =
    (SELECT time FROM temp.first_valid f WHERE f.card_hash = cards.card_hash);
DROP TABLE temp.first_valid
"""
_COLUMNS = {
    1: ("id", "time", "status", "expiry", "renewal_open", "reader", "card_hash"),
    2: ("id", "time", "status", "expiry", "renewal_open", "reader", "card_hash", "tag"),
}
_CARD_COLUMNS = ("card_hash", "time", "status", "expiry", "tag", "first_valid", "checks")


@dataclass(frozen=True)
class TallyMeta:
    """What a tally says about itself."""

    version: int
    key_fingerprint: str


def _statements(script: str) -> Iterator[str]:
    for statement in script.split(";"):
        if statement.strip():
            yield statement


# -- recognising a file --------------------------------------------------------------


def check_regular_file(path: Path) -> bool:
    """True when ``path`` is a regular file, False when nothing is there.

    Anything else there (a folder, a FIFO, a device) is a :class:`TallyError`.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise TallyError(
            "tally_unreadable", path=str(path), reason=os_error_reason(error)
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise TallyError("not_a_regular_file", path=str(path))
    return True


def inspect(path: Path) -> TallyMeta:
    """Recognise an existing file as a tally, touching nothing in or beside it.

    Raises :class:`TallyError`: ``tally_not_a_tally`` for anything that is not a
    mynacheck tally (another SQLite database, any other file), ``tally_newer_schema``
    for a tally of a version this program does not know.
    """
    _check_header(path)
    connection = connect_memory()
    try:
        attach(connection, path, immutable=True)
        return read_meta(connection, path)
    finally:
        connection.close()


def inspect_with_id(path: Path) -> tuple[TallyMeta, str]:
    """:func:`check_regular_file` (nothing there: ``tally_not_found``), then :func:`inspect`
    and the tally's :func:`tally_id` through one connection: the file is attached once
    (``immutable``), and again ``mode=ro`` for the id only when a writer's ``-wal`` is
    there (as :func:`read_attached` reads it), so a file is still recognised before
    anything may be made beside it."""
    if not check_regular_file(path):
        raise TallyError("tally_not_found", path=str(path))
    _check_header(path)
    connection = connect_memory()
    try:
        attach(connection, path, immutable=True)
        meta = read_meta(connection, path)
        if Path(f"{path}-wal").exists():
            detach(connection)
            attach(connection, path, immutable=False)
        try:
            return meta, tally_id(connection, meta.key_fingerprint, "src")
        except sqlite3.Error as error:
            raise _unreadable(path, error) from None
    finally:
        connection.close()


def _check_header(path: Path) -> None:
    """Refuse a file that does not start as an SQLite database does."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise TallyError(
            "tally_unreadable", path=str(path), reason=os_error_reason(error)
        ) from None
    if header != _SQLITE_HEADER:
        raise TallyError("tally_not_a_tally", path=str(path))


def read_meta(connection: sqlite3.Connection, path: Path, schema: str = "src") -> TallyMeta:
    """The ``meta`` of the database attached as ``schema``, checked against its tables."""
    try:
        tables = {
            name
            for (name,) in connection.execute(
                f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
            )
        }
        if not {"meta", "checks"} <= tables:
            raise TallyError("tally_not_a_tally", path=str(path))
        meta = dict(connection.execute(f"SELECT name, value FROM {schema}.meta").fetchall())
        columns = tuple(row[1] for row in connection.execute(f"PRAGMA {schema}.table_info(checks)"))
        card_columns = tuple(
            row[1] for row in connection.execute(f"PRAGMA {schema}.table_info(cards)")
        )
    except sqlite3.Error as error:
        if isinstance(error, sqlite3.DatabaseError) and "not a database" in str(error):
            raise TallyError("tally_not_a_tally", path=str(path)) from None
        raise TallyError("tally_unreadable", path=str(path), reason=str(error)) from None
    version_text = meta.get("schema_version")
    fingerprint = meta.get("key_fingerprint")
    if not isinstance(version_text, str) or not isinstance(fingerprint, str):
        raise TallyError("tally_not_a_tally", path=str(path))
    try:
        version = int(version_text)
    except ValueError:
        raise TallyError("tally_not_a_tally", path=str(path)) from None
    if version not in KNOWN_VERSIONS:
        if version > SCHEMA_VERSION:
            raise TallyError("tally_newer_schema", path=str(path), version=version)
        raise TallyError("tally_not_a_tally", path=str(path))
    if columns != _COLUMNS[version] or (version >= 2 and card_columns != _CARD_COLUMNS):
        raise TallyError("tally_not_a_tally", path=str(path))
    return TallyMeta(version, fingerprint)


# -- connections -------------------------------------------------------------------------


def connect_memory() -> sqlite3.Connection:
    """An in-memory database to attach tallies to (``uri=True`` so ATTACH takes URIs)."""
    connection = sqlite3.connect("file::memory:", uri=True)
    connection.isolation_level = None
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def attach(
    connection: sqlite3.Connection, path: Path, *, immutable: bool, schema: str = "src"
) -> None:
    """Attach ``path`` read-only as ``schema``: ``mode=ro``, or ``immutable=1``.

    ``immutable`` reads the file as it lies on disk, taking no lock and making no
    ``-wal``/``-shm`` files: right for a file no one is writing (no ``-wal`` file)
    or in a folder that cannot be written. ``mode=ro`` shares a live writer's WAL.
    """
    uri = path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")
    try:
        connection.execute(f"ATTACH DATABASE ? AS {schema}", (uri,))
        connection.execute(f"PRAGMA {schema}.busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as error:
        raise TallyError("tally_unreadable", path=str(path), reason=str(error)) from None


def detach(connection: sqlite3.Connection, schema: str = "src") -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.execute(f"DETACH DATABASE {schema}")


def _file_state(path: Path) -> tuple[int, int, int, bool]:
    info = path.stat()
    return (info.st_mtime_ns, info.st_size, info.st_ino, Path(f"{path}-wal").exists())


def read_consistently(
    connection: sqlite3.Connection, path: Path, read: Callable[[], _T], undo: Callable[[], None]
) -> _T:
    """Attach ``path`` as ``src``, call ``read()`` and detach, never writing in or beside it.

    With no ``-wal`` file (no writer has the tally open) the file is read
    ``immutable`` and its size and time are compared before and after: a writer
    that changed it meanwhile makes this read again (``undo`` drops what the
    failed attempt gathered). With a ``-wal`` file, or after three changed
    attempts, ``mode=ro`` shares the writers' WAL; where that cannot open (a
    read-only folder without the WAL's ``-shm`` file), ``immutable`` after all.
    """
    for _attempt in range(3):
        before = _file_state(path)
        if before[3] or Path(f"{path}-journal").exists():
            break
        attach(connection, path, immutable=True)
        try:
            result = read()
        except sqlite3.DatabaseError as error:
            if _file_state(path) == before:
                raise _unreadable(path, error) from None
            undo()
            continue
        finally:
            detach(connection)
        if _file_state(path) == before:
            return result
        undo()
    attach(connection, path, immutable=False)
    try:
        return read()
    except sqlite3.OperationalError as error:
        undo()  # mode=ro cannot open here: a read-only folder
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:  # rows there that immutable would miss
            raise TallyError(
                "tally_unreadable", path=str(path), reason=f"{error} (with {wal.name})"
            ) from None
    except sqlite3.DatabaseError as error:
        raise _unreadable(path, error) from None
    finally:
        detach(connection)
    attach(connection, path, immutable=True)
    try:
        return read()
    except sqlite3.DatabaseError as error:
        raise _unreadable(path, error) from None
    finally:
        detach(connection)


def _unreadable(path: Path, error: sqlite3.Error) -> TallyError:
    if "not a database" in str(error):
        return TallyError("tally_not_a_tally", path=str(path))
    return TallyError("tally_unreadable", path=str(path), reason=str(error))


# -- writing -------------------------------------------------------------------------------


def connect_writer(path: Path) -> sqlite3.Connection:
    """A read-write connection to an existing tally (WAL, synchronous commits)."""
    # A counter appends from its loop's thread to a tally opened on the UI thread:
    # allowed; the Tally's lock keeps to one statement at a time.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    connection.isolation_level = None  # explicit BEGIN / COMMIT
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def migrate(connection: sqlite3.Connection, version: int) -> None:
    """Bring a tally of ``version`` to :data:`SCHEMA_VERSION`, inside the caller's
    ``BEGIN IMMEDIATE`` (all of it commits, or none)."""
    if version < 2:
        connection.execute("ALTER TABLE checks ADD COLUMN tag TEXT")
        for statement in _statements(_V2):
            connection.execute(statement)
        fill_cards(connection)
    connection.execute(
        "UPDATE meta SET value = ? WHERE name = 'schema_version'", (str(SCHEMA_VERSION),)
    )


def fill_cards(connection: sqlite3.Connection) -> None:
    """Make ``cards`` (empty) from the rows in ``checks`` (the tally in ``main``)."""
    for statement in _statements(_FILL_CARDS):
        connection.execute(statement)


def read_attached(path: Path, read: Callable[[sqlite3.Connection], _T]) -> _T:
    """``read(connection)`` with the tally at ``path`` attached read-only as ``src``
    (``immutable`` unless a writer's ``-wal`` is there); an SQLite error is
    ``tally_unreadable`` naming it."""
    connection = connect_memory()
    try:
        attach(connection, path, immutable=not Path(f"{path}-wal").exists())
        try:
            return read(connection)
        except sqlite3.Error as error:
            raise _unreadable(path, error) from None
    finally:
        connection.close()


def tally_id(connection: sqlite3.Connection, fingerprint: str, schema: str = "main") -> str:
    """The tally's own id (``meta.tally_id``), which a row's id on a server is made from.

    A tally made before ids has none: its id is then made from its key's fingerprint
    and its first row, so that it is the same whether a writer stores it (see
    :func:`ensure_tally_id`) or ``tally push`` reads the file as it is."""
    row = connection.execute(f"SELECT value FROM {schema}.meta WHERE name = 'tally_id'").fetchone()
    if row is not None and isinstance(row[0], str) and row[0]:
        return row[0]
    first = connection.execute(
        f"SELECT id, time, reader FROM {schema}.checks ORDER BY id LIMIT 1"
    ).fetchone()
    if first is None:
        return ""
    seed = "\x00".join(["mynacheck tally id v1", fingerprint, *map(str, first)])
    return hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:32]


def ensure_tally_id(connection: sqlite3.Connection, fingerprint: str) -> None:
    """Store the tally's id if it has none yet (inside the writer's transaction)."""
    if connection.execute("SELECT 1 FROM meta WHERE name = 'tally_id'").fetchone() is not None:
        return
    value = tally_id(connection, fingerprint) or secrets.token_hex(16)
    connection.execute("INSERT INTO meta (name, value) VALUES ('tally_id', ?)", (value,))


def create(path: Path, fingerprint: Callable[[], str]) -> bool:
    """Create an empty tally at ``path``, whole or not at all; False if one appeared first.

    The database is built in a temporary file beside ``path``; ``fingerprint()``
    (which may write the key file) is called once that worked; then the file is
    hard-linked into place, so no one ever sees a half-made tally.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            with connection:
                for statement in _statements(_TABLES + _V2):
                    connection.execute(statement)
            with connection:
                connection.executemany(
                    "INSERT INTO meta (name, value) VALUES (?, ?)",
                    [
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("key_fingerprint", fingerprint()),
                        ("card_hash", "hmac-sha256(key, serial hex)"),
                        ("tally_id", secrets.token_hex(16)),
                    ],
                )
        finally:
            connection.close()
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except (AttributeError, NotImplementedError, PermissionError):
            if path.exists():
                return False
            os.replace(temporary, path)
        return True
    except (OSError, sqlite3.Error) as error:
        reason = os_error_reason(error) if isinstance(error, OSError) else str(error)
        raise TallyError("tally_write_failed", path=str(path), reason=reason) from None
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
