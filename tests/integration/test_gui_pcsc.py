"""The self-check window through the real pcscd and vsmartcard-vpcd's virtual readers.

Through pcscd the simulated card is a real card: the window trusts the simulator's
root only because it is given as a trust anchor (as ``--trust-anchor`` would)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before pytest-qt makes the QApplication

from PySide6.QtCore import Qt

import mynacheck
from mynacheck.gui import SelfCheckWindow
from mynacheck.present.gui_messages import GUI

from ..gui.conftest import AT, find, status, until
from ..helpers import DATA
from .conftest import reader_name

ANCHORS = [DATA / "simulator-root.pem"]


def pin_verifies(virtual: Any) -> list[bytes]:
    return [apdu[5 : 5 + apdu[4]] for apdu in virtual.apdus if apdu[1] == 0x20 and len(apdu) > 5]


@pytest.fixture
def window(qtbot: Any) -> Iterator[SelfCheckWindow]:
    made = SelfCheckWindow(lang="en", at=AT, trust_anchors=ANCHORS)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.close()  # before the virtual card is pulled at the fixture's teardown


def test_valid_with_the_pin_through_pcscd(
    qtbot: Any, virtual_card: Any, window: SelfCheckWindow
) -> None:
    virtual = virtual_card("valid")
    field = find(window, "pinField")
    until(qtbot, field.isVisible)
    picker = find(window, "readerPicker")
    assert picker.isVisible() and picker.count() == 3  # automatic + the two virtual readers
    assert reader_name(0) in find(window, "readerLabel").text()
    assert "3" in find(window, "triesLeft").text()
    qtbot.keyClicks(field, mynacheck.SimulatedReader.DEMO_PIN)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    until(qtbot, lambda: status(window) == "valid")
    assert pin_verifies(virtual) == [b"1234"]
    assert "matches the certificate" in find(window, "details").text()
    virtual.remove()
    until(qtbot, lambda: find(window, "verdict").text() == GUI["state.waiting"][1])
    assert status(window) == "" and find(window, "details").text() == ""


def test_wrong_pin_through_pcscd(qtbot: Any, virtual_card: Any, window: SelfCheckWindow) -> None:
    virtual = virtual_card("valid")
    field = find(window, "pinField")
    until(qtbot, field.isVisible)
    qtbot.keyClicks(field, "9999")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    until(qtbot, lambda: status(window) == "pin_incorrect")
    assert "2 tries left" in find(window, "details").text()
    assert pin_verifies(virtual) == [b"9999"]
    assert not field.isVisible()


def test_pulling_the_card_at_the_prompt_through_pcscd(
    qtbot: Any, virtual_card: Any, window: SelfCheckWindow
) -> None:
    virtual = virtual_card("valid")
    field = find(window, "pinField")
    until(qtbot, field.isVisible)
    qtbot.keyClicks(field, "12")
    virtual.remove()
    until(qtbot, lambda: not field.isVisible())
    until(qtbot, lambda: find(window, "verdict").text() == GUI["state.waiting"][1])
    assert field.count() == 0 and pin_verifies(virtual) == []


def test_a_card_held_by_another_program_is_card_busy_until_it_is_free(
    qtbot: Any, virtual_card: Any
) -> None:
    virtual = virtual_card("valid")
    with mynacheck.open_card(reader_name(0)):  # another program, exclusively
        made = SelfCheckWindow(lang="en", at=AT, reader=reader_name(0), trust_anchors=ANCHORS)
        qtbot.addWidget(made)
        made.show()
        until(qtbot, lambda: status(made) == "card_busy")
        assert "another program" in find(made, "verdictSentence").text().lower()
        assert "JPKI" in find(made, "details").text()
        qtbot.mouseClick(find(made, "checkAnother"), Qt.MouseButton.LeftButton)
        assert status(made) == ""
        until(qtbot, lambda: status(made) == "card_busy")  # said again, not stuck reading
    field = find(made, "pinField")
    until(qtbot, field.isVisible)  # freed: the check goes on by itself
    assert status(made) == ""
    made.close()
    assert pin_verifies(virtual) == []


def test_the_reader_picker_chooses_where_to_look(qtbot: Any, virtual_card: Any) -> None:
    virtual = virtual_card("valid", reader_index=1)
    made = SelfCheckWindow(lang="en", at=AT, reader=reader_name(0), trust_anchors=ANCHORS)
    qtbot.addWidget(made)
    made.show()
    picker = find(made, "readerPicker")
    until(qtbot, lambda: picker.isVisible() and picker.count() == 3)
    assert picker.currentText() == reader_name(0)
    qtbot.wait(1500)  # looking at reader 0, which is empty: nothing happens
    assert not find(made, "pinField").isVisible() and virtual.apdus == []
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Down)  # -> Virtual PCD 00 01
    until(qtbot, lambda: find(made, "pinField").isVisible())
    assert reader_name(1) in find(made, "readerLabel").text()
    made.close()


def test_a_reader_name_matching_nothing_is_said_and_waited_for(qtbot: Any, pcscd: None) -> None:
    made = SelfCheckWindow(lang="en", at=AT, reader="No Such Reader")
    qtbot.addWidget(made)
    made.show()
    until(qtbot, lambda: find(made, "verdict").text() == GUI["state.no_such_reader"][1])
    assert "No Such Reader" in find(made, "instructions").text()
    assert status(made) == ""
    made.close()


def test_smoke_test_with_the_real_pcsc_stack_exits_0(pcscd: None) -> None:
    """``mynacheck-gui --smoke-test`` with PC/SC there and no card: shown, then closed."""
    script = Path(sys.executable).with_name("mynacheck-gui")
    done = subprocess.run(
        [str(script), "--smoke-test", "--reader", "Virtual PCD"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
