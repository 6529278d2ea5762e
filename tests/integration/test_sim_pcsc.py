"""``mynacheck-sim`` through the real pcscd + vpcd: "ready" only once vpcd took the
card, and a reader another program holds is named as such (not "not listening")."""

from __future__ import annotations

import signal
import subprocess
import sys

from mynacheck.card.pcsc import wait_for_removal
from mynacheck.simcard.vpcd import DEFAULT_PORT

from ..helpers import readline_within
from .conftest import InsertCard, reader_name

SIM = [sys.executable, "-m", "mynacheck.simcard.sim_command"]


def test_sim_is_ready_once_vpcd_took_the_card(pcscd: None) -> None:
    sim = subprocess.Popen(
        [*SIM, "--scenario", "valid", "--port", str(DEFAULT_PORT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        assert readline_within(sim.stdout, 30) == "ready\n"
    finally:
        sim.send_signal(signal.SIGTERM)
        _, err = sim.communicate(timeout=10)
        wait_for_removal(reader_name(0), 5.0)
    assert sim.returncode == 0, err


def test_sim_on_a_reader_another_program_holds_says_so(virtual_card: InsertCard) -> None:
    virtual_card("valid", 1)
    result = subprocess.run(
        [*SIM, "--scenario", "valid", "--port", str(DEFAULT_PORT + 1)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "another program holds this vpcd reader" in result.stderr
    assert "not listening" not in result.stderr and "Traceback" not in result.stderr
