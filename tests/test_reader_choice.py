"""One rule names a reader (``--reader``, ``open_card(reader)``, the window's picker):
a 0-based index, else part of the name, case-insensitive, an exact name winning over
names that merely hold it (card/pcsc/readers.py:matching_readers). The window gets
the loop's choice from its ``readers`` event instead of matching again."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from smartcard import scard as real_scard

import mynacheck
from mynacheck.card import pcsc
from mynacheck.card.pcsc.readers import matching_readers

S = real_scard
#: The second holds the first's name: "reader a" names the second exactly.
NAMES = ["Reader A 2", "Reader A", "Other 9"]


class EmptyReaders(SimpleNamespace):
    """A PC/SC layer with ``names`` plugged in and no card in any of them."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(**{n: getattr(S, n) for n in dir(S) if n.isupper() or n == "error"})
        self.names = names

    def SCardEstablishContext(self, scope: int) -> tuple[int, str]:
        return S.SCARD_S_SUCCESS, "context"

    def SCardReleaseContext(self, context: str) -> int:
        return int(S.SCARD_S_SUCCESS)

    def SCardListReaders(self, context: str, groups: list[str]) -> tuple[int, list[str]]:
        return S.SCARD_S_SUCCESS, list(self.names)

    def SCardGetStatusChange(self, context: str, timeout: int, states: list[Any]) -> Any:
        if timeout == 0:
            return S.SCARD_S_SUCCESS, [(name, S.SCARD_STATE_EMPTY, []) for name, _ in states]
        time.sleep(min(timeout, 20) / 1000)  # nothing changes
        return S.SCARD_E_TIMEOUT, [(name, known, []) for name, known in states]


@pytest.fixture
def readers() -> Iterator[None]:
    with pcsc.use_scard_layer(EmptyReaders(NAMES)):
        yield


def _named(selector: str | None) -> list[str]:
    infos = [pcsc.ReaderInfo(i, name, False, None) for i, name in enumerate(NAMES)]
    return [r.name for r in matching_readers(selector, infos)]


def test_the_rule() -> None:
    assert _named(None) == NAMES
    assert _named("1") == ["Reader A"]
    assert _named(" reader a ") == ["Reader A"]  # exact, though "Reader A 2" holds it
    assert _named("READER") == ["Reader A 2", "Reader A"]
    assert _named("nothing") == []


def _readers_event(selector: str | int | None) -> mynacheck.CounterEvent:
    loop = mynacheck.CounterLoop(selector, watch_readers=True, poll_seconds=0.05)
    seen: list[mynacheck.CounterEvent] = []
    stop = threading.Event()

    def on_event(event: mynacheck.CounterEvent) -> None:
        if event.kind == "readers":
            seen.append(event)
            stop.set()

    worker = threading.Thread(target=loop.run, args=(on_event, stop))
    worker.start()
    assert stop.wait(10), "no readers event"
    worker.join(5)
    assert not worker.is_alive()
    return seen[0]


@pytest.mark.usefixtures("readers")
@pytest.mark.parametrize(
    ("selector", "chosen"),
    [("reader a", "Reader A"), (1, "Reader A"), ("Reader", "Reader A 2"), (None, None)],
)
def test_the_loops_readers_event_names_the_one_the_selector_names(
    selector: str | int | None, chosen: str | None
) -> None:
    event = _readers_event(selector)
    assert event.info == {"readers": NAMES, "chosen": chosen}


@pytest.mark.usefixtures("readers")
def test_a_selector_naming_none_is_refused_at_start() -> None:
    loop = mynacheck.CounterLoop("nothing", watch_readers=True, poll_seconds=0.05)
    with pytest.raises(mynacheck.InputError) as refused:
        loop.run(lambda event: None, threading.Event())
    assert refused.value.key == "no_such_reader"
