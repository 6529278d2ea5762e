"""``mynacheck watch`` as a subprocess on the real pcscd, with vpcd cards going in and out.

Each cycle: insert a simulated card into ``Virtual PCD 00 00``, read what
watch printed for it, wait for watch to ask for the card back, pull it out.
Then Ctrl-C (SIGINT) ends the session; the test checks the summary, the exit
code, the tally rows, and ``mynacheck report`` on that tally.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from mynacheck.errors import NoCardError
from mynacheck.simcard import data_file, make_card
from mynacheck.simcard.vpcd import DEFAULT_PORT, VirtualCard

from .conftest import insert_and_wait, reader_name, remove_and_wait

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX signals"
)

READER = 0
ANCHOR = ("--trust-anchor", str(data_file("simulator-root.pem")))
#: Serials of the synthetic certificates (hex): must never reach the screen.
SERIALS = ("1a2b3c4", "1a2b3c5")
_TIMEOUT = 20.0


class Watch:
    """A running ``mynacheck watch``; its stdout and stderr lines arrive in queues."""

    def __init__(self, *args: str) -> None:
        # PYTHONFAULTHANDLER: a watch that hangs is sent SIGABRT and prints every
        # thread's stack (see interrupt), so a rare hang says where it was.
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "PYTHONFAULTHANDLER": "1"}
        self.process = subprocess.Popen(
            # Through pcscd the simulated card is a real card: name the simulator's root.
            [sys.executable, "-m", "mynacheck.cli", "watch", *ANCHOR, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.stdout: queue.Queue[str | None] = queue.Queue()
        self.stderr: queue.Queue[str | None] = queue.Queue()
        self.out_lines: list[str] = []
        self.err_lines: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        for stream, target in (
            (self.process.stdout, self.stdout),
            (self.process.stderr, self.stderr),
        ):
            threading.Thread(target=_pump, args=(stream, target), daemon=True).start()

    def next_line(self, which: str = "out", timeout: float = _TIMEOUT) -> str:
        source = self.stdout if which == "out" else self.stderr
        kept = self.out_lines if which == "out" else self.err_lines
        try:
            line = source.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"watch said nothing on std{which} in {timeout} s; so far: {kept}")
        if line is None:
            pytest.fail(f"watch closed std{which}; so far: {kept}; stderr: {self.err_lines}")
        kept.append(line)
        return line

    def wait_for(self, which: str, text: str) -> str:
        deadline = time.monotonic() + _TIMEOUT
        while True:
            line = self.next_line(which, max(0.1, deadline - time.monotonic()))
            if text in line:
                return line

    def interrupt(self) -> tuple[int, list[str]]:
        """Ctrl-C; returns the exit code and the rest of stdout."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)  # the fault handler: every stack
            self.process.wait(_TIMEOUT)
            while (line := self.stderr.get(timeout=_TIMEOUT)) is not None:
                self.err_lines.append(line)
            pytest.fail(
                f"watch did not end within {_TIMEOUT} s of Ctrl-C; stderr, with its threads'"
                " stacks:\n" + "\n".join(self.err_lines)
            )
        rest: list[str] = []
        while True:
            line = self.stdout.get(timeout=_TIMEOUT)
            if line is None:
                break
            rest.append(line)
        while (line := self.stderr.get(timeout=_TIMEOUT)) is not None:
            self.err_lines.append(line)
        return code, rest

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(_TIMEOUT)


def _pump(stream: IO[str], target: queue.Queue[str | None]) -> None:
    for line in stream:
        target.put(line.rstrip("\n"))
    target.put(None)


@pytest.fixture
def watch_process(pcscd: None) -> Iterator[list[Watch]]:
    started: list[Watch] = []
    yield started
    for watch in started:
        watch.kill()


def insert(scenario: str) -> VirtualCard:
    """Insert a card of ``scenario`` into the reader and wait until pcscd sees it.

    vpcd quirk (seen with pcsc-lite 2 and vsmartcard-vpcd 0.9): after a card
    closed its socket in the middle of a command (``pulled_out``), the next
    card to connect answers vpcd's ATR polls but pcscd keeps the reader
    EMPTY; pulling that card out and inserting it again works. A real reader
    does not do this, so the test re-inserts rather than fail on it.
    """
    for _attempt in range(3):
        virtual = VirtualCard(make_card(scenario), port=DEFAULT_PORT + READER)
        try:
            return insert_and_wait(virtual, READER)
        except NoCardError:
            continue  # insert_and_wait pulled it out again
    pytest.fail(f"pcscd never saw the {scenario} card in {reader_name(READER)}")


def cycle(watch: Watch, scenario: str, *, lines_per_check: int = 1) -> list[str]:
    """Insert ``scenario``, collect watch's output for it, pull the card out."""
    virtual = insert(scenario)
    try:
        printed = [watch.next_line("out") for _ in range(lines_per_check)]
        # Only pull the card once watch waits for it to leave (it then cannot
        # miss the removal and read the next card as this one).
        watch.wait_for("err", "Remove the card")
    finally:
        remove_and_wait(virtual, READER)
    return printed


