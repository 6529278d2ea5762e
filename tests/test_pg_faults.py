"""Faults on the real server, each ending with the exact rows on it: none missing, none
doubled, each counter's rows in order. The server stopped and restarted under a
counter; a counter killed between sending a batch and the server's commit, and
between the server's commit and the outbox's; a counter that quits while the
server is away (offline for a day); a role whose INSERT is taken away; a full
disk under the outbox. (Two ``watch`` loops on the virtual readers through a
restart: tests/integration/test_pg_watch.py.)"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest

import mynacheck

from .helpers import readline_within
from .pg_cluster import Tally, wait_until
from .tally_helpers import simulated

JST = timezone(timedelta(hours=9))
ROOT = Path(__file__).resolve().parents[1]

#: A counter in a process of its own: appends ``n`` checks, says so, then waits to be killed.
COUNTER = """
import sys, time
from datetime import datetime, timedelta, timezone
import mynacheck
from mynacheck.check import CheckOptions, run_check
from mynacheck.simcard import SimulatedConnection, make_card
target, outbox, key, n = sys.argv[1:5]
at = datetime(2026, 4, 1, 10, tzinfo=timezone(timedelta(hours=9)))
report = run_check(SimulatedConnection(make_card("valid"), "valid"), CheckOptions(at=at))
tally = mynacheck.open_tally(target, key_file=key, outbox=outbox, tag="counter")
for i in range(int(n)):
    tally.append(report, at=at + timedelta(minutes=i))
