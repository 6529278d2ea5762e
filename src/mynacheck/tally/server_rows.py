"""Rows on their way to a server tally: their ids, made on the counter, and the INSERT.

A row's id (:func:`row_id`) comes from its tally's ``tally_id``, its number there and
every value it holds, so a row sent twice (a batch resent after a crash, ``tally
push`` run again, a copy of the tally pushed too) is stored once, while two files
that share a history (a copy, a backup put back, a file copied back over a newer
one) and were each written again keep each other's rows: their new rows have the
same numbers but other values (a time to the microsecond, at least), so other ids.
(Format 1 made the id from the tally and the number alone: a copy's new rows took
the ids of the original's and were dropped as delivered already.) :data:`ROW_ID_SQL`
makes the same ids on the server, for the owner's migration from format 1.
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
_ROW_ID_LABEL = "mynacheck row v2"


def row_id(counter: uuid.UUID, seq: int, row: TallyRow) -> uuid.UUID:
    """The id a row keeps wherever it goes: from its tally's id (as ``counter``, made by
    :func:`counter_id`), its number there and its values (the same as :data:`ROW_ID_SQL`
    on the server)."""
    moment = row.time.astimezone(timezone.utc)
    renewal = None if row.renewal_open is None else ("1" if row.renewal_open else "0")
    expiry = row.expiry.isoformat() if row.expiry is not None else None
    parts = [
        _ROW_ID_LABEL,
        str(counter),
        str(seq),
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z",
        *map(_field, (row.status, expiry, renewal, row.reader, row.card_hash, row.tag)),
    ]
    digest = hashlib.sha256("|".join(parts).encode("utf-8"))
    return uuid.UUID(bytes=digest.digest()[:16])


def _field(value: str | None) -> str:
    """A value in a row's id: its length in UTF-8 bytes first, so no text can pass for
    another; NULL is ``-``."""
    return "-" if value is None else f"{len(value.encode('utf-8'))}:{value}"


def _field_sql(expression: str) -> str:
    return (
        f"CASE WHEN ({expression}) IS NULL THEN '-' ELSE"
        f" octet_length(convert_to({expression}, 'UTF8'))::text || ':' || ({expression}) END"
    )


#: :func:`row_id` in SQL, for the owner's migration from format 1 (tested to agree).
ROW_ID_SQL = f"""
CREATE OR REPLACE FUNCTION mynacheck.row_id(
    row_counter uuid, row_seq bigint, row_time timestamptz, row_status text,
    row_expiry date, row_renewal_open boolean, row_reader text, row_card_hash text,
    row_tag text
) RETURNS uuid LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
SELECT encode(substring(sha256(convert_to(concat_ws('|',
    '{_ROW_ID_LABEL}', row_counter::text, row_seq::text,
    to_char(row_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    {_field_sql("row_status")},
    {_field_sql("to_char(row_expiry, 'YYYY-MM-DD')")},
    {_field_sql("CASE WHEN row_renewal_open THEN '1' WHEN NOT row_renewal_open THEN '0' END")},
    {_field_sql("row_reader")}, {_field_sql("row_card_hash")}, {_field_sql("row_tag")}
), 'UTF8')) FROM 1 FOR 16), 'hex')::uuid
$$;
"""


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
            row_id(counter, item.seq, item.row),
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
