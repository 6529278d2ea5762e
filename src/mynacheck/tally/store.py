"""The acquisition tally: one SQLite row per check, and the report over many tallies.

What a row holds, and nothing else (issue 5): the time of the check (UTC), the
verdict, the certificate's expiry date (JST), whether the renewal window was
open, the reader's name, and ``card_hash`` = HMAC-SHA256(key, serial) of the
auth certificate, so repeated checks of one card count once without the serial
being stored. No name, address, My Number, certificate, or serial.

The key is 32 random bytes kept in a file beside the database (``<db>.key``,
hex, created on first use with mode 0600) or given with ``--key-file``;
counters that share one key file count a card once across all their
databases. The database records a *fingerprint* of the key (a hash of it, not
the key) so a report can warn when merged tallies used different keys, and
so a tally is never written with two keys.

Crash safety: each row is one transaction in WAL mode with ``synchronous=FULL``;
a writer killed at any point leaves the database with every committed row and
none of the uncommitted one. Several processes may write one file (WAL plus a
busy timeout); it must be on a local disk, as SQLite's WAL needs.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import io
import os
import secrets
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..clock import JST
from ..errors import UsageError
from ..present.messages import Lang
from ..report import CheckReport
from ..status import CERTIFICATE_STATUSES, Status

SCHEMA_VERSION = 1
KEY_SIZE = 32
#: How long a writer waits for another one holding the lock (milliseconds).
BUSY_TIMEOUT_MS = 15_000
_FINGERPRINT_LABEL = b"mynacheck tally key fingerprint v1\x00"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checks (
    id           INTEGER PRIMARY KEY,
    time         TEXT NOT NULL,     -- UTC, ISO 8601 with microseconds and Z
    status       TEXT NOT NULL,     -- the verdict (Status value)
    expiry       TEXT,              -- certificate expiry, JST date, or NULL
    renewal_open INTEGER,           -- 0/1, NULL without a certificate
    reader       TEXT,              -- reader name
    card_hash    TEXT               -- HMAC-SHA256(key, serial) hex, NULL without one
);
CREATE INDEX IF NOT EXISTS checks_time ON checks (time);
"""


class TallyError(UsageError):
    """The tally cannot be opened, read or written; ``key`` names the message."""


# -- paths and keys ------------------------------------------------------------------


