"""The real PC/SC stack with virtual cards: pcscd + vsmartcard-vpcd.

``pcscd`` (session): makes sure pcscd answers and shows vpcd's two readers.
If it does not and we are root on Linux, it starts ``pcscd --foreground`` and
stops it at the end. If pcscd cannot be had, the tests FAIL with what to do:
a missing PC/SC stack is a broken test machine, not a reason to pass. Set
``MYNACHECK_SKIP_PCSC=1`` to skip them on purpose (e.g. on a Windows laptop).

``virtual_card`` (function): a factory. ``virtual_card("valid")`` or
``virtual_card(card_object, reader_index=1)`` inserts a card into
``Virtual PCD 00 0n`` and returns the :class:`VirtualCard` once pcscd reports
the card present; every card is removed at teardown, and the fixture waits for
pcscd to see the reader empty again so the next test starts clean (pcscd polls
vpcd about every 400 ms: a card swapped faster than that is never seen out).

There is one pcscd and one pair of vpcd ports per machine: two test sessions
at once would insert cards into each other's readers. The ``pcscd`` fixture
holds the readers' lock (:mod:`mynacheck.simcard.readers_lock`: a socket bound
to a name, no file) for the whole session, so they take turns.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mynacheck.card.pcsc import list_readers, wait_for_card, wait_for_removal
from mynacheck.errors import MynacheckError
from mynacheck.simcard.readers_lock import LockBusy, hold_virtual_readers
from mynacheck.simcard.vpcd import DEFAULT_PORT, Card, VirtualCard

VPCD_READERS = ("Virtual PCD 00 00", "Virtual PCD 00 01")
_SETTLE_TIMEOUT = 5.0
_LOCK_TIMEOUT = 600.0
#: Where the set-up that started pcscd (scripts/stack.sh, or the ``pcscd`` fixture)
#: keeps its PID; test_service_restart.py restarts that pcscd and writes the new PID.
PCSCD_PIDFILE = os.environ.get(
    "MYNACHECK_PCSCD_PIDFILE", str(Path(tempfile.gettempdir()) / "mynacheck-pcscd.pid")
)


@contextlib.contextmanager
def _vpcd_lock() -> Iterator[None]:
    """Exclusive use of pcscd's virtual readers across processes, leaving no file."""
    try:
        with hold_virtual_readers(timeout=_LOCK_TIMEOUT):
            yield
    except LockBusy:
        pytest.fail(
            f"another test session has held the virtual readers' lock for "
            f"{_LOCK_TIMEOUT:.0f} s (they are shared: mynacheck.simcard.readers_lock)",
            pytrace=False,
        )


def reader_name(index: int) -> str:
    return VPCD_READERS[index]


def _vpcd_readers() -> tuple[list[str], str | None]:
    """(reader names, None) or ([], why pcscd is not usable)."""
    try:
        names = [reader.name for reader in list_readers()]
    except MynacheckError as error:
        return [], f"{error.status.value} {error.info}"
    return names, None


def wait_for_vpcd(timeout: float) -> str | None:
    deadline = time.monotonic() + timeout
    problem: str | None = "not checked"
    while time.monotonic() < deadline:
        names, problem = _vpcd_readers()
        if problem is None and all(name in names for name in VPCD_READERS):
            return None
        if problem is None:
            problem = f"pcscd runs but shows {names}, not {list(VPCD_READERS)}"
        time.sleep(0.1)
    return problem


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """pcscd reachable with vpcd's readers, started here if need be."""
    if os.environ.get("MYNACHECK_SKIP_PCSC") == "1":
        pytest.skip("MYNACHECK_SKIP_PCSC=1: PC/SC integration tests skipped on request")
    with _vpcd_lock():
        yield from _pcscd_running()


