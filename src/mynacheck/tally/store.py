"""Writing the tally: one SQLite row per check, opened and checked before any card I/O.

What a row holds, and nothing else: the time of the check (UTC), the verdict,
the certificate's expiry date (JST), whether the renewal window was open, the
reader's name, the ``tag`` the counter was started with (a section or a
counter, never a person), and ``card_hash`` = HMAC-SHA256(key, serial) of the
auth certificate, so repeated checks of one card count once without the
serial being stored. No name, address, My Number, certificate, or serial.

:func:`open_tally` checks everything before it creates anything: the tag, the
database (a mynacheck tally of a known version, or nothing yet), the key (32
bytes, the one the tally was started with), the folders. Only then may it
create the database and the key file (and, for ``default``, the user's data
folder), and migrate an older tally forward.

Crash safety: each row is one transaction in WAL mode with ``synchronous=FULL``;
a writer killed at any point leaves the database with every committed row and
none of the uncommitted one. Several processes may write one file (WAL plus a
busy timeout); it must be on a local disk, as SQLite's WAL needs.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import MynacheckError
from ..log import Log
from ..status import TALLIED_STATUSES, Detail
from ..userfiles import os_error_reason
from . import schema
from .keys import (
    TallyError,
    card_hash,
    create_key_file,
    key_fingerprint,
    key_path_for,
    new_key,
    read_key,
)

if TYPE_CHECKING:
    from ..report import CheckReport

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_INSERT_ROW = (
    "INSERT INTO checks (time, status, expiry, renewal_open, reader, card_hash, tag)"
    " VALUES (:time, :status, :expiry, :renewal_open, :reader, :card_hash, :tag)"
)
TAG_MAX_LENGTH = 64
_LOG = Log("tally")
#: The verdicts a row may hold (as text): any other is refused, by writers and readers.
ROW_STATUSES = frozenset(status.value for status in TALLIED_STATUSES)
_HEX = frozenset("0123456789abcdef")


# -- paths -----------------------------------------------------------------------------


def default_db_path() -> Path:
    """``--log default``: ``tally.sqlite3`` in the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("mynacheck", appauthor=False)) / "tally.sqlite3"


def resolve_db_path(value: str | os.PathLike[str]) -> Path:
    """``--log`` / ``report`` argument: a path, or ``default``."""
    if os.fspath(value) == "default":
        return default_db_path()
    return Path(value).expanduser()


def check_tag(tag: str | None) -> str | None:
    """``--tag``: 1 to 64 characters, no control characters; a usage error otherwise."""
    if tag is None:
        return None
    bad = any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in tag)
    if not tag.strip() or len(tag) > TAG_MAX_LENGTH or bad:
        raise TallyError("bad_tag", length=len(tag), max=TAG_MAX_LENGTH)
    return tag


# -- rows ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TallyRow:
    """One check as the tally keeps it."""

    time: datetime
    status: str
    expiry: date | None
    renewal_open: bool | None
    reader: str | None
    card_hash: str | None
    tag: str | None = None


def row_from_report(
    report: CheckReport, key: bytes, at: datetime | None = None, tag: str | None = None
) -> TallyRow:
    """The row for ``report``: the serial only ever leaves as a keyed hash."""
    moment = at or report.evaluated_at or datetime.now(timezone.utc)
    cert = report.certificate
    return TallyRow(
        time=moment.astimezone(timezone.utc),
        status=report.status.value,
        expiry=cert.expiry_date if cert is not None else None,  # None: no JST expiry
        renewal_open=cert.renewal_open if cert is not None else None,
        reader=report.reader,
        card_hash=card_hash(key, cert.serial) if cert is not None else None,
        tag=tag,
    )


