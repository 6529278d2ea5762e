"""The tally's writing side: rows, keys, ``open_tally``'s checks before anything is
created, migration, crash safety, concurrent writers, and ``check``/``watch --log``.

Tallies are built through ``open_tally(...).append(report, at=...)`` with real
simulated checks; hand-written SQL appears only to make files that are *not*
current tallies (a foreign database, a newer or older format, a damaged row).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from mynacheck.cli import main
from mynacheck.present.watchview import display_width, render_verdict
from mynacheck.status import Status
from mynacheck.tally import (
    KeyFileExposed,
    TallyError,
    card_hash,
    key_fingerprint,
    key_path_for,
    open_tally,
    row_from_report,
    summarize_tallies,
)
from mynacheck.tally.keys import read_key
from mynacheck.tally.store import format_time

from .conftest import NOW
from .helpers import readline_within
from .tally_helpers import (
    as_version_1,
    log,
    run_as_nobody,
    simulated,
    snapshot,
    unprivileged_python,
)

#: Serials of the synthetic certificates (hex).
VALID_SERIAL = "1a2b3c4"
EXPIRED_SERIAL = "1a2b3c5"


def checks(db: Path, *scenarios: str, **kwargs: object) -> None:
    log(db, [(s, NOW + timedelta(seconds=i)) for i, s in enumerate(scenarios)], **kwargs)  # type: ignore[arg-type]


def rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT time, status, expiry, renewal_open, reader, card_hash, tag FROM checks"
            " ORDER BY id"
        ).fetchall()


# -- rows and keys ---------------------------------------------------------------------


def test_row_holds_only_the_allowed_facts() -> None:
    key = bytes(range(32))
    row = row_from_report(simulated("renewal_window"), key, tag="総務課")
    assert row.status == "valid"
    assert row.expiry == date(2027, 1, 31)
    assert row.renewal_open is True
    assert row.reader == "simulated: renewal_window"
    assert row.time == NOW
    assert row.tag == "総務課"
    assert row.card_hash == hmac.new(key, b"1a2b3c7", hashlib.sha256).hexdigest()

    missing = row_from_report(simulated("missing_not_found"), key)
    assert (missing.status, missing.expiry, missing.renewal_open, missing.card_hash) == (
        "missing",
        None,
        None,
        None,
    )


def test_append_writes_the_row_with_its_tag_and_skips_pin_outcomes(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    with open_tally(db, tag="窓口1") as tally:
        assert tally.append(simulated("expired"), at=NOW) is not None
        written = tally.append(simulated("missing_not_found"), at=NOW + timedelta(hours=1))
        assert written is not None and written.tag == "窓口1"
    stored = rows(db)
    assert [r[1] for r in stored] == ["expired", "missing"]
    assert stored[0][0] == "2026-11-27T03:00:00.000000Z"
    assert stored[0][2] == "2024-09-30" and stored[0][6] == "窓口1"


def test_pin_outcomes_are_not_tallied(tmp_path: Path) -> None:
    from dataclasses import replace

    db = tmp_path / "t.sqlite3"
    with open_tally(db) as tally:
        for status in (Status.PIN_INCORRECT, Status.PIN_BLOCKED, Status.CARD_BUSY, Status.NO_CARD):
            assert tally.append(replace(simulated("valid"), status=status), at=NOW) is None
    assert rows(db) == []


def test_database_never_holds_the_serial_or_the_key(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    checks(db, "valid", "expired")
    key = read_key(key_path_for(db))
    assert key is not None
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("t.sqlite3*") if p.suffix != ".key")
    for secret in (VALID_SERIAL.encode(), EXPIRED_SERIAL.encode(), key, key.hex().encode()):
        assert secret not in raw
    with sqlite3.connect(db) as connection:
        meta = dict(connection.execute("SELECT name, value FROM meta"))
    assert meta["key_fingerprint"] == key_fingerprint(key)
    assert meta["schema_version"] == "2"


def test_card_hash_ignores_serial_spelling() -> None:
    key = b"k" * 32
    assert card_hash(key, "01A2B3C4") == card_hash(key, "1a2b3c4") == card_hash(key, "1A:2B:3C:4")
    assert card_hash(key, "1a2b3c4") != card_hash(b"j" * 32, "1a2b3c4")


def test_key_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    checks(db, "valid")
    key_file = key_path_for(db)
    assert key_file.name == "t.sqlite3.key"
    first = key_file.read_text()
    assert len(bytes.fromhex(first.strip())) == 32
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    checks(db, "valid")
    assert key_file.read_text() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.sqlite3", "t.sqlite3.key"]


def test_raw_32_byte_key_file_is_accepted(tmp_path: Path) -> None:
    key_file = tmp_path / "raw.key"
    key_file.write_bytes(b"\x07" * 32)
    key_file.chmod(0o600)
    checks(tmp_path / "t.sqlite3", "valid", key_file=key_file)
    assert rows(tmp_path / "t.sqlite3")[0][5] == card_hash(b"\x07" * 32, VALID_SERIAL)


@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")
def test_key_file_others_can_read_is_warned_about(tmp_path: Path) -> None:
    key_file = tmp_path / "shared.key"
    key_file.write_text("ab" * 32 + "\n")
    key_file.chmod(0o644)
    with pytest.warns(KeyFileExposed, match="other users"):
        open_tally(tmp_path / "t.sqlite3", key_file=key_file).close()
    check = ["check", "--simulate", "valid", "--no-pin", "--log", str(tmp_path / "t.sqlite3")]
    check += ["--key-file", str(key_file)]
    result = CliRunner().invoke(main, [*check, "--lang", "en", "--json"])
    assert result.exit_code == 0, result.output
    assert "other users can read the tally key file" in result.stderr
    assert "mode 644" in result.stderr
    assert json.loads(result.stdout)["status"] == "valid"
    key_file.chmod(0o600)
    result = CliRunner().invoke(main, [*check, "--lang", "ja"])
    assert result.exit_code == 0 and "鍵ファイル" not in result.stderr


# -- nothing is created or changed before everything is checked -------------------------


def _foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
        connection.execute("INSERT INTO invoices (amount) VALUES (1200)")
    connection.close()


def _future_tally(path: Path) -> None:
    checks(path, "valid")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    connection.close()


def _setup(case: str, folder: Path) -> tuple[Path, Path | None, str | None]:
    """Make the bad input ``case`` in ``folder``: (db, key_file, tag)."""
    db = folder / "t.sqlite3"
    if case == "text_file":
        db.write_text("Name,Amount\nSato,1200\n" * 50)
    elif case == "empty_file":
        db.write_bytes(b"")
    elif case == "foreign_sqlite":
        _foreign_sqlite(db)
    elif case == "future_schema":
        _future_tally(db)
    elif case == "folder":
        db.mkdir()
    elif case == "fifo":
        os.mkfifo(db)
    elif case == "missing_folder":
        return folder / "no" / "such" / "t.sqlite3", None, None
    elif case in ("key_short", "key_huge", "key_folder", "key_other", "key_gone"):
        checks(db, "valid")
        key = key_path_for(db)
        if case == "key_short":
            key.write_text("abcdef\n")
        elif case == "key_huge":
            key.write_bytes(b"0" * 4096)
        elif case == "key_folder":
            key.unlink()
            key.mkdir()
        elif case == "key_other":
            other = folder / "other.key"
            other.write_text("cd" * 32 + "\n")
            other.chmod(0o600)
            return db, other, None
        else:
            key.unlink()
    elif case.startswith("tag_"):
        tag = {"tag_long": "課" * 65, "tag_blank": "  ", "tag_newline": "総務\n課"}[case]
        return db, None, tag
    return db, None, None


BAD_OPENS = {
    "text_file": "tally_not_a_tally",
    "empty_file": "tally_not_a_tally",
    "foreign_sqlite": "tally_not_a_tally",
    "future_schema": "tally_newer_schema",
    "folder": "not_a_regular_file",
    "fifo": "not_a_regular_file",
    "missing_folder": "tally_folder_missing",
    "key_short": "tally_key_unreadable",
    "key_huge": "file_too_large",
    "key_folder": "not_a_regular_file",
    "key_other": "tally_key_mismatch",
    "key_gone": "tally_key_missing",
    "tag_long": "bad_tag",
    "tag_blank": "bad_tag",
    "tag_newline": "bad_tag",
}


@pytest.mark.parametrize("case", sorted(BAD_OPENS))
def test_open_tally_refuses_and_leaves_everything_as_it_was(tmp_path: Path, case: str) -> None:
    db, key_file, tag = _setup(case, tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(TallyError) as error:
        open_tally(db, key_file=key_file, tag=tag)
    assert error.value.key == BAD_OPENS[case]
    assert snapshot(tmp_path) == before  # byte for byte, same times, nothing new


@pytest.mark.parametrize("case", ["text_file", "foreign_sqlite", "key_other", "missing_folder"])
def test_check_log_problem_is_a_usage_error_before_the_card(tmp_path: Path, case: str) -> None:
    db, key_file, _tag = _setup(case, tmp_path)
    record = tmp_path / "session.txt"
    before = snapshot(tmp_path)
    args = ["check", "--simulate", "valid", "--no-pin", "--log", str(db), "--json"]
    args += ["--record", str(record), "--lang", "en"]
    if key_file is not None:
        args += ["--key-file", str(key_file)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["details"] == [BAD_OPENS[case]]
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before  # no transcript: the card was never touched


def test_log_default_creates_only_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = CliRunner().invoke(
        main, ["check", "--simulate", "valid", "--no-pin", "--log", "default", "--tag", "総務課"]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "data" / "mynacheck"
    assert sorted(p.name for p in folder.iterdir()) == ["tally.sqlite3", "tally.sqlite3.key"]
    assert rows(folder / "tally.sqlite3")[0][6] == "総務課"
    result = CliRunner().invoke(main, ["report", "--json"])
    assert json.loads(result.stdout)["checks"] == 1


def test_check_log_writes_rows_with_the_tag(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    for scenario, code in (("valid", 0), ("expired", 11), ("pin_blocked", 21)):
        args = ["check", "--simulate", scenario, "--log", str(db), "--tag", "人事課", "--json"]
        args += ["--pin-stdin"] if scenario == "pin_blocked" else ["--no-pin"]
        result = CliRunner().invoke(main, args, input="1234\n")
        assert result.exit_code == code, result.output
        assert "tally_not_written" not in json.loads(result.stdout)["details"]
    stored = rows(db)
    assert [(r[1], r[6]) for r in stored] == [("valid", "人事課"), ("expired", "人事課")]
    assert stored[1][2] == "2024-09-30"


def test_a_row_that_cannot_be_written_keeps_the_verdict(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    checks(db, "valid")
    with sqlite3.connect(db) as connection:  # the disk refuses the next row
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON checks"
            " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    connection.close()
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["check", "--simulate", "expired", "--no-pin", "--log", str(db), "--json", "--lang", "en"],
    )
    assert result.exit_code == Status.EXPIRED.exit_code
    payload = json.loads(result.stdout)
    assert payload["status"] == "expired" and "tally_not_written" in payload["details"]
    assert "the tally row was not written" in result.stderr
    result = runner.invoke(
        main, ["check", "--simulate", "valid", "--no-pin", "--log", str(db), "--lang", "ja"]
    )
    assert result.exit_code == 0
    assert "集計ファイルに記録できませんでした" in result.stdout
    assert len(rows(db)) == 1


def test_an_older_tally_is_migrated_by_a_writer_only(tmp_path: Path) -> None:
    made = tmp_path / "made" / "t.sqlite3"
    made.parent.mkdir()
    checks(made, "valid", "expired")
    db = tmp_path / "old.sqlite3"
    as_version_1(made, db)  # the same rows, as version 1 kept them
    key_path_for(made).rename(key_path_for(db))
    before = snapshot(tmp_path)
    summary = summarize_tallies([db], by="tag")
    assert summary.groups is not None and [g.key for g in summary.groups] == [None]
    assert summary.checks == 2 and summary.cards == 2
    assert snapshot(tmp_path) == before  # the report did not migrate it
    checks(db, "renewal_window", tag="総務課")
    with sqlite3.connect(db) as connection:
        version = connection.execute("SELECT value FROM meta WHERE name='schema_version'")
        assert version.fetchone() == ("2",)
        indexes = {
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
    connection.close()
    assert {"checks_status", "cards_status", "cards_expiry"} <= indexes
    with sqlite3.connect(db) as connection:  # each card's latest check, made from the rows
        cards = connection.execute(
            "SELECT status, expiry, tag, first_valid IS NOT NULL, checks FROM cards ORDER BY expiry"
        ).fetchall()
    connection.close()
    assert cards == [
        ("expired", "2024-09-30", None, 0, 1),
        ("valid", "2027-01-31", "総務課", 1, 1),
        ("valid", "2030-05-31", None, 1, 1),
    ]
    assert [r[6] for r in rows(db)] == [None, None, "総務課"]


# -- crash safety and concurrent writers -------------------------------------------------

_WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from mynacheck.check import CheckOptions, run_check
from mynacheck.simcard import SimulatedConnection, make_card
from mynacheck.tally import open_tally
db, count, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
start = datetime(2026, 4, 1, tzinfo=timezone.utc)
report = run_check(SimulatedConnection(make_card("valid"), "valid"), CheckOptions(at=start))
with open_tally(db, tag=name) as tally:
    for i in range(count):
        tally.append(report, at=start + timedelta(seconds=i))
        print(i + 1, flush=True)
"""


