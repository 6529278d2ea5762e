"""``report`` over tally files that share a history (a copy, a backup put back, a file
copied back over a newer one), each written again afterwards: every row counts once,
none is lost — the same answers as one tally holding each of their rows once."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mynacheck import TallySummary
from mynacheck.tally import TallyError, summarize_tallies

from .tally_helpers import as_version_1, log

JST = timezone(timedelta(hours=9))
AT = date(2026, 5, 1)


def day(n: int, minute: int = 0) -> datetime:
    return datetime(2026, 4, n, 10, minute, tzinfo=JST)


def same_answers(summary: TallySummary, reference: TallySummary) -> None:
    fields = {f.name for f in dataclasses.fields(TallySummary)} - {"sources"}
    for name in sorted(fields):
        assert getattr(summary, name) == getattr(reference, name), name


def reference(tmp_path: Path, key: Path, entries: list[tuple[str, datetime]]) -> Path:
    db = tmp_path / "reference.sqlite3"
    log(db, entries, key_file=key)
    return db


ASKED = [
    {},
    {"by": "month"},
    {"by": "day"},
    {"by": "day", "latest": True},
    {"by": "tag", "latest": True},
    {"cumulative": True},
]


def test_a_copy_written_in_both_places_counts_each_row_once(tmp_path: Path) -> None:
    a, b, key = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "k.key"
    shared = [("valid", day(1)), ("expired", day(2)), ("missing_not_found", day(3))]
    log(a, shared, key_file=key)
    shutil.copy(a, b)
    log(a, [("renewal_window", day(4)), ("valid", day(6))], key_file=key)
    log(b, [("missing_not_found", day(5)), ("valid", day(5, 30))], key_file=key)
    merged = summarize_tallies([a, b], at=AT)
    assert merged.checks == 7  # was 10: the three shared rows counted twice
    assert merged.sources == (a, b)
    ref = reference(
        tmp_path,
        key,
        [*shared, ("renewal_window", day(4)), ("valid", day(6)),
         ("missing_not_found", day(5)), ("valid", day(5, 30))],
    )  # fmt: skip
    for asked in ASKED:
        same_answers(
            summarize_tallies([a, b], at=AT, **asked), summarize_tallies([ref], at=AT, **asked)
        )  # type: ignore[arg-type]
    # Order does not matter, nor the same file named twice.
    same_answers(summarize_tallies([b, a, b], at=AT), merged)


def test_a_backup_put_back_and_written_keeps_the_rows_of_both(tmp_path: Path) -> None:
    """The counter's file lost to a backup: the office's newer copy, the restored file
    written again, and a copy of that: each row once."""
    live, key = tmp_path / "counter.sqlite3", tmp_path / "k.key"
    log(live, [("valid", day(1)), ("expired", day(2))], key_file=key)
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(live, backup)
    log(live, [("valid", day(3)), ("renewal_window", day(4))], key_file=key)
    office = tmp_path / "office-copy.sqlite3"
    shutil.copy(live, office)
    shutil.copy(backup, live)  # put back over the newer file
    log(live, [("missing_not_found", day(5))], key_file=key)
    later = tmp_path / "later-copy.sqlite3"
    shutil.copy(live, later)
    log(later, [("not_mynumber_card", day(6))], key_file=key)
    merged = summarize_tallies([office, live, later, backup], at=AT)
    assert merged.checks == 6
    assert merged.checks_by_status == {
        "valid": 3, "expired": 1, "missing": 1, "not_mynumber_card": 1,
    }  # fmt: skip
    # The backup's rows are in the others already: reading it too changes nothing.
    same_answers(merged, summarize_tallies([office, live, later], at=AT))


def test_files_of_other_histories_are_merged_as_before(tmp_path: Path) -> None:
    a, b, key = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "k.key"
    log(a, [("valid", day(1))], key_file=key)
    log(b, [("valid", day(1))], key_file=key)  # the same card, another counter's check
    merged = summarize_tallies([a, b], at=AT)
    assert (merged.checks, merged.cards) == (2, 1)


def test_a_bad_row_in_a_copy_is_named_in_the_copy(tmp_path: Path) -> None:
    a, b, key = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "k.key"
    log(a, [("valid", day(1)), ("expired", day(2))], key_file=key)
    shutil.copy(a, b)
    log(b, [("valid", day(3)), ("expired", day(4))], key_file=key)
    with sqlite3.connect(b) as connection:
        connection.execute("UPDATE checks SET status = 'bogus' WHERE id = 4")
    connection.close()
    with pytest.raises(TallyError) as error:
        summarize_tallies([a, b], at=AT)
    assert error.value.key == "tally_bad_row"
    assert (error.value.info["path"], error.value.info["row"]) == (str(b), 4)


def test_copies_with_different_keys_are_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    log(a, [("valid", day(1))])
    shutil.copy(a, b)
    with sqlite3.connect(b) as connection:
        connection.execute(
            "UPDATE meta SET value = '0123456789abcdef' WHERE name = 'key_fingerprint'"
        )
    connection.close()
    before = (a.read_bytes(), b.read_bytes())
    with pytest.raises(TallyError) as error:
        summarize_tallies([a, b], at=AT)
    assert error.value.key == "tally_history_other_key"
    assert (a.read_bytes(), b.read_bytes()) == before


def test_copies_of_a_tally_older_than_tally_ids_are_one_history(tmp_path: Path) -> None:
    """A version-1 tally (no tag, no id: its id is made from its first row) copied; the
    copy stays as it was, the original is written again (migrated, its id stored)."""
    made, key = tmp_path / "made.sqlite3", tmp_path / "k.key"
    log(made, [("valid", day(1)), ("expired", day(2))], key_file=key)
    old = tmp_path / "old.sqlite3"
    as_version_1(made, old)
    with sqlite3.connect(old) as connection:
        connection.execute("DELETE FROM meta WHERE name = 'tally_id'")
    connection.close()
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(old, copy)
    log(old, [("valid", day(3))], key_file=key, tag="総務課")  # migrated to version 2
    merged = summarize_tallies([copy, old], at=AT, by="tag")
    assert merged.checks == 3
    assert merged.checks_by_status == {"valid": 2, "expired": 1}
    same_answers(merged, summarize_tallies([old], at=AT, by="tag"))