def row_problem(row: TallyRow) -> str | None:
    """The first field of ``row`` that a tally must not hold, or None: a status that is
    no verdict mynacheck writes, an expiry that is no date, a card hash that is not 64
    lower-case hex digits, a tag that :func:`check_tag` refuses, a time without a zone."""
    if not isinstance(row.status, str) or row.status not in ROW_STATUSES:
        return "status"
    if not isinstance(row.time, datetime) or row.time.tzinfo is None:
        return "time"
    if row.expiry is not None and (
        not isinstance(row.expiry, date) or isinstance(row.expiry, datetime)
    ):
        return "expiry"
    if row.card_hash is not None and (
        not isinstance(row.card_hash, str)
        or len(row.card_hash) != 64
        or not set(row.card_hash) <= _HEX
    ):
        return "card_hash"
    if row.tag is not None:
        try:
            check_tag(row.tag)
        except TallyError:
            return "tag"
    return None


def format_time(moment: datetime) -> str:
    """A row's ``time``: UTC, fixed width, so text order is time order."""
    return moment.astimezone(timezone.utc).strftime(TIME_FORMAT)


# -- the open tally ------------------------------------------------------------------


class Tally:
    """An open tally, for appending rows. Made by :func:`open_tally`."""

    def __init__(
        self, path: Path, connection: sqlite3.Connection, key: bytes, tag: str | None
    ) -> None:
        self.path = path
        self.key = key
        self.tag = tag
        self._connection: sqlite3.Connection | None = connection
        self._lock = threading.Lock()  # usable from any thread, one at a time

    def append(self, report: CheckReport, *, at: datetime | None = None) -> TallyRow | None:
        """Record ``report`` (time ``at``, default now) in its own transaction.

        Returns the row written, or ``None`` for an outcome that is not tallied
        (a PIN outcome, a busy reader: see :data:`TALLIED_STATUSES`). Raises
        :class:`TallyError` (``tally_write_failed``) when the row cannot be written.
        """
        if report.status not in TALLIED_STATUSES:
            return None
        when = at if at is not None else datetime.now(timezone.utc)
        row = row_from_report(report, self.key, when, self.tag)
        self.append_rows([row])
        return row

    def record(self, report: CheckReport, *, at: datetime | None = None) -> CheckReport:
        """As :meth:`append`, for a face that shows the verdict: the verdict stands
        whatever happens to the row. Returns ``report``, or on a failed write a copy
        with ``tally_not_written`` and ``info["tally_error"]`` (why, in a few words)."""
        return record_report(self, report, at=at)

    def append_rows(self, rows: Iterable[TallyRow]) -> int:
        """Write ``rows`` in one transaction, committed (durable) when this returns.

        For importing and the benchmark; a counter appends one report at a time.
        """
        with self._lock:
            return self._append_rows(rows)

    def _append_rows(self, rows: Iterable[TallyRow]) -> int:
        if self._connection is None:
            raise RuntimeError("Tally used after close()")
        written = 0
        try:
            with _transaction(self._connection):
                for row in rows:
                    problem = row_problem(row)
                    if problem is not None:
                        raise TallyError(
                            "tally_row_refused",
                            path=str(self.path),
                            row=written + 1,
                            field=problem,
                            value=str(getattr(row, problem))[:80],
                        )
                    values = {
                        "time": format_time(row.time),
                        "status": row.status,
                        "expiry": row.expiry.isoformat() if row.expiry else None,
                        "renewal_open": None if row.renewal_open is None else int(row.renewal_open),
                        "reader": row.reader,
                        "card_hash": row.card_hash,
                        "tag": row.tag,
                    }
                    self._connection.execute(_INSERT_ROW, values)
                    if row.card_hash is not None:
                        self._connection.execute(schema.UPSERT_CARD, values)
                    written += 1
        except sqlite3.Error as error:
            raise TallyError("tally_write_failed", path=str(self.path), reason=str(error)) from None
        return written

    def close(self) -> None:
        """Close the database. Idempotent."""
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()

    def __enter__(self) -> Tally:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Appends(Protocol):
    def append(self, report: CheckReport, *, at: datetime | None = None) -> object: ...


