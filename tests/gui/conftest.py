"""The window's tests: real Qt widgets on the offscreen platform, driven by key
presses and clicks, with simulated cards (``mynacheck.SimulatedReader``). The
window through the real pcscd is tests/integration/test_gui_pcsc.py (the pcscd
fixture, and its lock on the virtual readers, exist once per session there)."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before pytest-qt makes the QApplication

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWidget

import mynacheck
from mynacheck.simcard import cards_made
from mynacheck.simcard.card import SimulatedCard

from ..integration.conftest import pcscd, virtual_card  # noqa: F401

#: Every check is evaluated as of this moment (JST), never the clock.
AT = datetime(2026, 11, 27, 12, 0, tzinfo=timezone(timedelta(hours=9)))
#: Long enough for a loaded CI machine; every wait ends as soon as its condition holds.
TIMEOUT_MS = 15_000


class Cards:
    """Simulated cards as they are made for a SimulatedReader, to read their own logs."""

    def __init__(self) -> None:
        self.made: list[SimulatedCard] = []

    @property
    def last(self) -> SimulatedCard:
        return self.made[-1]


@pytest.fixture
def cards() -> Iterator[Cards]:
    made = Cards()
    with cards_made() as made.made:
        yield made


@pytest.fixture
def reader(cards: Cards) -> Iterator[mynacheck.SimulatedReader]:
    simulated = mynacheck.SimulatedReader()
    yield simulated
    simulated.remove()


def verifies_with_pin(card: SimulatedCard) -> list[bytes]:
    """The PIN bytes of every VERIFY that carried a PIN (not the tries queries)."""
    return [apdu[5 : 5 + apdu[4]] for apdu, _ in card.log if apdu[1] == 0x20 and len(apdu) > 5]


def pin_queries(card: SimulatedCard) -> int:
    return sum(1 for apdu, _ in card.log if apdu[1] == 0x20)


def find(window: QWidget, name: str) -> Any:
    widget = window.findChild(QWidget, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def status(window: QWidget) -> str:
    return str(window.property("mynacheckStatus"))


def until(qtbot: Any, condition: Callable[[], object], timeout: int = TIMEOUT_MS) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)


def activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT_MS)
