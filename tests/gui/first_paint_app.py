"""``mynacheck-gui OPTIONS`` as a person starts it, stopped at the first paint of the
verdict saying "insert a card": prints the modules loaded by then (one a line), and
exits. Run as ``python tests/gui/first_paint_app.py OPTIONS``.

The probe goes in once the window has imported PySide6.QtWidgets (``QWidget.show``
wrapped: an event filter on the ``verdict`` label only), so nothing is imported
here before the window does it."""

from __future__ import annotations

import importlib.machinery
import os
import sys
from typing import Any

INSERT_A_CARD = ("カードを置いてください", "Insert your card", "Insert a card")


def _probe(widgets: Any) -> None:
    from PySide6.QtCore import QEvent, QObject

    class Painted(QObject):
        def eventFilter(self, watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint and watched.text() in INSERT_A_CARD:
                print("\n".join(sorted(sys.modules)), flush=True)
                os._exit(0)
            return False

    spy = Painted()
    show = widgets.QWidget.show

    def shown(window: Any) -> None:
        label = window.findChild(widgets.QLabel, "verdict")
        if label is not None:
            label.installEventFilter(spy)
        show(window)

    widgets.QWidget.show = shown


class _AfterQtWidgets:
    """A meta path finder: PySide6.QtWidgets as usual, then the probe."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "PySide6.QtWidgets":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        self._loader = spec.loader
        spec.loader = self  # type: ignore[assignment]
        return spec

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        sys.meta_path.remove(self)
        _probe(module)


if __name__ == "__main__":
    sys.meta_path.insert(0, _AfterQtWidgets())
    from mynacheck.gui import main

    main(sys.argv[1:])
    sys.exit("the window closed before it showed 'insert a card'")
