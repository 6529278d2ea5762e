"""The simulated card's vocabulary: status words, files, PINs, keys, quirks, and
command parsing. :mod:`mynacheck.simcard.card` is the card that uses them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cryptography.hazmat.primitives.asymmetric import rsa

from ..card.apdu import Sw

#: A contact My Number Card-like ATR, T=1 (docs/card-facts.md "Transport"); TCK checks out.
DEFAULT_ATR = bytes.fromhex("3BE000FF8131FE4514")
#: What a PC/SC contactless reader builds for an ISO 14443 Type B card.
CONTACTLESS_ATR = bytes.fromhex("3B888001000000000000000009")


class CardRemoved(Exception):
    """The card was pulled out of the reader: it answers nothing any more."""


class CardUnresponsive(Exception):
    """The card does not answer (unpowered, or reset itself mid-command)."""


class CardReset(CardUnresponsive):
    """The card reset itself on a command (some readers do this on extended APDUs).

    It stays mute until :meth:`SimulatedCard.power_on` or :meth:`SimulatedCard.reset`.
    """


# -- card content -----------------------------------------------------------------


@dataclass
class BinaryFile:
    """A transparent EF.

    ``select_sw`` / ``read_sw`` other than 9000 make SELECT EF / READ BINARY
    answer that status word (a card whose certificate "is missing" may do so:
    docs/card-facts.md "What no certificate looks like").
    """

    content: bytes
    select_sw: int = Sw.OK
    read_sw: int = Sw.OK
    #: A PIN (FID in the same application) that must be verified to read.
    read_pin: int | None = None


@dataclass
class PinFile:
    """A PIN reference with its retry counter; ``verified`` lasts one power cycle."""

    value: bytes
    max_tries: int
    tries_left: int
    verified: bool = False


@dataclass
class KeyFile:
    """A private key that signs after ``pin`` (FID in the same application) is verified."""

    private_key: rsa.RSAPrivateKey
    pin: int


ElementaryFile = BinaryFile | PinFile | KeyFile


@dataclass
class Application:
    """A DF selectable by name, with its EFs keyed by file ID."""

    aid: bytes
    files: dict[int, ElementaryFile] = field(default_factory=dict)


@dataclass(frozen=True)
class Quirks:
    """Behaviour switches; the defaults are a well-behaved card in a good reader."""

    #: What an extended-length APDU gets: answered, 6700, or the card resets.
    extended_apdu: Literal["ok", "wrong_length", "reset"] = "ok"
    #: T=0 style: any response with data answers 61xx; the data needs GET RESPONSE.
    get_response: bool = False
    #: A short READ BINARY must ask for exactly min(bytes left in the file, 256)
    #: bytes; anything else answers 6Cxx with that number.
    exact_le: bool = False
    #: A read that hits the end of the file early answers 6282 with the data
    #: (soltia48/myna-card, docs/card-facts.md "Reading a certificate").
    eof_6282: bool = False
    #: The first APDU after power-up answers 6F00 once (docs/card-facts.md "Transport").
    first_apdu_6f00: bool = False
    #: READ BINARY with a short file identifier in P1; False answers 6A86.
    sfi_supported: bool = True
    #: Whether a read by SFI makes that EF current (ISO 7816-4 says it does;
    #: docs/card-facts.md says it is unconfirmed on this card).
    sfi_sets_current_ef: bool = True
    #: The Nth READ BINARY (1-based, counted since creation) finds the card
    #: pulled out: it raises :class:`CardRemoved` and so does everything after.
    pulled_out_at_read: int | None = None
    #: READ BINARY answers a single byte (no status word): a broken transfer.
    garbage_read: bool = False
    #: A warm reset keeps the verified PIN state (docs/card-facts.md "PINs": not every
    #: card clears it on warm reset). A cold power-on always clears it.
    keeps_verified_on_warm_reset: bool = False
    #: VERIFY with a PIN on a blocked reference (6984 per soltia48; ISO allows 6983).
    pin_blocked_sw: int = Sw.REFERENCE_DATA_NOT_USABLE
    #: Status query (VERIFY, no data) on a blocked reference.
    pin_blocked_status_sw: int = 0x63C0


# -- command parsing ----------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A parsed command APDU (ISO 7816-3 cases 1-4, short or extended)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes
    le: int | None  # None: no Le field; 256 / 65536 when encoded as zero
    extended: bool


class _MalformedApdu(Exception):
    pass


def parse_command(apdu: bytes) -> Command:
    """Split ``apdu`` into header, data and Le; raises on a length that does not add up."""
    if len(apdu) < 4:
        raise _MalformedApdu
    cla, ins, p1, p2 = apdu[:4]
    body = apdu[4:]
    if not body:
        return Command(cla, ins, p1, p2, b"", None, False)
    if len(body) == 1:
        return Command(cla, ins, p1, p2, b"", body[0] or 256, False)
    if body[0] != 0:  # short Lc
        lc = body[0]
        if len(body) == 1 + lc:
            return Command(cla, ins, p1, p2, body[1:], None, False)
        if len(body) == 2 + lc:
            return Command(cla, ins, p1, p2, body[1 : 1 + lc], body[-1] or 256, False)
        raise _MalformedApdu
    # Extended: 00 then a 2-byte Le (case 2E) or a 2-byte Lc, data, optional 2-byte Le.
    if len(body) == 3:
        return Command(cla, ins, p1, p2, b"", int.from_bytes(body[1:3], "big") or 65536, True)
    if len(body) < 3:
        raise _MalformedApdu
    lc = int.from_bytes(body[1:3], "big")
    if lc == 0:
        raise _MalformedApdu
    data = body[3 : 3 + lc]
    rest = body[3 + lc :]
    if len(data) != lc or len(rest) not in (0, 2):
        raise _MalformedApdu
    le = (int.from_bytes(rest, "big") or 65536) if rest else None
    return Command(cla, ins, p1, p2, data, le, True)


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")
