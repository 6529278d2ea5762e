"""Fill the generated parts of the Japanese guide (docs/ja/*.md) from the messages
modules, so that the guide says exactly what the window and the report say.

    .venv/bin/python scripts/make_guide.py           # rewrite the generated parts
    .venv/bin/python scripts/make_guide.py --check   # exit 1 if one is out of date

A generated part sits between two comment lines in a page:

    <!-- generated: NAME (scripts/make_guide.py; do not edit by hand) -->
    ...
    <!-- end generated: NAME -->

Everything outside them is written by hand. A test runs ``--check``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mynacheck.present.gui_messages import GUI, NEXT_STEPS_GUI  # noqa: E402
from mynacheck.present.messages import (  # noqa: E402
    DELIVERY,
    HEADLINES,
    NEXT_STEPS,
    TALLY,
    WATCH,
    text,
)
from mynacheck.status import Status  # noqa: E402

GUIDE = ROOT / "docs" / "ja"
_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[\w-]+) \(scripts/make_guide.py; do not edit by hand\) -->\n)"
    r"(?P<body>.*?)"
    r"(<!-- end generated: (?P=name) -->)",
    re.S,
)
#: What stands in a sentence for a value the program fills in.
_PLACES = {
    "n": "N",
    "tries": "N",
    "valid": "N",
    "cards": "N",
    "sent": "N",
    "new": "N",
    "old": "N",
    "at": "基準日",
    "first": "開始月",
    "month": "YYYY-MM",
    "since": "時刻",
    "reason": "理由",
    "path": "ファイル名",
    "target": "接続先",
    "seconds": "60",  # the window's PIN time-out (gui/self_check.py, pin_timeout_s)
    "selector": "リーダー名",
}
#: A place the guide left unfilled: "{seconds} 秒間" would reach the reader as it is.
_UNFILLED = re.compile(r"\{[A-Za-z_][\w:|]*\}")


def _ja(table: dict[str, tuple[str, str]], key: str) -> str:
    said = text(table, key, "ja", **_PLACES)
    if _UNFILLED.search(said):
        raise SystemExit(f"{key}: a value with no stand-in in _PLACES: {said}")
    return said


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def statuses() -> str:
    """Every status: the window's word, what it means, what to do, the exit code."""
    rows = []
    for status in Status:
        key = status.value
        if f"word.{key}" in WATCH:
            word = _ja(WATCH, f"word.{key}")
        elif f"state.{key}" in GUI:  # what the window says instead (no reader, ...)
            word = _ja(GUI, f"state.{key}")
        else:
            word = _ja(WATCH, "word.other")
        meaning = _ja(HEADLINES, key) if key in HEADLINES else ""
        meaning = meaning.split(": ", 1)[-1] if meaning.startswith(word) else meaning
        step = NEXT_STEPS_GUI if key in NEXT_STEPS_GUI else NEXT_STEPS
        todo = _ja(step, key) if key in step else ""
        rows.append([f"**{word}**", meaning, todo, f"`{key}` ({status.exit_code})"])
    return _table(["画面の表示", "意味", "次にすること", "状態名 (終了コード)"], rows)


def window_states() -> str:
    """The self-check window's states: the big line and the instruction under it."""
    rows = []
    for name in (
        "waiting",
        "reading",
        "pin",
        "last_try",
        "checking",
        "cancelled",
        "timeout",
        "no_reader",
        "pcsc_unavailable",
        "several_cards",
        "no_such_reader",
    ):
        state = _ja(GUI, f"state.{name}")
        todo = _ja(GUI, f"do.{name}") if f"do.{name}" in GUI else ""
        rows.append([f"**{state}**", todo])
    return _table(["画面の表示", "案内"], rows)


def pin_words() -> str:
    rows = [
        [_ja(GUI, "pin.label"), _ja(GUI, "pin.shape") if "pin.shape" in GUI else ""],
        [_ja(GUI, "submit.text"), _ja(GUI, "submit.description")],
        [_ja(GUI, "again.text"), _ja(GUI, "again.description")],
        [_ja(GUI, "cancel.text"), _ja(GUI, "cancel.description")],
        [_ja(GUI, "tries.value"), ""],
        [_ja(GUI, "tries.last"), ""],
        [_ja(GUI, "confirm.title"), _ja(GUI, "confirm.text") + " " + _ja(GUI, "confirm.question")],
        [_ja(GUI, "confirm.yes"), ""],
        [_ja(GUI, "confirm.no"), ""],
    ]
    return _table(["画面の言葉", "説明"], rows)


def counter_words() -> str:
    rows = [
        [_ja(GUI, "heading.counter"), ""],
        [_ja(GUI, "counter.start"), _ja(GUI, "counter.toggle.description")],
        [_ja(GUI, "counter.stop"), ""],
        [_ja(GUI, "counter.count"), _ja(GUI, "counter.count.description")],
        [_ja(GUI, "counter.keys"), ""],
        [_ja(GUI, "counter.waiting"), ""],
    ]
    return _table(["画面の言葉", "説明"], rows)


def server_words() -> str:
    keys = ("delivered", "waiting", "unreachable", "refused")
    rows = [[f"「{_ja(DELIVERY, key)}」"] for key in keys if key in DELIVERY]
    return _table(["表示 (集計サーバーを使うとき)"], rows)


def report_terms() -> str:
    keys = (
        "headline",
        "renewal_open.at",
        "renewal_open.means",
        "expired.label",
        "expired.note",
        "cards.per_group",
        "cards.latest",
        "without_certificate",
        "forecast",
        "per_group",
        "mixed_keys",
    )
    return "".join(f"- 「{_ja(TALLY, key)}」\n" for key in keys)


def diagnostics() -> str:
    """The window's menu item that saves the diagnostic log."""
    return f"「{_ja(GUI, 'diagnostics.save')}」\n"


BLOCKS: dict[str, Callable[[], str]] = {
    "diagnostics": diagnostics,
    "statuses": statuses,
    "window-states": window_states,
    "pin-words": pin_words,
    "counter-words": counter_words,
    "server-words": server_words,
    "report-terms": report_terms,
}


def regenerate(page: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in BLOCKS:
            raise SystemExit(f"unknown generated part: {name}")
        return match.group(1) + BLOCKS[name]() + match.group(4)

    return _BLOCK.sub(fill, page)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args()
    stale = []
    for path in sorted(GUIDE.glob("*.md")):
        page = path.read_text("utf-8")
        new = regenerate(page)
        if new != page:
            stale.append(path)
            if not args.check:
                path.write_text(new, "utf-8")
    if args.check and stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"out of date: {names} (run scripts/make_guide.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
