"""CounterLoop.run() stops promptly: Ctrl-C on the main thread, ``stop`` from another,
while it waits for a card and while it waits for the card to leave (real pcscd)."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

import pytest

import mynacheck

from .conftest import InsertCard

#: Prompt, for a person at a counter (the PC/SC waits come in 500 ms slices).
PROMPT_S = 1.0


def _run_until(kind: str, stop_it: Any) -> float:
    """Run a loop on this thread; when ``kind`` is seen, call ``stop_it``; return the
    seconds from then until run() ended."""
    seen = threading.Event()
    stopped_at: list[float] = []

    def on_event(event: mynacheck.CounterEvent) -> None:
        if event.kind == kind and not seen.is_set():
            seen.set()

            def later() -> None:
                time.sleep(0.3)  # well inside the wait
                stopped_at.append(time.monotonic())
                stop_it()

            threading.Thread(target=later, daemon=True).start()

    stop = threading.Event()
    loop = mynacheck.CounterLoop(poll_seconds=0.9)
    timer = threading.Timer(30, stop.set)  # a loop that never sees `kind` ends anyway
    timer.start()
    try:
        loop.run(on_event, stop)
    except KeyboardInterrupt:
        pass
    finally:
        timer.cancel()
    assert seen.is_set() and stopped_at, f"no {kind} event"
    return time.monotonic() - stopped_at[0]


def _interrupt_main() -> None:
    os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.parametrize("kind", ["waiting", "remove_card"])
def test_ctrl_c_on_the_main_thread_ends_run_at_once(virtual_card: InsertCard, kind: str) -> None:
    assert threading.current_thread() is threading.main_thread()
    if kind == "remove_card":
        virtual_card("valid")
    assert _run_until(kind, _interrupt_main) < PROMPT_S


@pytest.mark.parametrize("kind", ["waiting", "remove_card"])
def test_stop_from_another_thread_ends_run_at_once(virtual_card: InsertCard, kind: str) -> None:
    if kind == "remove_card":
        virtual_card("valid")
    stop = threading.Event()
    seen = threading.Event()

    def on_event(event: mynacheck.CounterEvent) -> None:
        if event.kind == kind:
            seen.set()

    worker = threading.Thread(
        target=mynacheck.CounterLoop(poll_seconds=0.9).run, args=(on_event, stop)
    )
    worker.start()
    try:
        assert seen.wait(30), f"no {kind} event"
        time.sleep(0.3)
        started = time.monotonic()
        stop.set()
        worker.join(5)
        assert not worker.is_alive() and time.monotonic() - started < PROMPT_S
    finally:
        stop.set()
        worker.join(5)
