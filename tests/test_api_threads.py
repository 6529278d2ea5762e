"""The public API used from worker threads, as the window uses it."""

from __future__ import annotations

import threading
from pathlib import Path

import mynacheck


def test_a_tally_opened_on_one_thread_takes_rows_from_a_counter_loop_on_another(
    tmp_path: Path,
) -> None:
    tally = mynacheck.open_tally(tmp_path / "t.db")
    problems: list[mynacheck.CounterEvent] = []

    def on_event(event: mynacheck.CounterEvent) -> None:
        if event.kind == "tally_problem":
            problems.append(event)

    loop = mynacheck.CounterLoop(simulate=["valid", "expired"], tally=tally)
    thread = threading.Thread(target=loop.run, args=(on_event, threading.Event()))
    thread.start()
    thread.join(30)
    tally.close()
    assert problems == []
    summary = mynacheck.summarize_tallies([tmp_path / "t.db"])
    assert summary.checks_by_status == {"valid": 1, "expired": 1}


def test_wait_for_removal_ends_on_its_own_cancel_event() -> None:
    reader = mynacheck.SimulatedReader()
    reader.insert("valid")
    with mynacheck.open_card(simulate=reader, wait=0) as card:
        pass
    stop = threading.Event()
    outcome: list[str] = []

    def wait() -> None:
        try:
            mynacheck.wait_for_removal(card, cancel=stop)
            outcome.append("removed")
        except mynacheck.Cancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=wait)
    thread.start()
    stop.set()
    thread.join(5)
    assert outcome == ["cancelled"]
    reader.remove()


def test_wait_for_removal_returns_when_the_simulated_card_leaves() -> None:
    reader = mynacheck.SimulatedReader()
    reader.insert("expired")
    with mynacheck.open_card(simulate=reader, wait=0) as card:
        pass
    timer = threading.Timer(0.2, reader.remove)
    timer.start()
    mynacheck.wait_for_removal(card, cancel=threading.Event())
    assert not reader.card_present
    timer.join(5)
    assert not timer.is_alive()


def test_wait_for_removal_of_a_scenario_card_returns_at_once() -> None:
    with mynacheck.open_card(simulate="valid") as card:
        pass
    mynacheck.wait_for_removal(card, cancel=threading.Event())


def test_a_cancelled_wait_never_takes_the_card_that_comes_meanwhile() -> None:
    """As PC/SC's wait: once ``cancel`` is set, a card inserted during the wait is left
    for the next taker (a stopped counter session must not read the next session's
    card: the window's next session would find it busy)."""
    reader = mynacheck.SimulatedReader()
    cancel = threading.Event()
    outcome: list[str] = []
    waiting = threading.Event()

    def wait() -> None:
        waiting.set()
        try:
            with mynacheck.open_card(simulate=reader, wait=30, cancel=cancel):
                outcome.append("took the card")
        except mynacheck.Cancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=wait)
    thread.start()
    assert waiting.wait(5)
    cancel.set()
    reader.insert("valid")  # at once: the waiter wakes to a card and a set cancel
    thread.join(5)
    assert not thread.is_alive()
    assert outcome == ["cancelled"]
    with mynacheck.open_card(simulate=reader, wait=0) as card:  # the card is free
        assert card.simulated
