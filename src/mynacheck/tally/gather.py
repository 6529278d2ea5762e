"""Reading one tally for a report: reduced in SQL, attached read-only, never written.

Each tally is attached to one in-memory database in turn (see
:func:`schema.read_consistently`) and reduced into temporary tables:

- ``counts (file, grp, status, n)``: checks per group and verdict, counted on
  the index ``checks_status (status, time)`` where the tally has it;
- ``latest (file, card_hash, time, status, expiry, tag, bad, n)``: each card's
  latest check in the period and how many checks it had; the line with
  ``card_hash`` NULL counts the checks without a certificate;
- ``gcards (file, grp, card_hash, time, status)``: without ``--latest``, each
  card's latest check within each group (``gcounts (file, grp, status, n)``: the
  same counted, for a report over one tally);
- ``firstvalid (file, card_hash, time)``: for the chart, each card's first check
  that found its certificate valid;
- ``wanted (tag)``: with ``--tag``, the tags the report is limited to (only their
  rows are read, as if the tally held nothing else).

Within a group, a card's latest check keeps its ``expiry`` when it found the
certificate valid (``gcards``, ``gcounts``): each group's own renewal figures.

Over a whole version-2 tally, each card's latest check is the writers' ``cards``
line (one per card: no row is read for it, none sorted); a report over one such
tally reads those lines where they lie (:attr:`FileFacts.lines`). Over a period,
or a version-1 tally, the rows are reduced instead; same answers (tested).

Every row read is checked: a time that is not text of mynacheck's shape, a
verdict that is not one mynacheck writes (on the rows, found on the index of
verdicts); a card hash that is not 64 hex digits, an expiry that is not a date,
a tag that cannot be read (on each card's latest check). Such a row makes the report a usage
error naming the file and the row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from . import schema
from .groups import count_on_index, group_spans, group_sql, statuses_on_index
from .keys import TallyError
from .store import ROW_STATUSES, TAG_MAX_LENGTH, format_time

_T = TypeVar("_T")
#: A card's latest check (a line of ``cards`` or ``latest``) with a value that cannot be read.
#: A verdict mynacheck writes (any other text is refused, never counted).
KNOWN_STATUSES_SQL = ", ".join(f"'{status}'" for status in sorted(ROW_STATUSES))
#: An expiry that is a date (``YYYY-MM-DD``), a card hash of the right shape (64 hex digits).
_ODD_EXPIRY = (
    "(expiry IS NOT NULL AND (typeof(expiry) != 'text' OR length(expiry) != 10"
    " OR date(expiry, '+0 days') IS NOT expiry))"
)
_ODD_HASH = "(length(card_hash) != 64 OR card_hash GLOB '*[^0-9a-f]*')"
_ODD_TAG = (
    "(tag IS NOT NULL AND (typeof(tag) != 'text' OR length(tag) = 0"
    f" OR length(tag) > {TAG_MAX_LENGTH}))"
)
_ODD_LINE = (
    f"(typeof(card_hash) != 'text' OR {_ODD_HASH} OR typeof(time) != 'text'"
    " OR length(time) != 27 OR typeof(status) != 'text'"
    f" OR status NOT IN ({KNOWN_STATUSES_SQL}) OR {_ODD_EXPIRY} OR {_ODD_TAG})"
)
#: ``_ODD_LINE`` for card lines whose hashes' digits were found hex already.
_ODD_LINE_DIGITS_CHECKED = _ODD_LINE.replace(_ODD_HASH, "length(card_hash) != 64")
_HEX_DIGITS = b"0123456789abcdef"
#: How many card lines one read of their hashes' digits takes (a test sets it small).
HASH_CHUNK = 65536
#: The same for a row (card hash and expiry may be NULL), to name it.
_ODD_ROW = (
    "(typeof(time) != 'text' OR length(time) != 27 OR typeof(status) != 'text'"
    f" OR status NOT IN ({KNOWN_STATUSES_SQL}) OR typeof(card_hash) NOT IN ('null', 'text')"
    f" OR {_ODD_HASH} OR {_ODD_EXPIRY} OR {_ODD_TAG})"
)
_TEMP_TABLES = """
CREATE TEMP TABLE counts (file INTEGER, grp TEXT, status TEXT, n INTEGER);
CREATE TEMP TABLE latest (file INTEGER, card_hash TEXT, time TEXT, status TEXT, expiry TEXT,
                          tag TEXT, bad INTEGER, n INTEGER);
CREATE TEMP TABLE gcards (file INTEGER, grp TEXT, card_hash TEXT, time TEXT, status TEXT,
                          expiry TEXT);