def default_db_path() -> Path:
    """``--log default``: ``tally.sqlite3`` in the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("mynacheck", appauthor=False)) / "tally.sqlite3"


def resolve_db_path(value: str | Path) -> Path:
    """``--log`` / ``report`` argument: a path, or ``default``."""
    if str(value) == "default":
        return default_db_path()
    return Path(value).expanduser()


def key_path_for(db_path: Path) -> Path:
    """The key file beside a database: ``<db>.key``."""
    return db_path.with_name(db_path.name + ".key")


def load_or_create_key(path: Path) -> bytes:
    """Read the 32-byte key (hex text or raw) at ``path``, creating it if absent.

    Creation is atomic (written to a temporary file, then hard-linked into
    place), so two counters starting at once on one key file agree on the key.
    """
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_bytes(KEY_SIZE).hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race: use its key
        except (AttributeError, NotImplementedError, PermissionError):
            # No hard links on this file system: fall back to an exclusive rename.
            if not path.exists():
                os.replace(temporary, path)
    except OSError as error:
        raise TallyError("tally_key_unreadable", path=str(path), reason=str(error)) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise TallyError("tally_key_unreadable", path=str(path), reason=str(error)) from None
    text = raw.strip()
    try:
        if len(text) == 2 * KEY_SIZE:
            return bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        pass
    if len(raw) == KEY_SIZE:
        return raw
    raise TallyError("tally_key_unreadable", path=str(path), reason=f"not a {KEY_SIZE}-byte key")


def key_fingerprint(key: bytes) -> str:
    """A short hash of the key (not the key): equal for equal keys, nothing more."""
    return hashlib.sha256(_FINGERPRINT_LABEL + key).hexdigest()[:16]


def card_hash(key: bytes, serial: str) -> str:
    """HMAC-SHA256(key, serial) in hex; ``serial`` as the report gives it (hex)."""
    normalized = serial.strip().lower().replace(":", "").lstrip("0") or "0"
    return hmac.new(key, normalized.encode("ascii", "replace"), hashlib.sha256).hexdigest()


# -- rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TallyRow:
    """One check as the tally keeps it."""

    time: datetime
    status: str
    expiry: date | None
    renewal_open: bool | None
    reader: str | None
    card_hash: str | None


def row_from_report(report: CheckReport, key: bytes, at: datetime | None = None) -> TallyRow:
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
    )


def _format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def _parse_time(value: str) -> datetime:
    return datetime.strptime(value, _TIME_FORMAT).replace(tzinfo=timezone.utc)


# -- writing -------------------------------------------------------------------------


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.isolation_level = None  # explicit BEGIN / COMMIT below
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


class Tally:
    """An open tally database, for appending rows. Use :meth:`open`."""

    def __init__(self, path: Path, connection: sqlite3.Connection, key: bytes) -> None:
        self.path = path
        self.key = key
        self._connection: sqlite3.Connection | None = connection

    @classmethod
    def open(cls, db: str | Path, key_file: Path | None = None) -> Tally:
        """Open (creating if needed) the tally at ``db`` with its key.

        Raises :class:`TallyError` when the file is not a tally, cannot be
        written, or was written with another key.
        """
        path = resolve_db_path(db)
        key = load_or_create_key(key_file if key_file is not None else key_path_for(path))
        fingerprint = key_fingerprint(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = _connect(path)
        except (OSError, sqlite3.Error) as error:
            raise TallyError("tally_unreadable", path=str(path), reason=str(error)) from None
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
            if "schema_version" not in meta:
                connection.executemany(
                    "INSERT INTO meta (name, value) VALUES (?, ?)",
                    [
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("key_fingerprint", fingerprint),
                        ("card_hash", "hmac-sha256(key, serial hex)"),
                    ],
                )
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            connection.close()
            raise TallyError("tally_unreadable", path=str(path), reason=str(error)) from None
        if meta.get("key_fingerprint", fingerprint) != fingerprint:
            connection.close()
            raise TallyError("tally_key_mismatch", path=str(path))
        if meta.get("schema_version", str(SCHEMA_VERSION)) != str(SCHEMA_VERSION):
            connection.close()
            raise TallyError("tally_unreadable", path=str(path), reason="unknown schema version")
        return cls(path, connection, key)

    def append(self, report: CheckReport, at: datetime | None = None) -> TallyRow:
        """Append the row for ``report`` in its own transaction; return it."""
        row = row_from_report(report, self.key, at)
        self.append_row(row)
        return row

    def append_row(self, row: TallyRow) -> None:
        """Write one row, committed (durable) when this returns."""
        if self._connection is None:
            raise RuntimeError("Tally used after close()")
        try:
            with _transaction(self._connection):
                self._connection.execute(
                    "INSERT INTO checks (time, status, expiry, renewal_open, reader, card_hash)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        _format_time(row.time),
                        row.status,
                        row.expiry.isoformat() if row.expiry else None,
                        None if row.renewal_open is None else int(row.renewal_open),
                        row.reader,
                        row.card_hash,
                    ),
                )
        except sqlite3.Error as error:
            raise TallyError("tally_write_failed", path=str(self.path), reason=str(error)) from None

    def close(self) -> None:
        """Close the database. Idempotent."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def __enter__(self) -> Tally:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One ``BEGIN IMMEDIATE`` ... ``COMMIT``: the row is all there or not at all."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


# -- reading and the report ------------------------------------------------------------


@dataclass(frozen=True)
class TallySource:
    """One database read for a report."""

    path: Path
    key_fingerprint: str | None
    rows: tuple[TallyRow, ...]


