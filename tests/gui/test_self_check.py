"""The self-check window on the simulated card, driven by key presses and clicks.

The window is only ever told things through its widgets and a card going in or
out; what reached the card is read from the simulated card's own log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget

import mynacheck
from mynacheck.gui import SelfCheckWindow
from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import LABELS, NEXT_STEPS, WATCH

from .conftest import AT, Cards, find, pin_queries, status, until, verifies_with_pin

Make = Callable[..., SelfCheckWindow]


@pytest.fixture
def window(qtbot: Any, reader: mynacheck.SimulatedReader) -> Make:
    def make(**options: Any) -> SelfCheckWindow:
        options.setdefault("lang", "ja")
        made = SelfCheckWindow(simulate=reader, at=AT, **options)
        qtbot.addWidget(made)
        made.show()
        qtbot.waitExposed(made)
        return made

    return make


def clear(qtbot: Any, field: Any) -> None:
    """Select all and delete, with the keyboard."""
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.count() == 0


def type_wide(widget: Any, typed: str) -> None:
    """Key presses carrying characters QTest.keyClicks cannot name (full-width digits)."""
    for ch in typed:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def ask_pin(qtbot: Any, window: SelfCheckWindow, reader: Any, scenario: str = "valid") -> Any:
    reader.insert(scenario)
    field = find(window, "pinField")
    until(qtbot, field.isVisible)
    return field


def test_valid_card_asks_the_pin_after_showing_tries_then_proves_the_key(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    seen: list[str] = []
    w.statusChanged.connect(seen.append)
    assert status(w) == ""
    assert find(w, "verdict").text() == GUI["state.waiting"][0]
    field = ask_pin(qtbot, w, reader)
    assert status(w) == ""  # asking is not a verdict
    assert find(w, "triesLeft").isVisible()
    assert "3" in find(w, "triesLeft").text()
    assert not find(w, "pinSubmit").isEnabled()
    qtbot.keyClicks(field, mynacheck.SimulatedReader.DEMO_PIN)
    assert find(w, "pinSubmit").isEnabled()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    until(qtbot, lambda: status(w) == "valid")
    assert seen == ["valid"]
    assert field.count() == 0
    assert find(w, "verdict").text() == WATCH["word.valid"][0]
    assert LABELS["key.ok"][0] in find(w, "details").text()
    assert verifies_with_pin(cards.last) == [b"1234"]
    assert not cards.last.powered  # released before the verdict was shown


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [("missing_not_found", "missing"), ("expired", "expired"), ("untrusted_root", "untrusted")],
)
def test_a_certificate_that_is_not_valid_gets_its_verdict_at_once_and_no_pin_is_asked(
    qtbot: Any, window: Make, reader: Any, cards: Cards, scenario: str, expected: str
) -> None:
    w = window()
    reader.insert(scenario)
    until(qtbot, lambda: status(w) == expected)
    assert find(w, "verdict").text() == WATCH[f"word.{expected}"][0]
    assert not find(w, "pinField").isVisible()
    assert NEXT_STEPS[expected][0] in find(w, "details").text() or expected == "untrusted"
    assert pin_queries(cards.last) == 0


def test_expired_shows_the_date_and_days_ago(qtbot: Any, window: Make, reader: Any) -> None:
    w = window(lang="en")
    reader.insert("expired")
    until(qtbot, lambda: status(w) == "expired")
    details = find(w, "details").text()
    assert "2024-09-30" in details and "days ago" in details
    assert find(w, "verdict").text() == "EXPIRED"


def test_wrong_pin_shows_tries_left_and_only_check_again_asks_again(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    field = ask_pin(qtbot, w, reader)
    qtbot.keyClicks(field, "9999")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    until(qtbot, lambda: status(w) == "pin_incorrect")
    assert "2" in find(w, "verdictSentence").text()
    assert LABELS["pin.tries"][0].format(tries=2) in find(w, "details").text()
    qtbot.wait(800)
    assert not field.isVisible()  # never an automatic re-prompt
    assert len(verifies_with_pin(cards.last)) == 1
    qtbot.mouseClick(find(w, "checkAnother"), Qt.MouseButton.LeftButton)
    until(qtbot, field.isVisible)
    assert "2" in find(w, "triesLeft").text()
    qtbot.keyClicks(field, "1234")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    until(qtbot, lambda: status(w) == "valid")
    assert verifies_with_pin(cards.last) == [b"9999", b"1234"]


def test_a_malformed_pin_never_reaches_the_card(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    field = ask_pin(qtbot, w, reader)
    submit = find(w, "pinSubmit")
    for typed in ("12a4", "123", "12345", " 12 4", "abcd"):
        qtbot.keyClicks(field, typed)
        assert not submit.isEnabled(), typed
        qtbot.keyClick(field, Qt.Key.Key_Return)
        qtbot.mouseClick(submit, Qt.MouseButton.LeftButton)
        qtbot.wait(50)
        assert field.isVisible() and status(w) == "", typed
        clear(qtbot, field)
    qtbot.keyClicks(field, "123456789")
    assert field.count() == 8  # any text up to 8 characters
    clear(qtbot, field)
    assert verifies_with_pin(cards.last) == []
    type_wide(field, "１２３４")  # full-width digits, as a Japanese IME types them
    assert submit.isEnabled()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    until(qtbot, lambda: status(w) == "valid")
    assert verifies_with_pin(cards.last) == [b"1234"]


def last_try_question(qtbot: Any, w: QWidget) -> QMessageBox:
    """The last-try confirmation, once it is open."""
    until(qtbot, lambda: w.findChild(QMessageBox, "lastTryConfirm") is not None)
    box = w.findChild(QMessageBox, "lastTryConfirm")
    until(qtbot, box.isVisible)
    return box


def test_last_try_is_declined_by_default(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    reader.insert("pin_last_try")
    box = last_try_question(qtbot, w)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert box.isModal() and box.parent() is w
    assert "1" in find(w, "triesLeft").text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    until(qtbot, lambda: status(w) == "pin_last_try")
    assert verifies_with_pin(cards.last) == []
    assert not find(w, "pinField").isVisible()


def test_last_try_spent_only_on_yes(qtbot: Any, window: Make, reader: Any, cards: Cards) -> None:
    w = window()
    reader.insert("pin_last_try")
    box = last_try_question(qtbot, w)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    field = find(w, "pinField")
    until(qtbot, field.isVisible)
    qtbot.keyClicks(field, "1234")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    until(qtbot, lambda: status(w) == "valid")
    assert verifies_with_pin(cards.last) == [b"1234"]


def test_blocked_pin_shows_no_field_and_what_to_do(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    reader.insert("pin_blocked")
    until(qtbot, lambda: status(w) == "pin_blocked")
    assert not find(w, "pinField").isVisible()
    assert NEXT_STEPS["pin_blocked"][0] in find(w, "details").text()
    assert verifies_with_pin(cards.last) == []


def test_pulling_the_card_clears_the_screen(qtbot: Any, window: Make, reader: Any) -> None:
    w = window()
    reader.insert("expired")
    until(qtbot, lambda: status(w) == "expired")
    assert "2024-09-30" in find(w, "details").text()
    reader.remove()
    until(qtbot, lambda: find(w, "verdict").text() == GUI["state.waiting"][0])
    assert status(w) == ""
    assert find(w, "details").text() == ""
    assert find(w, "instructions").text() == GUI["do.removed"][0]
    assert "2024-09-30" not in find(w, "details").accessibleName()
    assert not find(w, "checkAnother").isEnabled()


def test_pulling_the_card_at_the_pin_prompt_ends_the_question(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    field = ask_pin(qtbot, w, reader)
    qtbot.keyClicks(field, "12")
    card = cards.last
    reader.remove()
    until(qtbot, lambda: not field.isVisible())
    until(qtbot, lambda: find(w, "verdict").text() == GUI["state.waiting"][0])
    assert field.count() == 0 and status(w) == ""
    assert verifies_with_pin(card) == [] and not card.powered


def test_cancel_releases_the_card_and_sends_nothing(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    field = ask_pin(qtbot, w, reader)
    qtbot.keyClicks(field, "12")
    qtbot.mouseClick(find(w, "cancel"), Qt.MouseButton.LeftButton)
    until(qtbot, lambda: find(w, "verdict").text() == GUI["state.cancelled"][0])
    assert status(w) == "" and not field.isVisible() and field.count() == 0
    until(qtbot, lambda: not cards.last.powered)
    assert verifies_with_pin(cards.last) == []
    assert find(w, "checkAnother").isEnabled() and not find(w, "cancel").isEnabled()
    qtbot.mouseClick(find(w, "checkAnother"), Qt.MouseButton.LeftButton)
    until(qtbot, field.isVisible)  # a new check of the same card


def test_an_untouched_pin_field_gives_up_and_releases_the_card(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window(pin_timeout_s=0.6)
    field = ask_pin(qtbot, w, reader)
    until(qtbot, lambda: find(w, "verdict").text() == GUI["state.timeout"][0])
    assert not field.isVisible() and status(w) == ""
    assert "0.6" in find(w, "instructions").text()
    until(qtbot, lambda: not cards.last.powered)
    assert verifies_with_pin(cards.last) == []


def test_typing_keeps_the_pin_field_open(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window(pin_timeout_s=2.0)
    field = ask_pin(qtbot, w, reader)
    for _ in range(6):  # 3 s in all, never more than about 0.5 s without a key
        qtbot.wait(500)
        qtbot.keyClick(field, Qt.Key.Key_1)
        clear(qtbot, field)
    assert field.isVisible() and find(w, "verdict").text() == GUI["state.pin"][0]
    assert cards.last.powered


def test_closing_at_the_pin_prompt_unpowers_the_card(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    ask_pin(qtbot, w, reader)
    assert cards.last.powered
    w.close()
    assert not cards.last.powered
    assert verifies_with_pin(cards.last) == []


def test_closing_mid_read_unpowers_the_card(
    qtbot: Any, window: Make, reader: Any, cards: Cards
) -> None:
    w = window()
    reader.insert("big_certificate")  # six reads
    card = cards.last
    # The worker has begun talking to it (the card loop starts once the window is
    # painted, on the event loop's next turn: events are processed while waiting).
    until(qtbot, lambda: card.log)
    w.close()  # wherever the worker was, it has let go of the card when close() returns
    assert not card.powered
    assert verifies_with_pin(cards.last) == []


def test_the_reader_picker_is_there_but_hidden_with_one_reader(window: Make) -> None:
    w = window()
    picker = find(w, "readerPicker")
    assert not picker.isVisible()
    # A simulated reader is said as such, in the window's words (not "simulated: valid").
    assert GUI["reader.simulated"][0] in find(w, "readerLabel").text()


def test_the_reader_picker_shows_the_loops_choice(qtbot: Any) -> None:
    """--reader "reader a" with "Reader A 2" and "Reader A" plugged in: the picker shows
    the reader the check waits on (the exact name), as the loop chose it."""
    from mynacheck.card import pcsc
    from tests.test_reader_choice import NAMES, EmptyReaders

    with pcsc.use_scard_layer(EmptyReaders(NAMES)):
        w = SelfCheckWindow(reader="reader a", lang="en")
        qtbot.addWidget(w)
        w.show()
        picker = find(w, "readerPicker")
        until(qtbot, lambda: picker.count() == len(NAMES) + 1)
        assert picker.currentText() == "Reader A" and picker.isVisible()
        w.close()  # the worker has stopped when close() returns
