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
