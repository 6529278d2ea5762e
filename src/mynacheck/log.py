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

import os
import stat
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


#: The first words of a diagnostic log file (:func:`log_to_file`): a file that starts
#: with them is a log mynacheck wrote, and may be replaced by the next one.
FILE_HEADER = "mynacheck diagnostic log"


class LogFileRefused(OSError):
    """:func:`log_to_file` will not write there: ``why`` is ``"symlink"`` (a symbolic
    link), ``"not_regular"`` (a folder, a device, a pipe) or ``"not_ours"`` (a file
    that is not a mynacheck diagnostic log)."""

    def __init__(self, why: str, path: str) -> None:
        super().__init__(f"{why}: {path}")
        self.why = why


def log_to_file(path: str, about: str = "", *, level: int = 10, on_error: Any = None) -> Any:
    """Write the library's records at ``level`` and above (DEBUG: every APDU, PIN bytes
    redacted) to ``path``, UTF-8, one record per line, flushed as it goes; returns the
    handler (``close()`` it to stop).

    ``path`` is created new (readable by its owner only), or replaces a diagnostic
    log written here before (its first line starts :data:`FILE_HEADER`); never
    through a symbolic link, never over anything else: :class:`LogFileRefused`, or
    the :class:`OSError` the system gave (a missing folder, no permission, ...).
    A write that fails later (a full disk) stops the log and calls
    ``on_error(error)`` once; the program carries on.
    """
    import io
    import logging

    fd = _create_log_file(path)
    stream = io.TextIOWrapper(
        os.fdopen(fd, "wb"), encoding="utf-8", errors="backslashreplace", newline="\n"
    )

    class FileLog(logging.StreamHandler):  # type: ignore[type-arg]
        def handleError(self, record: logging.LogRecord) -> None:
            error = sys.exc_info()[1]
            logging.getLogger(ROOT).removeHandler(self)
            if on_error is not None:
                on_error(error)

        def close(self) -> None:
            logging.getLogger(ROOT).removeHandler(self)
            try:
                self.stream.close()
            except OSError:
                pass
            super().close()

    handler = FileLog(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    try:
        stream.write(f"{FILE_HEADER}{' - ' + about if about else ''}\n")
        stream.flush()
    except OSError:
        stream.close()
        raise
    enable(handler, level)
    return handler


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _create_log_file(path: str) -> int:
    """A new file at ``path``, or our earlier log there emptied (see :func:`log_to_file`)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    try:
        return os.open(path, flags, 0o600)  # O_EXCL: never through a link, never over a file
    except FileExistsError:
        pass
    before = os.lstat(path)
    if stat.S_ISLNK(before.st_mode):
        raise LogFileRefused("symlink", path)
    if not stat.S_ISREG(before.st_mode):
        raise LogFileRefused("not_regular", path)
    fd = os.open(path, os.O_RDWR | _NOFOLLOW | _BINARY)
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise LogFileRefused("not_ours", path)  # changed as we looked
        if os.read(fd, len(FILE_HEADER)) != FILE_HEADER.encode():
            raise LogFileRefused("not_ours", path)
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
    except BaseException:
        os.close(fd)
        raise
    return fd
