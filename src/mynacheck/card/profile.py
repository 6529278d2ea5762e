"""What we know about the card: application IDs, file IDs, PIN rules.

All card-generation knowledge lives here (docs/card-facts.md), so that the
next-generation card is a second :class:`CardProfile`, not a rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PinReference:
    """A PIN on the card: where it lives, and what a well-formed value looks like."""

    key: str  # stable name used in JSON ("jpki_auth", ...)
    aid: bytes
    fid: int
    min_length: int
    max_length: int
    alphabet: str
    max_tries: int | None  # None where no public source gives it


@dataclass(frozen=True)
class CardProfile:
    name: str
    jpki_aid: bytes
    auth_cert_fid: int
    auth_ca_fid: int
    auth_key_fid: int
    token_info_fid: int
    auth_pin: PinReference
    other_pins: tuple[PinReference, ...]

    @staticmethod
    def sfi(fid: int) -> int:
        """Short file identifier: the low 5 bits of the file ID (0x000A -> 0x0A)."""
        return fid & 0x1F


JPKI_AID = bytes.fromhex("D392F000260100000001")
KENKAKU_HOJO_AID = bytes.fromhex("D3921000310001010408")
KENMEN_AID = bytes.fromhex("D3921000310001010402")

_DIGITS = "0123456789"
_SIGN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

JPKI_AUTH_PIN = PinReference("jpki_auth", JPKI_AID, 0x0018, 4, 4, _DIGITS, 3)
JPKI_SIGN_PIN = PinReference("jpki_sign", JPKI_AID, 0x001B, 6, 16, _SIGN_ALPHABET, 5)
# 券面事項入力補助AP and 券面AP PINs (jpki/myna src/cli.rs run_pin_status).
HOJO_PIN = PinReference("kenkaku_hojo_pin", KENKAKU_HOJO_AID, 0x0011, 4, 4, _DIGITS, 3)
HOJO_PIN_A = PinReference("kenkaku_hojo_pin_a", KENKAKU_HOJO_AID, 0x0014, 12, 12, _DIGITS, None)
HOJO_PIN_B = PinReference("kenkaku_hojo_pin_b", KENKAKU_HOJO_AID, 0x0015, 6, 6, _DIGITS, None)
KENMEN_PIN_A = PinReference("kenmen_pin_a", KENMEN_AID, 0x0013, 12, 12, _DIGITS, None)
KENMEN_PIN_B = PinReference("kenmen_pin_b", KENMEN_AID, 0x0012, 6, 6, _DIGITS, None)

MY_NUMBER_CARD = CardProfile(
    name="my_number_card_gen1",
    jpki_aid=JPKI_AID,
    auth_cert_fid=0x000A,
    auth_ca_fid=0x000B,
    auth_key_fid=0x0017,
    token_info_fid=0x0006,
    auth_pin=JPKI_AUTH_PIN,
    other_pins=(JPKI_SIGN_PIN, HOJO_PIN, HOJO_PIN_A, HOJO_PIN_B, KENMEN_PIN_A, KENMEN_PIN_B),
)
