"""PIN entry: one path for the prompt and ``--pin-stdin``, shape checked before the card.

A malformed PIN sent to the card still costs a try (fact sheet "PINs"), so
nothing here ever returns a PIN that does not fit its :class:`PinReference`.
The PIN is kept in a ``bytearray`` that the caller wipes after VERIFY.
"""

from __future__ import annotations

import enum
from typing import Protocol, TextIO

from .card.profile import PinReference
from .errors import UsageError

# Full-width digits typed with a Japanese IME (０-９) become ASCII, as in the prompt.
_FULL_WIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULL_WIDTH_UPPER = {0xFF21 + i: ord("A") + i for i in range(26)}
_TRAILING = " \t\r\n\u3000"


class PinShape(str, enum.Enum):
    OK = "ok"
    EMPTY = "pin_empty"
    WRONG_LENGTH = "pin_wrong_length"
    BAD_CHARACTERS = "pin_bad_characters"


def normalize_pin(raw: str) -> str:
    """Strip trailing blanks/CR/LF and turn full-width digits and letters into ASCII."""
    return raw.rstrip(_TRAILING).translate(_FULL_WIDTH_DIGITS).translate(_FULL_WIDTH_UPPER)


def pin_shape(pin: str, reference: PinReference) -> PinShape:
    if not pin:
        return PinShape.EMPTY
    if any(ch not in reference.alphabet for ch in pin):
        return PinShape.BAD_CHARACTERS
    if not reference.min_length <= len(pin) <= reference.max_length:
        return PinShape.WRONG_LENGTH
    return PinShape.OK


class PinSource(Protocol):
    """Where a PIN comes from: the hidden prompt, standard input, or a test."""

    interactive: bool

    def read_pin(self, reference: PinReference) -> bytearray:
        """A well-formed PIN as ASCII bytes; raises UsageError when there is none."""
        ...

    def confirm_last_try(self) -> bool:
        """Ask whether to spend the last try (interactive only; default no)."""
        ...


class StdinPinSource:
    """``--pin-stdin``: one line; a malformed line is a usage error, never sent."""

    interactive = False

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def read_pin(self, reference: PinReference) -> bytearray:
        line = self._stream.readline()
        pin = normalize_pin(line)
        shape = pin_shape(pin, reference)
        if shape is not PinShape.OK:
            raise UsageError(shape.value, min=reference.min_length, max=reference.max_length)
        return bytearray(pin.encode("ascii"))

    def confirm_last_try(self) -> bool:
        return False


class Terminal(Protocol):
    """The bits of a console the prompt needs; tests replace it."""

    def hidden_input(self, prompt: str) -> str | None:
        """A line typed without echo; None on EOF."""
        ...

    def confirm(self, question: str) -> bool: ...

    def warn(self, text: str) -> None: ...


class PromptPinSource:
    """The hidden prompt: re-asks on a malformed PIN without touching the card."""

    interactive = True

    def __init__(self, terminal: Terminal, texts: PromptTexts) -> None:
        self._terminal = terminal
        self._texts = texts

    def read_pin(self, reference: PinReference) -> bytearray:
        while True:
            line = self._terminal.hidden_input(self._texts.prompt(reference))
            if line is None:
                raise UsageError(PinShape.EMPTY.value)
            pin = normalize_pin(line)
            shape = pin_shape(pin, reference)
            if shape is PinShape.EMPTY:  # Enter alone: the holder gives up
                raise UsageError(shape.value)
            if shape is PinShape.OK:
                return bytearray(pin.encode("ascii"))
            self._terminal.warn(self._texts.reask(shape, reference))

    def confirm_last_try(self) -> bool:
        self._terminal.warn(self._texts.last_try_warning())
        return self._terminal.confirm(self._texts.last_try_question())


class PromptTexts(Protocol):
    def prompt(self, reference: PinReference) -> str: ...

    def reask(self, shape: PinShape, reference: PinReference) -> str: ...

    def last_try_warning(self) -> str: ...

    def last_try_question(self) -> str: ...
