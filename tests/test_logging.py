"""The diagnostic log: a logger per layer, APDUs at DEBUG with PIN bytes redacted,
the card and the loop at INFO, --verbose on stderr, the window's saved log; never a
PIN, and no ``logging`` import for a program that never asked for a log."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

import pytest

import mynacheck

from .helpers import MYNACHECK

PIN = mynacheck.SimulatedReader.DEMO_PIN
PIN_HEX = PIN.encode().hex().upper()


def _forbidden(text: str) -> list[str]:
    """Every form of the PIN a log could carry."""
    return [form for form in (PIN_HEX, PIN_HEX.lower(), f"'{PIN}'") if form in text]


def test_a_check_logs_every_apdu_with_the_pin_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="mynacheck")
    with mynacheck.open_card(simulate="valid") as card:
        report = mynacheck.check_card(card, pin=PIN)
    assert report.status is mynacheck.Status.VALID
    records = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    apdus = [m for name, level, m in records if name == "mynacheck.card" and level == "DEBUG"]
    sent = [m for m in apdus if m.startswith("> ")]
    assert sent[0] == "> 00A4040C0AD392F000260100000001"  # SELECT the JPKI AP
    assert "> 0020008004 ********" in sent  # VERIFY: header, then ** per PIN byte
    assert len(sent) == report.apdu_count == len([m for m in apdus if m.startswith("< ")])
    assert ("mynacheck.card", "INFO") in {(n, lv) for n, lv, _ in records}
    assert any(n == "mynacheck.check" and "valid" in m for n, _, m in records)
    assert _forbidden(caplog.text) == []


def test_the_counter_loop_says_its_events(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mynacheck")
    mynacheck.CounterLoop(simulate=["expired"]).run(lambda e: None, threading.Event())
    said = [r.getMessage() for r in caplog.records if r.name == "mynacheck.counter"]
    assert any(m.startswith("result ") and "status=expired" in m for m in said), said


def test_verbose_puts_the_log_on_stderr_without_the_pin() -> None:
    done = subprocess.run(
        [*MYNACHECK, "check", "--simulate", "valid", "--pin-stdin", "--verbose", "--lang", "en"],
        input=PIN + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "mynacheck.card DEBUG > 0020008004 ********" in done.stderr
    assert "mynacheck.card INFO card held" in done.stderr
    assert _forbidden(done.stderr + done.stdout) == []


def test_without_verbose_nothing_is_logged_and_logging_is_not_imported() -> None:
    code = (
        "import sys, mynacheck\n"
        "with mynacheck.open_card(simulate='valid') as card:\n"
        "    mynacheck.check_card(card, pin=mynacheck.SimulatedReader.DEMO_PIN)\n"
        "print('logging' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False" and done.stderr == ""
