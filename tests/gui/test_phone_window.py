"""The window for whatever is held to the reader: a phone, a 住基カード, an unknown
card. Each gets its verdict at once, in words, and no PIN is ever asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mynacheck
from mynacheck.gui import CounterWindow, SelfCheckWindow
from mynacheck.present.gui_messages import NEXT_STEPS_GUI
from mynacheck.present.messages import WATCH

from .conftest import AT, Cards, find, pin_queries, status, until
from .test_counter import counter  # noqa: F401  (the counter window, on a tally)


@pytest.mark.parametrize(
    ("scenario", "expected", "lang"),
    [
        ("smartphone_android", "smartphone", "ja"),
        ("smartphone_iphone", "smartphone", "en"),
        ("unknown_label", "unknown_card", "ja"),
        ("token_unreadable", "unknown_card", "en"),
        ("jukicard", "not_mynumber_card", "ja"),
    ],
)
def test_self_check_says_what_it_is_and_asks_no_pin(
    qtbot: Any, reader: Any, cards: Cards, scenario: str, expected: str, lang: str
) -> None:
    window = SelfCheckWindow(simulate=reader, at=AT, lang=lang)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    reader.insert(scenario)
    until(qtbot, lambda: status(window) == expected)
    index = 0 if lang == "ja" else 1
    assert find(window, "verdict").text() == WATCH[f"word.{expected}"][index]
    assert not find(window, "pinField").isVisible()
    shown = find(window, "details").text()
    if expected in NEXT_STEPS_GUI:
        assert NEXT_STEPS_GUI[expected][index] in shown
    if scenario == "jukicard":
        assert "住基カード" in shown
    assert pin_queries(cards.last) == 0
    window.close()


def test_counter_shows_a_phone_large_and_tallies_it_apart(
    qtbot: Any,
    counter: CounterWindow,  # noqa: F811
    reader: Any,
    cards: Cards,
    tmp_path: Path,
) -> None:
    for scenario, expected in (
        ("smartphone_android", "smartphone"),
        ("unknown_label", "unknown_card"),
    ):
        reader.insert(scenario)
        until(qtbot, lambda e=expected: status(counter) == e)
        assert find(counter, "verdict").text() == WATCH[f"word.{expected}"][0]
        assert not any(apdu[1] == 0x20 for apdu, _ in cards.last.log)  # never a PIN
        reader.remove()
        until(qtbot, lambda: status(counter) == "")
    logged = mynacheck.summarize_tallies([tmp_path / "tally.db"])
    assert logged.checks_by_status == {"smartphone": 1, "unknown_card": 1}
    assert logged.cards == 0
