"""The window's "save a diagnostic log": the library's log kept in memory, saved on
request (Ctrl+Shift+L, or the window's context menu), for a support request.

The record is what ``mynacheck --verbose`` prints: every APDU (PIN bytes redacted
by the library: a VERIFY is its header and ``**``), the card held and released,
the loop's events, the tally's rows not written. No PIN is ever in it.
"""

from __future__ import annotations

import collections
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import mynacheck
from mynacheck.log import FILE_HEADER, enable
from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import Lang, os_reason, text

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

#: Lines kept (the last ones): a few hours at a counter.
KEEP_LINES = 20000


class MemoryLog(logging.Handler):
    """The last :data:`KEEP_LINES` formatted records."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: collections.deque[str] = collections.deque(maxlen=KEEP_LINES)
        self.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is not worth a crash
            self.handleError(record)

    def stop(self) -> None:
        """Keep nothing more (the window is gone)."""
        logging.getLogger("mynacheck").removeHandler(self)

    def save(self, path: Path) -> None:
        header = f"{FILE_HEADER} - mynacheck-gui {mynacheck.__version__}\n"
        path.write_text(header + "\n".join(self.lines) + "\n", encoding="utf-8")


def start_memory_log() -> MemoryLog:
    """Keep the library's log (DEBUG) from now on."""
    handler = MemoryLog()
    enable(handler, logging.DEBUG)
    return handler


def add_save_action(window: QWidget, log: MemoryLog, lang: Lang) -> QAction:
    """The window's action (Ctrl+Shift+L, and its context menu): save the log as.
    (Qt's classes load here, not with the module: the log starts before the window
    is painted, the action after.)"""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QKeySequence

    action = QAction(text(GUI, "diagnostics.save", lang), window)
    action.setObjectName("saveDiagnosticLog")
    action.setShortcut(QKeySequence("Ctrl+Shift+L"))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def save() -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        name, _ = QFileDialog.getSaveFileName(
            window,
            text(GUI, "diagnostics.save", lang),
            str(Path.home() / "mynacheck-diagnostic.log"),
            "*.log *.txt",
        )
        if name:
            try:
                log.save(Path(name))
            except OSError as error:  # said in the window, in its words; the OS's in the log
                logging.getLogger("mynacheck.gui").warning("log not saved: %s", error)
                QMessageBox.warning(
                    window,
                    text(GUI, "diagnostics.save", lang),
                    text(
                        GUI, "diagnostics.not_saved", lang, path=name, reason=os_reason(error, lang)
                    ),
                )

    action.triggered.connect(save)
    window.addAction(action)
    window.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action