def read_tally(
    db: str | Path, since: datetime | None = None, until: datetime | None = None
) -> TallySource:
    """Rows of one tally with ``since <= time < until``; never writes to it."""
    path = resolve_db_path(db)
    if not path.is_file():
        raise TallyError("tally_not_found", path=str(path))
    try:
        connection = _connect(path, read_only=True)
    except sqlite3.Error as error:
        raise TallyError("tally_unreadable", path=str(path), reason=str(error)) from None
    try:
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
        query = (
            "SELECT time, status, expiry, renewal_open, reader, card_hash FROM checks"
            " WHERE time >= ? AND time < ? ORDER BY time, id"
        )
        low = _format_time(since) if since else ""
        high = _format_time(until) if until else "~"
        rows = tuple(
            TallyRow(
                time=_parse_time(time),
                status=status,
                expiry=date.fromisoformat(expiry) if expiry else None,
                renewal_open=None if renewal is None else bool(renewal),
                reader=reader,
                card_hash=hashed,
            )
            for time, status, expiry, renewal, reader, hashed in connection.execute(
                query, (low, high)
            )
        )
    except (sqlite3.Error, ValueError) as error:
        raise TallyError("tally_unreadable", path=str(path), reason=str(error)) from None
    finally:
        connection.close()
    return TallySource(path, meta.get("key_fingerprint"), rows)


@dataclass(frozen=True)
class TallySummary:
    """What ``mynacheck report`` says about one or more tallies.

    ``checks_by_status`` counts every check. A card is a distinct
    ``card_hash`` (a distinct certificate: a renewed certificate is a new
    card); ``cards_by_status`` and ``cards_renewal_open`` use each card's
    latest check in the period. Checks without a certificate (missing, read
    failures) cannot be told apart and are only counted as checks.
    """

    sources: tuple[Path, ...]
    since: datetime | None
    until: datetime | None
    first: datetime | None
    last: datetime | None
    checks: int
    checks_by_status: dict[str, int]
    cards: int
    cards_by_status: dict[str, int]
    cards_renewal_open: int
    checks_without_certificate: int
    key_fingerprints: tuple[str, ...] = field(default_factory=tuple)

    @property
    def mixed_keys(self) -> bool:
        """True when merged tallies hashed cards with different keys."""
        return len(self.key_fingerprints) > 1


#: Display order: certificate verdicts first, then what prevented one.
STATUS_ORDER: tuple[str, ...] = tuple(
    status.value for status in Status if status in CERTIFICATE_STATUSES
) + tuple(status.value for status in Status if status not in CERTIFICATE_STATUSES)


def _ordered(counts: Counter[str]) -> dict[str, int]:
    known = [s for s in STATUS_ORDER if counts.get(s)]
    unknown = sorted(s for s in counts if s not in STATUS_ORDER and counts[s])
    return {s: counts[s] for s in known + unknown}


def summarize(
    sources: Sequence[TallySource],
    since: datetime | None = None,
    until: datetime | None = None,
) -> TallySummary:
    """Merge tallies: count checks, distinct cards, and cards in the renewal window."""
    rows = sorted((row for source in sources for row in source.rows), key=lambda r: r.time)
    latest: dict[str, TallyRow] = {}
    for row in rows:
        if row.card_hash is not None:
            latest[row.card_hash] = row  # sorted by time: the last one wins
    fingerprints = tuple(
        sorted({s.key_fingerprint for s in sources if s.key_fingerprint is not None})
    )
    return TallySummary(
        sources=tuple(source.path for source in sources),
        since=since,
        until=until,
        first=rows[0].time if rows else None,
        last=rows[-1].time if rows else None,
        checks=len(rows),
        checks_by_status=_ordered(Counter(row.status for row in rows)),
        cards=len(latest),
        cards_by_status=_ordered(Counter(row.status for row in latest.values())),
        cards_renewal_open=sum(1 for row in latest.values() if row.renewal_open),
        checks_without_certificate=sum(1 for row in rows if row.card_hash is None),
        key_fingerprints=fingerprints,
    )


def report_tallies(
    dbs: Iterable[str | Path], since: datetime | None = None, until: datetime | None = None
) -> TallySummary:
    """Read every database (each once) and summarize them together."""
    seen: set[Path] = set()
    sources = []
    for db in dbs:
        path = resolve_db_path(db)
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        sources.append(read_tally(path, since, until))
    return summarize(sources, since, until)


