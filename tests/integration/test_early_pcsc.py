"""The check's head start through pyscard → pcscd → vpcd → the simulated card: the card
is reached before click loads, every refused command is refused before the first APDU
(the card's own log), and the card sees exactly what a check without it would send."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mynacheck.card.pcsc import PcscConnection, list_readers
from mynacheck.simcard import DEMO_PIN

from ..helpers import ANCHOR, mynacheck
from .conftest import InsertCard

ROOT = Path(__file__).resolve().parents[2]


def _card_is_free() -> bool:
    """Nobody holds the card: an exclusive connect succeeds (and is let go at once)."""
    reader = next(r for r in list_readers() if r.name == "Virtual PCD 00 00")
    PcscConnection.open(reader, exclusive=True).close()
    return True


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["--no-pin", "--bogus"], ""),
        (["--no-pin", "--lang", "xx"], ""),
        (["--no-pin", "--json", "--lang", "xx"], ""),
        (["--no-pin", "--at", "yesterday"], ""),
        (["--no-pin", "--at", "9999-01-01"], ""),
        (["--no-pin", "--wait", "-1"], ""),
        (["--no-pin", "--pin-stdin"], "1234\n"),
        ([], ""),  # no PIN source: stdin is not a terminal
        (["--pin-stdin"], "12a4\n"),
        (["--pin-stdin"], ""),
        (["--no-pin", "--trust-anchor", "missing.pem"], ""),
        (["--no-pin", "--json", "--trust-anchor", "missing.pem"], ""),
        (["--no-pin", "--record", "{dir}"], ""),
        (["--no-pin", "--record", "{not_a_transcript}"], ""),
        (["--no-pin", "--log", "{dir}"], ""),
    ],
)
def test_a_refused_check_sends_nothing_and_lets_the_card_go(
    virtual_card: InsertCard, tmp_path: Path, args: list[str], stdin: str
) -> None:
    virtual = virtual_card("valid")
    not_a_transcript = tmp_path / "notes.txt"
    not_a_transcript.write_text("someone's notes\n")
    args = [a.format(dir=tmp_path, not_a_transcript=not_a_transcript) for a in args]
    code, _, err = mynacheck("check", *args, *ANCHOR, stdin=stdin)
    assert code == 2, err
    assert virtual.apdus == []
    assert _card_is_free()
    assert not_a_transcript.read_text() == "someone's notes\n"


@pytest.mark.parametrize(
    ("scenario", "quirks"),
    [
        ("valid", {}),
        ("expired", {}),
        ("forged", {}),
        ("missing_not_found", {}),
        ("missing_blank_ff", {}),
        ("ca_unreadable", {}),
        ("not_mynumber_card", {}),
        ("valid", {"extended_apdu": "wrong_length"}),
        ("valid", {"first_apdu_6f00": True}),
        ("valid", {"sfi_supported": False}),
    ],
)
def test_reading_ahead_sends_what_the_check_sends(
    virtual_card: InsertCard, scenario: str, quirks: dict[str, object]
) -> None:
    """The same check with the read-ahead and without it (``--wait 0``: connect only):
    the same verdict, and the card sees the same commands, each once."""
    from dataclasses import replace

    from mynacheck.simcard.scenarios import make_card

    card = make_card(scenario)
    card.quirks = replace(card.quirks, **quirks)
    virtual = virtual_card(card)
    runs = {}
    for extra in ([], ["--wait", "0"]):
        before = len(virtual.apdus)
        code, payload, _ = mynacheck("check", "--no-pin", "--json", *ANCHOR, *extra)
        runs[bool(extra)] = (code, payload["status"], payload["apdu_count"], virtual.apdus[before:])
    assert runs[False] == runs[True]
    code, _status, count, commands = runs[False]
    assert count == len(commands)
    if scenario == "valid" and not quirks:
        assert count == 3 and code == 0


def test_a_pin_check_after_a_head_start(virtual_card: InsertCard) -> None:
    virtual = virtual_card("valid")
    code, payload, _ = mynacheck("check", "--json", "--pin-stdin", *ANCHOR, stdin=DEMO_PIN + "\n")
    assert code == 0 and payload["pin"]["verified"] and payload["key_proof"]["ok"]
    assert payload["apdu_count"] == len(virtual.apdus)


def test_the_floor_sends_what_the_check_sends(virtual_card: InsertCard, tmp_path: Path) -> None:
    """benchmarks/floor.c, the C program the benchmark measures against, does the
    card's side of ``check --no-pin`` and nothing else."""
    if shutil.which("gcc") is None:
        pytest.fail("gcc is needed to build benchmarks/floor.c (.ci/run installs it)")
    binary = tmp_path / "floor"
    subprocess.run(
        [
            "gcc",
            "-O2",
            "-o",
            str(binary),
            str(ROOT / "benchmarks" / "floor.c"),
            "-I/usr/include/PCSC",
            "-lpcsclite",
        ],
        check=True,
    )
    virtual = virtual_card("valid")
    code, payload, _ = mynacheck("check", "--no-pin", "--json", "--reader", "0", *ANCHOR)
    assert code == 0 and payload["apdu_count"] == 3
    checked = list(virtual.card.log)
    floor = subprocess.run([str(binary), "0"], capture_output=True, text=True, check=True)
    assert floor.stdout.startswith("3 APDUs")
    assert virtual.card.log[len(checked) :] == checked


