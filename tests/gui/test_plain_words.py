"""Plain words on every screen of both windows, in both languages: no status word
names or hex codes, no "AP", no daemon or service names, no option flags. The
technical detail goes to the diagnostic log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

import mynacheck
from mynacheck.card.apdu import Sw
from mynacheck.gui import CounterWindow, SelfCheckWindow

from .conftest import AT, until

_TECHNICAL = re.compile(
    r"\b(?:[0-9A-F]{4})\b(?<![0-9]{4})"  # a status word in hex (6A82), not a year
    r"|\((?:[0-9A-F]{2}){2}\)"  # (6982)
    r"|\bAP\b|\bEF\b|APDU|PC/SC|pcscd|Smart Card|--[a-z]"
    r"|\b(?:" + "|".join(s.name for s in Sw) + r")\b"
    r"|simulated: |[a-z]+_[a-z_]+"  # a status or reason code (pin_incorrect)
)


def shown(window: QWidget) -> list[str]:
    """Every word on the screen and every name a screen reader gets."""
    words = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            words.append(widget.text())
        words += [widget.accessibleName(), widget.accessibleDescription()]
    return [w for w in words if w]


def plain(words: list[str]) -> list[str]:
    """The technical bits among ``words``, each with a little context."""
    found = []
    for words_ in words:
        flat = re.sub(r"<[^>]+>", " ", words_)
        found += [flat[max(0, m.start() - 30) : m.end() + 10] for m in _TECHNICAL.finditer(flat)]
    return sorted(set(found))


SCENARIOS = sorted(mynacheck.simulated_scenarios())


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_verdict_of_the_self_check_in_plain_words(qtbot: Any, lang: str) -> None:
    reader = mynacheck.SimulatedReader()
    window = SelfCheckWindow(lang=lang, simulate=reader, at=AT)
    qtbot.addWidget(window)
    window.show()
    bad: dict[str, list[str]] = {}
    for scenario in SCENARIOS:
        reader.insert(scenario)
        if scenario != "pulled_out":  # that one ends as "taken out"
            until(qtbot, lambda: window.scene in ("result", "pin", "confirm"))
        bad[scenario] = plain(shown(window))
        reader.remove()
        until(qtbot, lambda: window.scene in ("waiting", "removed"))
    for scene in SelfCheckWindow.SCENES:
        window.show_scene(scene, selector="PaSoRi")
        assert window.scene == scene
        bad[scene] = plain(shown(window))
    window.close()
    assert {k: v for k, v in bad.items() if v} == {}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_verdict_of_the_counter_in_plain_words(qtbot: Any, lang: str) -> None:
    reader = mynacheck.SimulatedReader()
    window = CounterWindow(lang=lang, simulate=reader)
    qtbot.addWidget(window)
    window.show()
    bad: dict[str, list[str]] = {}
    for scenario in SCENARIOS:
        reader.insert(scenario)
        until(qtbot, lambda: window.scene == "result")
        bad[scenario] = plain(shown(window))
        reader.remove()
        until(qtbot, lambda: window.mynacheckStatus == "")
    assert {"no_reader", "pcsc_unavailable", "several_cards"} < set(CounterWindow.SCENES)
    for scene in CounterWindow.SCENES:
        window.show_scene(scene, selector="PaSoRi")
        assert window.scene == scene
        bad[scene] = plain(shown(window))
    window.stop()
    bad["summary"] = plain(shown(window))
    window.close()
    assert {k: v for k, v in bad.items() if v} == {}
