"""Connections to a card: the real PC/SC stack, a replayed transcript, a simulated card.

Everything above this package works on ``send_and_receive(bytes) -> (bytes, sw)``;
only :mod:`mynacheck.card.pcsc` imports pyscard.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol
else:  # no typing at run time: a command line's head start imports this first
    Protocol = object


class Connection(Protocol):
    """A card in a reader, as seen by the APDU layer."""

    @property
    def reader(self) -> str:
        """Name of the reader ("Sony FeliCa Port/PaSoRi 4.0 0", "simulated: valid")."""
        ...

    @property
    def simulated(self) -> bool:
        """True when no physical card is involved (simulated card or replayed transcript)."""
        ...

    @property
    def atr(self) -> bytes:
        """Answer to reset, as the reader reports it (contactless readers build their own)."""
        ...

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        """Send one command APDU; return the response data and the status word.

        Raises :class:`~mynacheck.errors.CardError` when the card
        does not answer (removed, reader gone, response shorter than 2 bytes).
        """
        ...

    @property
    def apdu_count(self) -> int:
        """Commands sent so far (GET RESPONSE and resends included)."""
        ...

    @property
    def contactless(self) -> bool:
        """The card sits on a contactless reader (so: "keep it still" on a failure)."""
        ...

    def reset(self) -> None:
        """Power-cycle the card (cold reset, clearing any verified PIN); reselect after."""
        ...

    def close(self) -> None:
        """Release the card, unpowering it so no verified PIN state lingers."""
        ...


_CONTACTLESS_NAMES = ("pasori", "contactless", "rc-s")


def is_contactless(reader_name: str, atr: bytes | None) -> bool:
    """Guess whether the card sits on a contactless reader.

    Contactless readers build the ATR themselves (PC/SC part 3: ``3B 8x 80 01``);
    some report the card's ATS instead, so the reader name is the second hint.
    """
    if (
        atr
        and len(atr) >= 4
        and atr[0] == 0x3B
        and atr[1] & 0xF0 == 0x80
        and atr[2:4] == b"\x80\x01"
    ):
        return True
    lowered = reader_name.lower()
    return any(part in lowered for part in _CONTACTLESS_NAMES)


def split_response(response: bytes) -> tuple[bytes, int]:
    """Split a raw response APDU into data and status word."""
    from ..errors import MalformedResponseError

    if len(response) < 2:
        raise MalformedResponseError()
    return response[:-2], int.from_bytes(response[-2:], "big")
