"""The window as a screen reader meets it: a real AT-SPI bus on a virtual X display
(tests/gui/atspi_desktop.py), the window on Qt's xcb platform, keys typed as real X
key events, and an AT-SPI client recording every event and reading the whole tree.

What a screen reader would speak is what these events and texts carry; a person
with NVDA or Narrator on Windows checks what this cannot (README "Accessibility").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .atspi_desktop import Desktop, Listener, missing_tools

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="AT-SPI is the Linux accessibility bus"
)

APP = str(Path(__file__).with_name("a11y_app.py"))
#: The PIN of the simulated card in these tests: digits that no label, hint or
#: description of the PIN screen contains ("4 digits", "3 tries", ...).
PIN = "5869"
SELF_CHECK_TITLE = "user-authentication certificate check"
#: AT-SPI's politeness of an announcement (detail1 of object:announcement).
POLITE, ASSERTIVE = 1, 2


@pytest.fixture(scope="module")
def desktop() -> Iterator[Desktop]:
    missing = missing_tools()
    if missing:
        pytest.fail(f"the screen-reader tests need {', '.join(missing)} (scripts/stack.sh)")
    desk = Desktop()
    try:
        desk.start()
        yield desk
    finally:
        desk.stop()


@pytest.fixture
def listener(desktop: Desktop) -> Iterator[Listener]:
    client = Listener(desktop)
    yield client
    client.stop()


def said(record: dict[str, Any]) -> str:
    """Everything an event hands a screen reader, as one string."""
    return json.dumps(record, ensure_ascii=False)


def is_focus_on(role: str) -> Any:
    def match(record: dict[str, Any]) -> bool:
        source = record.get("source") or {}
        return (
            record["type"] == "object:state-changed:focused"
            and record["detail1"] == 1
            and source.get("role") == role
        )

    return match


def test_the_pin_never_reaches_the_accessibility_bus(desktop: Desktop, listener: Listener) -> None:
    app = desktop.spawn(
        [sys.executable, APP, "--simulate", "valid", "--lang", "en"], stdin=f"{PIN}\n".encode()
    )
    try:
        window = desktop.window_id(SELF_CHECK_TITLE)
        desktop.xdotool("windowfocus", "--sync", window)
        listener.events_until(is_focus_on("password text"), "focus on the PIN field")
        listener.mark("asked")
        desktop.keys(window, *PIN)
        typed = listener.mark("typed")
        # Each key is told as one bullet inserted in a password text: nothing else.
        inserts = [r for r in typed if r["type"] == "object:text-changed:insert"]
        assert [r["any_data"] for r in inserts] == ["\u25cf"] * 4, inserts
        assert {r["source"]["role"] for r in inserts} == {"password text"}
        for record in typed:
            assert not set(PIN) & set(said(record)), record
        tree = listener.tree()
        field = [n for n in tree if n.get("role") == "password text"]
        assert len(field) == 1 and field[0]["text"] == "\u25cf" * 4, field
        assert field[0]["name"] == "User-authentication PIN"
        assert ["labelled-by", "PIN (4 digits)"] in field[0]["relations"]
        assert not any(PIN in said(node) for node in tree)
        desktop.keys(window, "Return")
        listener.events_until(lambda r: "VALID" in said(r), "the verdict")
        listener.mark("done")
        for record in listener.records:
            assert PIN not in said(record), record
            source = record.get("source") or {}
            if source.get("role") == "password text":  # its text: bullets, at every moment
                assert not any(ch.isdigit() for ch in source.get("text", "")), record
                if record["type"].startswith("object:text"):
                    assert not any(ch.isdigit() for ch in str(record["any_data"])), record
    finally:
        err = desktop.close(app)
    assert "Traceback" not in err, err


def focused(record: dict[str, Any]) -> bool:
    return record["type"] == "object:state-changed:focused" and record["detail1"] == 1


def spoken_verdict(words: str) -> Any:
    """The verdict said as a screen reader says it: the label gets the focus with
    ``words`` in its name, or the focused label's name changes to them."""

    def match(record: dict[str, Any]) -> bool:
        source = record.get("source") or {}
        if source.get("role") != "label" or words not in str(source.get("name")):
            return False
        renamed = record["type"] == "object:property-change:accessible-name"
        return focused(record) or (renamed and "focused" in source.get("states", []))

    return match


