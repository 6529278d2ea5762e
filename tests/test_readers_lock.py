"""The machine-wide lock the virtual readers are shared by (mynacheck.simcard.readers_lock):
exclusive across processes, released when its holder dies, and nothing left on disk.

Each test uses a lock name of its own, never the readers' lock itself, so that it
neither waits for nor disturbs a test session using the readers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from mynacheck.simcard.readers_lock import LockBusy, machine_lock

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the lock is an abstract socket on Linux"
)

HOLDER = """
import sys, time
from mynacheck.simcard.readers_lock import machine_lock
with machine_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def _abstract_sockets() -> str:
    return Path("/proc/net/unix").read_text()


def _holder(name: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, name], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_holder_waits_and_gets_it_when_the_first_dies() -> None:
    name = f"mynacheck-test-{uuid.uuid4().hex}"
    holder = _holder(name)
    try:
        with pytest.raises(LockBusy), machine_lock(name, timeout=0.3):
            pass
        os.kill(holder.pid, signal.SIGKILL)  # no clean-up of its own
        holder.wait(timeout=10)
        started = time.monotonic()
        with machine_lock(name, timeout=10):
            assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait(timeout=10)
        assert holder.stdout is not None
        holder.stdout.close()


def test_the_lock_is_held_in_the_process_too_and_released_at_the_end() -> None:
    name = f"mynacheck-test-{uuid.uuid4().hex}"
    with machine_lock(name, timeout=1):
        assert f"@{name}" in _abstract_sockets()
        with pytest.raises(LockBusy), machine_lock(name, timeout=0.2):
            pass
    assert f"@{name}" not in _abstract_sockets()
    with machine_lock(name, timeout=1):  # free again at once
        pass


def test_the_lock_leaves_no_file() -> None:
    name = f"mynacheck-test-{uuid.uuid4().hex}"
    before = set(os.listdir(tempfile.gettempdir()))
    with machine_lock(name, timeout=1):
        during = set(os.listdir(tempfile.gettempdir()))
    assert not [entry for entry in during - before if "mynacheck" in entry or name in entry]
    assert not any(name in entry for entry in os.listdir(tempfile.gettempdir()))