CREATE TEMP TABLE gcounts (file INTEGER, grp TEXT, status TEXT, expiry TEXT, n INTEGER);
CREATE TEMP TABLE firstvalid (file INTEGER, card_hash TEXT, time TEXT);
CREATE TEMP TABLE wanted (tag TEXT PRIMARY KEY);
"""


@dataclass(frozen=True)
class Request:
    """What the report asks of every tally."""

    since: datetime | None = None
    until: datetime | None = None
    by: str | None = None
    latest: bool = False
    first_valid: bool = False
    #: ``--tag``: only these tags' rows (empty: every row).
    tags: tuple[str, ...] = ()

    @property
    def low(self) -> str:
        return format_time(self.since) if self.since else ""

    @property
    def high(self) -> str:
        return format_time(self.until) if self.until else "\U0010ffff"

    @property
    def whole(self) -> bool:
        """Every row of the tally: no period and no tag filter."""
        return self.since is None and self.until is None and not self.tags

    def tag_filter(self, tag: str) -> str:
        """SQL to append to a row's condition: its tag (the expression ``tag``; ``NULL``
        in a tally without tags) is one of ``--tag`` (``temp.wanted``), if asked."""
        return f" AND {tag} IN temp.wanted" if self.tags else ""

    @property
    def in_period(self) -> str:
        """SQL: the row is in the period (``:low``, ``:high``). Nothing to say for a whole
        tally, which leaves SQLite free to walk the index the grouping needs."""
        return "1" if self.whole else "time >= :low AND time < :high"


@dataclass(frozen=True)
class FileFacts:
    """What one tally said about itself, and where its cards' latest checks are."""

    path: Path
    version: int
    key_fingerprint: str
    first: str | None
    last: str | None
    #: ``src.cards`` (the attached tally's own lines, indexed) or ``temp.latest``.
    lines: str = "temp.latest"


def open_gathering(request: Request) -> sqlite3.Connection:
    """The in-memory database the tallies are gathered into (for ``request``)."""
    connection = schema.connect_memory()
    connection.execute("PRAGMA cache_size = -65536")
    for statement in _TEMP_TABLES.split(";"):
        if statement.strip():
            connection.execute(statement)
    connection.executemany(
        "INSERT OR IGNORE INTO temp.wanted (tag) VALUES (?)", [(t,) for t in request.tags]
    )
    return connection


def gather(
    connection: sqlite3.Connection,
    number: int,
    path: Path,
    request: Request,
    finish: Callable[[FileFacts], _T],
    *,
    alone: bool,
) -> _T:
    """Reduce the tally at ``path`` (file ``number``), then ``finish(facts)`` while it is
    still attached. ``alone``: the only tally of the report, whose card lines may stay
    where they are."""
    if not schema.check_regular_file(path):
        raise TallyError("tally_not_found", path=str(path))
    schema.inspect(path)  # a tally at all, of a known version: before reading any further

    def undo() -> None:
        for table in ("counts", "latest", "gcards", "gcounts", "firstvalid"):
            connection.execute(f"DELETE FROM temp.{table} WHERE file = ?", (number,))

    def read() -> _T:
        return finish(_read_file(connection, number, path, request, alone))

    return schema.read_consistently(connection, path, read, undo)


def _read_file(
    connection: sqlite3.Connection, number: int, path: Path, request: Request, alone: bool
) -> FileFacts:
    meta = schema.read_meta(connection, path)
    indexes = {name for (name,) in connection.execute("SELECT name FROM src.sqlite_master")}
    tag = "tag" if meta.version >= 2 else "NULL"
    span = {"file": number, "low": request.low, "high": request.high}
    # A time that is not text sorts before or after all text: found on checks_time.
    for odd in ("time IS NULL", "time < ''", "time >= x''"):
        _refuse_row(connection, path, odd, fail_on_none=False)
    first, last = (
        connection.execute(
            f"SELECT {aggregate}(time) FROM src.checks WHERE time >= :low AND time < :high"
            + request.tag_filter(tag),
            span,
        ).fetchone()[0]
        for aggregate in ("min", "max")
    )
    lines = "temp.latest"
    if meta.version >= 2 and request.whole and _cards_readable(connection):
        _refuse_row(connection, path, "length(time) != 27", fail_on_none=False)
        lines = _latest_from_cards(connection, span, request, alone)
    else:
        _latest_from_rows(connection, span, request, tag)
        line = connection.execute(
            "SELECT card_hash FROM temp.latest WHERE file = :file AND (bad > 0 OR"
            f" (card_hash IS NOT NULL AND {_ODD_LINE})) LIMIT 1",
            span,
        ).fetchone()
        if line is not None:
            where = f"(card_hash IS ? OR ? IS NULL) AND time >= ? AND time < ? AND {_ODD_ROW}"
            _refuse_row(connection, path, where, (line[0], line[0], request.low, request.high))
    _count_checks(connection, number, path, request, "checks_status" in indexes, tag, first, last)
    if request.by is not None and not request.latest and first is not None and last is not None:
        _cards_per_group(connection, number, request, tag, first, last, alone)
    return FileFacts(path, meta.version, meta.key_fingerprint, first, last, lines)


