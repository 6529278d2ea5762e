"""What the benchmarks share: the virtual readers' lock, pcscd, and a card that keeps time.

The readers are shared with the integration tests (the same lock as
tests/integration/conftest.py: mynacheck.simcard.readers_lock). pcscd is the
running one if it shows vpcd's readers; otherwise one started here (root, Linux)
and stopped at the end.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mynacheck.simcard.readers_lock import hold_virtual_readers  # noqa: E402
from mynacheck.simcard.vpcd import VirtualCard  # noqa: E402

READER = "Virtual PCD 00 00"
#: Through pcscd the simulated card is a real card: its root is trusted explicitly (README).
SIMULATOR_ROOT = ROOT / "src" / "mynacheck" / "simcard" / "data" / "simulator-root.pem"


@contextlib.contextmanager
def virtual_readers() -> Iterator[None]:
    """Hold the readers' lock, with pcscd showing vpcd's readers for the whole block."""
    with hold_virtual_readers():
        started = None if _vpcd_ready() else _start_pcscd()
        try:
            if not _vpcd_ready(wait=5):
                raise SystemExit("no pcscd with vpcd's readers (.ci/run installs them)")
            yield
        finally:
            if started is not None:
                started.terminate()
                started.wait(5)


def _vpcd_ready(wait: float = 0.0) -> bool:
    import mynacheck

    deadline = time.monotonic() + wait
    while True:
        try:
            names = [reader.name for reader in mynacheck.list_readers(probe=False)]
        except mynacheck.MynacheckError:
            names = []
        if READER in names or time.monotonic() >= deadline:
            return READER in names
        time.sleep(0.2)


def _start_pcscd() -> subprocess.Popen[bytes] | None:
    import os

    daemon = shutil.which("pcscd") or "/usr/sbin/pcscd"
    if not Path(daemon).exists() or os.geteuid() != 0:
        return None
    return subprocess.Popen(
        [daemon, "--foreground"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class TimedCard(VirtualCard):
    """A virtual card that notes when each message reached it (``perf_counter``):
    ``("power_on" | "power_off" | "reset" | "atr" | "apdu" | "answered", t)``."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.timeline: list[tuple[str, float]] = []

    def _handle(self, message: bytes) -> bytes | None:
        names = {0: "power_off", 1: "power_on", 2: "reset", 4: "atr"}
        kind = "apdu" if len(message) > 1 else names.get(message[0], "control")
        self.timeline.append((kind, time.perf_counter()))
        answer = super()._handle(message)
        if kind == "apdu":
            self.timeline.append(("answered", time.perf_counter()))
        return answer