def test_watch_counts_cards_through_pcscd(tmp_path: Path, watch_process: list[Watch]) -> None:
    db = tmp_path / "counter.sqlite3"
    watch = Watch("--reader", reader_name(READER), "--lang", "en", "--json", "--log", str(db))
    watch_process.append(watch)
    watch.wait_for("err", "Insert a card")

    scenarios = ["valid", "missing_not_found", "expired", "pulled_out", "valid"]
    results = [json.loads(cycle(watch, name)[0]) for name in scenarios]

    assert [r["status"] for r in results] == [
        "valid",
        "missing",
        "expired",
        "card_error",
        "valid",
    ]
    assert all(r["reader"] == reader_name(READER) and not r["simulated"] for r in results)
    assert results[0]["certificate"]["expiry_date"] == "2030-05-31"
    assert results[2]["certificate"]["expiry_date"] == "2024-09-30"
    # vpcd passes the cut-off answer up as CARD_REMOVED or, before pcscd's next
    # presence poll, as NOT_TRANSACTED (unresponsive): both are a read failure.
    assert {"card_removed", "card_unresponsive"} & set(results[3]["details"])
    assert results[3]["verdict"] == "READ FAILED"
    assert "cert_file_not_found" in results[1]["details"]

    code, rest = watch.interrupt()
    assert code == 0
    summary = json.loads(rest[-1])
    assert summary["event"] == "summary"
    assert summary["checks"] == 5
    assert summary["by_status"] == {"valid": 2, "missing": 1, "expired": 1, "card_error": 1}
    everything = "\n".join(watch.out_lines + rest + watch.err_lines)
    assert "Traceback" not in everything
    assert not any(serial in everything for serial in SERIALS)

    # The tally holds one row per check, and only the allowed columns.
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT status, expiry, renewal_open, reader, card_hash FROM checks ORDER BY id"
        ).fetchall()
        columns = [c[1] for c in connection.execute("PRAGMA table_info(checks)")]
    assert columns == [
        "id", "time", "status", "expiry", "renewal_open", "reader", "card_hash", "tag"
    ]  # fmt: skip
    assert [row[0] for row in rows] == [r["status"] for r in results]
    assert rows[0][1:4] == ("2030-05-31", 0, reader_name(READER))
    assert rows[1][1:] == (None, None, reader_name(READER), None)
    assert rows[0][4] == rows[4][4] and rows[0][4] != rows[2][4]
    assert len(rows[0][4]) == 64
    assert rows[3][4] is None
    assert Path(str(db) + ".key").is_file()

    report = subprocess.run(
        [sys.executable, "-m", "mynacheck.cli", "report", str(db), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert report.returncode == 0, report.stderr
    counts = json.loads(report.stdout)
    assert counts["checks"] == 5
    assert counts["cards"] == 2  # the valid card twice counts once
    assert counts["cards_by_status"] == {"valid": 1, "expired": 1}
    assert counts["checks_by_status"]["card_error"] == 1
    assert counts["checks_without_certificate"] == 2
    assert counts["cards_renewal_open"] == 0


def test_watch_screen_in_japanese(tmp_path: Path, watch_process: list[Watch]) -> None:
    """The framed verdict block, in Japanese, with the renewal hint; then the summary."""
    watch = Watch("--reader", reader_name(READER), "--lang", "ja")
    watch_process.append(watch)
    watch.wait_for("err", "カードを置いてください")

    blocks = []
    for scenario in ("renewal_window", "not_mynumber_card"):
        virtual = insert(scenario)
        try:
            block = [watch.wait_for("out", "+----")]
            while not block[-1].startswith("+") or len(block) == 1:
                block.append(watch.next_line("out"))
            watch.wait_for("err", "カードを取り出してください")
        finally:
            remove_and_wait(virtual, READER)
        blocks.append("\n".join(block))

    assert "[OK]   有 効" in blocks[0]
    assert "有効期限 2027-01-31" in blocks[0]
    assert "更新の受付期間です" in blocks[0]
    assert "[??]   対 象 外 の カ ー ド" in blocks[1]
    assert "マイナンバーカードではありません" in blocks[1]
    assert "\x1b[" not in blocks[0]  # NO_COLOR, and not a terminal

    code, rest = watch.interrupt()
    assert code == 0
    assert "この回の集計: 2 件" in rest
    assert any(line.split() == ["有効", "1"] for line in rest)
    assert not any(serial in "\n".join(blocks + rest) for serial in SERIALS)


def test_watch_once_exits_with_the_verdict(tmp_path: Path, watch_process: list[Watch]) -> None:
    watch = Watch("--reader", reader_name(READER), "--lang", "en", "--once", "--json")
    watch_process.append(watch)
    watch.wait_for("err", "Insert a card")
    virtual = insert("expired")
    try:
        assert json.loads(watch.next_line("out"))["status"] == "expired"
        assert watch.process.wait(_TIMEOUT) == 11
    finally:
        remove_and_wait(virtual, READER)
