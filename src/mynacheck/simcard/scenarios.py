"""Named simulated cards: one per situation mynacheck must get right.

Every scenario is a fresh :class:`~mynacheck.simcard.card.SimulatedCard` built
from the synthetic certificates in ``data/`` (``scripts/make_fixtures.py``).
The auth PIN is :data:`DEMO_PIN` on every card.

The cards chain to the simulator's own root (``data/simulator-root.pem``,
``O=mynacheck simulator``), which mynacheck trusts only for a simulated
connection or when it is given as a trust anchor (trust ``simulated``). A card
served to pcscd through vpcd is, to mynacheck, a real card: pass that root with
``--trust-anchor`` to see its intended verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..card.apdu import Sw
from ..card.profile import JPKI_AID, KENKAKU_HOJO_AID, KENMEN_AID
from ..pin import DEMO_PIN
from .card import SimulatedCard
from .fixtures import (
    JLIS_GENERATION_2,
    load_der,
    load_key,
    not_a_certificate,
    truncated_certificate,
)
from .model import (
    CONTACTLESS_ATR,
    DEFAULT_ATR,
    Application,
    BinaryFile,
    ElementaryFile,
    KeyFile,
    PinFile,
    Quirks,
)

# DEMO_PIN, the auth PIN of every card, is also the 券面事項入力補助AP PIN.
#: The signature PIN (6-16 of A-Z 0-9) of every simulated card.
DEMO_SIGN_PIN = "MYNA2026"
#: 券面事項入力補助AP / 券面AP PIN A (12 digits) and PIN B (6 digits): synthetic.
DEMO_PIN_A = "000000000000"
DEMO_PIN_B = "000101"

#: 住基AP (docs/card-facts.md "Applications"); selectable, nothing in it is simulated.
JUKI_AID = bytes.fromhex("D3921000310001010401")
#: An ATR no My Number Card list knows (valid T=1 ATR, no historical bytes).
UNKNOWN_ATR = bytes.fromhex("3B80800101")
#: Size of the simulated EF 000A: the certificate, then filler up to this size.
AUTH_FILE_SIZE = 2048


@dataclass(frozen=True)
class Scenario:
    """How to build one simulated card. ``description`` is one line of English."""

    name: str
    description: str
    #: Stem of the certificate in EF 000A (``data/<stem>.der``).
    auth_cert: str = "ee-valid"
    #: Stem of the CA certificate in EF 000B; None: the EF answers 6A82.
    ca_cert: str | None = "simulator-root"
    #: Stem of the key the card signs with; None: the auth certificate's key.
    card_key: str | None = None
    #: Raw EF 000A content instead of certificate + filler (the "missing" cases).
    auth_file_content: bytes | None = None
    #: Filler byte after the certificate, up to :data:`AUTH_FILE_SIZE`.
    filler: int = 0xFF
    #: False: EF 000A does not exist (SELECT and READ answer 6A82).
    auth_file_present: bool = True
    #: READ BINARY of EF 000A answers this (SELECT EF still 9000).
    auth_read_sw: int = 0x9000
    #: Token label in EF 0006: JPKIAPICCTOKEN2 = My Number Card
    #: (docs/card-facts.md "Token label").
    token_label: str = "JPKIAPICCTOKEN2"
    #: READ BINARY of EF 0006 answers this (SELECT EF still 9000).
    token_read_sw: int = 0x9000
    #: EF 000A readable only once the auth PIN is verified, as on a phone
    #: (jpki/myna src/cli.rs: the JPKIAPGPSETOKEN case verifies the PIN first).
    auth_needs_pin: bool = False
    #: False: only the JPKI AP answers (a phone's secure element has no 券面 APs).
    card_applications: bool = True
    #: False: the JPKI AID (and the other My Number APs) do not select.
    mynumber_card: bool = True
    auth_pin_tries: int = 3
    auth_pin_verified: bool = False
    atr: bytes = DEFAULT_ATR
    quirks: Quirks = field(default_factory=Quirks)
    #: Fixture the checker must be given as ``--trust-anchor`` for the intended
    #: verdict (besides the simulator root, which a card behind pcscd always needs).
    trust_anchor: str | None = None

    def auth_file(self) -> bytes:
        """Content of EF 000A: the certificate padded with filler, or the raw override."""
        if self.auth_file_content is not None:
            return self.auth_file_content
        der = load_der(self.auth_cert)
        size = max(AUTH_FILE_SIZE, len(der))
        return der + bytes([self.filler]) * (size - len(der))

    def build(self) -> SimulatedCard:
        """A fresh card in this scenario's state (powered, MF selected)."""
        return SimulatedCard(self._applications(), atr=self.atr, quirks=self.quirks)

    def _applications(self) -> list[Application]:
        if not self.mynumber_card:
            return []
        key = load_key(self.card_key or self.auth_cert)
        jpki: dict[int, ElementaryFile] = {
            # Token info: a space-padded 32-byte label (docs/card-facts.md "Elementary files").
            0x0006: BinaryFile(
                self.token_label.encode("ascii").ljust(32, b" "), read_sw=self.token_read_sw
            ),
            0x0008: BinaryFile(bytes.fromhex("8F8F00")),
            # Signature certificate: personal data, readable only with the sign PIN.
            # The simulated one is a placeholder; nothing should ever read it.
            0x0001: BinaryFile(b"\x30\x03\x02\x01\x00", read_pin=0x001B),
            0x0017: KeyFile(key, pin=0x0018),
            0x0018: PinFile(
                DEMO_PIN.encode(), 3, self.auth_pin_tries, verified=self.auth_pin_verified
            ),
            0x001A: KeyFile(load_key("key-other"), pin=0x001B),
            0x001B: PinFile(DEMO_SIGN_PIN.encode(), 5, 5),
        }
        if self.auth_file_present:
            jpki[0x000A] = BinaryFile(
                self.auth_file(),
                read_sw=self.auth_read_sw,
                read_pin=0x0018 if self.auth_needs_pin else None,
            )
        if self.ca_cert is not None:
            jpki[0x000B] = BinaryFile(load_der(self.ca_cert))
        hojo: dict[int, ElementaryFile] = {
            0x0011: PinFile(DEMO_PIN.encode(), 3, 3),
            0x0014: PinFile(DEMO_PIN_A.encode(), 10, 10),
            0x0015: PinFile(DEMO_PIN_B.encode(), 10, 10),
        }
        kenmen: dict[int, ElementaryFile] = {
            0x0013: PinFile(DEMO_PIN_A.encode(), 10, 10),
            0x0012: PinFile(DEMO_PIN_B.encode(), 10, 10),
        }
        if not self.card_applications:
            return [Application(JPKI_AID, jpki)]
        return [
            Application(JPKI_AID, jpki),
            Application(KENKAKU_HOJO_AID, hojo),
            Application(KENMEN_AID, kenmen),
            Application(JUKI_AID, {}),
        ]


