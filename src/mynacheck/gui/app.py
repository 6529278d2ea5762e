"""``mynacheck-gui``: the CLI's options (one definition, in cli/context.py), checked
by the CLI's code before any window opens; then the window, painted before what it
does not need for that.

The order is for the first sight of the window (README, "watch, the counter window
and the window's start"): the options are parsed and checked before Qt is imported
(a bad one is refused before Qt loads, and the modules they need are imported before
PySide6, which reads the source of each module imported after it for its
``__feature__`` switch); a command line with nothing to parse (the launchers') does
not load click at all; the window is built without its card loop and shown; the
loop, with the API and the card layer, and the diagnostic log's menu action come
once it is painted.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from typing import TYPE_CHECKING, Any

import mynacheck
from mynacheck import InputError
from mynacheck.cli.inputs import scenario_names, trust_anchor_inputs
from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import Lang, detect_language, text, usage_text

from . import EXIT_USAGE, HOLD_SECONDS, _lang_in, _pyside_available, say
from .diagnostics import add_save_action, start_memory_log

if TYPE_CHECKING:
    import click

#: How long ``--smoke-test`` shows the window (ms).
SMOKE_TEST_MS = 1500


def command() -> click.Command:
    """``mynacheck-gui``'s options as a click command: the CLI's own definitions
    (cli/context.py), checked by the same code, plus --counter and --smoke-test. Public
    for tests and for a launcher that wants the window's command line."""
    import click

    from mynacheck.cli.context import (
        debug_log_option,
        lang_option,
        log_options,
        reader_option,
        scenarios_option,
        trust_anchor_option,
    )
    from mynacheck.cli.helptext import localized

    @click.command(
        name="mynacheck-gui",
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    @click.option("--counter", is_flag=True, help="Counter mode: no PIN, card after card.")
    @lang_option
    @reader_option
    @trust_anchor_option
    @log_options
    @scenarios_option
    @click.option(
        "--hold",
        type=click.FloatRange(0, 3600),
        default=HOLD_SECONDS,
        metavar="SECONDS",
        help="Counter with --simulate: how long each card stays on the reader (default 3).",
    )
    @functools.partial(debug_log_option, expose_value=True)
    @click.option(
        "--smoke-test",
        is_flag=True,
        help="Show the window, process events for a moment, exit 0 (for bundles).",
    )
    def gui(**options: Any) -> dict[str, Any]:
        """The mynacheck window: check your My Number Card's user-authentication
        certificate, or check card after card at a counter (--counter)."""
        return options

    return localized(gui)  # --help in the run's language, as the CLI's


#: What :func:`command` gives for a command line with no option (every option's
#: default), and the flags that may stand alone in a command line not worth parsing.
#: tests/gui/test_app.py holds both to :func:`command`, the one definition.
NO_OPTIONS: dict[str, Any] = {
    "counter": False,
    "lang": None,
    "reader": None,
    "trust_anchors": (),
    "log": None,
    "key_file": None,
    "tag": None,
    "simulate": None,
    "hold": HOLD_SECONDS,
    "debug_log": None,
    "smoke_test": False,
}


def without_options(argv: list[str]) -> dict[str, Any] | None:
    """The options of a command line with nothing to parse, as :func:`command` would
    give them: none (``mynacheck-gui``), or only ``--counter`` (a counter's shortcut).
    None for anything else, which click parses and checks."""
    if argv not in ([], ["--counter"]):
        return None
    return {**NO_OPTIONS, "counter": bool(argv)}


def run(argv: list[str]) -> int:
    parsed = without_options(argv)  # the launchers': click is not even loaded
    if parsed is None:
        import click

        try:
            parsed = command().main(argv, prog_name="mynacheck-gui", standalone_mode=False)
        except click.ClickException as problem:
            say(text(GUI, "app.bad_option", _lang_in(argv), problem=problem.format_message()))
            return EXIT_USAGE
        if not isinstance(parsed, dict):  # --help: printed
            return int(parsed or 0)
    lang: Lang = parsed["lang"] or detect_language()
    if parsed["simulate"] == "list":  # as `mynacheck check --simulate list`
        return _list_scenarios(lang)
    if importlib.util.find_spec("PySide6") is None:  # before any file is opened
        say(text(GUI, "app.no_pyside", lang))
        return EXIT_USAGE
    debug_log = None
    try:
        if parsed["debug_log"] is not None:  # first: the options' own checks are in it
            from mynacheck.cli.context import start_debug_log

            debug_log = start_debug_log(parsed["debug_log"], "mynacheck-gui", _log_stopped)
        options = _options(parsed)
    except InputError as error:
        say(usage_text(error.key, lang, dict(error.info)))
        if debug_log is not None:
            debug_log.close()
        return EXIT_USAGE
    tally = options.pop("tally")
    try:
        if _no_display():
            say(text(GUI, "app.no_display", lang))
            return 1
        if not _pyside_available():  # there, yet it does not load
            say(text(GUI, "app.no_pyside", lang))
            return EXIT_USAGE
        return _show(parsed, lang, options, tally)
    finally:
        if tally is not None:
            tally.close()
        if debug_log is not None:
            debug_log.close()


def _log_stopped(error: BaseException | None) -> None:
    """``--debug-log``'s file could not take more (a full disk): the window goes on,
    and says so where a console is (never a box from the logging thread)."""
    if sys.stderr is not None:
        try:
            print(f"mynacheck-gui: --debug-log stopped ({error})", file=sys.stderr)
        except (OSError, ValueError):
            pass


def _options(parsed: dict[str, Any]) -> dict[str, Any]:
    """Everything checked before a window opens (InputError, as the CLI says it)."""
    anchors = trust_anchor_inputs(parsed["trust_anchors"])
    simulate: Any = None
    if parsed["simulate"] is not None:
        names = scenario_names(parsed["simulate"], parsed["reader"])
        if not parsed["counter"] and len(names) != 1:
            raise InputError("unknown_scenario", name=parsed["simulate"])
        simulate = names if parsed["counter"] else names[0]
    tally = None
    if parsed["log"] is not None:
        tally = mynacheck.open_tally(parsed["log"], key_file=parsed["key_file"], tag=parsed["tag"])
    return {"anchors": anchors, "simulate": simulate, "tally": tally}


def _show(
    args: dict[str, Any], lang: Lang, options: dict[str, Any], tally: mynacheck.TallyLike | None
) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .widgets import after_first_paint

    log = start_memory_log()  # before the card loop starts: its first card is in the log too
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["mynacheck-gui"])
    app.setApplicationName("mynacheck")
    app.setApplicationDisplayName("mynacheck")
    reader = args["reader"]
    window: Any
    if args["counter"]:
        from .counter import CounterWindow

        window = CounterWindow(
            reader,
            lang,
            options["anchors"],
            tally=tally,
            simulate=options["simulate"] or (),
            hold_s=args["hold"],
        )
    else:
        from .self_check import SelfCheckWindow

        window = SelfCheckWindow(
            reader, lang, options["anchors"], simulate=options["simulate"], tally=tally
        )
    window.show()  # the card loop starts once it is painted (the windows' own doing)
    if not window.isVisible():  # pragma: no cover - a platform that cannot show it
        return 1
    after_first_paint(window, lambda: add_save_action(window, log, lang))
    if args["smoke_test"]:
        QTimer.singleShot(SMOKE_TEST_MS, window.close)
    app.setQuitOnLastWindowClosed(True)
    app.exec()
    window.close()  # stops the worker; the card is unpowered before we return
    window.deleteLater()
    log.stop()
    return 0


def _list_scenarios(lang: Lang) -> int:
    scenarios = mynacheck.simulated_scenarios(lang)
    lines = [f"{name:28} {about}" for name, about in scenarios.items()]
    if sys.stdout is None:  # no console (the windowed launcher): a box
        say("\n".join(lines))
        return 0
    try:
        print("\n".join(lines), flush=True)
    except (OSError, ValueError):  # a closed pipe: the list was not wanted further
        pass
    return 0


def _no_display() -> bool:
    """Linux without X11, Wayland or an explicit Qt platform: Qt would abort."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
