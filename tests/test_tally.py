"""The tally: rows, keys, merging, unique cards, crash safety, concurrent writers, export.

Also ``watch --simulate`` and ``check --log`` end to end through the CLI (no PC/SC).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
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

from mynacheck.check import CheckOptions, run_check
from mynacheck.cli import main
from mynacheck.errors import UsageError
from mynacheck.present.watchview import render_verdict
from mynacheck.report import CheckReport
from mynacheck.simcard.connection import SimulatedConnection
from mynacheck.status import Status
from mynacheck.tally.store import (
    Tally,
    TallyRow,
    card_hash,
    day_range,
    key_fingerprint,
    key_path_for,
    load_or_create_key,
    read_tally,
    render_summary_text,
    report_tallies,
    row_from_report,
    summary_csv,
    summary_json,
)

from .conftest import NOW

#: Serials of the synthetic certificates (hex).
VALID_SERIAL = "1a2b3c4"
EXPIRED_SERIAL = "1a2b3c5"


def simulated(scenario: str, at: datetime = NOW) -> CheckReport:
    return run_check(SimulatedConnection.for_scenario(scenario), CheckOptions(at=at))


def append(db: Path, *scenarios: str, key_file: Path | None = None, at: datetime = NOW) -> None:
    with Tally.open(db, key_file) as tally:
        for offset, scenario in enumerate(scenarios):
            moment = at + timedelta(seconds=offset)
            tally.append(simulated(scenario, moment), moment)


# -- rows and keys ---------------------------------------------------------------------


def test_row_holds_only_the_allowed_facts() -> None:
    key = bytes(range(32))
    row = row_from_report(simulated("renewal_window"), key)
    assert row.status == "valid"
    assert row.expiry == date(2027, 1, 31)
    assert row.renewal_open is True
    assert row.reader == "simulated: renewal_window"
    assert row.time == NOW
    expected = hmac.new(key, b"1a2b3c7", hashlib.sha256).hexdigest()
    assert row.card_hash == expected

    missing = row_from_report(simulated("missing_not_found"), key)
    assert (missing.status, missing.expiry, missing.renewal_open, missing.card_hash) == (
        "missing",
        None,
        None,
        None,
    )


def test_database_never_holds_the_serial_or_the_key(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    append(db, "valid", "expired")
    key = load_or_create_key(key_path_for(db))
    raw = db.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("t.sqlite3-*"))
    for secret in (VALID_SERIAL.encode(), EXPIRED_SERIAL.encode(), key, key.hex().encode()):
        assert secret not in raw
    with sqlite3.connect(db) as connection:
        meta = dict(connection.execute("SELECT name, value FROM meta"))
    assert meta["key_fingerprint"] == key_fingerprint(key)


def test_card_hash_ignores_serial_spelling() -> None:
    key = b"k" * 32
    assert card_hash(key, "01A2B3C4") == card_hash(key, "1a2b3c4") == card_hash(key, "1A:2B:3C:4")
    assert card_hash(key, "1a2b3c4") != card_hash(b"j" * 32, "1a2b3c4")


def test_key_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "t.sqlite3"
    append(db, "valid")
    key_file = key_path_for(db)
    assert key_file.name == "t.sqlite3.key"
    first = key_file.read_text()
    assert len(bytes.fromhex(first.strip())) == 32
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    append(db, "valid")
    assert key_file.read_text() == first
    assert not list(key_file.parent.glob(".*.tmp"))


def test_raw_32_byte_key_file_is_accepted(tmp_path: Path) -> None:
    key_file = tmp_path / "raw.key"
    key_file.write_bytes(b"\x07" * 32)
    assert load_or_create_key(key_file) == b"\x07" * 32
    (tmp_path / "bad.key").write_text("short")
    with pytest.raises(UsageError) as error:
        load_or_create_key(tmp_path / "bad.key")
    assert error.value.key == "tally_key_unreadable"


def test_tally_refuses_another_key(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    append(db, "valid")
    other = tmp_path / "other.key"
    with pytest.raises(UsageError) as error:
        Tally.open(db, other)
    assert error.value.key == "tally_key_mismatch"


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UsageError) as error:
        Tally.open(bogus)
    assert error.value.key == "tally_unreadable"
    with pytest.raises(UsageError) as error:
        read_tally(tmp_path / "absent.sqlite3")
    assert error.value.key == "tally_not_found"


# -- counting ----------------------------------------------------------------------------


def test_unique_cards_latest_verdict_and_renewal(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    append(db, "valid", "valid", "renewal_window", "expired", "missing_not_found", "pulled_out")
    summary = report_tallies([db])
    assert summary.checks == 6
    assert summary.checks_by_status == {"valid": 3, "missing": 1, "expired": 1, "card_error": 1}
    assert summary.cards == 3
    assert summary.cards_by_status == {"valid": 2, "expired": 1}
    assert summary.cards_renewal_open == 1
    assert summary.checks_without_certificate == 2
    assert not summary.mixed_keys


def test_latest_check_of_a_card_wins() -> None:
    from mynacheck.tally.store import TallySource, summarize

    early = TallyRow(NOW, "valid", date(2027, 1, 31), False, "r", "aa")
    late = TallyRow(NOW + timedelta(days=70), "valid", date(2027, 1, 31), True, "r", "aa")
    summary = summarize(
        [TallySource(Path("a"), "f", (late,)), TallySource(Path("b"), "f", (early,))]
    )
    assert summary.cards == 1 and summary.cards_renewal_open == 1


def test_merge_with_a_shared_key_counts_a_card_once(tmp_path: Path) -> None:
    key_file = tmp_path / "shared.key"
    append(tmp_path / "a.sqlite3", "valid", "expired", key_file=key_file)
    append(tmp_path / "b.sqlite3", "valid", "renewal_window", key_file=key_file)
    summary = report_tallies([tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"])
    assert summary.checks == 4
    assert summary.cards == 3  # valid, expired, renewal_window
    assert not summary.mixed_keys


def test_merge_with_different_keys_counts_twice_and_says_so(tmp_path: Path) -> None:
    append(tmp_path / "a.sqlite3", "valid")
    append(tmp_path / "b.sqlite3", "valid")
    summary = report_tallies([tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"])
    assert summary.cards == 2
    assert summary.mixed_keys


def test_same_database_twice_is_read_once(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    append(db, "valid", "expired")
    assert report_tallies([db, tmp_path / "." / "a.sqlite3"]).checks == 2


def test_date_range_is_in_jst_days(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    jst = timezone(timedelta(hours=9))
    with Tally.open(db) as tally:
        for moment in (
            datetime(2026, 4, 1, 0, 0, tzinfo=jst),  # first second of April 1 JST
            datetime(2026, 4, 30, 23, 59, tzinfo=jst),
            datetime(2026, 5, 1, 0, 0, tzinfo=jst),
            datetime(2026, 3, 31, 23, 59, tzinfo=jst),
        ):
            tally.append(simulated("valid", moment), moment)
    since, until = day_range(date(2026, 4, 1), date(2026, 4, 30))
    assert report_tallies([db], since, until).checks == 2
    assert report_tallies([db], since, None).checks == 3
    assert report_tallies([db], None, until).checks == 3


# -- export ---------------------------------------------------------------------------------


def test_report_json_and_csv_through_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    append(db, "valid", "valid", "missing_not_found", "renewal_window")
    runner = CliRunner()
    result = runner.invoke(main, ["report", str(db), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["checks"] == 4
    assert payload["cards"] == 2
    assert payload["checks_by_status"] == {"valid": 3, "missing": 1}
    assert payload["cards_renewal_open"] == 1
    assert payload["databases"] == [str(db)]

    result = runner.invoke(main, ["report", str(db), "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["status", "checks", "cards"]
    assert ["valid", "3", "2"] in rows
    assert ["missing", "1", ""] in rows
    assert rows[-2:] == [["total", "4", "2"], ["renewal_open", "", "1"]]

    result = runner.invoke(main, ["report", str(db), "--lang", "ja"])
    assert result.exit_code == 0
    assert "有効" in result.output and "更新受付期間中のカード: 1" in result.output

    result = runner.invoke(main, ["report", str(db), "--json", "--csv"])
    assert result.exit_code == 2


def test_report_warns_on_mixed_keys(tmp_path: Path) -> None:
    append(tmp_path / "a.sqlite3", "valid")
    append(tmp_path / "b.sqlite3", "valid")
    result = CliRunner().invoke(
        main, ["report", str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3"), "--lang", "en"]
    )
    assert result.exit_code == 0
    assert "different keys" in result.stderr
    assert "different keys" not in result.stdout


def test_report_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path / "nope.sqlite3"), "--lang", "en"])
    assert result.exit_code == 2
    assert "no tally at" in result.stderr
    assert "Traceback" not in result.output


def test_report_text_and_summary_formats(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    append(db, "valid", "expired")
    summary = report_tallies([db])
    text = render_summary_text(summary, "en")
    assert "Checks" in text and "Cards (distinct)" in text
    assert summary_json(summary)["cards_by_status"] == {"valid": 1, "expired": 1}
    assert summary_csv(summary).splitlines()[0] == "status,checks,cards"


# -- crash safety and concurrent writers -------------------------------------------------------

_WRITER = """
import sys
from datetime import datetime, timezone
from mynacheck.tally.store import Tally, TallyRow
db, count, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with Tally.open(db) as tally:
    for i in range(count):
        tally.append_row(TallyRow(datetime.now(timezone.utc), "valid", None, False, name,
                                  f"{name}-{i:06d}"))
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
    Tally.open(db).close()  # create the key first, as the first watch would
    writers = [_writer(db, 150, name) for name in ("reader-a", "reader-b")]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with sqlite3.connect(db) as connection:
        counts = dict(connection.execute("SELECT reader, count(*) FROM checks GROUP BY reader"))
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert counts == {"reader-a": 150, "reader-b": 150}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5])
def test_killed_writer_leaves_every_committed_row(tmp_path: Path, delay: float) -> None:
    db = tmp_path / "crash.sqlite3"
    Tally.open(db).close()
    writer = _writer(db, 1_000_000, "victim")
    assert writer.stdout is not None
    acknowledged = int(writer.stdout.readline())  # it is writing
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate(timeout=30)
    lines = rest.split()
    if lines:
        acknowledged = int(lines[-1])
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = connection.execute("SELECT card_hash FROM checks ORDER BY id").fetchall()
    # Every acknowledged row is there (one more may have committed unacknowledged),
    # each whole, in order.
    assert acknowledged <= len(rows) <= acknowledged + 1
    assert [r[0] for r in rows] == [f"victim-{i:06d}" for i in range(len(rows))]
    # And the tally is still writable and readable.
    append(db, "valid")
    assert read_tally(db).rows[-1].status == "valid"


