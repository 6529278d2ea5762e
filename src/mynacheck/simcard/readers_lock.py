"""The virtual readers' lock: one user at a time of pcscd's two vpcd readers, machine-wide.

There is one pcscd and one pair of vpcd ports per machine: two test sessions (or a
benchmark, or ``scripts/demo``) at once would insert cards into each other's
readers. Whoever uses the readers holds this lock for as long as it does:
tests/integration/conftest.py, benchmarks/_stack.py (bench.py, gui_bench.py) and
``scripts/demo`` (through ``python -m mynacheck.simcard.readers_lock``, below).

The lock is a socket bound to a name, not a file: on Linux (where vpcd runs) an
abstract-namespace Unix socket, which lives in no folder and is gone the moment
its holder closes it or dies, so nothing is ever left behind and no stale lock
outlives a killed run; elsewhere a loopback TCP port (the same promises, a port
instead of a name). Binding is exclusive across processes and users; a bind that
fails means another holder, so waiting is a poll.

``python -m mynacheck.simcard.readers_lock`` takes the lock, prints ``held`` and
holds it until its parent process (a shell script) ends: the script's other
children (a pcscd it started) may inherit its pipes, not the lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
import time
from collections.abc import Iterator

#: The readers' lock, by name (an abstract socket on Linux).
READERS_LOCK = "mynacheck-vpcd-readers"
#: Where a name's lock lives off Linux: a loopback port next to vpcd's 35963 and 35964.
FALLBACK_PORT = 35962
_POLL_SECONDS = 0.1


class LockBusy(TimeoutError):
    """Another process held the lock for the whole wait."""


def _bind(name: str, port: int) -> socket.socket | None:
    """A socket holding the lock, or None while another process holds it."""
    if sys.platform.startswith("linux"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address: str | tuple[str, int] = "\0" + name
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        address = ("127.0.0.1", port)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            return None
        raise
    return sock


@contextlib.contextmanager
def machine_lock(
    name: str, timeout: float | None = None, *, port: int = FALLBACK_PORT
) -> Iterator[None]:
    """Hold the machine-wide lock ``name`` (off Linux: loopback ``port``) for the block;
    wait up to ``timeout`` seconds (``None``: as long as it takes) for another holder,
    else :class:`LockBusy`."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while (sock := _bind(name, port)) is None:
        if deadline is not None and time.monotonic() >= deadline:
            raise LockBusy(f"another process has held the lock {name!r} for {timeout:.0f} s")
        time.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        sock.close()


@contextlib.contextmanager
def hold_virtual_readers(timeout: float | None = None) -> Iterator[None]:
    """Exclusive use of pcscd's vpcd readers for the block, across processes; released
    when the block ends or the process dies. :class:`LockBusy` after ``timeout`` s."""
    with machine_lock(READERS_LOCK, timeout):
        yield


def main() -> None:
    """Take the readers' lock, say ``held``, hold it until the parent process ends."""
    parent = os.getppid()
    with contextlib.suppress(KeyboardInterrupt), hold_virtual_readers():
        print("held", flush=True)
        while os.getppid() == parent:  # reparented once the parent is gone
            time.sleep(_POLL_SECONDS)


if __name__ == "__main__":
    main()