def _cards_per_group(
    connection: sqlite3.Connection,
    number: int,
    request: Request,
    tag: str,
    first: str,
    last: str,
    alone: bool,
) -> None:
    """Without ``--latest``: each card's latest check within each group, one group at a
    time (on checks_time or checks_tag): counted per verdict when this tally is the only
    one (``temp.gcounts``), else kept card by card for merging (``temp.gcards``)."""
    assert request.by is not None
    chunks: list[tuple[str | None, str, tuple[object, ...]]]
    if request.by != "tag":
        chunks = [
            (key, "time >= ? AND time < ?", (max(start, request.low), min(end, request.high)))
            for key, start, end in group_spans(request.by, first, last)
        ]
    elif tag == "NULL":  # a version-1 tally: no tags
        chunks = [(None, "time >= ? AND time < ?", (request.low, request.high))]
    else:
        tags: list[str | None] = (
            list(request.tags) if request.tags else [*tags_on_index(connection), None]
        )
        chunks = [
            (value, "tag IS ? AND time >= ? AND time < ?", (value, request.low, request.high))
            if not request.whole
            else (value, "tag IS ?", (value,))
            for value in tags
        ]
    valid_expiry = "CASE WHEN status = 'valid' THEN expiry END"
    for key, where, values in chunks:
        latest = (
            "SELECT card_hash, max(time) AS time, status, expiry FROM src.checks"
            f" WHERE card_hash IS NOT NULL AND {where}{request.tag_filter(tag)}"
            " GROUP BY card_hash"
        )
        if alone:
            connection.execute(
                "INSERT INTO temp.gcounts (file, grp, status, expiry, n)"
                f" SELECT ?, ?, status, {valid_expiry}, count(*) FROM ({latest})"
                f" GROUP BY status, {valid_expiry}",
                (number, key, *values),
            )
        else:
            connection.execute(
                "INSERT INTO temp.gcards (file, grp, card_hash, time, status, expiry)"
                f" SELECT ?, ?, card_hash, time, status, {valid_expiry} FROM ({latest})",
                (number, key, *values),
            )


def tags_on_index(connection: sqlite3.Connection) -> list[str]:
    """Every tag in the attached tally, skipping along checks_tag."""
    found: list[str] = []
    (current,) = connection.execute("SELECT min(tag) FROM src.checks").fetchone()
    while current is not None:
        found.append(current)
        (current,) = connection.execute(
            "SELECT min(tag) FROM src.checks WHERE tag > ?", (current,)
        ).fetchone()
    return found


def _cards_readable(connection: sqlite3.Connection) -> bool:
    """The writers' card lines hold nothing that cannot be read (else: the rows).

    The same test as ``_ODD_LINE``, but the card hashes' digits are checked in Python
    (:func:`_hash_digits_hex`): SQLite's GLOB takes about 2 µs a line, which made a
    report over 200,000 cards 0.5-1 s slower. Only when that check finds a character
    that is no lower-case hex digit does SQL's own test decide."""
    lines = _ODD_LINE if not _hash_digits_hex(connection) else _ODD_LINE_DIGITS_CHECKED
    odd = connection.execute(f"SELECT 1 FROM src.cards WHERE {lines} LIMIT 1").fetchone()
    return odd is None


def _hash_digits_hex(connection: sqlite3.Connection) -> bool:
    """Every text card hash in ``src.cards`` is made of ``0-9a-f`` alone (its length is
    tested in SQL): read in chunks along the primary key, ``HASH_CHUNK`` lines at a time."""
    after = ""
    while True:
        digits, last, lines = connection.execute(  # as bytes: never decoded
            "SELECT CAST(group_concat(card_hash, '') AS BLOB), CAST(max(card_hash) AS BLOB),"
            " count(*) FROM (SELECT card_hash FROM src.cards WHERE card_hash > ?"
            " AND typeof(card_hash) = 'text' ORDER BY card_hash LIMIT ?)",
            (after, HASH_CHUNK),
        ).fetchone()
        if not lines:
            return True
        if bytes(digits).translate(None, _HEX_DIGITS):
            return False
        after = bytes(last).decode("ascii")


