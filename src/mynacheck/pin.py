"""PIN rules shared by every face: normalising what was typed, checking its shape
before the card, and the :class:`PinSource` protocol a prompt implements.

A malformed PIN sent to the card still costs a try (docs/card-facts.md "PINs"),
so :func:`mynacheck.check.run_check` checks the shape of whatever a source returns
before anything is sent. The PIN travels as a ``bytearray`` that is zeroed after
VERIFY.
"""

from __future__ import annotations

import enum
from typing import Protocol

from .card.profile import JPKI_AUTH_PIN, PinReference
from .errors import InputError

# Full-width digits typed with a Japanese IME (０-９) become ASCII, as do letters.
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


def pin_shape(pin: str, reference: PinReference = JPKI_AUTH_PIN) -> PinShape:
    """Whether ``pin`` (already normalised) fits ``reference``: the auth PIN by default."""
    if not pin:
        return PinShape.EMPTY
    if any(ch not in reference.alphabet for ch in pin):
        return PinShape.BAD_CHARACTERS
    if not reference.min_length <= len(pin) <= reference.max_length:
        return PinShape.WRONG_LENGTH
    return PinShape.OK


def pin_format_problem(raw: str | bytes | bytearray) -> str | None:
    """None when ``raw`` normalises to a well-formed 4-digit auth PIN, else the reason
    code (``pin_empty``, ``pin_wrong_length``, ``pin_bad_characters``). Bytes are
    ASCII (see :func:`normalize_pin_bytes`) and are looked at where they lie."""
    if isinstance(raw, (bytes, bytearray)):
        shape, _ = _ascii_shape(raw, JPKI_AUTH_PIN)
    else:
        shape = pin_shape(normalize_pin(raw))
    return None if shape is PinShape.OK else shape.value


def well_formed_pin(raw: str | bytes | bytearray, reference: PinReference) -> bytearray:
    """``raw`` as ASCII bytes ready for VERIFY (a new ``bytearray``); :class:`InputError`
    if malformed. Bytes are checked where they lie: no ``str`` (which could not be
    zeroed) is made of them."""
    if isinstance(raw, (bytes, bytearray)):
        return _well_formed_ascii(raw, reference)
    pin = normalize_pin(raw)
    shape = pin_shape(pin, reference)
    if shape is not PinShape.OK:
        raise InputError(shape.value, min=reference.min_length, max=reference.max_length)
    return bytearray(pin.encode("ascii"))


_ASCII_BLANKS = b" \t\r\n"


def _ascii_shape(raw: bytes | bytearray, reference: PinReference) -> tuple[PinShape, int]:
    """The shape of ASCII ``raw`` and its length without trailing blanks (no copy)."""
    end = len(raw)
    while end and raw[end - 1] in _ASCII_BLANKS:
        end -= 1
    if not end:
        return PinShape.EMPTY, 0
    for i in range(end):
        byte = raw[i]
        if byte >= 0x80 or chr(byte) not in reference.alphabet:
            return PinShape.BAD_CHARACTERS, end
    if not reference.min_length <= end <= reference.max_length:
        return PinShape.WRONG_LENGTH, end
    return PinShape.OK, end


def _well_formed_ascii(raw: bytes | bytearray, reference: PinReference) -> bytearray:
    shape, end = _ascii_shape(raw, reference)
    if shape is not PinShape.OK:
        raise InputError(shape.value, min=reference.min_length, max=reference.max_length)
    pin = bytearray(end)
    with memoryview(raw) as view:
        pin[:] = view[:end]  # the one copy, into a buffer the caller zeroes
    return pin


def normalize_pin_bytes(line: bytearray) -> bytearray:
    """:func:`normalize_pin` for a UTF-8 line held in a ``bytearray``, without a
    ``str``: full-width digits and letters become ASCII, trailing blanks (ideographic
    space too) go. Returns a new ``bytearray``; ``line`` is zeroed."""
    out = 0
    i = 0
    while i < len(line):
        byte = line[i]
        if byte == 0xEF and i + 2 < len(line) and line[i + 1] in (0xBC, 0xBD):
            code = 0xFF00 + ((line[i + 1] & 0x03) << 6) + (line[i + 2] & 0x3F)
            if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A:
                line[out] = code - 0xFEE0  # FF10 -> '0', FF21 -> 'A'
                out += 1
                i += 3
                continue
        line[out] = byte
        out += 1
        i += 1
    while out:
        if line[out - 1] in _ASCII_BLANKS:
            out -= 1
        elif out >= 3 and (line[out - 3], line[out - 2], line[out - 1]) == (0xE3, 0x80, 0x80):
            out -= 3  # U+3000, the ideographic space
        else:
            break
    pin = bytearray(out)
    with memoryview(line) as view:
        pin[:] = view[:out]
    line[:] = bytes(len(line))
    return pin


class PinSource(Protocol):
    """Where a PIN comes from: the CLI's hidden prompt or ``--pin-stdin``, the window's
    PIN field, a test. ``check_card`` calls it only once the tries are known."""

    def read_pin(self, reference: PinReference, tries_left: int | None) -> bytearray:
        """The PIN as ASCII bytes (the caller zeroes it after use). May raise
        :class:`~mynacheck.errors.Cancelled` (given up) or ``InputError``."""
        ...

    def confirm_last_try(self) -> bool:
        """Whether to spend the last try; a source that cannot ask answers False."""
        ...


class FixedPin:
    """A PIN given as a string (``check_card(pin="1234")``): checked when made,
    before the card is touched; never confirms the last try."""

    def __init__(self, value: str, reference: PinReference = JPKI_AUTH_PIN) -> None:
        well_formed_pin(value, reference)  # raises InputError now, before the card
        self._value = value

    def read_pin(self, reference: PinReference, tries_left: int | None) -> bytearray:
        return well_formed_pin(self._value, reference)

    def confirm_last_try(self) -> bool:
        return False

    def __repr__(self) -> str:  # never the PIN
        return "FixedPin(****)"


#: The auth PIN (4 digits) of every simulated card (``SimulatedReader.DEMO_PIN``);
#: defined here, in a module without imports of weight, for the faces and the simulator.
DEMO_PIN = "1234"
