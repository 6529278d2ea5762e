"""The window's "save a diagnostic log" (gui/diagnostics.py): the action, and a saved
log with every APDU and no PIN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mynacheck

PIN = mynacheck.SimulatedReader.DEMO_PIN


def test_the_windows_saved_log_holds_the_apdus_and_no_pin(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog, QWidget

    from mynacheck.gui.diagnostics import add_save_action, start_memory_log

    log = start_memory_log()
    try:
        with mynacheck.open_card(simulate="valid") as card:
            mynacheck.check_card(card, pin=PIN)
        window = QWidget()
        qtbot.addWidget(window)
        action = add_save_action(window, log, "en")
        assert action.objectName() == "saveDiagnosticLog"
        assert action in window.actions() and action.shortcut().toString() == "Ctrl+Shift+L"
        target = tmp_path / "support.log"
        chooser = QFileDialog.getSaveFileName
        QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (str(target), ""))  # type: ignore[method-assign]
        try:
            action.trigger()
        finally:
            QFileDialog.getSaveFileName = chooser  # type: ignore[method-assign]
        saved = target.read_text(encoding="utf-8")
    finally:
        log.stop()
    assert saved.startswith("mynacheck ") and "> 0020008004 ********" in saved
    assert PIN.encode().hex().upper() not in saved.upper()


def test_a_log_that_cannot_be_saved_is_said_in_the_window_s_words(
    qtbot: Any, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

    from mynacheck.gui.diagnostics import add_save_action, start_memory_log

    log = start_memory_log()
    said: list[str] = []
    chooser, warning = QFileDialog.getSaveFileName, QMessageBox.warning
    target = tmp_path / "no-such-folder" / "support.log"
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: (str(target), ""))  # type: ignore[method-assign]
    QMessageBox.warning = staticmethod(lambda parent, title, words, *a: said.append(words))  # type: ignore[method-assign]
    try:
        window = QWidget()
        qtbot.addWidget(window)
        add_save_action(window, log, "ja").trigger()
    finally:
        QFileDialog.getSaveFileName, QMessageBox.warning = chooser, warning  # type: ignore[method-assign]
        log.stop()
    assert said == [f"診断ログを {target} に保存できませんでした: ファイルかフォルダーがありません"]
