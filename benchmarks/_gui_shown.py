"""gui_bench.py's child: ``mynacheck-gui [--counter]`` in a fresh interpreter, timed to
the first paint of the verdict label saying "insert a card".

Kept apart from gui_bench.py so the child loads nothing the real launch does not (no
argparse, subprocess, statistics, and Qt no sooner than the window loads it): what
it measures is the window's own start, in its own order.

The probe: once PySide6.QtWidgets is imported (by the window), ``QWidget.show`` is
wrapped to put an event filter on the window's verdict label as the window is
shown. Only that label is watched. An event filter on the whole application would
be Python code seeing every event of every object, and shiboken, handing each object
to Python, resolves its exact wrapper type: hundreds of enum types built that the
window never asks for (about 45 ms here), a cost of the probe and not of the window.

``--floor``: the same for PySide6 alone, a QLabel saying "insert a card" in a window,
named ``verdict`` (no mynacheck): what any window with Qt for Python costs here.

Prints: seconds since this interpreter began running Python, the wall clock then,
the CPU seconds used (all threads), how many modules were loaded, which of the
heavy ones (cryptography, click, smartcard, the card layer) were among them.
"""

import importlib.machinery
import os
import sys
import time

STARTED = time.perf_counter()
#: What the verdict line says while the window waits for a card (present/gui_messages.py).
INSERT_A_CARD = ("カードを置いてください", "Insert your card", "Insert a card")
HEAVY = ("cryptography", "click", "smartcard", "mynacheck.card.pcsc", "mynacheck.api.checks")


def painted() -> None:
    shown = time.perf_counter() - STARTED
    loaded = [m for m in HEAVY if m in sys.modules]
    print(
        f"{shown:.6f} {time.time():.6f} {time.process_time():.6f}"
        f" {len(sys.modules)} {','.join(loaded) or '-'}",
        flush=True,
    )
    os._exit(0)  # measured; the window's own shutdown is not


def probe(widgets: object) -> None:
    """Runs as soon as PySide6.QtWidgets is loaded."""
    from PySide6.QtCore import QEvent, QObject

    qwidget = widgets.QWidget  # type: ignore[attr-defined]
    qlabel = widgets.QLabel  # type: ignore[attr-defined]

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched.text() in INSERT_A_CARD:  # type: ignore[attr-defined]
                painted()
            return False

    spy = Painted()
    show = qwidget.show

    def shown_with_probe(window: object) -> None:
        # The window is being shown: its verdict label exists, nothing is painted yet.
        label = window.findChild(qlabel, "verdict")  # type: ignore[attr-defined]
        if label is not None:
            label.installEventFilter(spy)
        show(window)

    qwidget.show = shown_with_probe


class _AfterQtWidgets:
    """Imports PySide6.QtWidgets as usual, then puts the probe in (a meta path finder
    and its loader; not derived from importlib.abc, which would import typing here)."""

    def find_spec(self, name: str, path: object, target: object = None) -> object:
        if name != "PySide6.QtWidgets":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)  # type: ignore[arg-type]
        if spec is None or spec.loader is None:
            return None
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> object:
        return self._loader.create_module(spec)  # type: ignore[attr-defined]

    def exec_module(self, module: object) -> None:
        self._loader.exec_module(module)  # type: ignore[attr-defined]
        sys.meta_path.remove(self)
        probe(module)


def floor() -> None:
    from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

    app = QApplication(["floor"])
    window = QWidget()
    label = QLabel(INSERT_A_CARD[0], window)
    label.setObjectName("verdict")
    QVBoxLayout(window).addWidget(label)
    window.show()
    app.exec()


def main() -> None:
    sys.meta_path.insert(0, _AfterQtWidgets())
    if "--floor" in sys.argv:
        floor()
    from mynacheck.gui import main as gui_main

    gui_main(["--counter"] if "--counter" in sys.argv else [])
    raise SystemExit("the window closed before it showed 'insert a card'")


if __name__ == "__main__":
    main()
