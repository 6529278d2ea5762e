"""CounterLoop through the public API alone: a SimulatedReader whose waits fail as
PC/SC's do (the service stops — Windows stops it with the last reader — and comes
back; the reader is unplugged), cards put in and taken out as the loop's events
say, and stop honoured at once. No sleeps: each step waits for the loop's event."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import mynacheck

Step = Callable[[mynacheck.CounterEvent], bool]


def run_with(
    loop: mynacheck.CounterLoop, step: Step, timeout: float = 20
) -> list[mynacheck.CounterEvent]:
    """Run ``loop`` on a thread; ``step`` sees each event and returns True to stop."""
    events: list[mynacheck.CounterEvent] = []
    stop = threading.Event()
    finished = threading.Event()  # the script's last step, not anything this helper does

    def on_event(event: mynacheck.CounterEvent) -> None:
        events.append(event)
        if step(event):
            finished.set()
            stop.set()

    worker = threading.Thread(target=loop.run, args=(on_event, stop))
    worker.start()
    finished.wait(timeout)
    stop.set()
    worker.join(2)
    assert not worker.is_alive(), "run() did not return within 2 s of stop"
    assert finished.is_set(), f"the script did not finish: {[e.kind for e in events]}"
    return events


def test_the_loop_carries_on_when_the_service_stops_and_comes_back() -> None:
    reader = mynacheck.SimulatedReader()
    problems: list[str | None] = []
    results = 0

    def step(event: mynacheck.CounterEvent) -> bool:
        nonlocal results
        if event.kind == "waiting" and not problems and not results:
            reader.fail("pcsc_unavailable")  # the service stopped
        elif event.kind == "reader_problem":
            problems.append(event.problem)
            if len(problems) == 1:
                reader.fail("no_reader")  # the service is back, the reader not yet
            else:
                reader.fail(None)
                reader.insert("valid")
        elif event.kind == "result":
            results += 1
            return results == 2
        elif event.kind == "remove_card":
            reader.remove()
            reader.fail("pcsc_unavailable")
        return False

    events = run_with(mynacheck.CounterLoop(simulate=reader, poll_seconds=0.05), step)
    statuses = [e.report.status for e in events if e.kind == "result" and e.report]
    assert statuses == [mynacheck.Status.VALID, mynacheck.Status.VALID]
    assert problems == ["pcsc_unavailable", "no_reader", "pcsc_unavailable"]  # once each
    kinds = [e.kind for e in events]
    assert kinds.index("reader_problem") < kinds.index("result")
    assert "removed" in kinds  # the card left before the second outage


def test_stop_ends_run_within_a_second_while_waiting() -> None:
    reader = mynacheck.SimulatedReader()
    stop = threading.Event()
    waiting = threading.Event()

    def on_event(event: mynacheck.CounterEvent) -> None:
        if event.kind == "waiting":
            waiting.set()

    loop = mynacheck.CounterLoop(simulate=reader, poll_seconds=0.9)
    worker = threading.Thread(target=loop.run, args=(on_event, stop))
    worker.start()
    assert waiting.wait(5), "the loop never said it was waiting"
    started = time.monotonic()
    stop.set()
    worker.join(2)
    assert not worker.is_alive() and time.monotonic() - started < 1.0


def test_check_again_reads_the_card_in_the_reader_once_more() -> None:
    reader = mynacheck.SimulatedReader()
    reader.insert("expired")
    loop = mynacheck.CounterLoop(simulate=reader, poll_seconds=0.05)
    results = 0

    def step(event: mynacheck.CounterEvent) -> bool:
        nonlocal results
        if event.kind == "result":
            results += 1
        if event.kind == "remove_card" and results == 1:
            loop.check_again()  # not removed: the same card again
        return results == 2

    events = run_with(loop, step)
    kinds = [e.kind for e in events]
    assert kinds.count("reading") == 2 and "removed" not in kinds


def test_a_reader_unplugged_at_start_is_waited_for() -> None:
    reader = mynacheck.SimulatedReader()
    reader.fail("no_reader")

    def step(event: mynacheck.CounterEvent) -> bool:
        if event.kind == "reader_problem":
            reader.fail(None)
            reader.insert("valid")
        return event.kind == "result"

    events = run_with(mynacheck.CounterLoop(simulate=reader, poll_seconds=0.05), step)
    assert [e.problem for e in events if e.kind == "reader_problem"] == ["no_reader"]
    assert [e.report.status for e in events if e.report] == [mynacheck.Status.VALID]
