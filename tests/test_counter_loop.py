"""CounterLoop on a fake PC/SC layer: the service stops (Windows stops it with the last
reader) and comes back; a reader not there at start is waited for."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import mynacheck
from mynacheck.card import pcsc
from mynacheck.errors import NoCardError, NoReaderError, PcscUnavailableError
from mynacheck.simcard.connection import SimulatedConnection
from mynacheck.simcard.scenarios import make_card


class FakePcsc:
    """wait_for_card answers from a script: an error to raise, or a card to hand over."""

    def __init__(self, script: list[Any]) -> None:
        self.script = script
        self.calls = 0
        self.opened = 0

    def wait_for_card(self, selector: Any, timeout: float, *, cancel: Any = None) -> Any:
        self.calls += 1
        step = self.script.pop(0) if self.script else NoCardError()
        if isinstance(step, BaseException):
            time.sleep(0.01)
            raise step
        return pcsc.ReaderInfo(0, "Fake Reader 0", True, b"\x3b\x00")

    def open(self, reader: Any, *, exclusive: bool) -> SimulatedConnection:
        self.opened += 1
        return SimulatedConnection(make_card("valid"), "valid")

    def wait_for_removal(self, reader: str, timeout: Any = None, *, cancel: Any = None) -> None:
        return None


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakePcsc:
    layer = FakePcsc([])
    monkeypatch.setattr(pcsc, "wait_for_card", layer.wait_for_card)
    monkeypatch.setattr(
        pcsc.PcscConnection, "open", classmethod(lambda cls, r, **k: layer.open(r, **k))
    )
    monkeypatch.setattr(pcsc, "wait_for_removal", layer.wait_for_removal)
    return layer


def run_until(loop: mynacheck.CounterLoop, results: int, timeout: float = 10) -> list[Any]:
    events: list[Any] = []
    stop = threading.Event()

    def on_event(event: Any) -> None:
        events.append(event)
        if sum(e.kind == "result" for e in events) >= results:
            stop.set()

    worker = threading.Thread(target=loop.run, args=(on_event, stop))
    worker.start()
    worker.join(timeout)
    stop.set()
    worker.join(2)
    assert not worker.is_alive(), "run() did not return within 1 s of stop"
    return events


def test_the_loop_carries_on_when_the_service_stops_and_comes_back(fake: FakePcsc) -> None:
    fake.script = [
        NoCardError(),
        PcscUnavailableError(),  # SCARD_E_SERVICE_STOPPED: the context died with the service
        PcscUnavailableError(),
        NoReaderError(),  # the service is back, the reader not yet
        "card",
        PcscUnavailableError(),
        "card",
    ]
    events = run_until(mynacheck.CounterLoop(poll_seconds=0.05), results=2)
    kinds = [e.kind for e in events]
    results = [e.report.status for e in events if e.kind == "result"]
    assert results == [mynacheck.Status.VALID, mynacheck.Status.VALID]
    problems = [e.problem for e in events if e.kind == "reader_problem"]
    assert problems == ["pcsc_unavailable", "no_reader", "pcsc_unavailable"]  # said once each
    assert kinds.index("reader_problem") < kinds.index("result")
    assert fake.opened == 2


def test_stop_ends_run_within_a_second_while_waiting(fake: FakePcsc) -> None:
    fake.script = []
    stop = threading.Event()
    waiting = threading.Event()
    loop = mynacheck.CounterLoop(poll_seconds=0.9)

    def on_event(event: mynacheck.CounterEvent) -> None:
        if event.kind == "waiting":
            waiting.set()

    worker = threading.Thread(target=loop.run, args=(on_event, stop))
    worker.start()
    assert waiting.wait(5), "the loop never said it was waiting"
    while fake.calls < 2:  # inside a wait for a card, not between two
        assert worker.is_alive()
        waiting.wait(0.01)
    started = time.monotonic()
    stop.set()
    worker.join(2)
    assert not worker.is_alive() and time.monotonic() - started < 1.0


def test_a_reader_absent_at_start_is_waited_for(fake: FakePcsc) -> None:
    fake.script = [NoReaderError(), "card"]
    events = run_until(mynacheck.CounterLoop("PaSoRi", poll_seconds=0.05), results=1)
    assert [e.report.status for e in events if e.kind == "result"] == [mynacheck.Status.VALID]