def record_report(
    tally: _Appends, report: CheckReport, *, at: datetime | None = None
) -> CheckReport:
    """Append ``report`` to ``tally`` (any tally with ``append``); the one place
    that turns a failed write into ``tally_not_written`` (see :meth:`Tally.record`)."""
    try:
        tally.append(report, at=at if at is not None else datetime.now(timezone.utc))
    except (MynacheckError, OSError) as error:
        info = getattr(error, "info", None) or {}
        reason = (
            info.get("reason")
            or getattr(error, "strerror", None)
            or getattr(error, "key", None)
            or str(error)
        )
        _LOG.warning("tally row not written (%s): %s", report.status.value, reason)
        return replace(
            report,
            details=(*report.details, Detail.TALLY_NOT_WRITTEN),
            info={**report.info, "tally_error": str(reason)},
        )
    return report


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One ``BEGIN IMMEDIATE`` ... ``COMMIT``: the rows are all there or none is."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def open_tally(
    path: str | os.PathLike[str],
    *,
    key_file: str | os.PathLike[str] | None = None,
    tag: str | None = None,
) -> Tally:
    """Open the tally at ``path`` (a path, or ``"default"``) for appending.

    Everything is checked before anything is created: ``tag`` (1-64 characters),
    the database (a mynacheck tally, or nothing yet: never another file), its
    folder (it must exist, except the user's data folder for ``default``), the
    key file (``<db>.key`` unless ``key_file``; 32 bytes; the key the tally was
    started with). A :class:`TallyError` (a usage error) leaves every file as it
    was. Then a new tally and its key file (mode 0600) are created, or an older
    tally is migrated forward.
    """
    tag = check_tag(tag)
    db = resolve_db_path(path)
    key_path = Path(key_file).expanduser() if key_file is not None else key_path_for(db)
    exists = schema.check_regular_file(db)
    meta = schema.inspect(db) if exists else None
    key = read_key(key_path)
    if meta is not None:
        if key is None:
            raise TallyError("tally_key_missing", path=str(db), key_file=str(key_path))
        if key_fingerprint(key) != meta.key_fingerprint:
            raise TallyError("tally_key_mismatch", path=str(db))
    else:
        folder = db.parent
        if key is None and not key_path.parent.is_dir() and key_path.parent != folder:
            raise TallyError(
                "tally_folder_missing", path=str(key_path), folder=str(key_path.parent)
            )
        if os.fspath(path) == "default":
            _make_default_folder(folder)
        elif not folder.is_dir():
            raise TallyError("tally_folder_missing", path=str(db), folder=str(folder))
        key = _create(db, key_path, key)
    return _open_existing(db, key, tag)


def _make_default_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = os_error_reason(error)
        raise TallyError("tally_write_failed", path=str(folder), reason=reason) from None


def _create(db: Path, key_path: Path, key: bytes | None) -> bytes:
    """A new tally and, if need be, its key file. The database is built first in a
    temporary file (which proves the folder can be written), then the key file is
    written, then the database goes into place."""
    chosen: list[bytes] = []

    def fingerprint() -> str:
        chosen.append(key if key is not None else create_key_file(key_path, new_key()))
        return key_fingerprint(chosen[0])

    if not schema.create(db, fingerprint):
        meta = schema.inspect(db)  # another process made the tally first: use it
        mine = chosen[0] if chosen else read_key(key_path)
        if mine is None:
            raise TallyError("tally_key_missing", path=str(db), key_file=str(key_path))
        if meta.key_fingerprint != key_fingerprint(mine):
            raise TallyError("tally_key_mismatch", path=str(db))
        return mine
    return chosen[0]


def _open_existing(db: Path, key: bytes, tag: str | None) -> Tally:
    """Open the (checked) tally for writing; check again under the write lock and
    migrate an older version forward."""
    try:
        connection = schema.connect_writer(db)
    except sqlite3.Error as error:
        raise TallyError("tally_write_failed", path=str(db), reason=str(error)) from None
    try:
        with _transaction(connection):
            meta = schema.read_meta(connection, db, schema="main")
            if meta.key_fingerprint != key_fingerprint(key):
                raise TallyError("tally_key_mismatch", path=str(db))
            if meta.version < schema.SCHEMA_VERSION:
                schema.migrate(connection, meta.version)
            schema.ensure_tally_id(connection, meta.key_fingerprint)
    except TallyError:
        connection.close()
        raise
    except sqlite3.Error as error:
        connection.close()
        raise TallyError("tally_write_failed", path=str(db), reason=str(error)) from None
    return Tally(db, connection, key, tag)
