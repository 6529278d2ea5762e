"""Names, descriptions, tab order, announcements and the language switch."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QWidget

import mynacheck
from mynacheck.gui import CounterWindow, SelfCheckWindow
from mynacheck.present.gui_messages import GUI

from .conftest import AT, activate, find, status, until

SELF_CHECK_NAMES = (
    "verdict",
    "details",
    "instructions",
    "triesLeft",
    "pinField",
    "pinSubmit",
    "checkAnother",
    "cancel",
    "readerPicker",
    "langPicker",
)
COUNTER_NAMES = ("verdict", "sessionCount", "counterToggle", "langPicker")


@pytest.fixture
def self_check(qtbot: Any, reader: mynacheck.SimulatedReader) -> SelfCheckWindow:
    window = SelfCheckWindow(lang="ja", simulate=reader, at=AT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def names(window: QWidget, objects: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    found = {}
    for name in objects:
        widget = find(window, name)
        found[name] = (widget.accessibleName(), widget.accessibleDescription())
    return found


def test_every_control_is_named_and_described_in_the_current_language(
    qtbot: Any, self_check: SelfCheckWindow
) -> None:
    japanese = names(self_check, SELF_CHECK_NAMES)
    for name, (spoken, description) in japanese.items():
        assert spoken and description, name
        assert any(ord(ch) > 0x3000 for ch in spoken + description), (name, spoken)
    for widget in self_check.findChildren(QWidget):  # every control, named or not
        if isinstance(widget, (QAbstractButton, QLineEdit, QComboBox)):
            assert widget.accessibleName() and widget.accessibleDescription(), widget
    picker = find(self_check, "langPicker")
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    until(qtbot, lambda: self_check.lang == "en")
    english = names(self_check, SELF_CHECK_NAMES)
    for name, (spoken, description) in english.items():
        assert spoken and description, name
        assert spoken.isascii() and description.isascii(), (name, spoken, description)
        assert (spoken, description) != japanese[name], name
    assert self_check.windowTitle() == GUI["title.self_check"][1]


def test_a_new_verdict_is_focused_and_waiting_is_announced_politely(
    qtbot: Any, self_check: SelfCheckWindow, reader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[tuple[str, str, Any]] = []

    def record(event: Any) -> None:
        if event.type() == QAccessible.Event.Announcement:
            said.append((event.object().objectName(), event.message(), event.politeness()))

    monkeypatch.setattr(QAccessible, "isActive", lambda: True)
    monkeypatch.setattr(QAccessible, "updateAccessibility", record)
    activate(qtbot, self_check)
    reader.insert("expired")
    until(qtbot, lambda: status(self_check) == "expired")
    verdict = find(self_check, "verdict")
    until(qtbot, verdict.hasFocus)  # said as the focused label: no announcement too
    assert "期限切れ" in verdict.accessibleName()
    assert not [s for s in said if "期限切れ" in s[1]]
    qtbot.keyClick(verdict, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is find(self_check, "checkAnother")
    said.clear()
    reader.remove()
    until(qtbot, lambda: status(self_check) == "" and said)
    name, message, politeness = said[-1]
    assert name == "verdict" and politeness == QAccessible.AnnouncementPoliteness.Polite
    assert message.startswith(GUI["state.waiting"][0]) and "期限切れ" not in message
    assert len(said) == 1  # once


def _tab_chain(qtbot: Any, window: QWidget, first: QWidget) -> list[QWidget]:
    activate(qtbot, window)
    first.setFocus(Qt.FocusReason.TabFocusReason)
    until(qtbot, first.hasFocus)
    chain = [first]
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is first:
            return chain
        chain.append(widget)
    raise AssertionError(f"Tab never came back: {[w.objectName() for w in chain]}")


def _screen_order(window: QWidget, widgets: list[QWidget]) -> list[QWidget]:
    """Top to bottom; left to right within a row (centres within 12 px are one row)."""

    def place(widget: QWidget) -> tuple[int, int]:
        corner = widget.mapTo(window, widget.rect().center())
        return corner.y() // 12, corner.x()

    return sorted(widgets, key=place)


def test_tab_order_follows_the_screen_while_the_pin_is_asked(
    qtbot: Any, self_check: SelfCheckWindow, reader: Any
) -> None:
    reader.insert("valid")
    field = find(self_check, "pinField")
    until(qtbot, field.isVisible)
    chain = _tab_chain(qtbot, self_check, find(self_check, "langPicker"))
    assert [w.objectName() for w in chain] == ["langPicker", "verdict", "pinField", "cancel"]
    assert chain == _screen_order(self_check, chain)
    qtbot.keyClicks(field, "1234")
    chain = _tab_chain(qtbot, self_check, find(self_check, "langPicker"))
    assert [w.objectName() for w in chain] == [
        "langPicker",
        "verdict",
        "pinField",
        "pinSubmit",
        "cancel",
    ]
    assert chain == _screen_order(self_check, chain)


def test_tab_order_follows_the_screen_on_a_result(
    qtbot: Any, self_check: SelfCheckWindow, reader: Any
) -> None:
    reader.insert("missing_blank_ff")
    until(qtbot, lambda: status(self_check) == "missing")
    chain = _tab_chain(qtbot, self_check, find(self_check, "langPicker"))
    assert [w.objectName() for w in chain] == ["langPicker", "verdict", "checkAnother", "details"]
    assert chain == _screen_order(self_check, chain)


def test_the_whole_check_by_keyboard_alone(
    qtbot: Any, self_check: SelfCheckWindow, reader: Any
) -> None:
    reader.insert("valid")
    field = find(self_check, "pinField")
    until(qtbot, lambda: field.isVisible() and field.hasFocus())
    qtbot.keyClicks(QApplication.focusWidget(), "9999")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    until(qtbot, lambda: status(self_check) == "pin_incorrect")
    until(qtbot, lambda: QApplication.focusWidget() is find(self_check, "verdict"))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # the verdict, then
    assert QApplication.focusWidget() is find(self_check, "checkAnother")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # Check again
    until(qtbot, lambda: field.isVisible() and field.hasFocus())
    qtbot.keyClicks(QApplication.focusWidget(), "1234")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    until(qtbot, lambda: status(self_check) == "valid")


def test_language_switch_redraws_the_verdict(
    qtbot: Any, self_check: SelfCheckWindow, reader: Any
) -> None:
    reader.insert("expired")
    until(qtbot, lambda: status(self_check) == "expired")
    assert find(self_check, "verdict").text() == "期限切れ"
    picker = find(self_check, "langPicker")
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    until(qtbot, lambda: find(self_check, "verdict").text() == "EXPIRED")
    assert "Expires" in find(self_check, "details").text()
    assert status(self_check) == "expired"  # the same check, in other words
    qtbot.keyClick(picker, Qt.Key.Key_Up)
    until(qtbot, lambda: find(self_check, "verdict").text() == "期限切れ")


def test_counter_controls_are_named_in_both_languages(qtbot: Any) -> None:
    reader = mynacheck.SimulatedReader()
    window = CounterWindow(lang="en", simulate=reader)
    qtbot.addWidget(window)
    window.show()
    english = names(window, COUNTER_NAMES)
    for name, (spoken, description) in english.items():
        assert spoken and description and description.isascii(), name
    picker = find(window, "langPicker")
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Up)
    until(qtbot, lambda: names(window, COUNTER_NAMES) != english)
    for name, (spoken, description) in names(window, COUNTER_NAMES).items():
        assert spoken and description and not description.isascii(), name
    assert isinstance(find(window, "verdict"), QLabel)