print("appended", flush=True)
time.sleep(600)
"""


def jst(minute: int) -> datetime:
    return datetime(2026, 4, 1, 10, minute, tzinfo=JST)


def seqs(tally: Tally) -> list[int]:
    return [seq for (seq,) in tally.rows("SELECT seq FROM mynacheck.checks ORDER BY received")]


def deliver(tally: Tally, outbox: Path, key: Path, count: int = 0, start: int = 0) -> Any:
    """A counter (re)started on ``outbox``: appends ``count`` checks, waits for delivery."""
    with mynacheck.open_tally(tally.uri("counter1"), key_file=key, outbox=outbox) as counter:
        for minute in range(start, start + count):
            counter.append(simulated("valid"), at=jst(minute))
        assert counter.flush(30), counter.state()
        return counter.state()


@contextlib.contextmanager
def inserts_blocked(tally: Tally) -> Iterator[psycopg.Connection[Any]]:
    """The owner holds a lock that makes every INSERT into the tally wait."""
    with psycopg.connect(tally.uri("owner")) as connection:
        connection.execute("LOCK TABLE mynacheck.checks IN SHARE MODE")
        yield connection
        connection.rollback()


def insert_waiting(tally: Tally) -> bool:
    rows = tally.rows(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mynacheck'"
        " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO mynacheck.checks%'"
    )
    return bool(rows[0][0])


def no_counter_connected(tally: Tally) -> bool:
    return tally.rows(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mynacheck'"
    ) == [(0,)]


def start_counter(tally: Tally, outbox: Path, key: Path, n: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", COUNTER, tally.uri("counter1"), str(outbox), str(key), str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = readline_within(process.stdout, 60)
    assert line.strip() == "appended", process.stderr.read() if process.stderr else ""
    return process


def test_server_stopped_and_restarted_under_a_counter(pg_tally: Tally, tmp_path: Path) -> None:
    outbox, key = tmp_path / "outbox.sqlite3", tmp_path / "shared.key"
    seen: list[str] = []
    with mynacheck.open_tally(pg_tally.uri("counter1"), key_file=key, outbox=outbox) as counter:
        counter.on_state = lambda state: seen.append(state.state)
        for minute in range(2):
            counter.append(simulated("valid"), at=jst(minute))
        assert counter.flush(30)
        pg_tally.cluster.stop()
        for minute in range(2, 5):
            started = time.monotonic()
            counter.append(simulated("expired"), at=jst(minute))
            assert time.monotonic() - started < 2.0  # a local commit, never the network
        wait_until(lambda: counter.state().state == "unreachable", what="unreachable")
        state = counter.state()
        assert state.waiting == 3 and state.since is not None
        pg_tally.cluster.start()
        assert counter.flush(30), counter.state()
    assert "unreachable" in seen and seen[-1] == "delivered"
    assert seqs(pg_tally) == [1, 2, 3, 4, 5]
    assert pg_tally.rows("SELECT status, count(*) FROM mynacheck.checks GROUP BY 1 ORDER BY 1") == [
        ("expired", 3),
        ("valid", 2),
    ]


def test_killed_between_send_and_the_servers_commit(pg_tally: Tally, tmp_path: Path) -> None:
    outbox, key = tmp_path / "outbox.sqlite3", tmp_path / "shared.key"
    with inserts_blocked(pg_tally):
        counter = start_counter(pg_tally, outbox, key, 3)
        wait_until(lambda: insert_waiting(pg_tally), what="the counter's INSERT to wait")
        counter.send_signal(signal.SIGKILL)
        counter.wait(30)
    wait_until(lambda: no_counter_connected(pg_tally), what="the killed counter's session to end")
    assert seqs(pg_tally) == []  # sent, never committed
    deliver(pg_tally, outbox, key)  # the counter again: its outbox still holds the rows
    assert seqs(pg_tally) == [1, 2, 3]


def test_killed_between_the_servers_commit_and_the_outboxs(pg_tally: Tally, tmp_path: Path) -> None:
    outbox, key = tmp_path / "outbox.sqlite3", tmp_path / "shared.key"
    local = None
    with inserts_blocked(pg_tally):
        counter = start_counter(pg_tally, outbox, key, 3)
        wait_until(lambda: insert_waiting(pg_tally), what="the counter's INSERT to wait")
        local = sqlite3.connect(outbox, timeout=30, isolation_level=None)
        local.execute("BEGIN IMMEDIATE")  # the outbox cannot note the delivery
    try:
        wait_until(lambda: seqs(pg_tally) == [1, 2, 3], what="the server's commit")
        counter.send_signal(signal.SIGKILL)
        counter.wait(30)
    finally:
        local.execute("ROLLBACK")
        local.close()
    connection = sqlite3.connect(outbox)
    marks = connection.execute("SELECT value FROM meta WHERE name LIKE 'delivered %'").fetchall()
    connection.close()
    assert marks == []  # the outbox never learnt: the rows are sent again...
    deliver(pg_tally, outbox, key, count=1, start=10)
    assert seqs(pg_tally) == [1, 2, 3, 4]  # ...and stored once


def test_offline_for_a_day_then_delivered_by_the_next_run(pg_tally: Tally, tmp_path: Path) -> None:
    key = tmp_path / "shared.key"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}

    def check(scenario: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mynacheck", "check", "--simulate", scenario, "--no-pin",
             "--log", pg_tally.uri("counter1"), "--key-file", str(key), "--lang", "en"],
            capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    pg_tally.cluster.stop()
    offline = [check("valid"), check("expired")]
    assert [r.returncode for r in offline] == [0, 11]  # the verdicts, as ever
    assert "2 rows could not reach the tally server yet" in offline[1].stderr
    pg_tally.cluster.start()
    assert seqs(pg_tally) == []
    back = check("renewal_window")
    assert back.returncode == 0, back.stderr
    assert "could not reach" not in back.stderr
    assert seqs(pg_tally) == [1, 2, 3]
    assert [
        s for (s,) in pg_tally.rows("SELECT status FROM mynacheck.checks ORDER BY received")
    ] == [
        "valid",
        "expired",
        "valid",
    ]


def test_a_role_without_insert_keeps_its_rows_until_granted(
    pg_tally: Tally, tmp_path: Path
) -> None:
    outbox, key = tmp_path / "outbox.sqlite3", tmp_path / "shared.key"
    with mynacheck.open_tally(pg_tally.uri("counter1"), key_file=key, outbox=outbox) as counter:
        counter.append(simulated("valid"), at=jst(0))
        assert counter.flush(30)
        pg_tally.cluster.admin("REVOKE mynacheck_counter FROM counter1")
        pg_tally.cluster.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'counter1'"
        )
        counter.append(simulated("valid"), at=jst(1))
        wait_until(lambda: counter.state().state in ("refused", "unreachable"), what="refusal")
        wait_until(lambda: counter.state().state == "refused", what="refused")
        assert counter.state().waiting == 1
        assert "permission denied" in (counter.state().reason or "")
        pg_tally.cluster.admin("GRANT mynacheck_counter TO counter1")
        counter.append(simulated("expired"), at=jst(2))  # wakes the delivery
        assert counter.flush(30), counter.state()
    assert seqs(pg_tally) == [1, 2, 3]


def test_a_full_disk_under_the_outbox(pg_tally: Tally, tmp_path: Path) -> None:
    """The outbox on a small tmpfs that fills up: the check's verdict stands and says the
    row was not written; the rows written before and after reach the server once."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.fail(f"this test mounts a small tmpfs (as root): {mounted.stderr!r}")
    try:
        outbox, key = disk / "outbox.sqlite3", tmp_path / "shared.key"
        with mynacheck.open_tally(pg_tally.uri("counter1"), key_file=key, outbox=outbox) as counter:
            counter.append(simulated("valid"), at=jst(0))
            assert counter.flush(30)
            filler = disk / "filler"
            with open(filler, "wb") as handle, contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
                    os.fsync(handle.fileno())
            recorded = counter.record(simulated("expired"), at=jst(1))
            assert mynacheck.Detail.TALLY_NOT_WRITTEN in recorded.details
            assert recorded.status is mynacheck.Status.EXPIRED
            filler.unlink()
            counter.append(simulated("expired"), at=jst(2))
            assert counter.flush(30), counter.state()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
    assert seqs(pg_tally) == [1, 2]
    assert [t for (t,) in pg_tally.rows(
        "SELECT to_char(time AT TIME ZONE 'Asia/Tokyo', 'HH24:MI') FROM mynacheck.checks"
        " ORDER BY received"
    )] == ["10:00", "10:02"]  # fmt: skip


def test_a_server_that_hangs_never_holds_up_a_check(pg_tally: Tally, tmp_path: Path) -> None:
    """The counter's server process stopped dead (SIGSTOP: it answers nothing, the
    connection stays open): appends still return at once; the rows go when it wakes."""
    outbox, key = tmp_path / "outbox.sqlite3", tmp_path / "shared.key"
    with mynacheck.open_tally(pg_tally.uri("counter1"), key_file=key, outbox=outbox) as counter:
        counter.append(simulated("valid"), at=jst(0))
        assert counter.flush(30)
        (pid,) = pg_tally.rows(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'mynacheck'"
        )[0]
        os.kill(pid, signal.SIGSTOP)
        try:
            for minute in range(1, 4):
                started = time.monotonic()
                counter.append(simulated("expired"), at=jst(minute))
                assert time.monotonic() - started < 2.0
            time.sleep(1.0)
            assert counter.state().state == "waiting" and counter.state().waiting == 3
        finally:
            os.kill(pid, signal.SIGCONT)
        assert counter.flush(30), counter.state()
    assert seqs(pg_tally) == [1, 2, 3, 4]
