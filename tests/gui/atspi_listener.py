"""An AT-SPI client, as a screen reader is one: run by Debian's python3 (pyatspi
lives there, not in the venv) on the bus tests/gui/atspi_desktop.py starts.

It registers for every event a screen reader listens to and writes each one as a
JSON line on stdout: the event's type, details and data, and the source's role,
name, description, states and, when it has a text interface, its whole text.
Commands on stdin, one a line, each answered by one JSON line:

- ``tree``: every accessible object of the applications on the bus (same fields);
- ``mark WORD``: echoes ``{"mark": WORD}`` once every event before it is written
  (the test cuts the log into phases with it).

Only the test reads what this writes; no PIN is in a test's log but the one the
test made up for this run.
"""

from __future__ import annotations

import json
import os
import sys

import pyatspi  # type: ignore[import-not-found]
from gi.repository import GLib  # type: ignore[import-not-found]

EVENTS = ("object", "window", "focus", "document", "object:announcement")


def describe(acc: object) -> dict[str, object]:
    """What an AT-SPI client can learn about ``acc`` (every failure is tolerated)."""
    out: dict[str, object] = {}
    for key, get in (
        ("role", lambda: acc.getRoleName()),
        ("name", lambda: acc.name),
        ("description", lambda: acc.description),
        ("states", lambda: sorted(s.value_nick for s in acc.getState().getStates())),
    ):
        try:
            out[key] = get()
        except Exception:
            out[key] = None
    try:
        text = acc.queryText()
        out["text"] = text.getText(0, -1)
        out["caret"] = text.caretOffset
    except Exception:
        pass
    try:
        out["value"] = acc.queryValue().currentValue
    except Exception:
        pass
    try:
        out["attributes"] = list(acc.getAttributes())
    except Exception:
        pass
    try:
        out["relations"] = [
            [
                r.getRelationType().value_nick,
                *(str(r.getTarget(i).name) for i in range(r.getNTargets())),
            ]
            for r in acc.getRelationSet()
        ]
    except Exception:
        pass
    return out


def write(record: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def on_event(event: object) -> None:
    record: dict[str, object] = {
        "type": str(event.type),
        "detail1": event.detail1,
        "detail2": event.detail2,
        "any_data": _plain(event.any_data),
    }
    record["source"] = describe(event.source) if event.source is not None else None
    write(record)


def _plain(value: object) -> object:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    try:
        return {"name": value.name, "role": value.getRoleName()}
    except Exception:
        return str(value)


def walk(acc: object, depth: int, out: list[dict[str, object]]) -> None:
    if acc is None or depth > 40:
        return
    node = describe(acc)
    node["depth"] = depth
    out.append(node)
    try:
        count = acc.childCount
    except Exception:
        return
    for i in range(count):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        walk(child, depth + 1, out)


_pending = bytearray()


def on_stdin(channel: object, condition: object) -> bool:
    chunk = os.read(sys.stdin.fileno(), 4096)
    if not chunk:
        pyatspi.Registry.stop()
        return False
    _pending.extend(chunk)
    while b"\n" in _pending:
        line, _, rest = bytes(_pending).partition(b"\n")
        _pending[:] = rest
        command(line.decode().strip())
    return True


def command(line: str) -> None:
    command, _, arg = line.partition(" ")
    if command == "tree":
        nodes: list[dict[str, object]] = []
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            walk(desktop.getChildAtIndex(i), 0, nodes)
        write({"tree": nodes})
    elif command == "mark":
        # Events queued before the mark are dispatched first (same main loop).
        GLib.idle_add(lambda: write({"mark": arg}) and False, priority=GLib.PRIORITY_DEFAULT_IDLE)


def main() -> None:
    for kind in EVENTS:
        pyatspi.Registry.registerEventListener(on_event, kind)
    channel = GLib.IOChannel.unix_new(sys.stdin.fileno())
    GLib.io_add_watch(channel, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    write({"ready": True})
    pyatspi.Registry.start(gil=False)


if __name__ == "__main__":
    main()