def _writer(db: Path, count: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db), str(count), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_write_one_tally(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    open_tally(db).close()  # create the key first, as the first watch would
    writers = [_writer(db, 150, name) for name in ("reader-a", "reader-b")]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with sqlite3.connect(db) as connection:
        counts = dict(connection.execute("SELECT tag, count(*) FROM checks GROUP BY tag"))
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    assert counts == {"reader-a": 150, "reader-b": 150}
    summary = summarize_tallies([db], by="tag")
    assert summary.checks == 300 and summary.cards == 1


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5])
def test_killed_writer_leaves_every_committed_row(tmp_path: Path, delay: float) -> None:
    db = tmp_path / "crash.sqlite3"
    open_tally(db).close()
    writer = _writer(db, 1_000_000, "victim")
    assert writer.stdout is not None
    acknowledged = int(readline_within(writer.stdout, 60))  # it is writing
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate(timeout=30)
    lines = rest.split()
    if lines:
        acknowledged = int(lines[-1])
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        times = [r[0] for r in connection.execute("SELECT time FROM checks ORDER BY id")]
    connection.close()
    # Every acknowledged row is there (one more may have committed unacknowledged),
    # each whole, in order.
    assert acknowledged <= len(times) <= acknowledged + 1
    start = datetime(2026, 4, 1, tzinfo=timezone.utc)
    assert times == [format_time(start + timedelta(seconds=i)) for i in range(len(times))]
    # And the tally is still writable and readable.
    checks(db, "expired")
    assert summarize_tallies([db]).checks_by_status["expired"] == 1