def _latest_from_cards(
    connection: sqlite3.Connection, span: dict[str, object], request: Request, alone: bool
) -> str:
    """Each card's latest check from the writers' ``cards``; returns where they are."""
    connection.execute(
        "INSERT INTO temp.latest (file, card_hash, bad, n) SELECT :file, NULL, 0,"
        " (SELECT count(*) FROM src.checks) - (SELECT coalesce(sum(checks), 0) FROM src.cards)",
        span,
    )
    if alone:
        return "src.cards"
    connection.execute(
        "INSERT INTO temp.latest (file, card_hash, time, status, expiry, tag, bad, n)"
        " SELECT :file, card_hash, time, status, expiry, tag, 0, checks FROM src.cards",
        span,
    )
    if request.first_valid:
        connection.execute(
            "INSERT INTO temp.firstvalid (file, card_hash, time) SELECT :file, card_hash,"
            " first_valid FROM src.cards WHERE first_valid IS NOT NULL",
            span,
        )
    return "temp.latest"


def _latest_from_rows(
    connection: sqlite3.Connection, span: dict[str, object], request: Request, tag: str
) -> None:
    """Each card's latest check in the period from the rows, each row's time checked."""
    connection.execute(
        "INSERT INTO temp.latest (file, card_hash, time, status, expiry, tag, bad, n)"
        f" SELECT :file, card_hash, max(time), status, expiry, {tag}, sum(length(time) != 27),"
        f" count(*) FROM src.checks WHERE {request.in_period}{request.tag_filter(tag)}"
        " GROUP BY card_hash",
        span,
    )
    if request.first_valid:
        connection.execute(
            "INSERT INTO temp.firstvalid (file, card_hash, time)"
            " SELECT :file, card_hash, min(time) FROM src.checks"
            " WHERE card_hash IS NOT NULL AND status = 'valid'"
            f" AND time >= :low AND time < :high{request.tag_filter(tag)} GROUP BY card_hash",
            span,
        )


def _refuse_row(
    connection: sqlite3.Connection,
    path: Path,
    where: str,
    values: Sequence[object] = (),
    *,
    fail_on_none: bool = True,
) -> None:
    """Refuse the tally, naming its first row that matches ``where``."""
    row = connection.execute(
        f"SELECT id FROM src.checks WHERE {where} ORDER BY id LIMIT 1", values
    ).fetchone()
    if row is not None or fail_on_none:
        raise TallyError("tally_bad_row", path=str(path), row=row[0] if row else "?")


def _count_checks(
    connection: sqlite3.Connection,
    number: int,
    path: Path,
    request: Request,
    indexed: bool,
    tag: str,
    first: str | None,
    last: str | None,
) -> None:
    """Checks per group and verdict into ``temp.counts``; a verdict or tag that is not
    readable text refuses the tally."""
    span = {"file": number, "low": request.low, "high": request.high}
    by = request.by
    if by in (None, "tag") or not indexed or request.tags or first is None or last is None:
        key = "NULL" if by is None else group_sql(by, tag_column=tag)
        grouping = "status" if by is None else f"{key}, status"  # on checks_status / _tag
        connection.execute(
            "INSERT INTO temp.counts (file, grp, status, n)"
            f" SELECT :file, {key}, status, count(*) FROM src.checks"
            f" WHERE {request.in_period}{request.tag_filter(tag)} GROUP BY {grouping}",
            span,
        )
    else:  # on checks_status, one group and verdict at a time: no row sorted
        statuses = statuses_on_index(connection, "src.checks")
        counts = count_on_index(
            connection, "src.checks", statuses, group_spans(by, first, last), *span_of(request)
        )
        connection.executemany(
            "INSERT INTO temp.counts (file, grp, status, n) VALUES (?, ?, ?, ?)",
            [(number, key, status, n) for key, status, n in counts],
        )
    for (status,) in connection.execute(
        "SELECT status FROM temp.counts WHERE file = :file"
        f" AND (typeof(status) != 'text' OR status NOT IN ({KNOWN_STATUSES_SQL}))",
        span,
    ).fetchall():
        _refuse_row(connection, path, "status IS ?", (status,))
    if by == "tag":
        for (odd,) in connection.execute(
            "SELECT grp FROM temp.counts WHERE file = :file AND grp IS NOT NULL AND"
            f" (typeof(grp) != 'text' OR length(grp) = 0 OR length(grp) > {TAG_MAX_LENGTH})",
            span,
        ).fetchall():
            _refuse_row(connection, path, "tag IS ?", (odd,))


def span_of(request: Request) -> tuple[str, str]:
    return request.low, request.high
