"""The window: ``mynacheck-gui`` (self-check) and ``mynacheck-gui --counter``.

Needs PySide6 (``pip install "mynacheck[gui]"``). ``import mynacheck.gui`` works
without it, and so does :func:`main`, which then says what to install; the
window classes load lazily::

    from mynacheck.gui import SelfCheckWindow, CounterWindow

Everything here stands on the public API (``import mynacheck``): the windows
draw what a worker thread's API calls hand back and decide nothing themselves.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

from ..lazy import lazy_getattr

_EXPORTS = {"SelfCheckWindow": ".self_check", "CounterWindow": ".counter"}
__all__ = ["main", *sorted(_EXPORTS)]
#: Exit code when PySide6 is missing or an option is wrong (as the CLI's usage_error).
EXIT_USAGE = 2
#: How long each simulated card stays on the counter's reader (``--hold``), in seconds.
HOLD_SECONDS = 3.0


def main(argv: list[str] | None = None) -> int:
    """``mynacheck-gui [--counter] [--lang ja|en] [--reader R] [--trust-anchor FILE]...
    [--log PATH|default [--key-file FILE]] [--simulate SCENARIO] [--smoke-test]``.

    Returns the exit code: 0 after the window is closed (or the smoke test), 2 for a
    bad option or a missing PySide6 (said in the user's language), 1 without a display.
    """
    from .app import run  # the options first: Qt loads only for a window to show

    return run(list(sys.argv[1:] if argv is None else argv))


def _pyside_available() -> bool:
    """Whether PySide6 can be imported (importing its widgets module: the window's first
    Qt import)."""
    try:
        importlib.import_module("PySide6.QtWidgets")
    except ImportError:
        return False
    return True


def _lang_in(args: list[str]) -> Lang:
    """The language ``args`` ask for (``--lang``), else the system's: as the CLI's."""
    from mynacheck.cli.helptext import lang_in_command_line

    return lang_in_command_line(None, args)


def say(message: str) -> None:
    """A message for the person: on stderr, or in a box when there is no console
    (``pythonw``, the ``mynacheck-gui`` launcher on Windows)."""
    if sys.stderr is not None:
        try:
            print(f"mynacheck-gui: {message}", file=sys.stderr)
            return
        except (OSError, ValueError):
            pass
    if sys.platform == "win32":  # pragma: no cover - Windows without a console
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, message, "mynacheck", 0x10)  # type: ignore[attr-defined]


def _require_pyside(name: str) -> None:
    if not _pyside_available():
        raise ImportError(
            f'mynacheck.gui.{name} needs PySide6: pip install "mynacheck[gui]" '
            "(the mynacheck command works without it)",
            name="PySide6",
        )


__getattr__ = lazy_getattr(__name__, _EXPORTS, before_import=_require_pyside)


if TYPE_CHECKING:
    from mynacheck.present.messages import Lang

    from .counter import CounterWindow as CounterWindow
    from .self_check import SelfCheckWindow as SelfCheckWindow
