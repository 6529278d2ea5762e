"""The APDU protocol layer: builds commands, follows 61xx/6Cxx, names status words.

Works on a :class:`~mynacheck.card.Connection` and on ``bytes`` only; it
knows nothing about My Number Cards.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..errors import MalformedResponseError
from ..log import Log, apdu_text, carries_pin
from . import Connection

_LOG = Log("card")


class Sw(enum.IntEnum):
    """Status words the card may answer (ISO 7816-4 names)."""

    OK = 0x9000
    END_OF_FILE_REACHED = 0x6282
    MEMORY_FAILURE = 0x6581
    WRONG_LENGTH = 0x6700
    INCOMPATIBLE_FILE_STRUCTURE = 0x6981
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6983
    REFERENCE_DATA_NOT_USABLE = 0x6984
    CONDITIONS_NOT_SATISFIED = 0x6985
    COMMAND_NOT_ALLOWED = 0x6986
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    RECORD_NOT_FOUND = 0x6A83
    INCORRECT_P1P2 = 0x6A86
    REFERENCE_NOT_FOUND = 0x6A88
    WRONG_P1P2 = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


def sw_name(sw: int) -> str:
    """``"FILE_NOT_FOUND (6A82)"`` for known words, the hex alone otherwise."""
    try:
        return f"{Sw(sw).name} ({sw:04X})"
    except ValueError:
        return f"{sw:04X}"


class ApduError(Exception):
    """The card answered a status word the caller did not accept."""

    def __init__(self, data: bytes, sw: int) -> None:
        self.data = data
        self.sw = sw
        super().__init__(sw_name(sw))


@dataclass(frozen=True)
class Response:
    data: bytes
    sw: int


def build_apdu(
    cla: int,
    ins: int,
    p1: int,
    p2: int,
    data: bytes = b"",
    le: int | None = None,
    *,
    extended: bool = False,
) -> bytes:
    """Encode a command APDU (ISO 7816-3 cases 1-4, short or extended).

    ``le`` is the number of bytes expected: 256 (short) or 65536 (extended)
    is encoded as zero, meaning "as many as there are".
    """
    header = bytes([cla, ins, p1, p2])
    if extended:
        body = b""
        if data:
            body += b"\x00" + len(data).to_bytes(2, "big") + data
        if le is not None:
            le_bytes = (le % 65536).to_bytes(2, "big")
            body += le_bytes if data else b"\x00" + le_bytes
        return header + body
    if len(data) > 255 or (le is not None and le > 256):
        raise ValueError("short APDU cannot carry that length")
    body = bytes([len(data)]) + data if data else b""
    if le is not None:
        body += bytes([le % 256])
    return header + body


class ApduProtocol:
    """Sends APDUs on a connection and follows the transport-level status words.

    - ``61xx``: the card has more bytes; GET RESPONSE until it has none.
    - ``6Cxx``: wrong Le; resend the same command with Le = xx, but only a
      command that already carries an Le (case 2 or 4). A case-1 or case-3
      command is never given an Le nor a body: ``00 20 00 80`` (the PIN tries
      query) resent as ``00 20 00 80 00`` reads on a T=0 card as VERIFY of an
      empty PIN and can cost a try.
    - ``6F00`` on the very first command after power-up: retried once
      (seen on one card, docs/card-facts.md "Transport").
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        #: None until known; False once the reader refused an extended APDU.
        self.extended_supported: bool | None = None
        self._first_after_power_up = True

    def power_cycled(self) -> None:
        """Tell the protocol the card was reset (its first answer may be 6F00 again)."""
        self._first_after_power_up = True

    def transmit(self, apdu: bytes | bytearray) -> Response:
        """``apdu`` may be a ``bytearray`` (a PIN's VERIFY: the caller zeroes it after)."""
        data, sw = self._send(apdu)
        # A command carrying a PIN is sent once, whatever comes back: each
        # send may spend a try (docs/card-facts.md "PINs").
        resendable = not carries_pin(apdu)
        if self._first_after_power_up:
            self._first_after_power_up = False
            if sw == Sw.NO_PRECISE_DIAGNOSIS and resendable:
                data, sw = self._send(apdu)
        if sw >> 8 == 0x6C and _has_short_le(apdu) and resendable:
            data, sw = self._send(_with_le(apdu, sw & 0xFF))
        collected = bytearray(data)
        rounds = 0
        while sw >> 8 == 0x61:
            rounds += 1
            if rounds > 512:  # a card that never stops saying "more" is broken
                raise MalformedResponseError()
            data, sw = self._send(build_apdu(apdu[0] & 0x03, 0xC0, 0, 0, le=(sw & 0xFF) or 256))
            collected += data
        return Response(bytes(collected), sw)

    def command(
        self,
        cla: int,
        ins: int,
        p1: int,
        p2: int,
        data: bytes = b"",
        le: int | None = None,
        *,
        extended: bool = False,
        accept: tuple[int, ...] = (Sw.OK,),
    ) -> Response:
        """Build, send, and raise :class:`ApduError` unless the status word is accepted."""
        response = self.transmit(build_apdu(cla, ins, p1, p2, data, le, extended=extended))
        if response.sw not in accept:
            raise ApduError(response.data, response.sw)
        return response

    def _send(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        if _LOG.debugging:  # the PIN's bytes are never formatted (apdu_text)
            _LOG.debug("> %s", apdu_text(apdu))
        data, sw = self.connection.send_and_receive(apdu)
        if _LOG.debugging:
            _LOG.debug("< %04X (%d bytes)", sw, len(data))
        return data, sw


def _has_short_le(apdu: bytes | bytearray) -> bool:
    """True for a short case-2 or case-4 command (the only kinds 6Cxx may resend)."""
    if len(apdu) == 5:
        return True  # case 2: header + Le
    if len(apdu) < 6 or apdu[4] == 0:
        return False  # case 1, or extended length
    return len(apdu) == 5 + apdu[4] + 1  # case 4: header + Lc + data + Le


def _with_le(apdu: bytes | bytearray, le: int) -> bytes:
    """Replace the Le byte of a short case-2 or case-4 APDU (never add one)."""
    return bytes(apdu[:-1]) + bytes([le])
