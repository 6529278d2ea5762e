"""Named simulated cards: one per situation mynacheck must get right.

Every scenario (:class:`~mynacheck.simcard.scenario.Scenario`) is a fresh
:class:`~mynacheck.simcard.card.SimulatedCard` built from the synthetic
certificates in ``data/`` (``scripts/make_fixtures.py``). The auth PIN is
:data:`~mynacheck.pin.DEMO_PIN` on every card.

The cards chain to the simulator's own root (``data/simulator-root.pem``,
``O=mynacheck simulator``), which mynacheck trusts only for a simulated
connection or when it is given as a trust anchor (trust ``simulated``). A card
served to pcscd through vpcd is, to mynacheck, a real card: pass that root with
``--trust-anchor`` to see its intended verdict.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace

from ..card.apdu import Sw
from .card import SimulatedCard
from .fixtures import JLIS_GENERATION_2, not_a_certificate, truncated_certificate
from .model import CONTACTLESS_ATR, Quirks
from .scenario import AUTH_FILE_SIZE, UNKNOWN_ATR, Scenario


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


#: The lists :func:`cards_made` hands out, each filled while its block is open.
_WATCHING: list[list[SimulatedCard]] = []


@contextlib.contextmanager
def cards_made() -> Iterator[list[SimulatedCard]]:
    """Every card :func:`make_card` builds while the block is open, in order, whoever
    asked for it (``open_card(simulate=...)``, a ``SimulatedReader``, the CLI): for a
    test that reads what a card received (its ``log``, ``powered``) through the public
    API, instead of patching the name ``make_card`` where some module looks it up."""
    made: list[SimulatedCard] = []
    _WATCHING.append(made)
    try:
        yield made
    finally:
        _WATCHING.remove(made)


def make_card(name: str) -> SimulatedCard:
    """A fresh simulated card for scenario ``name`` (KeyError names the known ones)."""
    try:
        scenario = SCENARIOS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None
    card = scenario.build()
    for made in list(_WATCHING):
        made.append(card)
    return card
