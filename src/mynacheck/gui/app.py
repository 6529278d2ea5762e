"""``mynacheck-gui``: options as in the CLI, checked before any window opens."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import mynacheck
from mynacheck import InputError
from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import Lang, detect_language, text, usage_text

from . import EXIT_USAGE, _lang_in, say

#: How long ``--smoke-test`` shows the window (ms).
SMOKE_TEST_MS = 1500


class _BadOption(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadOption(message)


def _parser() -> _Parser:
    parser = _Parser(
        prog="mynacheck-gui",
        description="The mynacheck window: check your My Number Card's user-authentication "
        "certificate, or check card after card at a counter (--counter).",
    )
    parser.add_argument(
        "--counter", action="store_true", help="Counter mode: no PIN, card after card."
    )
    parser.add_argument("--lang", choices=["ja", "en"], help="Language (default: as the CLI).")
    parser.add_argument("--reader", help="Reader: 0-based index or part of its name.")
    parser.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="Trust this root certificate (PEM or DER); repeatable.",
    )
    parser.add_argument("--log", metavar="PATH|default", help="Append each check to this tally.")
    parser.add_argument("--key-file", metavar="FILE", help="The tally's key (default: <log>.key).")
    parser.add_argument(
        "--tag", metavar="TEXT", help="With --log: a group label such as a section."
    )
    parser.add_argument(
        "--simulate",
        metavar="SCENARIO[,SCENARIO...]",
        help="A simulated card instead of a reader (counter: several, in turn); 'list' lists them.",
    )
    parser.add_argument(
        "--hold",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="Counter with --simulate: how long each card stays on the reader (default 3).",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="Show the window, process events for a moment, exit 0 (for bundles).",
    )
    return parser


class _Anchors:
    """``--trust-anchor`` files, then the user's anchors folder (listed at each check)."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files

    def __iter__(self) -> Iterator[Any]:
        yield from self.files
        yield from mynacheck.user_trust_anchors()


def run(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except _BadOption as problem:
        say(text(GUI, "app.bad_option", _lang_in(argv), problem=str(problem)))
        return EXIT_USAGE
    except SystemExit as done:  # --help
        return int(done.code or 0)
    lang: Lang = args.lang or detect_language()
    if args.simulate == "list":  # as `mynacheck check --simulate list`
        lines = [f"{name:28} {about}" for name, about in mynacheck.simulated_scenarios().items()]
        if sys.stdout is None:  # no console (the windowed launcher): a box
            say("\n".join(lines))
            return 0
        try:
            print("\n".join(lines), flush=True)
        except (OSError, ValueError):  # a closed pipe: the list was not wanted further
            pass
        return 0
    if not 0 <= args.hold <= 3600:
        say(text(GUI, "app.bad_option", lang, problem=f"--hold {args.hold:g}"))
        return EXIT_USAGE
    try:
        options = _options(args)
    except InputError as error:
        say(usage_text(error.key, lang, dict(error.info)))
        return EXIT_USAGE
    if _no_display():
        say(text(GUI, "app.no_display", lang))
        return 1
    tally = options.pop("tally")
    try:
        return _show(args, lang, options, tally)
    finally:
        if tally is not None:
            tally.close()


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """Everything checked before a window opens (InputError, as the CLI says it)."""
    files = [Path(name) for name in args.trust_anchor]
    for path in files:
        if not path.is_file():
            raise InputError("file_unreadable", path=str(path), reason="not found")
    simulate: Any = None
    if args.simulate is not None:
        if args.reader is not None:
            raise InputError("source_conflict")
        names = [name.strip() for name in args.simulate.split(",") if name.strip()]
        known = mynacheck.simulated_scenarios()
        for name in names or [args.simulate]:
            if name not in known:
                raise InputError("unknown_scenario", name=name)
        if not args.counter and len(names) != 1:
            raise InputError("unknown_scenario", name=args.simulate)
        simulate = names if args.counter else names[0]
    tally = None
    if args.log is not None:
        tally = mynacheck.open_tally(args.log, key_file=args.key_file, tag=args.tag)
    return {"anchors": _Anchors(files), "simulate": simulate, "tally": tally}


def _show(args: argparse.Namespace, lang: Lang, options: dict[str, Any], tally: Any) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["mynacheck-gui"])
    app.setApplicationName("mynacheck")
    app.setApplicationDisplayName("mynacheck")
    reader = args.reader
    window: Any
    if args.counter:
        from .counter import CounterWindow

        window = CounterWindow(
            reader,
            lang,
            options["anchors"],
            tally=tally,
            simulate=options["simulate"] or (),
            hold_s=args.hold,
        )
    else:
        from .self_check import SelfCheckWindow

        window = SelfCheckWindow(
            reader, lang, options["anchors"], simulate=options["simulate"], tally=tally
        )
    window.show()
    if not window.isVisible():  # pragma: no cover - a platform that cannot show it
        return 1
    if args.smoke_test:
        QTimer.singleShot(SMOKE_TEST_MS, window.close)
    app.setQuitOnLastWindowClosed(True)
    app.exec()
    window.close()  # stops the worker; the card is unpowered before we return
    window.deleteLater()
    return 0


def _no_display() -> bool:
    """Linux without X11, Wayland or an explicit Qt platform: Qt would abort."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
