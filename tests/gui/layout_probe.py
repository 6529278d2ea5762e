"""Lays out a window on a given screen, scale and text size, runs it through a
check or a whole counter shift, and reports (JSON on stdout) every moment something
did not fit. Run by tests/gui/test_layout.py (and scripts/screenshots for the
pictures at 100 %, 200 % and the largest text), one process per screen, because Qt
reads the screen, the scale and the platform once.

    python layout_probe.py self|counter WIDTHxHEIGHT SCALE TEXT_SCALE [SHOT_PREFIX]

TEXT_SCALE stands for the system's text size (Windows "Make text bigger", up to
225 %): the application font's size times it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from typing import Any

KIND, SIZE, SCALE, TEXT = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
SHOTS = sys.argv[5] if len(sys.argv) > 5 else ""
WIDTH, HEIGHT = (int(n) for n in SIZE.split("x"))
_config = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
json.dump(
    {
        "screens": [
            {
                "name": "probe",
                "x": 0,
                "y": 0,
                "width": WIDTH,
                "height": HEIGHT,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ]
    },
    _config,
)
_config.close()


@atexit.register  # a probe that fails leaves no file either (a passing one ends in os._exit)
def _remove_config() -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_config.name)


os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_config.name}"
os.environ["QT_SCALE_FACTOR"] = f"{SCALE:g}"

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QComboBox,
    QScrollArea,
    QWidget,
)

import mynacheck  # noqa: E402

AT = datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=9)))  # the days stay put

app = QApplication(["probe"])
font = app.font()
font.setPointSizeF(font.pointSizeF() * TEXT)
app.setFont(font)

from mynacheck.gui import CounterWindow, SelfCheckWindow  # noqa: E402

problems: list[dict[str, Any]] = []
seen: list[str] = []


def settle(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        app.processEvents()
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out in {seen[-1:]}")
        time.sleep(0.005)
    for _ in range(5):
        app.processEvents()


def measure(window: QWidget, moment: str) -> None:
    seen.append(moment)
    screen = window.screen().availableGeometry()
    frame = window.geometry()
    if frame.width() > screen.width() or frame.height() > screen.height():
        problems.append(
            {
                "moment": moment,
                "window": [frame.width(), frame.height()],
                "screen": [screen.width(), screen.height()],
            }
        )
    hint = window.minimumSizeHint()
    if hint.width() > screen.width() or hint.height() > screen.height():
        problems.append({"moment": moment, "minimum": [hint.width(), hint.height()]})
    inside = QRect(0, 0, window.width(), window.height())
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or not isinstance(widget, (QAbstractButton, QComboBox)):
            continue
        if isinstance(widget.parent(), QComboBox):
            continue
        box = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        if box.right() > inside.right() or box.left() < 0:  # cut off at the side
            problems.append({"moment": moment, "cut": widget.objectName() or widget.text()})
    for area in window.findChildren(QScrollArea):
        body = area.widget()
        if body is not None and body.minimumSizeHint().width() > area.viewport().width():
            problems.append(
                {
                    "moment": moment,
                    "too_wide": area.objectName(),
                    "needs": body.minimumSizeHint().width(),
                    "has": area.viewport().width(),
                }
            )


def shot(window: QWidget, name: str) -> None:
    if SHOTS:
        window.grab().save(f"{SHOTS}-{name}.png")


def self_check() -> None:
    reader = mynacheck.SimulatedReader()
    window = SelfCheckWindow(lang="ja", simulate=reader, at=AT)
    window.show()
    settle(lambda: window.isVisible())
    measure(window, "waiting")
    for scenario in (
        "valid",
        "expired",
        "missing_not_found",
        "renewal_window",
        "not_mynumber_card",
        "pin_blocked",
        "smartphone_android",
    ):
        reader.insert(scenario)
        settle(lambda: window.scene in ("result", "pin", "confirm"))
        measure(window, scenario)
        if scenario in ("valid", "expired"):
            shot(window, "pin" if scenario == "valid" else scenario)
        reader.remove()
        settle(lambda: window.scene in ("waiting", "removed"))
    window.resize(window.width(), 300)  # a short window: the body scrolls
    settle(lambda: True)
    measure(window, "short")
    window.close()


SHIFT = (
    "valid",
    "expired",
    "missing_not_found",
    "not_yet_valid",
    "untrusted_root",
    "forged",
    "not_mynumber_card",
    "smartphone_android",
    "jukicard",
    "garbage",
    "renewal_window",
    "key_mismatch",
    "unknown_label",
    "pin_blocked",
)


def counter() -> None:
    reader = mynacheck.SimulatedReader()
    window = CounterWindow(lang="ja", simulate=reader)
    window.show()
    settle(lambda: window.running)
    for i in range(60):  # a whole shift of mixed verdicts
        scenario = SHIFT[i % len(SHIFT)]
        reader.insert(scenario)
        settle(lambda: window.scene == "result")
        if i % len(SHIFT) == 0 or i > 55:
            measure(window, f"card {i + 1}: {scenario}")
        if i == 1:
            shot(window, "expired")
        reader.remove()
        settle(lambda: window.scene == "waiting")
    measure(window, "after the shift")
    window.showFullScreen()
    settle(lambda: window.isFullScreen())
    screen = window.screen().geometry()
    if window.geometry() != screen:
        problems.append(
            {
                "moment": "full screen",
                "window": window.geometry().getRect(),
                "screen": screen.getRect(),
            }
        )
    window.showNormal()
    settle(lambda: not window.isFullScreen())
    window.stop()
    settle(lambda: not window.running)
    measure(window, "summary")
    window.close()


(self_check if KIND == "self" else counter)()
print(json.dumps({"problems": problems, "moments": len(seen)}))
sys.stdout.flush()
_remove_config()
os._exit(0)  # worker threads of closed windows need not be waited for