def day_range(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """``--from`` / ``--to`` days (JST, both inclusive) as a [since, until) UTC range."""
    since = datetime(start.year, start.month, start.day, tzinfo=JST) if start else None
    until = datetime(end.year, end.month, end.day, tzinfo=JST) + timedelta(days=1) if end else None
    return since, until


# -- export ----------------------------------------------------------------------------


def summary_json(summary: TallySummary) -> dict[str, Any]:
    """The ``report --json`` object (fields are only ever added)."""

    def moment(value: datetime | None) -> str | None:
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None

    return {
        "schema": SCHEMA_VERSION,
        "databases": [str(path) for path in summary.sources],
        "from": moment(summary.since),
        "to": moment(summary.until),
        "first_check": moment(summary.first),
        "last_check": moment(summary.last),
        "checks": summary.checks,
        "checks_by_status": summary.checks_by_status,
        "cards": summary.cards,
        "cards_by_status": summary.cards_by_status,
        "cards_renewal_open": summary.cards_renewal_open,
        "checks_without_certificate": summary.checks_without_certificate,
        "mixed_keys": summary.mixed_keys,
    }


def summary_csv(summary: TallySummary) -> str:
    """``report --csv``: ``status,checks,cards``, then ``total`` and ``renewal_open`` rows.

    ``cards`` is empty for verdicts without a certificate (they cannot be told apart).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["status", "checks", "cards"])
    for status, checks in summary.checks_by_status.items():
        cards = summary.cards_by_status.get(status)
        has_cards = status in summary.cards_by_status or status in _CERTIFICATE_VALUES
        writer.writerow([status, checks, (cards or 0) if has_cards else ""])
    writer.writerow(["total", summary.checks, summary.cards])
    writer.writerow(["renewal_open", "", summary.cards_renewal_open])
    return buffer.getvalue()


#: Verdicts that come with a certificate, hence a card hash.
_CERTIFICATE_VALUES = frozenset(s.value for s in CERTIFICATE_STATUSES if s is not Status.MISSING)


def render_summary_text(summary: TallySummary, lang: Lang) -> str:
    """``mynacheck report``: the counts as an aligned table, ja or en."""
    from ..present.messages import TALLY, text
    from ..present.watchview import display_width, verdict_word

    def day(moment: datetime | None) -> str:
        return moment.astimezone(JST).date().isoformat() if moment else ""

    last_day = summary.until - timedelta(days=1) if summary.until else None
    if summary.since or summary.until:
        period = f"{day(summary.since) or '...'} .. {day(last_day) or '...'} (JST)"
    else:
        period = text(TALLY, "period.all", lang)
        if summary.first is not None:
            period += f" ({day(summary.first)} .. {day(summary.last)} JST)"
    lines = [
        text(TALLY, "title", lang),
        f"  {text(TALLY, 'period', lang)}: {period}",
        f"  {text(TALLY, 'databases', lang)}: " + ", ".join(str(p) for p in summary.sources),
        "",
    ]
    if not summary.checks:
        lines.append(text(TALLY, "empty", lang))
        return "\n".join(lines)
    words = {status: verdict_word(status, lang) for status in summary.checks_by_status}
    headers = (text(TALLY, "header", lang), text(TALLY, "checks", lang), text(TALLY, "cards", lang))
    total = "計" if lang == "ja" else "Total"
    first_width = max(display_width(w) for w in [*words.values(), headers[0], total])
    widths = (first_width, max(6, display_width(headers[1])), max(6, display_width(headers[2])))

    def line(cells: tuple[str, str, str]) -> str:
        out = "  " + cells[0] + " " * (widths[0] - display_width(cells[0]))
        for cell, width in zip(cells[1:], widths[1:], strict=True):
            out += "  " + " " * (width - display_width(cell)) + cell
        return out.rstrip()

    lines.append(line(headers))
    for status, checks in summary.checks_by_status.items():
        cards = summary.cards_by_status.get(status)
        shown = str(cards or 0) if status in _CERTIFICATE_VALUES or cards else "-"
        lines.append(line((words[status], str(checks), shown)))
    lines.append(line((total, str(summary.checks), str(summary.cards))))
    lines.append("")
    lines.append(f"  {text(TALLY, 'renewal_open', lang)}: {summary.cards_renewal_open}")
    if summary.checks_without_certificate:
        note = text(TALLY, "without_certificate", lang, n=summary.checks_without_certificate)
        lines.append(f"  {note}")
    return "\n".join(lines)
