"""The library's diagnostic log: one logger per layer, off the start-up path.

Loggers (standard :mod:`logging`): ``mynacheck.card`` (every APDU at DEBUG, PIN
bytes redacted; readers and the card held at INFO), ``mynacheck.check`` (the
check's steps), ``mynacheck.counter`` (the card loop's events), ``mynacheck.tally``
(a row not written, at WARNING). The top logger ``mynacheck`` gets a ``NullHandler``, so a
program that configures nothing sees nothing; the CLI's ``--verbose`` and the
window's "save a diagnostic log" attach a handler.

``import logging`` costs the command line milliseconds it does not need, so this
module imports it only once someone else has: a program that has not imported
:mod:`logging` cannot have configured a handler, and nothing is logged.
Never a PIN: VERIFY and the other PIN commands are logged as their header and
``**`` per data byte, and no PIN is ever handed to a logger.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

ROOT = "mynacheck"
#: INS bytes whose data is a PIN: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER.
#: Here, at the bottom, so that one rule serves the log, the APDU layer (never resent)
#: and transcripts (written as ``**``).
PIN_INSTRUCTIONS = frozenset({0x20, 0x24, 0x2C})


def carries_pin(apdu: Sequence[int | None]) -> bool:
    """True for a command whose data is a PIN (never resent, never written down)."""
    return len(apdu) > 5 and apdu[1] in PIN_INSTRUCTIONS


class Log:
    """A layer's logger, resolved when :mod:`logging` is there (see the module)."""

    def __init__(self, layer: str) -> None:
        self.name = f"{ROOT}.{layer}"
        self._logger: Any = None

    def _resolved(self, level: int) -> Any:
        if self._logger is None:
            if "logging" not in sys.modules:
                return None
            self._logger = _logger(self.name)
        return self._logger if self._logger.isEnabledFor(level) else None

    def debug(self, message: str, *args: object) -> None:
        logger = self._resolved(10)
        if logger is not None:
            logger.debug(message, *args)

    def info(self, message: str, *args: object) -> None:
        logger = self._resolved(20)
        if logger is not None:
            logger.info(message, *args)

    def warning(self, message: str, *args: object) -> None:
        logger = self._resolved(30)
        if logger is not None:
            logger.warning(message, *args)

    @property
    def debugging(self) -> bool:
        """True when DEBUG records would go somewhere (worth formatting an APDU)."""
        return self._resolved(10) is not None


def _logger(name: str) -> Any:
    import logging

    top = logging.getLogger(ROOT)
    if not any(isinstance(h, logging.NullHandler) for h in top.handlers):
        top.addHandler(logging.NullHandler())
    return logging.getLogger(name)


def apdu_text(apdu: bytes | bytearray) -> str:
    """A command APDU for the log: hex, with a PIN command's data as ``**`` per byte.

    Reads only the header of a PIN command (never its data, never a copy of it)."""
    if carries_pin(apdu):
        return bytes(apdu[:5]).hex().upper() + " " + "**" * (len(apdu) - 5)
    return bytes(apdu).hex().upper()


def enable(handler: Any, level: int = 10) -> Any:
    """Send the library's records at ``level`` and above (DEBUG: every APDU) to
    ``handler``; returns the top logger (``removeHandler`` to stop)."""
    import logging

    top = _logger(ROOT)
    top.setLevel(min(level, top.level or level))
    handler.setLevel(level)
    top.addHandler(handler)
    return logging.getLogger(ROOT)
