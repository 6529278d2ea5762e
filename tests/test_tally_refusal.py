"""Bad data is refused, never counted: a status that is no verdict mynacheck writes,
an expiry that is no date, a card hash of the wrong shape. Writers refuse such a row
before it is written; ``report`` refuses a tally holding one (a usage error naming
the file and the row), whether it reads each card's line or the rows of a period.
(The same rules on the server: tests/test_pg_tally.py.)"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from mynacheck.cli import main
from mynacheck.tally import TallyError, open_tally, row_from_report

from .tally_helpers import assert_report_names_the_row, log, simulated

JST = timezone(timedelta(hours=9))


def jst(day: int) -> datetime:
    return datetime(2026, 4, day, 10, tzinfo=JST)


def _tally(tmp_path: Path) -> Path:
    db = tmp_path / "t.sqlite3"
    log(
        db,
        [("valid", jst(1)), ("expired", jst(2)), ("valid", jst(3)), ("missing_not_found", jst(4))],
    )
    return db


def _edit(db: Path, *statements: str) -> None:
    connection = sqlite3.connect(db)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


#: (damage to row 2, the expired card's only check: the same in its line of ``cards``)
DAMAGES = [
    "status = 'bogus'",
    "status = 'VALID'",
    "status = 'pin_incorrect'",  # a verdict, but never a tallied one
    "expiry = '12345'",
    "expiry = 12345",
    "expiry = '2026-02-30'",
    "expiry = '2026-4-1'",
    "card_hash = upper(card_hash)",
    "card_hash = 'zz' || substr(card_hash, 3)",
    "card_hash = substr(card_hash, 2)",
]


@pytest.mark.parametrize("whole", [True, False], ids=["whole", "period"])
@pytest.mark.parametrize("damage", DAMAGES)
def test_report_refuses_bad_data_naming_file_and_row(
    tmp_path: Path, damage: str, whole: bool
) -> None:
    db = _tally(tmp_path)
    connection = sqlite3.connect(db)
    (card,) = connection.execute("SELECT card_hash FROM checks WHERE id = 2").fetchone()
    connection.close()
    _edit(
        db,
        f"UPDATE cards SET {damage} WHERE card_hash = '{card}'",
        f"UPDATE checks SET {damage} WHERE id = 2",
    )
    assert_report_names_the_row(db, tmp_path, 2, whole=whole)


def test_a_bogus_status_on_an_older_row_is_refused_too(tmp_path: Path) -> None:
    """A row that is no card's latest check (its card was checked again) is still counted
    as a check, so its status is checked: found on the index of verdicts."""
    db = _tally(tmp_path)
    _edit(db, "UPDATE checks SET status = 'bogus' WHERE id = 1")
    result = CliRunner().invoke(main, ["report", str(db), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "(row 1)" in result.stderr and "bogus" not in result.stdout


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "bogus"),
        ("status", "pin_incorrect"),
        ("expiry", "12345"),
        ("card_hash", "ABC"),
        ("card_hash", "g" * 64),
        ("tag", ""),
    ],
)
def test_writers_refuse_bad_rows_and_write_nothing(tmp_path: Path, field: str, value: str) -> None:
    db = tmp_path / "t.sqlite3"
    with open_tally(db) as tally:
        good = row_from_report(simulated("valid"), tally.key, jst(1))
        bad = replace(good, **{field: value})
        with pytest.raises(TallyError) as error:
            tally.append_rows([good, bad])
    assert error.value.key == "tally_row_refused"
    assert error.value.info["row"] == 2 and error.value.info["field"] == field
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT count(*) FROM checks").fetchone() == (0,)
    connection.close()


def test_a_good_tally_still_reports(tmp_path: Path) -> None:
    db = _tally(tmp_path)
    result = CliRunner().invoke(main, ["report", str(db), "--json", "--at", "2026-04-10"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["checks_by_status"] == {"valid": 2, "missing": 1, "expired": 1}
    assert date.fromisoformat(payload["at"]) == date(2026, 4, 10)


@pytest.mark.parametrize("which", ["first", "last"])
@pytest.mark.parametrize(
    "damage",
    [
        "card_hash = substr(card_hash, 1, 31) || '-' || substr(card_hash, 33)",
        "card_hash = substr(card_hash, 1, 63) || CAST(x'ff' AS TEXT)",  # not UTF-8
    ],
)
def test_every_card_lines_hash_digits_are_checked_chunk_by_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str, which: str
) -> None:
    """The card lines' hash digits are read in chunks along the primary key (not by
    SQLite's slow GLOB): a bad digit in any chunk, first or last, is found."""
    from mynacheck.tally import gather

    monkeypatch.setattr(gather, "HASH_CHUNK", 1)
    db = _tally(tmp_path)
    connection = sqlite3.connect(db)
    order = "" if which == "first" else " DESC"
    (card,) = connection.execute(
        f"SELECT card_hash FROM cards ORDER BY card_hash{order} LIMIT 1"
    ).fetchone()
    (row,) = connection.execute(
        "SELECT min(id) FROM checks WHERE card_hash = ?", (card,)
    ).fetchone()
    connection.close()
    good = CliRunner().invoke(main, ["report", str(db), "--json", "--at", "2026-04-10"])
    assert good.exit_code == 0, good.output
    _edit(
        db,
        f"UPDATE cards SET {damage} WHERE card_hash = '{card}'",
        f"UPDATE checks SET {damage} WHERE card_hash = '{card}'",
    )
    result = CliRunner().invoke(main, ["report", str(db), "--lang", "en", "--json"])
    assert result.exit_code == 2, result.output
    if "x'ff'" in damage:  # as before: refused as a tally that cannot be read
        assert f"cannot open the tally {db}" in result.stderr
    else:
        assert f"the tally {db} has a row it cannot read (row {row})" in result.stderr
