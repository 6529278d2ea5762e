"""The CLI's two PIN sources (``mynacheck.PinSource``): the hidden prompt, and one
line of standard input (``--pin-stdin``). Both normalise like the window does;
the library checks the shape again before anything reaches the card."""

from __future__ import annotations

import sys
from typing import Protocol, TextIO

import click

import mynacheck
from mynacheck.pin import normalize_pin, normalize_pin_bytes, pin_format_problem
from mynacheck.present.messages import LABELS, Lang, text


class Terminal(Protocol):
    """The bits of a console the prompt needs; tests replace it."""

    def hidden_input(self, prompt: str) -> str | None:
        """A line typed without echo; None on end of input."""
        ...

    def confirm(self, question: str) -> bool: ...

    def warn(self, text: str) -> None: ...


class ClickTerminal:
    def hidden_input(self, prompt: str) -> str | None:
        import getpass

        try:
            return getpass.getpass(prompt, stream=sys.stderr)
        except EOFError:
            return None

    def confirm(self, question: str) -> bool:
        try:
            return click.confirm(question, default=False, err=True)
        except click.Abort:
            return False

    def warn(self, message: str) -> None:
        click.echo(message, err=True)


class PromptPinSource:
    """The hidden prompt: re-asks on a malformed PIN without touching the card;
    Enter alone or end of input gives up (nothing sent)."""

    def __init__(self, terminal: Terminal, lang: Lang) -> None:
        self._terminal = terminal
        self._lang = lang

    def read_pin(self, reference: mynacheck.PinReference, tries_left: int | None) -> bytearray:
        while True:
            line = self._terminal.hidden_input(text(LABELS, "pin.prompt", self._lang))
            if line is None:
                raise mynacheck.InputError("pin_empty")
            problem = pin_format_problem(line)
            if problem == "pin_empty":  # Enter alone: the holder gives up
                raise mynacheck.InputError(problem)
            if problem is None:
                return bytearray(normalize_pin(line).encode("ascii"))
            self._terminal.warn(text(LABELS, "pin.reask", self._lang, min=4))

    def confirm_last_try(self) -> bool:
        self._terminal.warn(text(LABELS, "pin.last_try_warning", self._lang))
        return self._terminal.confirm(text(LABELS, "pin.last_try_question", self._lang))


class StdinPinSource:
    """``--pin-stdin``: one line; a malformed line is a usage error, never sent. Read
    (and checked) when made, so that a missing PIN is said before the card."""

    def __init__(self, stream: TextIO | None) -> None:
        line = _read_line(stream)
        self._pin = normalize_pin_bytes(line)  # line is zeroed
        problem = pin_format_problem(self._pin)
        if problem is not None:
            self._pin[:] = bytes(len(self._pin))
            raise mynacheck.InputError(problem, min=4, max=4)

    def read_pin(self, reference: mynacheck.PinReference, tries_left: int | None) -> bytearray:
        """The PIN, once (the check zeroes it after VERIFY)."""
        pin, self._pin = self._pin, bytearray()
        return pin

    def confirm_last_try(self) -> bool:
        return False

    def __repr__(self) -> str:  # never the PIN
        return "StdinPinSource(****)"


_LINE_MAX = 64


def _read_line(stream: TextIO | None) -> bytearray:
    """One line of ``stream`` as UTF-8 in a ``bytearray``. A real stdin is read a byte
    at a time straight into the array (``readinto`` on the raw file: no ``bytes`` or
    ``str`` copy of the PIN, which could not be zeroed); a text stream (tests, an
    embedding program) is read as text."""
    raw = getattr(getattr(stream, "buffer", None), "raw", None)
    line = bytearray(_LINE_MAX)
    count = 0
    try:
        if raw is not None and hasattr(raw, "readinto"):
            with memoryview(line) as view:
                while count < _LINE_MAX:
                    with view[count : count + 1] as cell:
                        if not raw.readinto(cell):
                            break
                    count += 1
                    if line[count - 1] == 0x0A:
                        break
        elif stream is not None:
            typed = stream.readline(_LINE_MAX).encode("utf-8", "replace")
            count = min(len(typed), _LINE_MAX)
            line[:count] = memoryview(typed)[:count]
    except (OSError, ValueError, UnicodeError):
        count = 0
    out = bytearray(count)
    with memoryview(line) as view:
        out[:] = view[:count]
    line[:] = bytes(_LINE_MAX)
    return out
