"""What we know about the card: application IDs, file IDs, PIN rules.

All card-generation knowledge lives here (docs/card-facts.md), so that the
next-generation card is a second :class:`CardProfile`, not a rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
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
class KeyProofRecipe:
    """How the card's auth key signs (docs/card-facts.md "Key use after VERIFY").

    ``key_type`` names the public-key type the recipe works for ("rsa"); a
    certificate with any other key gets no key proof, and says so
    (``key_algorithm_unsupported``), rather than sending the card a command it
    cannot do.
    """

    key_type: str
    #: DER prefix of the DigestInfo the card expects before the digest.
    digest_info_prefix: bytes
    #: CLA INS P1 P2 of the signing command (Lc, data and Le follow).
    header: bytes
    #: Le of the signing command: the signature's length for the key size.
    le: int


@dataclass(frozen=True)
class CardProfile:
    """One card generation: where everything is, and what it answers with."""

    name: str
    jpki_aid: bytes
    auth_cert_fid: int
    auth_ca_fid: int
    auth_key_fid: int
    token_info_fid: int
    auth_pin: PinReference
    other_pins: tuple[PinReference, ...]
    #: The token label EF ``token_info_fid`` holds on this card (docs/card-facts.md "Token label").
    token_label: str
    key_proof: KeyProofRecipe

    @staticmethod
    def sfi(fid: int) -> int:
        """Short file identifier: the low 5 bits of the file ID (0x000A -> 0x0A)."""
        return fid & 0x1F


JPKI_AID = bytes.fromhex("D392F000260100000001")
KENKAKU_HOJO_AID = bytes.fromhex("D3921000310001010408")
KENMEN_AID = bytes.fromhex("D3921000310001010402")

_DIGITS = "0123456789"
_SIGN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

JPKI_AUTH_PIN = PinReference(
    key="jpki_auth",
    aid=JPKI_AID,
    fid=0x0018,
    min_length=4,
    max_length=4,
    alphabet=_DIGITS,
    max_tries=3,
)
JPKI_SIGN_PIN = PinReference(
    key="jpki_sign",
    aid=JPKI_AID,
    fid=0x001B,
    min_length=6,
    max_length=16,
    alphabet=_SIGN_ALPHABET,
    max_tries=5,
)
# 券面事項入力補助AP and 券面AP PINs (jpki/myna src/cli.rs run_pin_status).
HOJO_PIN = PinReference(
    key="kenkaku_hojo_pin",
    aid=KENKAKU_HOJO_AID,
    fid=0x0011,
    min_length=4,
    max_length=4,
    alphabet=_DIGITS,
    max_tries=3,
)
HOJO_PIN_A = PinReference(
    key="kenkaku_hojo_pin_a",
    aid=KENKAKU_HOJO_AID,
    fid=0x0014,
    min_length=12,
    max_length=12,
    alphabet=_DIGITS,
    max_tries=None,
)
HOJO_PIN_B = PinReference(
    key="kenkaku_hojo_pin_b",
    aid=KENKAKU_HOJO_AID,
    fid=0x0015,
    min_length=6,
    max_length=6,
    alphabet=_DIGITS,
    max_tries=None,
)
KENMEN_PIN_A = PinReference(
    key="kenmen_pin_a",
    aid=KENMEN_AID,
    fid=0x0013,
    min_length=12,
    max_length=12,
    alphabet=_DIGITS,
    max_tries=None,
)
KENMEN_PIN_B = PinReference(
    key="kenmen_pin_b",
    aid=KENMEN_AID,
    fid=0x0012,
    min_length=6,
    max_length=6,
    alphabet=_DIGITS,
    max_tries=None,
)

#: RSA PKCS#1 v1.5 over a SHA-256 DigestInfo (RFC 8017 section 9.2, note 1), by
#: COMPUTE DIGITAL SIGNATURE ``80 2A 00 80`` after SELECT EF of the key.
RSA_PKCS1_SHA256 = KeyProofRecipe(
    key_type="rsa",
    digest_info_prefix=bytes.fromhex("3031300d060960864801650304020105000420"),
    header=bytes.fromhex("802A0080"),
    le=256,
)

# -- token labels (docs/card-facts.md "Token label") -----------------------------------
#: The first 32 bytes of EF 0006, space-padded ASCII, say what answers as the JPKI AP.
TOKEN_LABEL_LENGTH = 32
#: The old 住基カード (Basic Resident Registration card): it carried only a signature
#: certificate; the auth certificate began with the My Number Card.
JUKI_CARD_LABEL = "JPKIAPICCTOKEN"
#: Labels of the スマホ用電子証明書 in a phone's secure element, with where each was seen.
SMARTPHONE_LABELS: dict[str, str] = {
    # Android (GlobalPlatform SE): jpki/myna src/cli.rs, _go/libmyna/api.go.
    "JPKIAPGPSETOKEN": "android",
    # iPhone: one public source only (docs/card-facts.md "Token label").
    "JPKIAPIOSTOKEN": "iphone",
}
#: Parts of a label that say "phone or secure element" in a label no source lists
#: yet (between ``JPKIAP`` and ``TOKEN``): GlobalPlatform SE, iOS, phone.
SMARTPHONE_LABEL_MARKS = ("SE", "IOS", "PHONE", "MOBILE", "SMP")

MY_NUMBER_CARD = CardProfile(
    name="my_number_card_gen1",
    jpki_aid=JPKI_AID,
    auth_cert_fid=0x000A,
    auth_ca_fid=0x000B,
    auth_key_fid=0x0017,
    token_info_fid=0x0006,
    auth_pin=JPKI_AUTH_PIN,
    other_pins=(JPKI_SIGN_PIN, HOJO_PIN, HOJO_PIN_A, HOJO_PIN_B, KENMEN_PIN_A, KENMEN_PIN_B),
    token_label="JPKIAPICCTOKEN2",
    key_proof=RSA_PKCS1_SHA256,
)

#: Every card generation mynacheck knows, newest last. A next-generation card is one
#: more profile here (its AIDs, files, PINs, label and key recipe), nothing else.
PROFILES: tuple[CardProfile, ...] = (MY_NUMBER_CARD,)


def profile_for_label(label: str) -> CardProfile | None:
    """The known card generation whose token label is ``label``, if any."""
    for profile in PROFILES:
        if profile.token_label == label:
            return profile
    return None
