"""The counter window over several simulated cards: verdicts, counts, tally, keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

import mynacheck
from mynacheck.gui import CounterWindow
from mynacheck.simcard.fixtures import load_der

from .conftest import Cards, activate, find, status, until


@pytest.fixture
def counter(qtbot: Any, reader: mynacheck.SimulatedReader, tmp_path: Path) -> CounterWindow:
    tally = mynacheck.open_tally(tmp_path / "tally.db")
    window = CounterWindow(lang="ja", simulate=reader, tally=tally)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    until(qtbot, lambda: window.running)
    yield window
    window.close()
    tally.close()


def _serial(stem: str) -> str:
    from cryptography import x509

    return format(x509.load_der_x509_certificate(load_der(stem)).serial_number, "x")


def test_card_after_card_with_counts_summary_and_tally(
    qtbot: Any, counter: CounterWindow, reader: Any, cards: Cards, tmp_path: Path
) -> None:
    seen = []
    for scenario, expected, word in (
        ("valid", "valid", "有効"),
        ("expired", "expired", "期限切れ"),
        ("missing_blank_ff", "missing", "証明書なし"),
        ("renewal_window", "valid", "有効"),
    ):
        reader.insert(scenario)
        until(qtbot, lambda e=expected: status(counter) == e)
        assert find(counter, "verdict").text() == word
        shown = find(counter, "lines").text() + find(counter, "verdict").accessibleName()
        if scenario == "renewal_window":
            assert "更新の受付期間" in shown and "2027-01-31" in shown
        for stem in ("ee-valid", "ee-expired", "ee-renewal"):
            assert _serial(stem) not in shown.lower()  # never a serial
        assert not any(apdu[1] == 0x20 for apdu, _ in cards.last.log)  # never a PIN
        seen.append(expected)
        assert f"{len(seen)} 件" in find(counter, "sessionCount").text()
        reader.remove()
        until(qtbot, lambda: status(counter) == "")  # the card left: the screen clears
        assert find(counter, "lines").text() == ""
    activate(qtbot, counter)
    qtbot.keyClick(counter, Qt.Key.Key_Space)
    until(qtbot, lambda: not counter.running)
    summary = find(counter, "lines").text()
    assert "この回の集計" in summary and "4 件" in summary
    assert "有効" in summary and "期限切れ" in summary and "証明書なし" in summary
    assert "有効 2" in find(counter, "sessionCount").text()
    logged = mynacheck.summarize_tallies([tmp_path / "tally.db"])
    assert logged.checks_by_status == {"valid": 2, "expired": 1, "missing": 1}
    qtbot.keyClick(counter, Qt.Key.Key_Space)  # a new session
    until(qtbot, lambda: counter.running)
    assert "0 件" in find(counter, "sessionCount").text()
    reader.insert("valid")
    until(qtbot, lambda: status(counter) == "valid")
    assert "1 件" in find(counter, "sessionCount").text()


def test_the_toggle_button_stops_and_starts(qtbot: Any, counter: CounterWindow) -> None:
    toggle = find(counter, "counterToggle")
    assert "停止" in toggle.text()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: not counter.running)
    assert "開始" in toggle.text()
    assert find(counter, "verdict").text() == "停止中"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: counter.running)


def test_f11_toggles_full_screen(qtbot: Any, counter: CounterWindow) -> None:
    activate(qtbot, counter)
    qtbot.keyClick(counter, Qt.Key.Key_F11)
    until(qtbot, counter.isFullScreen)
    qtbot.keyClick(counter, Qt.Key.Key_F11)
    until(qtbot, lambda: not counter.isFullScreen())


def test_scenarios_in_turn_end_with_the_summary(qtbot: Any) -> None:
    window = CounterWindow(
        lang="en", simulate=["valid", "expired", "not_mynumber_card"], hold_s=0.3
    )
    seen: list[str] = []
    window.statusChanged.connect(seen.append)
    qtbot.addWidget(window)
    window.show()
    until(
        qtbot,
        lambda: (
            window.isVisible() and not window.running and "3" in find(window, "sessionCount").text()
        ),
    )
    summary = find(window, "lines").text()
    assert "VALID" in summary and "EXPIRED" in summary and "NOT A MY NUMBER CARD" in summary
    assert "This session: 3" in find(window, "sessionCount").text()
    # Each card was on the reader on its own, and drawn, before the next came.
    assert seen == ["valid", "", "expired", "", "not_mynumber_card", ""]


def test_closing_while_a_card_is_in_leaves_it_unpowered(
    qtbot: Any, counter: CounterWindow, reader: Any, cards: Cards
) -> None:
    reader.insert("valid")
    until(qtbot, lambda: status(counter) == "valid")
    counter.close()
    assert not counter.running
    assert not cards.last.powered
