"""Rows on their way to a server tally: their ids, made on the counter, and the INSERT.

A row's id comes from its tally's ``tally_id`` and its number there, so a row sent
twice (a batch resent after a crash, ``tally push`` run again) is stored once.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from .store import TallyRow

if TYPE_CHECKING:
    import psycopg

_INSERT = (
    "INSERT INTO mynacheck.checks (row_id, counter, seq, time, status, expiry, renewal_open,"
    " reader, card_hash, tag, key_fingerprint)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
_ROW_ID_LABEL = b"mynacheck row v1\x00"


def row_id(tally_id: str, seq: int) -> uuid.UUID:
    """The id a row keeps wherever it goes: from its tally's id and its number there."""
    digest = hashlib.sha256(_ROW_ID_LABEL + tally_id.encode() + b"\x00" + str(seq).encode())
    return uuid.UUID(bytes=digest.digest()[:16])


def counter_id(tally_id: str) -> uuid.UUID:
    return uuid.UUID(
        bytes=hashlib.sha256(b"mynacheck counter v1\x00" + tally_id.encode()).digest()[:16]
    )


@dataclass(frozen=True)
class NumberedRow:
    """A row of a SQLite tally with its number there."""

    seq: int
    row: TallyRow


def insert_rows(
    connection: psycopg.Connection[Any],
    tally_id: str,
    key_fingerprint: str,
    rows: Sequence[NumberedRow],
) -> int:
    """Send ``rows`` in one transaction (the caller's); returns how many were new."""
    counter = counter_id(tally_id)
    values = [
        (
            row_id(tally_id, item.seq),
            counter,
            item.seq,
            item.row.time,
            item.row.status,
            item.row.expiry,
            item.row.renewal_open,
            item.row.reader,
            item.row.card_hash,
            item.row.tag,
            key_fingerprint,
        )
        for item in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT, values)
        return max(cursor.rowcount, 0)


def rows_from_sqlite(records: Iterable[tuple[Any, ...]]) -> list[NumberedRow]:
    """``(id, time, status, expiry, renewal_open, reader, card_hash, tag)`` records of a
    SQLite tally as rows; ``TallyError("tally_bad_row")``-worthy values are kept as they
    are, for :func:`store.row_problem` to name."""
    rows = []
    for seq, time, status, expiry, renewal_open, reader, card_hash, tag in records:
        rows.append(
            NumberedRow(
                seq,
                TallyRow(
                    time=_parse_time(time),
                    status=status,
                    expiry=_parse_date(expiry),
                    renewal_open=None if renewal_open is None else bool(renewal_open),
                    reader=reader,
                    card_hash=card_hash,
                    tag=tag,
                ),
            )
        )
    return rows


def _parse_time(value: Any) -> Any:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return value  # row_problem: "time"


def _parse_date(value: Any) -> Any:
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value  # row_problem: "expiry"
    return parsed if parsed.isoformat() == value else value
