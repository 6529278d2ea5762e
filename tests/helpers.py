"""Helpers shared by several test modules (no test module imports another)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, AnyStr

from mynacheck.status import Status

DATA = Path(__file__).resolve().parents[1] / "src" / "mynacheck" / "simcard" / "data"
#: Through pcscd the simulated card is a real card to mynacheck: it trusts the
#: simulator's root only when told to (README "The verdict").
ANCHOR = ("--trust-anchor", str(DATA / "simulator-root.pem"))
#: The command as a subprocess (the same entry as the console script).
MYNACHECK = [sys.executable, "-m", "mynacheck.cli"]

#: Every simulated scenario's status for a check with the demo PIN, as of the tests' NOW.
EXPECTED = {
    "valid": Status.VALID,
    "valid_private_root": Status.UNTRUSTED,
    "untrusted_root": Status.UNTRUSTED,
    "expired": Status.EXPIRED,
    "not_yet_valid": Status.NOT_YET_VALID,
    "renewal_window": Status.VALID,
    "forged": Status.INVALID,
    "gen2_lookalike": Status.UNTRUSTED,
    "test_card": Status.UNTRUSTED,
    "ca_unreadable": Status.UNTRUSTED,
    "key_mismatch": Status.INVALID,
    "big_certificate": Status.VALID,
    "no_expiry": Status.VALID,
    "far_future_dates": Status.NOT_YET_VALID,
    "dates_before_1950": Status.EXPIRED,
    "negative_serial": Status.VALID,
    "missing_not_found": Status.MISSING,
    "missing_access_denied": Status.MISSING,
    "missing_access_denied_6981": Status.MISSING,
    "missing_security_6982": Status.MISSING,
    "missing_blank_ff": Status.MISSING,
    "missing_blank_00": Status.MISSING,
    "missing_not_der": Status.MISSING,
    "missing_length_mismatch": Status.MISSING,
    "missing_unparseable": Status.MISSING,
    "missing_empty": Status.MISSING,
    "not_mynumber_card": Status.NOT_MYNUMBER_CARD,
    "jukicard_expired": Status.EXPIRED,
    "smartphone_android": Status.SMARTPHONE,
    "smartphone_iphone": Status.SMARTPHONE,
    "jukicard": Status.NOT_MYNUMBER_CARD,
    "unknown_label": Status.UNKNOWN_CARD,
    "token_unreadable": Status.UNKNOWN_CARD,
    "missing_token_unreadable": Status.MISSING,
    "pin_last_try": Status.PIN_LAST_TRY,
    "pin_blocked": Status.PIN_BLOCKED,
    "pin_blocked_6983": Status.PIN_BLOCKED,
    "pin_already_verified": Status.VALID,
    "pin_kept_on_warm_reset": Status.VALID,
    "short_apdu_only": Status.VALID,
    "short_apdu_reset": Status.VALID,
    "get_response": Status.VALID,
    "wrong_le": Status.VALID,
    "eof_6282": Status.VALID,
    "filler_00": Status.VALID,
    "first_apdu_6f00": Status.VALID,
    "contactless_atr": Status.VALID,
    "unknown_atr": Status.VALID,
    "sfi_unsupported": Status.VALID,
    "no_current_ef_after_sfi": Status.VALID,
    "pulled_out": Status.CARD_ERROR,
    "garbage": Status.CARD_ERROR,
}


class ScriptedConnection:
    """Answers from a list and remembers what it was sent."""

    reader = "scripted"
    simulated = True
    atr = b""
    contactless = False

    @property
    def apdu_count(self) -> int:
        return len(self.sent)

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = list(answers)
        self.sent: list[bytes] = []

    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(bytes(apdu))  # a copy: a VERIFY's bytearray is zeroed after
        answer = self.answers.pop(0)
        return answer[:-2], int.from_bytes(answer[-2:], "big")

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


def mynacheck(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, dict[str, Any], str]:
    result = subprocess.run(
        [*MYNACHECK, *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in result.stderr, result.stderr
    payload = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else {}
    return result.returncode, payload, result.stderr


def run_on_a_terminal(
    command: list[str],
    answers: list[tuple[bytes, bytes]],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, str]:
    """Run ``command`` on a pseudo-terminal (its controlling terminal); answer each
    prompt ``expect`` with ``send``, in order (the screen then shows ``<answered>`` in
    its place). Returns the exit code and the screen; a command still running after
    ``timeout`` seconds is killed (exit code -9)."""
    import pty
    import select
    import signal
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: on the terminal
        os.execvpe(command[0], command, os.environ if env is None else env)
    seen = b""
    deadline = time.monotonic() + timeout
    pending = list(answers)
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if pending and pending[0][0] in seen:
                expect, send = pending.pop(0)
                seen = seen.replace(expect, b"<answered>", 1)
                os.write(fd, send)
        else:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


def readline_within(stream: IO[AnyStr], seconds: float) -> AnyStr:
    """``stream.readline()``, failing the test when no line (nor the end) comes within
    ``seconds``: a child that hangs must not hang the test run."""
    lines: list[AnyStr] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    assert not reader.is_alive(), f"no line within {seconds} s"
    return lines[0]


@contextlib.contextmanager
def scard_layers(make: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """``install(*args, **kw)``: a scripted stand-in for pyscard's ``scard`` made by
    ``make(*args, **kw)``, in place (``pcsc.use_scard_layer``) until the block ends."""
    from mynacheck.card import pcsc

    with contextlib.ExitStack() as layers:

        def install(*args: Any, **script: Any) -> Any:
            layer = make(*args, **script)
            layers.enter_context(pcsc.use_scard_layer(layer))
            return layer

        yield install


def open_scripted(reader: str) -> Any:
    """``PcscConnection.open`` (exclusive) on ``reader`` as a scripted layer shows it."""
    from mynacheck.card import pcsc

    return pcsc.PcscConnection.open(pcsc.ReaderInfo(0, reader, True, b"\x3b"), exclusive=True)