def test_the_card_answers_before_click_has_loaded(virtual_card: InsertCard, tmp_path: Path) -> None:
    """Touch the card first: the import of click is held until the card has received a
    command. Without the head start the check would reach the card only after click,
    so the hold would run out (10 s) first."""
    virtual = virtual_card("valid")
    flag = tmp_path / "card-has-a-command"
    child = f"""
import sys, time
from importlib.abc import MetaPathFinder

class HoldClick(MetaPathFinder):
    waited = None
    def find_spec(self, name, path=None, target=None):
        if name == "click" and HoldClick.waited is None:
            started = time.monotonic()
            while time.monotonic() - started < 10:
                if __import__("os").path.exists({str(flag)!r}):
                    break
                time.sleep(0.005)
            HoldClick.waited = time.monotonic() - started
            sys.stderr.write(f"held {{HoldClick.waited:.3f}}\\n")
        return None

sys.meta_path.insert(0, HoldClick())
sys.argv = ["mynacheck", "check", "--no-pin", "--json", "--trust-anchor", {ANCHOR[1]!r}]
from mynacheck.cli import run
run()
"""

    def watch() -> None:
        deadline = time.monotonic() + 15
        while not virtual.apdus and time.monotonic() < deadline:
            time.sleep(0.002)
        flag.touch()

    watcher = threading.Thread(target=watch)
    watcher.start()
    result = subprocess.run(
        [sys.executable, "-c", child],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
        stdin=subprocess.DEVNULL,
    )
    watcher.join()
    assert result.returncode == 0, result.stderr
    held = float(result.stderr.split("held ")[1].split()[0])
    assert held < 9, "click loaded before the card got a command"
    assert len(virtual.apdus) == 3


def test_the_read_ahead_goes_on_after_the_check_takes_the_card(virtual_card: InsertCard) -> None:
    """The check takes the card as soon as it is connected; the thread still sends the
    reads it began (a slow card: the check is then waiting for them, not sending)."""
    from mynacheck.card import early

    virtual = virtual_card("valid", latency=0.05)
    early.head_start("0", read_ahead=True)
    connection = early.take("0")
    assert connection is not None
    assert len(virtual.apdus) < 3  # taken while the card was still answering
    connection.close()  # waits for the read-ahead: nothing is cut off
    assert len(virtual.apdus) == 3
    assert connection.apdu_count == 3
