"""``mynacheck check``'s head start: the card first, the rest while it answers.

Before click, the words, JSON or cryptography load, :func:`plan` reads the command
line with nothing but the standard library and says what may already happen at
the card (:func:`mynacheck.head_start`):

- ``"read_ahead"``: connect and send the check's reads. Only for a command line this
  module understands entirely and that the full command cannot refuse: ``check``
  with flags and values that are fine as written (``--reader``, ``--lang ja|en``,
  ``--trust-anchor`` files that exist), no option given twice, and a PIN source
  that needs nothing before the card (``--no-pin``, or a prompt on a terminal).
  Anything the command checks before the card by opening or parsing something
  (``--log``, ``--key-file``, ``--tag``, ``--record``, ``--at``, ``--wait``,
  ``--pin-stdin``, ``--debug-log``) is left to it: those get only
- ``"connect"``: connect, send nothing. If the command then refuses, the card is
  let go, unpowered, having received no APDU.
- ``None``: nothing (help, the simulator, a transcript, another command, anything
  this module does not understand).

The full command parses and checks everything again as always; this module only
decides how early the card may be reached. tests/test_early.py holds it to
the command's own options.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing is not loaded before the card
if TYPE_CHECKING:
    from typing import Literal

    Plan = Literal["read_ahead", "connect"]

#: The diagnostic log file's option (every command's; the name is written only here).
DEBUG_LOG = "--debug-log"
#: ``check``'s options that take no value.
FLAGS = frozenset({"--no-pin", "--allow-last-try", "--json", "--verbose", "--pin-stdin"})
#: ``check``'s options that take one value, and may be given once.
VALUED = frozenset(
    {"--reader", "--wait", "--record", "--at", "--lang", "--log", "--key-file", "--tag", DEBUG_LOG}
)
#: ... and the one that may be given again and again.
REPEATABLE = frozenset({"--trust-anchor"})
#: Options after which the command may still refuse, having opened or parsed something.
CHECKED_LATER = frozenset(
    {"--log", "--key-file", "--tag", "--record", "--at", "--wait", "--pin-stdin", DEBUG_LOG}
)
#: No card at all: another source, or no check.
NO_CARD = frozenset({"--simulate", "--replay", "--help", "-h"})
LANGUAGES = ("ja", "en")


def plan(args: list[str]) -> tuple[str | None, Plan] | None:
    """``(reader, plan)`` for ``mynacheck ARGS``, or None: see the module's text."""
    if not args or args[0] != "check":
        return None
    given: dict[str, list[str]] = {}
    rest = args[1:]
    while rest:
        token = rest.pop(0)
        name, equals, value = token.partition("=")
        if name in NO_CARD or not name.startswith("--"):
            return None  # help, another source, an argument, '-x', '--'
        if name in FLAGS and not equals:
            given.setdefault(name, []).append("")
            continue
        if name not in VALUED and name not in REPEATABLE:
            return None  # an option check does not have: the command will say so
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if value.startswith("-"):
            return None
        given.setdefault(name, []).append(value)
    reader = given.get("--reader", [None])[-1]
    if any(len(values) > 1 for name, values in given.items() if name not in REPEATABLE):
        return reader, "connect"
    if CHECKED_LATER.intersection(given):
        return reader, "connect"
    if given.get("--lang", ["ja"])[0] not in LANGUAGES:
        return reader, "connect"
    if not all(os.path.isfile(path) for path in given.get("--trust-anchor", [])):
        return reader, "connect"
    if "--no-pin" not in given and not stdin_is_terminal():
        return reader, "connect"  # the command will ask for a PIN source
    return reader, "read_ahead"


def stdin_is_terminal() -> bool:
    """Whether a person can answer on stdin (a prompt may ask there); False when it is
    a file, a pipe, closed or missing. Here, light, for every command of the CLI."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False
