"""A virtual desktop with a real accessibility bus, for the window's screen-reader tests.

:class:`Desktop` starts, for one test module, what a Linux desktop gives a
screen reader: an X server (Xvfb), a D-Bus session bus, and the AT-SPI bus
(at-spi-bus-launcher, which starts the registry). The window runs on Qt's xcb
platform with accessibility on; :class:`Listener` is an AT-SPI client in Debian's
python3 (tests/gui/atspi_listener.py) that records every event and can dump the
whole accessible tree; keys go in as real X key events (xdotool). Everything is
stopped when the module ends.

Needs Debian's xvfb, xdotool, dbus, at-spi2-core and python3-pyatspi
(scripts/stack.sh installs them).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..helpers import readline_within

HERE = Path(__file__).parent
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
#: Generous: two cores shared with other work; every wait ends when its condition holds.
WAIT_S = 30.0


def missing_tools() -> list[str]:
    """What this machine lacks for a desktop (empty: all there)."""
    missing = [tool for tool in ("Xvfb", "xdotool", "dbus-daemon") if not shutil.which(tool)]
    if not Path(BUS_LAUNCHER).exists():
        missing.append("at-spi2-core")
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        missing.append("python3-pyatspi")
    return missing


class Desktop:
    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        self._dir = Path(tempfile.mkdtemp(prefix="mynacheck-a11y-"))
        self.env: dict[str, str] = {}

    def start(self) -> None:
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._procs.append(xvfb)
        os.close(write)
        with os.fdopen(read) as pipe:
            display = readline_within(pipe, 30).strip()
        if not display:
            raise RuntimeError("Xvfb did not start")
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("QT_", "DBUS_", "AT_SPI", "XDG_RUNTIME"))
        }
        runtime = self._dir / "run"
        runtime.mkdir(mode=0o700)
        env.update(DISPLAY=f":{display}", XDG_RUNTIME_DIR=str(runtime), NO_AT_BRIDGE="0")
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._procs.append(bus)
        assert bus.stdout is not None
        env["DBUS_SESSION_BUS_ADDRESS"] = readline_within(bus.stdout, 30).decode().strip()
        launcher = subprocess.Popen(
            [BUS_LAUNCHER, "--launch-immediately"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._procs.append(launcher)
        self.env = env
        # The a11y bus is up once org.a11y.Bus answers with an address.
        self.wait(self._a11y_bus_up, "the AT-SPI bus")

    def _a11y_bus_up(self) -> bool:
        probe = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.a11y.Bus",
                "/org/a11y/bus",
                "org.a11y.Bus.GetAddress",
            ],
            env=self.env,
            capture_output=True,
            check=False,
        )
        return probe.returncode == 0 and b"unix:" in probe.stdout

    def app_env(self, **extra: str) -> dict[str, str]:
        """The window's environment: xcb on this display, accessibility on."""
        env = dict(self.env)
        env.update(QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", **extra)
        return env

    def spawn(self, argv: list[str], stdin: bytes = b"", **extra: str) -> subprocess.Popen[bytes]:
        """Start ``argv`` on this desktop; ``stdin`` is written to it, then closed."""
        proc = subprocess.Popen(
            argv,
            env=self.app_env(**extra),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._procs.append(proc)
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
        proc.stdin = None
        return proc

    def close(self, proc: subprocess.Popen[bytes]) -> str:
        """End ``proc`` (SIGTERM, as a desktop's logout); its stderr."""
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        return (err or b"").decode(errors="replace")

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, check=True, timeout=WAIT_S
        )
        return done.stdout.decode()

    def window_id(self, title_part: str) -> str:
        found: list[str] = []

        def visible() -> bool:
            done = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", title_part],
                env=self.env,
                capture_output=True,
                check=False,
            )
            found[:] = done.stdout.decode().split()
            return bool(found)

        self.wait(visible, f"a window titled {title_part!r}")
        return found[0]

    def keys(self, window: str, *keys: str) -> None:
        """Real X key events, one key at a time, to ``window`` (focused first)."""
        self.xdotool("windowfocus", "--sync", window)
        for key in keys:
            self.xdotool("key", "--delay", "60", key)

    @staticmethod
    def wait(condition: Callable[[], object], what: str, timeout: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def stop(self) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in reversed(self._procs):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self._dir, ignore_errors=True)


class Listener:
    """The AT-SPI client process: its events, in order, and the tree on demand."""

    def __init__(self, desktop: Desktop) -> None:
        self.proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(HERE / "atspi_listener.py")],
            env=desktop.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.records: list[dict[str, Any]] = []
        self._lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.take(lambda r: r.get("ready"), "the listener")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(json.loads(line))

    def take(self, match: Callable[[dict[str, Any]], object], what: str) -> dict[str, Any]:
        """Read records (keeping every one) until one ``match``es; that one."""
        deadline = time.monotonic() + WAIT_S
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; last: {self.records[-5:]}")
            try:
                record = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            self.records.append(record)
            if match(record):
                return record

    def _send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command.encode() + b"\n")
        self.proc.stdin.flush()

    def mark(self, word: str) -> list[dict[str, Any]]:
        """Every event since the last mark (they are all dispatched before this returns)."""
        start = len(self.records)
        self._send(f"mark {word}")
        self.take(lambda r: r.get("mark") == word, f"mark {word}")
        return [r for r in self.records[start:] if "type" in r]

    def tree(self) -> list[dict[str, Any]]:
        self._send("tree")
        return list(self.take(lambda r: "tree" in r, "the tree")["tree"])

    def events_until(self, match: Callable[[dict[str, Any]], object], what: str) -> dict[str, Any]:
        return self.take(lambda r: "type" in r and match(r), what)

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
