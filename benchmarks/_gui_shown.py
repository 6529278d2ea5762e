"""gui_bench.py's child: ``mynacheck-gui [--counter]`` in a fresh interpreter, timed to
the first paint of the verdict label saying "insert a card".

Kept apart from gui_bench.py so the child loads nothing the real launch does not (no
argparse, subprocess, statistics): what it measures is the window's own start.

The probe watches the verdict label alone. An event filter on the whole application
would be Python code seeing every event of every object, and shiboken, handing each
object to Python, resolves its exact wrapper type: hundreds of enum types built that
the window never asks for (about 45 ms here), a cost of the probe and not the window.

Prints: seconds since this interpreter began running Python, the wall clock then,
the CPU seconds used, how many modules were loaded, which of the heavy ones
(cryptography, click, smartcard, logging) were among them.
"""

import os
import sys
import time

STARTED = time.perf_counter()
#: What the verdict line says while the window waits for a card (present/gui_messages.py).
INSERT_A_CARD = ("カードを置いてください", "Insert your card", "Insert a card")
HEAVY = ("cryptography", "click", "smartcard", "logging")


def main() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel, QWidget

    QApplication(["mynacheck-gui"])  # the window's run() takes this one

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched.text() in INSERT_A_CARD:  # type: ignore[attr-defined]
                shown = time.perf_counter() - STARTED
                loaded = [m for m in HEAVY if m in sys.modules]
                print(
                    f"{shown:.6f} {time.time():.6f} {time.process_time():.6f}"
                    f" {len(sys.modules)} {','.join(loaded) or '-'}",
                    flush=True,
                )
                os._exit(0)  # measured; the window's own shutdown is not
            return False

    spy = Painted()
    show = QWidget.show

    def shown_with_probe(window: QWidget) -> None:
        # The window is being shown: its verdict label exists, nothing is painted yet.
        label = window.findChild(QLabel, "verdict")
        if label is not None:
            label.installEventFilter(spy)
        show(window)

    QWidget.show = shown_with_probe  # type: ignore[method-assign]
    from mynacheck.gui import main as gui_main

    gui_main(["--counter"] if "--counter" in sys.argv else [])
    raise SystemExit("the window closed before it showed 'insert a card'")


if __name__ == "__main__":
    main()