def _scenarios(*items: Scenario) -> dict[str, Scenario]:
    return {item.name: item for item in items}


_PRIVATE = Scenario(
    "valid_private_root",
    "Valid certificate under a private root, trusted only when given with --trust-anchor.",
    auth_cert="ee-private",
    ca_cert="private-root",
    trust_anchor="private-root.pem",
)

SCENARIOS: dict[str, Scenario] = _scenarios(
    # -- certificate verdicts -----------------------------------------------------
    Scenario(
        "valid", "Valid auth certificate under the simulator's root (trusted when simulated)."
    ),
    _PRIVATE,
    replace(
        _PRIVATE,
        name="untrusted_root",
        description="Valid-looking certificate under a root nobody trusts (no anchor given).",
        trust_anchor=None,
    ),
    Scenario("expired", "Auth certificate expired on 2024-09-30.", auth_cert="ee-expired"),
    Scenario(
        "not_yet_valid",
        "Auth certificate valid only from 2040-01-01.",
        auth_cert="ee-not-yet-valid",
    ),
    Scenario(
        "renewal_window",
        "Valid certificate expiring 2027-01-31; renewal opens 2026-10-31 (JST).",
        auth_cert="ee-renewal",
    ),
    Scenario(
        "forged",
        "Carries the genuine J-LIS generation-2 root; the certificate's signature does not verify.",
        auth_cert="ee-forged",
        ca_cert=JLIS_GENERATION_2,
    ),
    Scenario(
        "gen2_lookalike",
        "Root with J-LIS generation 2's name, serial and dates but another key: untrusted.",
        auth_cert="ee-lookalike",
        ca_cert="lookalike-root",
    ),
    Scenario(
        "test_card", "JPKI test card (O=JPKI-TEST root).", auth_cert="ee-test", ca_cert="test-root"
    ),
    Scenario("ca_unreadable", "Valid certificate, but EF 000B (CA) answers 6A82.", ca_cert=None),
    Scenario(
        "key_mismatch",
        "Valid certificate, but the card's key is not the certificate's key.",
        card_key="key-other",
    ),
    Scenario("big_certificate", "Valid certificate of 1.5 KB (6 short reads).", auth_cert="ee-big"),
    # -- certificates at the edges of RFC 5280 -----------------------------------------
    Scenario(
        "no_expiry",
        "Valid certificate with notAfter 99991231235959Z (no well-defined expiry).",
        auth_cert="ee-no-expiry",
    ),
    Scenario(
        "far_future_dates",
        "Certificate valid only from 9999-12-31 15:00 UTC (past year 9999 in JST).",
        auth_cert="ee-far-future",
    ),
    Scenario(
        "dates_before_1950",
        "Certificate valid from 0001-01-01 until 1949-12-31 (GeneralizedTime).",
        auth_cert="ee-ancient",
    ),
    Scenario(
        "negative_serial",
        "Valid certificate with a negative serial number (against RFC 5280).",
        auth_cert="ee-negative-serial",
    ),
    # -- no certificate: every plausible "missing" answer (docs/card-facts.md) ----
    Scenario(
        "missing_not_found",
        "EF 000A does not exist (SELECT and READ answer 6A82).",
        auth_file_present=False,
    ),
    Scenario(
        "missing_access_denied",
        "EF 000A selects but READ BINARY answers 6986.",
        auth_read_sw=Sw.COMMAND_NOT_ALLOWED,
    ),
    Scenario(
        "missing_access_denied_6981",
        "EF 000A selects but READ BINARY answers 6981.",
        auth_read_sw=Sw.INCOMPATIBLE_FILE_STRUCTURE,
    ),
    Scenario(
        "missing_security_6982",
        "EF 000A selects but READ BINARY answers 6982.",
        auth_read_sw=Sw.SECURITY_STATUS_NOT_SATISFIED,
    ),
    Scenario("missing_blank_ff", "EF 000A is all FF.", auth_file_content=b"\xff" * AUTH_FILE_SIZE),
    Scenario("missing_blank_00", "EF 000A is all 00.", auth_file_content=b"\x00" * AUTH_FILE_SIZE),
    Scenario(
        "missing_not_der",
        "EF 000A holds something that is not a DER SEQUENCE (starts 04).",
        auth_file_content=b"\x04\x82\x01\x00" + bytes(range(256)) + b"\xff" * 1788,
    ),
    Scenario(
        "missing_length_mismatch",
        "EF 000A's DER header claims more bytes than the 600-byte file has.",
        auth_file_content=truncated_certificate(),
    ),
    Scenario(
        "missing_unparseable",
        "EF 000A holds a well-formed DER SEQUENCE that is not a certificate.",
        auth_file_content=not_a_certificate() + b"\xff" * 256,
    ),
    Scenario(
        "missing_empty",
        "EF 000A has length 0 (READ at offset 0 answers 6B00).",
        auth_file_content=b"",
    ),
    # -- card identity ------------------------------------------------------------
    Scenario(
        "not_mynumber_card",
        "A smart card without the JPKI application (AID answers 6A82).",
        mynumber_card=False,
    ),
    # -- what else answers the JPKI AP (docs/card-facts.md "Token label") ------------
    Scenario(
        "smartphone_android",
        "Android phone (スマホ用電子証明書): label JPKIAPGPSETOKEN; EF 000A needs the auth "
        "PIN (6982).",
        token_label="JPKIAPGPSETOKEN",
        auth_needs_pin=True,
        card_applications=False,
        atr=CONTACTLESS_ATR,
    ),
    Scenario(
        "smartphone_iphone",
        "iPhone, as far as is known: label JPKIAPIOSTOKEN (one public source); EF 000A needs "
        "the auth PIN (6982).",
        token_label="JPKIAPIOSTOKEN",
        auth_needs_pin=True,
        card_applications=False,
        atr=CONTACTLESS_ATR,
    ),
    Scenario(
        "jukicard",
        "Old 住基カード: label JPKIAPICCTOKEN, no auth certificate (EF 000A answers 6A82).",
        token_label="JPKIAPICCTOKEN",
        auth_file_present=False,
    ),
    Scenario(
        "unknown_label",
        "A card of a generation no one knows yet: label JPKIAPICCTOKEN3, EF 000A answers 6A82.",
        token_label="JPKIAPICCTOKEN3",
        auth_file_present=False,
    ),
    Scenario(
        "token_unreadable",
        "EF 000A and EF 0006 both refuse to be read (6982): the card will not say what it is.",
        auth_read_sw=Sw.SECURITY_STATUS_NOT_SATISFIED,
        token_read_sw=Sw.SECURITY_STATUS_NOT_SATISFIED,
    ),
    Scenario(
        "missing_token_unreadable",
        "EF 000A does not exist (6A82) and EF 0006 refuses (6982): missing, said plainly.",
        auth_file_present=False,
        token_read_sw=Sw.SECURITY_STATUS_NOT_SATISFIED,
    ),
    Scenario(
        "jukicard_expired",
        "住基カード-like: label JPKIAPICCTOKEN with a readable, expired auth certificate.",
        auth_cert="ee-expired",
        token_label="JPKIAPICCTOKEN",
    ),
    # -- PIN ------------------------------------------------------------------------
    Scenario("pin_last_try", "Valid certificate; auth PIN has 1 try left.", auth_pin_tries=1),
    Scenario(
        "pin_blocked",
        "Valid certificate; auth PIN blocked (status 63C0, VERIFY 6984).",
        auth_pin_tries=0,
    ),
    Scenario(
        "pin_blocked_6983",
        "Valid certificate; auth PIN blocked, the card answers 6983 (ISO) to status and VERIFY.",
        auth_pin_tries=0,
        quirks=Quirks(pin_blocked_sw=0x6983, pin_blocked_status_sw=0x6983),
    ),
    Scenario(
        "pin_already_verified",
        "Auth PIN verified earlier this power cycle: status answers 9000 until power-cycled.",
        auth_pin_verified=True,
    ),
    Scenario(
        "pin_kept_on_warm_reset",
        "Auth PIN verified earlier; a warm reset keeps it, only a power cycle clears it.",
        auth_pin_verified=True,
        quirks=Quirks(keeps_verified_on_warm_reset=True),
    ),
    # -- transport and reader quirks ------------------------------------------------
    Scenario(
        "short_apdu_only",
        "Reader without extended APDUs: they answer 6700.",
        quirks=Quirks(extended_apdu="wrong_length"),
    ),
    Scenario(
        "short_apdu_reset",
        "Reader that resets the card on an extended APDU.",
        quirks=Quirks(extended_apdu="reset"),
    ),
    Scenario(
        "get_response",
        "T=0 style: data comes back through 61xx and GET RESPONSE.",
        quirks=Quirks(get_response=True),
    ),
    Scenario(
        "wrong_le",
        "Short APDUs only; a READ whose Le is not the bytes left in the file answers 6Cxx.",
        quirks=Quirks(extended_apdu="wrong_length", exact_le=True),
    ),
    Scenario(
        "eof_6282",
        "A read that hits the end of the file answers 6282 with the bytes it has.",
        quirks=Quirks(eof_6282=True),
    ),
    Scenario("filler_00", "Valid certificate followed by 00 filler instead of FF.", filler=0x00),
    Scenario(
        "first_apdu_6f00",
        "The first APDU after power-up answers 6F00 once.",
        quirks=Quirks(first_apdu_6f00=True),
    ),
    Scenario(
        "contactless_atr",
        "Valid card behind a contactless reader (PC/SC-built Type B ATR).",
        atr=CONTACTLESS_ATR,
    ),
    Scenario("unknown_atr", "Valid card with an ATR no list knows.", atr=UNKNOWN_ATR),
    Scenario(
        "sfi_unsupported",
        "READ BINARY by short file identifier answers 6A86; SELECT EF works.",
        quirks=Quirks(sfi_supported=False),
    ),
    Scenario(
        "no_current_ef_after_sfi",
        "Short APDUs only; a read by SFI does not make the EF current (offset reads: 6986).",
        quirks=Quirks(sfi_sets_current_ef=False, extended_apdu="wrong_length"),
    ),
    Scenario(
        "pulled_out",
        "The card is pulled out as the 2nd READ BINARY is sent.",
        quirks=Quirks(pulled_out_at_read=2),
    ),
    Scenario(
        "garbage",
        "READ BINARY gets a 1-byte response (no status word).",
        quirks=Quirks(garbage_read=True),
    ),
)


def make_card(name: str) -> SimulatedCard:
    """A fresh simulated card for scenario ``name`` (KeyError names the known ones)."""
    try:
        scenario = SCENARIOS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None
    return scenario.build()