def test_key_creation_race_gives_one_key(tmp_path: Path) -> None:
    key_file = tmp_path / "race.key"
    code = "import sys; from mynacheck.tally.store import load_or_create_key as f; "
    code += "print(f(__import__('pathlib').Path(sys.argv[1])).hex())"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(key_file)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(keys) == 1 and len(next(iter(keys))) == 64


# -- watch --simulate and check --log through the CLI --------------------------------------------


def test_watch_simulate_json_and_tally(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    scenarios = "valid,missing_not_found,expired,pulled_out,not_mynumber_card,valid"
    result = CliRunner().invoke(
        main, ["watch", "--simulate", scenarios, "--json", "--log", str(db), "--lang", "en"]
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
    assert lines[-1] == {
        "schema": 1,
        "event": "summary",
        "checks": 6,
        "by_status": {
            "valid": 2,
            "missing": 1,
            "expired": 1,
            "not_mynumber_card": 1,
            "card_error": 1,
        },
    }
    assert VALID_SERIAL not in result.output and EXPIRED_SERIAL not in result.output
    assert all("serial" not in json.dumps(line) for line in lines)
    summary = report_tallies([db])
    assert summary.checks == 6 and summary.cards == 2


def test_watch_simulate_screen_and_once_exit_code() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["watch", "--simulate", "expired", "--once", "--lang", "ja"])
    assert result.exit_code == Status.EXPIRED.exit_code
    assert "[NG]   期 限 切 れ" in result.stdout
    assert "有効期限 2024-09-30" in result.stdout
    assert VALID_SERIAL not in result.output and EXPIRED_SERIAL not in result.output

    result = runner.invoke(main, ["watch", "--simulate", "valid,nonsense", "--lang", "en"])
    assert result.exit_code == 2
    assert "nonsense" in result.stderr


def test_verdict_block_lines_up_and_colours() -> None:
    block = render_verdict(simulated("renewal_window"), "ja")
    from mynacheck.present.watchview import display_width

    widths = {display_width(line) for line in block.splitlines()}
    assert len(widths) == 1  # a rectangle, wide characters counted as two cells
    assert "更新の受付期間です" in block
    coloured = render_verdict(simulated("expired"), "en", color=True)
    assert "\x1b[" in coloured and "E X P I R E D" in coloured


def test_check_log_appends_a_row(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    runner = CliRunner()
    for scenario in ("valid", "expired"):
        result = runner.invoke(
            main, ["check", "--simulate", scenario, "--no-pin", "--log", str(db), "--json"]
        )
        assert result.exit_code in (0, 11), result.output
    rows = read_tally(db).rows
    assert [row.status for row in rows] == ["valid", "expired"]
    assert rows[1].expiry == date(2024, 9, 30)


def test_check_log_with_another_key_is_refused_before_the_card(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    append(db, "valid")
    before = db.read_bytes()
    result = CliRunner().invoke(
        main,
        [
            "check",
            "--simulate",
            "valid",
            "--no-pin",
            "--log",
            str(db),
            "--key-file",
            str(tmp_path / "other.key"),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2
    assert "another key" in result.stderr
    assert db.read_bytes() == before
