"""Tallies that share a history (a copy, a backup put back, a file copied back over a
newer one), each written afterwards, on the server tally: every row stored once, none
lost — by ``tally push`` and by a counter's outbox — and the server's ``report`` the
same as ``report`` over the files. A row's id is made from its tally, its number and its
values (format 2); a format-1 server's rows get those ids when its owner migrates it."""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

import mynacheck
from mynacheck.tally import TallyRow
from mynacheck.tally.push import TallyFile
from mynacheck.tally.server_rows import counter_id, row_id

from .pg_cluster import Tally
from .tally_helpers import log, simulated
from .test_pg_tally import cli, jst, server_rows


def days(tally: Tally) -> list[str]:
    return sorted(row[3] for row in server_rows(tally))


def push(tally: Tally, *files: Path) -> list[dict[str, Any]]:
    pushed = cli("tally", "push", *map(str, files), "--to", tally.uri("counter1"), "--json")
    assert pushed.returncode == 0, pushed.stderr
    result: list[dict[str, Any]] = json.loads(pushed.stdout)["files"]
    return result


def report(*sources: str) -> dict[str, Any]:
    result = cli("report", *sources, "--json", "--by", "day", "--at", "2026-05-01")
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    answer.pop("databases")
    return answer


def test_a_copy_written_in_both_places_loses_no_row(pg_tally: Tally, tmp_path: Path) -> None:
    a, b, key = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "shared.key"
    log(a, [("valid", jst(1)), ("expired", jst(2))], key_file=key)
    shutil.copy(a, b)
    log(a, [("valid", jst(3))], key_file=key)
    log(b, [("missing_not_found", jst(4)), ("renewal_window", jst(5))], key_file=key)
    assert [f["new"] for f in push(pg_tally, a, b)] == [3, 2]  # b's rows 3 and 4 were lost
    assert [f["new"] for f in push(pg_tally, b, a)] == [0, 0]  # twice is still harmless
    assert days(pg_tally) == [f"2026-04-0{n} 01:00" for n in range(1, 6)]
    assert report(pg_tally.uri("office")) == report(str(a), str(b))
    assert report(str(a), str(b))["checks"] == 5


def test_a_backup_put_back_and_written_keeps_every_row(pg_tally: Tally, tmp_path: Path) -> None:
    live, key = tmp_path / "counter.sqlite3", tmp_path / "shared.key"
    log(live, [("valid", jst(1))], key_file=key)
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(live, backup)
    log(live, [("expired", jst(2)), ("valid", jst(3))], key_file=key)
    push(pg_tally, live)
    shutil.copy(backup, live)  # the newer file lost; its rows are on the server
    log(live, [("not_mynumber_card", jst(4))], key_file=key)
    assert [f["new"] for f in push(pg_tally, live, backup)] == [1, 0]
    assert days(pg_tally) == [f"2026-04-0{n} 01:00" for n in range(1, 5)]


def test_an_outbox_copied_to_another_pc_delivers_both(pg_tally: Tally, tmp_path: Path) -> None:
    """A counter's data folder copied to a second PC (or put back from a backup): two
    outboxes with one id, each delivering its own new rows by itself."""
    uri, key = pg_tally.uri("counter1"), tmp_path / "shared.key"
    first, second = tmp_path / "pc1.sqlite3", tmp_path / "pc2.sqlite3"

    def deliver(outbox: Path, scenario: str, day: int) -> None:
        with mynacheck.open_tally(uri, key_file=key, outbox=outbox) as tally:
            tally.append(simulated(scenario), at=jst(day))
            assert tally.flush(20), tally.state()

    deliver(first, "valid", 1)
    shutil.copy(first, second)
    deliver(first, "expired", 2)
    deliver(second, "valid", 3)
    deliver(second, "missing_not_found", 4)
    deliver(first, "renewal_window", 5)
    shutil.copy(first, tmp_path / "backup.sqlite3")
    deliver(first, "valid", 6)
    shutil.copy(tmp_path / "backup.sqlite3", first)  # put back: its row 4 is gone
    deliver(first, "not_mynumber_card", 7)
    assert days(pg_tally) == [f"2026-04-0{n} 01:00" for n in range(1, 8)]
    assert pg_tally.rows("SELECT count(DISTINCT row_id) FROM mynacheck.checks") == [(7,)]


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"expiry": None, "renewal_open": None, "card_hash": None, "tag": None},
        {"renewal_open": False, "reader": "ＳＯＮＹ FeliCa 窓口|2", "tag": "総務課:1"},
        {"reader": None, "expiry": date(2031, 2, 28)},
    ],
)
def test_the_server_makes_the_ids_the_counter_makes(
    pg_tally: Tally, values: dict[str, Any]
) -> None:
    base = mynacheck.tally.row_from_report(simulated("valid"), b"k" * 32, jst(1), "窓口")
    row = TallyRow(**{**base.__dict__, "renewal_open": True, **values})
    row = TallyRow(**{**row.__dict__, "time": row.time + timedelta(microseconds=123457)})
    with psycopg.connect(pg_tally.uri("owner")) as connection:
        made = connection.execute(
            "SELECT mynacheck.row_id(%s, 42, %s, %s, %s, %s, %s, %s, %s)",
            (counter_id("abc"), row.time, row.status, row.expiry, row.renewal_open,
             row.reader, row.card_hash, row.tag),
        ).fetchone()  # fmt: skip
    assert made == (row_id(counter_id("abc"), 42, row),)


def _format_1_id(tally_id: str, seq: int) -> uuid.UUID:
    digest = hashlib.sha256(
        b"mynacheck row v1\x00" + tally_id.encode() + b"\x00" + str(seq).encode()
    )
    return uuid.UUID(bytes=digest.digest()[:16])


def test_a_format_1_server_is_migrated_and_nothing_is_doubled(
    pg_tally: Tally, tmp_path: Path
) -> None:
    """Rows delivered by format 1 (ids from the tally and the number alone): after the
    owner's migration, pushing the same file again adds nothing; its copy's rows that
    format 1 dropped arrive."""
    a, b, key = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "shared.key"
    log(a, [("valid", jst(1)), ("expired", jst(2))], key_file=key)
    shutil.copy(a, b)
    log(a, [("valid", jst(3))], key_file=key)
    log(b, [("missing_not_found", jst(4))], key_file=key)
    push(pg_tally, a)
    tally_id = TallyFile(a).tally_id
    for seq in (1, 2, 3):  # as format 1 stored them
        pg_tally.rows(
            f"UPDATE mynacheck.checks SET row_id = '{_format_1_id(tally_id, seq)}'"
            f" WHERE seq = {seq}"
        )
    pg_tally.rows("UPDATE mynacheck.meta SET value = '1' WHERE name = 'schema_version'")
    refused = cli("tally", "push", str(b), "--to", pg_tally.uri("counter1"))
    assert refused.returncode == 2 and "init-server --apply" in refused.stderr
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg_tally.rows(
            "SET ROLE counter1; SELECT mynacheck.row_id(NULL, 1, now(), 'valid', NULL, NULL,"
            " NULL, NULL, NULL)"
        )
    migrated = cli("tally", "init-server", "--apply", pg_tally.uri("owner"))
    assert migrated.returncode == 0, migrated.stderr
    assert [f["new"] for f in push(pg_tally, a, b)] == [0, 1]
    assert days(pg_tally) == [f"2026-04-0{n} 01:00" for n in range(1, 5)]
