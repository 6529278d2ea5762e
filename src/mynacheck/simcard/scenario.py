"""One simulated card, described: :class:`Scenario` says how to build it.

The named cards are in :mod:`.scenarios`. Every card's auth PIN is
:data:`~mynacheck.pin.DEMO_PIN`; the other PINs are the synthetic ones below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..card.profile import JPKI_AID, KENKAKU_HOJO_AID, KENMEN_AID
from ..pin import DEMO_PIN
from .card import SimulatedCard
from .fixtures import load_der, load_key
from .model import (
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