def test_each_verdict_of_the_self_check_is_focused_with_its_words_and_tab_goes_on(
    desktop: Desktop, listener: Listener
) -> None:
    app = desktop.spawn([sys.executable, APP, "--simulate", "valid", "--lang", "en"], stdin=b"\n")
    try:
        window = desktop.window_id(SELF_CHECK_TITLE)
        desktop.xdotool("windowfocus", "--sync", window)
        listener.events_until(is_focus_on("password text"), "focus on the PIN field")
        listener.mark("asked")
        desktop.keys(window, "9", "9", "9", "9", "Return")
        verdict = listener.events_until(spoken_verdict("PIN INCORRECT"), "the wrong-PIN verdict")
        assert "2 tries left" in verdict["source"]["name"]  # the words, not just a word
        between = listener.mark("verdict")
        # From Enter to the verdict the focus went nowhere else (not Cancel, not the
        # language picker): only the verdict label, first saying "Checking...".
        roles = {r["source"]["role"] for r in between if focused(r)}
        assert roles <= {"label"}, [r["source"]["name"] for r in between if focused(r)]
        announced = [r for r in between if r["type"] == "object:announcement"]
        assert not [r for r in announced if "PIN INCORRECT" in str(r["any_data"])]  # said once
        desktop.keys(window, "Tab")
        again = listener.events_until(focused, "the focus after the verdict")
        assert again["source"]["role"] == "push button"
        assert again["source"]["name"] == "Check the same card again"
        desktop.keys(window, "space")
        listener.events_until(is_focus_on("password text"), "the PIN field again")
        desktop.keys(window, "1", "2", "3", "4", "Return")
        valid = listener.events_until(spoken_verdict("VALID."), "the valid verdict")
        assert "works" in valid["source"]["name"]
        tree = listener.tree()
        picker = [n for n in tree if n.get("role") == "combo box"]
        assert picker and ["labelled-by", "Language"] in picker[0]["relations"]
        for node in tree:
            if node.get("role") in ("push button", "combo box", "password text"):
                assert node.get("description"), node  # every control is described
    finally:
        err = desktop.close(app)
    assert "Traceback" not in err, err


def test_the_counter_announces_each_verdict_once_and_nothing_of_a_card_gone(
    desktop: Desktop, listener: Listener
) -> None:
    options = ["--counter", "--simulate", "valid,expired", "--hold", "1.5", "--lang", "en"]
    app = desktop.spawn([sys.executable, APP, *options], stdin=b"\n")
    try:
        window = desktop.window_id("counter mode")
        desktop.xdotool("windowfocus", "--sync", window)
        listener.events_until(
            lambda r: r["type"] == "object:announcement" and "Stopped" in str(r["any_data"]),
            "the end of the simulated session",
        )
        said = [
            (r["detail1"], str(r["any_data"]))
            for r in listener.records
            if r.get("type") == "object:announcement"
        ]
        verdicts = [(level, words) for level, words in said if level == ASSERTIVE]
        assert [words.split(".")[0] for _, words in verdicts] == ["VALID", "EXPIRED"]
        assert "Expires 2030-05-31" in verdicts[0][1] and "Expired 2024-09-30" in verdicts[1][1]
        after = said[said.index(verdicts[0]) + 1]
        assert after[0] == POLITE and after[1].startswith("Insert a card")
        assert not {"VALID", "2030", "EXPIRED"} & set(after[1].replace(".", " ").split())
        # The session count is a Tab stop, and so is every control.
        listener.mark("tab")
        names = []
        for _ in range(4):
            desktop.keys(window, "Tab")
            names.append(listener.events_until(focused, "a Tab stop")["source"]["role"])
        assert sorted(names) == sorted(["combo box", "label", "label", "push button"]), names
    finally:
        err = desktop.close(app)
    assert "Traceback" not in err, err