def test_tally_creation_race_gives_one_tally_and_one_key(tmp_path: Path) -> None:
    db = tmp_path / "race.sqlite3"
    code = (
        "import sys; from mynacheck.tally import open_tally; t = open_tally(sys.argv[1]);"
        " print(t.key.hex()); t.close()"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.sqlite3", "race.sqlite3.key"]


# -- permissions, as an unprivileged user ---------------------------------------------------


def test_check_log_in_a_read_only_folder_is_a_usage_error_before_the_card(world: Path) -> None:
    command = unprivileged_python(world / "py")
    folder = world / "readonly"
    folder.mkdir()
    folder.chmod(0o755)  # root's folder: user 65534 may read, not write
    result = run_as_nobody(
        command,
        [
            "check",
            "--simulate",
            "valid",
            "--no-pin",
            "--log",
            str(folder / "t.sqlite3"),
            "--lang",
            "en",
            "--json",
        ],
        cwd=world,
    )
    assert result.returncode == 2, result.stderr
    assert json.loads(result.stdout)["details"] == ["tally_write_failed"]
    assert "Traceback" not in result.stderr
    assert list(folder.iterdir()) == []


# -- watch --simulate and the counter screen ------------------------------------------------


def test_watch_simulate_json_and_tally(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    scenarios = "valid,missing_not_found,expired,pulled_out,not_mynumber_card,valid"
    result = CliRunner().invoke(
        main,
        [
            "watch",
            "--simulate",
            scenarios,
            "--json",
            "--log",
            str(db),
            "--tag",
            "窓口2",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["status"] for line in lines[:-1]] == [
        "valid",
        "missing",
        "expired",
        "card_error",
        "not_mynumber_card",
        "valid",
    ]
    assert lines[-1]["checks"] == 6
    assert VALID_SERIAL not in result.output and EXPIRED_SERIAL not in result.output
    summary = summarize_tallies([db], by="tag")
    assert summary.checks == 6 and summary.cards == 2
    assert summary.groups is not None and [g.key for g in summary.groups] == ["窓口2"]


def test_watch_log_with_a_bad_tag_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "watch",
            "--simulate",
            "valid",
            "--log",
            str(tmp_path / "w.sqlite3"),
            "--tag",
            "x" * 65,
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2
    assert "--tag takes 1 to 64 characters" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_watch_simulate_screen_and_once_exit_code() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["watch", "--simulate", "expired", "--once", "--lang", "ja"])
    assert result.exit_code == Status.EXPIRED.exit_code
    assert "[NG]   期 限 切 れ" in result.stdout
    assert "有効期限 2024-09-30" in result.stdout

    result = runner.invoke(main, ["watch", "--simulate", "valid,nonsense", "--lang", "en"])
    assert result.exit_code == 2
    assert "nonsense" in result.stderr


def test_verdict_block_lines_up_and_colours() -> None:
    block = render_verdict(simulated("renewal_window"), "ja")
    widths = {display_width(line) for line in block.splitlines()}
    assert len(widths) == 1  # a rectangle, wide characters counted as two cells
    assert "更新の受付期間です" in block
    coloured = render_verdict(simulated("expired"), "en", color=True)
    assert "\x1b[" in coloured and "E X P I R E D" in coloured