def _pcscd_running() -> Iterator[None]:
    problem = wait_for_vpcd(0.5)
    started: subprocess.Popen[bytes] | None = None
    if problem is not None:
        daemon = shutil.which("pcscd") or next(
            (p for p in ("/usr/sbin/pcscd", "/sbin/pcscd") if Path(p).exists()), None
        )
        can_start = sys.platform.startswith("linux") and os.geteuid() == 0 and daemon
        if not can_start or not Path("/etc/reader.conf.d/vpcd").exists():
            pytest.fail(
                f"PC/SC integration tests need pcscd with vsmartcard-vpcd ({problem}). "
                "Install: apt-get install pcscd vsmartcard-vpcd, then (re)start pcscd "
                "after the driver is installed; or run .ci/run. "
                "Set MYNACHECK_SKIP_PCSC=1 to skip these tests on purpose.",
                pytrace=False,
            )
        if "runs but shows" in problem:
            pytest.fail(
                f"{problem}: pcscd was started before vsmartcard-vpcd was installed; restart it.",
                pytrace=False,
            )
        assert daemon is not None
        started = subprocess.Popen(
            [daemon, "--foreground"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        problem = wait_for_vpcd(_SETTLE_TIMEOUT)
        if problem is not None:
            _stop(started)
            pytest.fail(f"started pcscd but it is not usable: {problem}", pytrace=False)
        Path(PCSCD_PIDFILE).write_text(f"{started.pid}\n")
    try:
        yield
    finally:
        if started is not None:
            _stop_recorded(started)


def _stop_recorded(process: subprocess.Popen[bytes]) -> None:
    """Stop the pcscd this fixture started, or the one a test restarted in its place."""
    try:
        pid = int(Path(PCSCD_PIDFILE).read_text().strip())
    except (OSError, ValueError):
        pid = process.pid
    if pid == process.pid:
        _stop(process)
    else:
        with contextlib.suppress(OSError):
            os.kill(pid, 15)
    with contextlib.suppress(OSError):
        Path(PCSCD_PIDFILE).unlink()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def card_for(scenario: str | Card) -> Card:
    if isinstance(scenario, str):
        from mynacheck.simcard.scenarios import make_card

        return make_card(scenario)
    return scenario


def insert_and_wait(virtual: VirtualCard, reader_index: int) -> VirtualCard:
    """Insert ``virtual`` and wait until pcscd reports the card present."""
    name = reader_name(reader_index)
    wait_for_removal(name, _SETTLE_TIMEOUT)  # a card from a previous test is really out
    virtual.insert()
    try:
        wait_for_card(name, _SETTLE_TIMEOUT)
    except MynacheckError as error:
        virtual.remove()
        pytest.fail(
            f"pcscd did not see the card inserted into {name} ({error!r}); card side: "
            f"events={virtual.events} end={virtual.end_reason}",
            pytrace=False,
        )
    except BaseException:
        virtual.remove()
        raise
    return virtual


def remove_and_wait(virtual: VirtualCard, reader_index: int) -> None:
    """Pull the card out and wait until pcscd reports the reader empty."""
    virtual.remove()
    wait_for_removal(reader_name(reader_index), _SETTLE_TIMEOUT)


InsertCard = Callable[..., VirtualCard]


@pytest.fixture(autouse=True)
def _readers_start_empty(request: pytest.FixtureRequest) -> None:
    """Every test on the virtual readers starts with both empty.

    The lock keeps other test sessions out, but not a program that ignores it (a
    benchmark, the demo, a stray ``mynacheck-sim``): its card would meet this
    test's commands and fail them in puzzling ways (a ``--wait`` that returns at
    once, a check on the wrong card). Say so instead.
    """
    if "pcscd" not in request.fixturenames:
        return
    request.getfixturevalue("pcscd")
    for name in VPCD_READERS:
        try:
            wait_for_removal(name, _SETTLE_TIMEOUT)
        except TimeoutError:
            pytest.fail(
                f"a card this test session did not insert is in {name}: another program "
                "uses the virtual readers without taking their lock (a benchmark, the "
                "demo, mynacheck-sim?)",
                pytrace=False,
            )


@pytest.fixture
def virtual_card(pcscd: None) -> Iterator[InsertCard]:
    """Factory: ``virtual_card(scenario, reader_index=0, **VirtualCard kwargs)``."""
    inserted: list[tuple[VirtualCard, int]] = []

    def insert(scenario: str | Card, reader_index: int = 0, **options: Any) -> VirtualCard:
        virtual = VirtualCard(card_for(scenario), port=DEFAULT_PORT + reader_index, **options)
        insert_and_wait(virtual, reader_index)
        inserted.append((virtual, reader_index))
        return virtual

    yield insert
    for virtual, reader_index in inserted:
        remove_and_wait(virtual, reader_index)
