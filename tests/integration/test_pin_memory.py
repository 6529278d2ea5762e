"""No copy of the PIN is left in memory after a check: the window's process and
``mynacheck check --pin-stdin`` are scanned (/proc/PID/mem) once the check is done.

The PIN is made up for the test and put on the virtual card (which runs in this
test's process, behind pcscd and vpcd); a control PIN that nobody typed is counted
the same way. What our code held (the key presses, the typed bytes, the VERIFY
APDU) is zeroed; the copies that remain are below us: pyscard's C wrapper copies
the APDU into a buffer it frees without zeroing, and pcsc-lite's client library
copies it into its message to pcscd. The test measures that floor with a process
that does nothing but pyscard's SCardTransmit of the same VERIFY, and asserts that
mynacheck's processes hold no more copies than it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..gui.atspi_desktop import Desktop, Listener, missing_tools
from ..helpers import DATA
from .conftest import reader_name
from .memscan import Hits, scan

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/PID/mem")

PIN = b"5869"
CONTROL = b"9685"  # the same digits, never typed
HELPERS = str(Path(__file__).with_name("pin_memory_helpers.py"))
APP = str(Path(__file__).parents[1] / "gui" / "a11y_app.py")
ANCHOR = str(DATA / "simulator-root.pem")


@pytest.fixture
def card_pin(monkeypatch: pytest.MonkeyPatch) -> bytes:
    from mynacheck.simcard import scenario

    monkeypatch.setattr(scenario, "DEMO_PIN", PIN.decode())
    return PIN


def wait_ready(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stderr is not None
    seen = b""
    for line in proc.stderr:
        seen += line
        if line.strip() == b"READY":
            return
    raise AssertionError(f"the helper ended ({proc.wait()}): {seen.decode(errors='replace')}")


def scan_helper(kind: str, args: list[str]) -> tuple[Hits, Hits]:
    proc = subprocess.Popen(
        [sys.executable, HELPERS, kind, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write(PIN + b"\n")
        proc.stdin.close()
        wait_ready(proc)
        return scan(proc.pid, PIN), scan(proc.pid, CONTROL)
    finally:
        proc.kill()
        proc.wait()


def signed(virtual: Any) -> bool:
    return any(apdu[1] == 0x2A for apdu in virtual.apdus)


def test_the_layer_below_and_the_cli_keep_no_more_than_it(
    virtual_card: Any, card_pin: bytes
) -> None:
    virtual_card("valid")
    floor, floor_control = scan_helper("floor", [reader_name(0)])
    # The floor: what pyscard + pcsc-lite keep of a VERIFY sent from a zeroed bytearray.
    below = floor.beyond(floor_control)
    virtual = virtual_card("valid", reader_index=1)
    cli, cli_control = scan_helper(
        "cli", ["check", "--pin-stdin", "--reader", reader_name(1), "--trust-anchor", ANCHOR]
    )
    assert signed(virtual)  # the PIN was verified and the key proven
    ascii, utf16 = cli.beyond(cli_control)
    assert utf16 == 0 and ascii <= below[0], (cli, cli_control, floor, floor_control)


@pytest.fixture
def desktop() -> Iterator[Desktop]:
    missing = missing_tools()
    if missing:
        pytest.fail(f"this test needs {', '.join(missing)} (scripts/stack.sh)")
    desk = Desktop()
    desk.start()
    yield desk
    desk.stop()


def test_the_window_keeps_no_more_than_the_layer_below(
    virtual_card: Any, card_pin: bytes, desktop: Desktop
) -> None:
    virtual_card("valid", reader_index=1)
    below = scan_helper("floor", [reader_name(1)])
    floor = below[0].beyond(below[1])
    virtual = virtual_card("valid")
    listener = Listener(desktop)
    app = desktop.spawn(
        [sys.executable, APP, "--reader", reader_name(0), "--trust-anchor", ANCHOR, "--lang", "en"],
        stdin=b"\n",
    )
    try:
        window = desktop.window_id("user-authentication certificate check")
        desktop.xdotool("windowfocus", "--sync", window)
        listener.events_until(
            lambda r: (
                (r.get("source") or {}).get("role") == "password text"
                and r["type"] == "object:state-changed:focused"
            ),
            "the PIN field",
        )
        desktop.keys(window, *PIN.decode(), "Return")
        listener.events_until(lambda r: "VALID" in str(r), "the verdict")
        assert signed(virtual)
        typed, control = scan(app.pid, PIN), scan(app.pid, CONTROL)
    finally:
        listener.stop()
        err = desktop.close(app)
    assert "Traceback" not in err, err
    ascii, utf16 = typed.beyond(control)
    assert utf16 == 0, (typed, control)  # no QString ever held it
    assert ascii <= floor[0], (typed, control, below)
