"""The PIN field on its own: what it keeps, what it shows, what it tells assistive
technology (the same interface the AT-SPI and UI Automation bridges read)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest

from mynacheck.gui.pin_field import BULLET, PinField, install_accessibility


def make(qtbot: Any) -> PinField:
    install_accessibility()
    field = PinField()
    qtbot.addWidget(field)
    field.show()
    return field


def test_keys_are_kept_normalised_and_taken_once(qtbot: Any) -> None:
    field = make(qtbot)
    counts: list[int] = []
    field.edited.connect(counts.append)
    QTest.sendKeyEvent(
        QTest.KeyAction.Click, field, Qt.Key.Key_unknown, "５", Qt.KeyboardModifier.NoModifier
    )
    qtbot.keyClicks(field, "8 69")  # a blank is dropped, as normalize_pin strips blanks
    assert counts == [1, 2, 3, 4] and field.problem() is None
    buffer = field._buffer  # the subject: the field's own copy, never public, is zeroed
    assert bytes(buffer[:4]) == b"5869"
    pin = field.take()
    assert pin == bytearray(b"5869") and isinstance(pin, bytearray)
    assert bytes(buffer) == bytes(PinField.MAX_LENGTH) and field.count() == 0


def test_shape_problems_match_pin_format_problem(qtbot: Any) -> None:
    field = make(qtbot)
    assert field.problem() == "pin_empty"
    qtbot.keyClicks(field, "12a4")
    assert field.problem() == "pin_bad_characters"
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.count() == 0
    qtbot.keyClicks(field, "123")
    assert field.problem() == "pin_wrong_length"
    qtbot.keyClicks(field, "456789")
    assert field.count() == PinField.MAX_LENGTH
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.count() == PinField.MAX_LENGTH - 1


def test_assistive_technology_gets_bullets_and_the_password_role(qtbot: Any) -> None:
    field = make(qtbot)
    field.setAccessibleName("PIN")
    qtbot.keyClicks(field, "5869")
    accessible = QAccessible.queryAccessibleInterface(field)
    assert accessible.role() == QAccessible.Role.EditableText
    assert accessible.state().passwordEdit
    assert accessible.text(QAccessible.Text.Value) == BULLET * 4
    assert accessible.text(QAccessible.Text.Name) == "PIN"
    text = accessible.textInterface()
    assert text.characterCount() == 4 and text.text(0, -1) == BULLET * 4
    field.clear()
    assert text.characterCount() == 0 and text.text(0, -1) == ""
