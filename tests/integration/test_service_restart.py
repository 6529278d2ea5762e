"""The PC/SC service stops under a running counter loop and comes back (Windows stops
its Smart Card service with the last reader; here: pcscd restarted for real).

The set-up that started pcscd (``scripts/stack.sh`` under ``.ci/run``, or the
``pcscd`` fixture) writes its PID to ``MYNACHECK_PCSCD_PIDFILE``; this test
restarts only that pcscd and writes the new PID back for the clean-up. Under
``.ci/run`` (CI set) a missing PID file FAILS the test instead of skipping it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import mynacheck
from mynacheck.simcard import data_file, make_card
from mynacheck.simcard.vpcd import DEFAULT_PORT, VirtualCard

from .conftest import PCSCD_PIDFILE, insert_and_wait, remove_and_wait, wait_for_vpcd

_TIMEOUT = 20.0


def _our_pcscd() -> int:
    try:
        pid = int(Path(PCSCD_PIDFILE).read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        if os.environ.get("CI"):
            pytest.fail(f"no pcscd started by the set-up ({PCSCD_PIDFILE}): cannot restart it")
        pytest.skip(f"pcscd was not started by the test set-up ({PCSCD_PIDFILE} missing)")
    return pid


def _restart(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.05)


def _start_pcscd() -> None:
    process = subprocess.Popen(
        ["pcscd", "--foreground"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives this test: the set-up's clean-up stops it
    )
    Path(PCSCD_PIDFILE).write_text(f"{process.pid}\n")
    problem = wait_for_vpcd(10.0)
    assert problem is None, problem


def _wait_for(events: list[Any], predicate: Any, what: str) -> Any:
    deadline = time.monotonic() + _TIMEOUT
    while time.monotonic() < deadline:
        for event in list(events):
            if predicate(event):
                return event
        time.sleep(0.05)
    pytest.fail(f"no {what} within {_TIMEOUT} s; events: {[e.kind for e in events]}")


def test_counter_loop_survives_a_pcscd_restart(pcscd: None) -> None:
    pid = _our_pcscd()
    events: list[Any] = []
    stop = threading.Event()
    # Through pcscd the simulated card is a real card: trust the simulator's root.
    loop = mynacheck.CounterLoop(
        "Virtual PCD 00 00",
        poll_seconds=0.3,
        trust_anchors=(data_file("simulator-root.pem"),),
    )
    worker = threading.Thread(target=loop.run, args=(events.append, stop), daemon=True)
    worker.start()
    try:
        first = insert_and_wait(VirtualCard(make_card("valid"), port=DEFAULT_PORT), 0)
        _wait_for(events, lambda e: e.kind == "result", "first result")
        remove_and_wait(first, 0)

        _restart(pid)  # the service goes away under the loop
        _wait_for(events, lambda e: e.kind == "reader_problem", "reader_problem event")
        _start_pcscd()  # ... and comes back

        second = insert_and_wait(VirtualCard(make_card("expired"), port=DEFAULT_PORT), 0)
        result = _wait_for(
            events,
            lambda e: e.kind == "result" and e.report.status is mynacheck.Status.EXPIRED,
            "result after the restart",
        )
        assert result.report.reader == "Virtual PCD 00 00"
        remove_and_wait(second, 0)
    finally:
        stop.set()
        worker.join(3)
    assert not worker.is_alive()
    results = [e.report.status.value for e in events if e.kind == "result"]
    assert results == ["valid", "expired"]
