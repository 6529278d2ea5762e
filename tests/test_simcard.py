"""The simulated card against the card facts (docs/card-facts.md).

First the synthetic certificates, then the card at APDU level, then the JPKI
session reading it through :class:`SimulatedConnection`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from mynacheck.card.apdu import ApduProtocol
from mynacheck.card.jpki import JpkiSession, PinState
from mynacheck.card.profile import JPKI_AID, JPKI_AUTH_PIN, KENKAKU_HOJO_AID, KENMEN_AID
from mynacheck.errors import CardError, NotMyNumberCardError
from mynacheck.simcard import (
    DEMO_PIN,
    SCENARIOS,
    CardRemoved,
    CardReset,
    CardUnresponsive,
    Quirks,
    SimulatedConnection,
    data_file,
    make_card,
)
from mynacheck.simcard.card import SimulatedCard, pkcs1_v15_sign_raw
from mynacheck.simcard.fixtures import JLIS_GENERATION_2, load_der, load_key
from mynacheck.simcard.model import CONTACTLESS_ATR, DEFAULT_ATR, parse_command
from mynacheck.simcard.scenario import AUTH_FILE_SIZE
from mynacheck.status import Detail
from mynacheck.trust import load_der_certificate

SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
JLIS_AUTH_NAME = [
    (NameOID.COUNTRY_NAME, "JP"),
    (NameOID.ORGANIZATION_NAME, "JPKI"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Japan Agency for Local Authority Information Systems"),
]
SIM = "simulator-root"
AUTH_POLICY = x509.ObjectIdentifier("1.2.392.200149.8.5.1.3.30")
LEAVES = {
    "ee-valid": SIM,
    "ee-expired": SIM,
    "ee-not-yet-valid": SIM,
    "ee-renewal": SIM,
    "ee-lookalike": "lookalike-root",
    "ee-test": "test-root",
    "ee-private": "private-root",
    "ee-big": SIM,
    "ee-no-expiry": SIM,
    "ee-far-future": SIM,
    "ee-ancient": SIM,
    "ee-negative-serial": SIM,
}
ROOTS = (SIM, "lookalike-root", "test-root", "private-root")


def cert(stem: str) -> x509.Certificate:
    return load_der_certificate(load_der(stem))  # quiet about ee-negative-serial


def name_pairs(name: x509.Name) -> list[tuple[x509.ObjectIdentifier, str]]:
    return [(attr.oid, str(attr.value)) for attr in name]


def sw(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


def select_ap(card: SimulatedCard, aid: bytes = JPKI_AID) -> bytes:
    return card.process(bytes([0x00, 0xA4, 0x04, 0x0C, len(aid)]) + aid)


def select_ef(card: SimulatedCard, fid: int) -> bytes:
    return card.process(bytes([0x00, 0xA4, 0x02, 0x0C, 0x02]) + fid.to_bytes(2, "big"))


def verify(card: SimulatedCard, pin: bytes | None = None) -> int:
    if pin is None:
        return sw(card.process(bytes.fromhex("00200080")))
    return sw(card.process(bytes([0x00, 0x20, 0x00, 0x80, len(pin)]) + pin))


def verify_signature(public_key: rsa.RSAPublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def sign(card: SimulatedCard, message: bytes) -> bytes:
    digest_info = SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()
    return card.process(bytes([0x80, 0x2A, 0x00, 0x80, len(digest_info)]) + digest_info + b"\x00")


def session(name: str) -> tuple[JpkiSession, SimulatedConnection]:
    connection = SimulatedConnection(make_card(name), name)
    return JpkiSession(ApduProtocol(connection)), connection


# -- synthetic certificates ------------------------------------------------------------


def test_simulator_root_is_its_own_and_not_jpki() -> None:
    root = cert(SIM)
    assert name_pairs(root.subject) == [
        (NameOID.COUNTRY_NAME, "JP"),
        (NameOID.ORGANIZATION_NAME, "mynacheck simulator"),
        (NameOID.COMMON_NAME, "mynacheck Simulated Card Root (not JPKI)"),
    ]
    assert root.issuer == root.subject
    basic = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    root.verify_directly_issued_by(root)
    public_key = root.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert public_key.key_size == 2048 and public_key.public_numbers().e == 65537
    pem = x509.load_pem_x509_certificate(data_file("simulator-root.pem").read_bytes())
    assert pem == root


def test_lookalike_root_copies_generation_2_except_the_key() -> None:
    genuine, lookalike = cert(JLIS_GENERATION_2), cert("lookalike-root")
    assert name_pairs(lookalike.subject) == JLIS_AUTH_NAME
    assert len(lookalike.subject.rdns) == 4  # one attribute per RDN, in that order
    assert lookalike.subject.public_bytes() == genuine.subject.public_bytes()
    assert lookalike.serial_number == genuine.serial_number == 0x0133C349
    assert lookalike.not_valid_before_utc == genuine.not_valid_before_utc
    assert lookalike.not_valid_after_utc == genuine.not_valid_after_utc
    assert lookalike.public_key() != genuine.public_key()
    lookalike.verify_directly_issued_by(lookalike)


def test_no_simulated_card_carries_a_jlis_root_but_the_forged_one() -> None:
    # The simulated card cannot borrow a J-LIS look: only "forged" carries the
    # genuine generation-2 root (public data), and its certificate fails the signature.
    for scenario in SCENARIOS.values():
        if scenario.ca_cert is None:
            continue
        ca = cert(scenario.ca_cert)
        jlis_named = ca.subject.public_bytes() == cert(JLIS_GENERATION_2).subject.public_bytes()
        if scenario.name == "forged":
            assert scenario.ca_cert == JLIS_GENERATION_2
        elif scenario.name == "gen2_lookalike":
            assert jlis_named and ca != cert(JLIS_GENERATION_2)
        else:
            assert not jlis_named, scenario.name


def test_other_roots() -> None:
    test_root = cert("test-root")
    assert test_root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "JPKI-TEST"
    )
    private = cert("private-root")
    assert private.subject.rfc4514_string() == (
        "CN=mynacheck Synthetic Anchor Root,O=mynacheck synthetic,C=JP"
    )
    pem = x509.load_pem_x509_certificate(data_file("private-root.pem").read_bytes())
    assert pem == private
    for stem in ROOTS:
        cert(stem).verify_directly_issued_by(cert(stem))


@pytest.mark.parametrize("stem", sorted(LEAVES))
def test_auth_certificates_follow_the_profile(stem: str) -> None:
    leaf, issuer = cert(stem), cert(LEAVES[stem])
    leaf.verify_directly_issued_by(issuer)
    assert leaf.issuer == issuer.subject
    pairs = name_pairs(leaf.subject)
    assert [oid for oid, _ in pairs] == [NameOID.COUNTRY_NAME, NameOID.COMMON_NAME]
    assert re.fullmatch(r"[0-9A-F]{20}", pairs[1][1])
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature
    assert not usage.value.content_commitment and not usage.value.key_cert_sign
    policies = leaf.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier for p in policies] == [AUTH_POLICY]
    assert leaf.signature_hash_algorithm is not None
    assert leaf.signature_hash_algorithm.name == "sha256"
    public_key = leaf.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert public_key.key_size == 2048 and public_key.public_numbers().e == 65537
    assert load_key(stem).public_key() == public_key
    size = len(load_der(stem))
    if stem == "ee-big":
        assert size > 1280  # 6+ short reads of 256 bytes
    else:
        assert 1000 <= size <= 1300


def test_validity_periods() -> None:
    def period(stem: str) -> tuple[dt.datetime, dt.datetime]:
        c = cert(stem)
        return c.not_valid_before_utc, c.not_valid_after_utc

    utc = dt.timezone.utc
    assert period("ee-valid") == (
        dt.datetime(2025, 6, 1, tzinfo=utc),
        dt.datetime(2030, 5, 31, 14, 59, 59, tzinfo=utc),
    )
    assert period("ee-expired")[1] == dt.datetime(2024, 9, 30, 14, 59, 59, tzinfo=utc)
    assert period("ee-not-yet-valid")[0] == dt.datetime(2040, 1, 1, tzinfo=utc)
    assert period("ee-renewal") == (
        dt.datetime(2022, 2, 1, tzinfo=utc),
        dt.datetime(2027, 1, 31, 14, 59, 59, tzinfo=utc),
    )
    assert period("ee-private") == period("ee-valid")
    # The edges RFC 5280 allows: no well-defined expiry, past year 9999 in JST,
    # before 1950 (GeneralizedTime, even year 1), a negative serial.
    assert period("ee-no-expiry")[1] == dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=utc)
    assert b"\x18\x0f99991231235959Z" in load_der("ee-no-expiry")
    assert period("ee-far-future") == (
        dt.datetime(9999, 12, 31, 15, tzinfo=utc),
        dt.datetime(9999, 12, 31, 20, tzinfo=utc),
    )
    assert period("ee-ancient") == (
        dt.datetime(1, 1, 1, tzinfo=utc),
        dt.datetime(1949, 12, 31, 14, 59, 59, tzinfo=utc),
    )
    assert b"\x18\x0f00010101000000Z\x18\x0f19491231145959Z" in load_der("ee-ancient")
    assert cert("ee-negative-serial").serial_number == -0x01A2B3CE


def test_forged_certificate_does_not_verify() -> None:
    forged, root = cert("ee-forged"), cert(JLIS_GENERATION_2)
    assert forged.issuer == root.subject
    with pytest.raises(InvalidSignature):
        forged.verify_directly_issued_by(root)


def test_spare_key_is_another_key() -> None:
    assert load_key("key-other").public_key() != load_key("ee-valid").public_key()


# -- APDU parsing -------------------------------------------------------------------


def test_parse_command_cases() -> None:
    assert parse_command(bytes.fromhex("00200080")).le is None
    case2 = parse_command(bytes.fromhex("00B0000000"))
    assert (case2.le, case2.extended) == (256, False)
    case2e = parse_command(bytes.fromhex("00B08A00000000"))
    assert (case2e.le, case2e.extended, case2e.p1) == (65536, True, 0x8A)
    case4 = parse_command(bytes.fromhex("802A0080020102") + b"\x00")
    assert (case4.data, case4.le) == (b"\x01\x02", 256)
    case4e = parse_command(bytes.fromhex("802A00800000020102") + b"\x01\x00")
    assert (case4e.data, case4e.le, case4e.extended) == (b"\x01\x02", 256, True)


# -- selection ----------------------------------------------------------------------


def test_select_applications_and_files() -> None:
    card = make_card("valid")
    assert card.atr == DEFAULT_ATR
    for aid in (JPKI_AID, KENKAKU_HOJO_AID, KENMEN_AID):
        assert select_ap(card, aid) == b"\x90\x00"  # no FCI
    assert sw(select_ap(card, bytes.fromhex("A000000003000000"))) == 0x6A82
    assert sw(select_ap(card)) == 0x9000
    assert select_ef(card, 0x000A) == b"\x90\x00"
    assert sw(select_ef(card, 0x1234)) == 0x6A82
    assert sw(card.process(bytes.fromhex("00CA000000"))) == 0x6D00
    assert sw(card.process(bytes.fromhex("A0A4040C00"))) == 0x6E00


def test_not_mynumber_card_has_no_jpki_ap() -> None:
    card = make_card("not_mynumber_card")
    assert sw(select_ap(card)) == 0x6A82


# -- READ BINARY --------------------------------------------------------------------


def test_read_by_sfi_then_offset_in_current_ef() -> None:
    card = make_card("valid")
    select_ap(card)
    der = load_der("ee-valid")
    first = card.process(bytes.fromhex("00B08A0000"))  # SFI 0x0A, offset 0, Le 256
    assert sw(first) == 0x9000 and first[:-2] == der[:256]
    # The EF read by SFI is now current: an offset read continues in it.
    second = card.process(bytes.fromhex("00B0010000"))
    assert second[:-2] == der[256:512]
    ca = card.process(bytes.fromhex("00B08B0004"))
    assert ca[:-2] == load_der(SIM)[:4]


def test_offset_read_without_current_ef() -> None:
    card = make_card("valid")
    select_ap(card)
    assert sw(card.process(bytes.fromhex("00B0000004"))) == 0x6986
    select_ef(card, 0x000A)
    assert card.process(bytes.fromhex("00B0000004"))[:-2] == load_der("ee-valid")[:4]


def test_read_past_end_and_short_end() -> None:
    card = make_card("valid")
    select_ap(card)
    select_ef(card, 0x0006)
    label = card.process(bytes.fromhex("00B0000000"))  # Le 256, file has 32 bytes
    assert label == b"JPKIAPICCTOKEN2".ljust(32, b" ") + b"\x90\x00"
    assert sw(card.process(bytes.fromhex("00B0002004"))) == 0x6B00  # offset 32 = end
    select_ef(card, 0x0008)
    assert card.process(bytes.fromhex("00B0000003")) == bytes.fromhex("8F8F009000")


def test_extended_read_returns_the_whole_file() -> None:
    card = make_card("valid")
    select_ap(card)
    response = card.process(bytes.fromhex("00B08A00000000"))
    assert sw(response) == 0x9000
    content = response[:-2]
    der = load_der("ee-valid")
    assert len(content) == AUTH_FILE_SIZE
    assert content[: len(der)] == der and set(content[len(der) :]) == {0xFF}
    part = card.process(bytes.fromhex("00B0010000") + (1000).to_bytes(2, "big"))
    assert part[:-2] == content[256:1256]


def test_filler_00_and_token_labels() -> None:
    card = make_card("filler_00")
    select_ap(card)
    content = card.process(bytes.fromhex("00B08A00000000"))[:-2]
    assert content.endswith(b"\x00" * 100)
    juki = make_card("jukicard_expired")
    select_ap(juki)
    label = juki.process(bytes.fromhex("00B0860020"))[:-2]
    assert label.rstrip(b" ") == b"JPKIAPICCTOKEN"


def test_signature_certificate_needs_the_sign_pin() -> None:
    card = make_card("valid")
    select_ap(card)
    assert sw(card.process(bytes.fromhex("00B0810000"))) == 0x6982


# -- PIN ----------------------------------------------------------------------------


def test_pin_counter_semantics() -> None:
    card = make_card("valid")
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x63C3  # status query spends nothing
    assert verify(card) == 0x63C3
    assert verify(card, b"9999") == 0x63C2
    assert verify(card, DEMO_PIN.encode()) == 0x9000  # right: counter back to 3
    assert verify(card) == 0x9000  # verified in this power cycle
    card.power_off()
    card.power_on()
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x63C3


@pytest.mark.parametrize("malformed", [b"12345", b"12", b"abcd", b"\x00"])
def test_malformed_pin_costs_a_try(malformed: bytes) -> None:
    card = make_card("valid")
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card, malformed) == 0x63C2
    assert verify(card) == 0x63C2


def test_last_try_answers_63c0_then_6984() -> None:
    card = make_card("pin_last_try")
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x63C1
    assert verify(card, b"0000") == 0x63C0
    assert verify(card) == 0x63C0
    assert verify(card, DEMO_PIN.encode()) == 0x6984  # even the right PIN
    assert verify(card) == 0x63C0


def test_blocked_scenarios() -> None:
    card = make_card("pin_blocked")
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x63C0
    assert verify(card, DEMO_PIN.encode()) == 0x6984
    iso = make_card("pin_blocked_6983")
    select_ap(iso)
    select_ef(iso, 0x0018)
    assert verify(iso) == 0x6983
    assert verify(iso, DEMO_PIN.encode()) == 0x6983


def test_verify_by_sfi_in_p2() -> None:
    card = make_card("valid")
    select_ap(card)
    assert sw(card.process(bytes.fromhex("00200098"))) == 0x63C3  # 0x80 | SFI 0x18
    assert sw(card.process(bytes.fromhex("0020009B"))) == 0x63C5  # sign PIN: 5 tries


def test_other_application_pins() -> None:
    card = make_card("valid")
    select_ap(card, KENKAKU_HOJO_AID)
    select_ef(card, 0x0011)
    assert verify(card) == 0x63C3
    assert verify(card, DEMO_PIN.encode()) == 0x9000
    for fid in (0x0014, 0x0015):
        select_ef(card, fid)
        assert verify(card) >> 4 == 0x63C
    select_ap(card, KENMEN_AID)
    for fid in (0x0013, 0x0012):
        select_ef(card, fid)
        assert verify(card) >> 4 == 0x63C


def test_already_verified_until_power_cycle() -> None:
    card = make_card("pin_already_verified")
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x9000
    card.reset()  # default: a warm reset clears it too
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x63C3


def test_warm_reset_keeps_verified_with_quirk() -> None:
    card = make_card("pin_kept_on_warm_reset")
    card.reset()
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x9000
    card.power_off()
    card.power_on()
    select_ap(card)
    select_ef(card, 0x0018)
    assert verify(card) == 0x63C3


def test_every_scenario_accepts_the_demo_pin() -> None:
    for name, scenario in SCENARIOS.items():
        if not scenario.mynumber_card or scenario.auth_pin_tries == 0:
            continue
        card = make_card(name)
        card.power_on()  # a cold start clears pin_already_verified's state
        protocol = ApduProtocol(SimulatedConnection(card, name))
        jpki = JpkiSession(protocol)
        jpki.select_application()
        status = jpki.pin_status(JPKI_AUTH_PIN)
        assert status.state is PinState.TRIES_LEFT, name
        verified = jpki.verify_pin(JPKI_AUTH_PIN, bytearray(DEMO_PIN.encode()))
        assert verified.state is PinState.VERIFIED, name


# -- COMPUTE DIGITAL SIGNATURE --------------------------------------------------------


def test_signature_verifies_with_the_certificate_key() -> None:
    card = make_card("valid")
    select_ap(card)
    select_ef(card, 0x0017)
    assert sw(sign(card, b"challenge")) == 0x6982  # PIN not verified
    select_ef(card, 0x0018)
    assert verify(card, DEMO_PIN.encode()) == 0x9000
    select_ef(card, 0x0017)
    response = sign(card, b"challenge")
    assert sw(response) == 0x9000 and len(response) == 258
    public_key = cert("ee-valid").public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert verify_signature(public_key, response[:-2], b"challenge")
    assert not verify_signature(public_key, response[:-2], b"other")


def test_key_mismatch_signature_fails_with_the_certificate_key() -> None:
    card = make_card("key_mismatch")
    select_ap(card)
    select_ef(card, 0x0018)
    verify(card, DEMO_PIN.encode())
    select_ef(card, 0x0017)
    signature = sign(card, b"challenge")[:-2]
    public_key = cert("ee-valid").public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert not verify_signature(public_key, signature, b"challenge")
    assert verify_signature(load_key("key-other").public_key(), signature, b"challenge")


def test_signature_needs_the_key_selected() -> None:
    card = make_card("valid")
    select_ap(card)
    select_ef(card, 0x0018)
    verify(card, DEMO_PIN.encode())
    assert sw(sign(card, b"x")) == 0x6986  # current EF is the PIN, not the key


# -- transport quirks -----------------------------------------------------------------


def test_short_apdu_only_refuses_extended() -> None:
    card = make_card("short_apdu_only")
    select_ap(card)
    assert card.process(bytes.fromhex("00B08A00000000")) == b"\x67\x00"
    assert sw(card.process(bytes.fromhex("00B08A0000"))) == 0x9000


def test_short_apdu_reset_goes_mute_until_power_cycle() -> None:
    card = make_card("short_apdu_reset")
    select_ap(card)
    with pytest.raises(CardReset):
        card.process(bytes.fromhex("00B08A00000000"))
    with pytest.raises(CardUnresponsive):  # still mute
        select_ap(card)
    card.reset()
    assert sw(select_ap(card)) == 0x9000


def test_get_response_chunks() -> None:
    card = make_card("get_response")
    select_ap(card)
    assert card.process(bytes.fromhex("00B08A00000000")) == b"\x61\x00"
    collected = b""
    response = card.process(bytes.fromhex("00C0000000"))
    while sw(response) >> 8 == 0x61:
        collected += response[:-2]
        response = card.process(bytes.fromhex("00C0000000"))
    collected += response[:-2]
    assert sw(response) == 0x9000 and len(collected) == AUTH_FILE_SIZE


def test_wrong_le_answers_6cxx() -> None:
    card = make_card("wrong_le")
    select_ap(card)
    select_ef(card, 0x0006)
    assert card.process(bytes.fromhex("00B0000000")) == b"\x6c\x20"  # 32 bytes left
    assert len(card.process(bytes.fromhex("00B0000020"))) == 34


def test_eof_6282() -> None:
    card = make_card("eof_6282")
    select_ap(card)
    select_ef(card, 0x0008)
    assert card.process(bytes.fromhex("00B0000010")) == bytes.fromhex("8F8F006282")


def test_first_apdu_6f00_once_per_power_up() -> None:
    card = make_card("first_apdu_6f00")
    assert sw(select_ap(card)) == 0x6F00
    assert sw(select_ap(card)) == 0x9000
    card.power_on()
    assert sw(select_ap(card)) == 0x6F00


def test_sfi_quirks() -> None:
    card = make_card("sfi_unsupported")
    select_ap(card)
    assert sw(card.process(bytes.fromhex("00B08A0004"))) == 0x6A86
    select_ef(card, 0x000A)
    assert sw(card.process(bytes.fromhex("00B0000004"))) == 0x9000
    nocur = make_card("no_current_ef_after_sfi")
    select_ap(nocur)
    assert sw(nocur.process(bytes.fromhex("00B08A0004"))) == 0x9000
    assert sw(nocur.process(bytes.fromhex("00B0000404"))) == 0x6986


def test_pulled_out_and_garbage() -> None:
    card = make_card("pulled_out")
    select_ap(card)
    assert sw(card.process(bytes.fromhex("00B08A0004"))) == 0x9000
    with pytest.raises(CardRemoved):
        card.process(bytes.fromhex("00B08A0004"))
    assert card.removed
    with pytest.raises(CardRemoved):
        select_ap(card)
    assert card.log[-1] == (bytes([0x00, 0xA4, 0x04, 0x0C, 0x0A]) + JPKI_AID, b"")
    garbage = make_card("garbage")
    select_ap(garbage)
    assert len(garbage.process(bytes.fromhex("00B08A0004"))) == 1


def test_atrs() -> None:
    assert make_card("contactless_atr").atr == CONTACTLESS_ATR
    assert make_card("unknown_atr").atr not in (DEFAULT_ATR, CONTACTLESS_ATR)
    for name in ("valid", "contactless_atr", "unknown_atr"):
        atr = make_card(name).atr
        check = 0
        for byte in atr[1:]:
            check ^= byte
        assert atr[0] == 0x3B and check == 0, name  # TCK checks out


def test_scenarios_are_described() -> None:
    required = {
        "valid", "valid_private_root", "expired", "not_yet_valid", "renewal_window", "forged",
        "untrusted_root", "gen2_lookalike", "test_card", "ca_unreadable", "key_mismatch",
        "big_certificate", "missing_not_found", "missing_access_denied", "missing_blank_ff",
        "missing_blank_00", "missing_not_der", "missing_length_mismatch", "missing_unparseable",
        "missing_empty", "not_mynumber_card", "jukicard_expired", "pin_last_try", "pin_blocked",
        "pin_blocked_6983", "pin_already_verified", "short_apdu_only", "short_apdu_reset",
        "get_response", "wrong_le", "eof_6282", "filler_00", "first_apdu_6f00",
        "contactless_atr", "unknown_atr", "sfi_unsupported", "no_current_ef_after_sfi",
        "pulled_out", "garbage",
    }  # fmt: skip
    assert required <= set(SCENARIOS)
    for name, scenario in SCENARIOS.items():
        assert scenario.name == name
        assert scenario.description and "\n" not in scenario.description
    assert SCENARIOS["valid_private_root"].trust_anchor == "private-root.pem"
    assert data_file("private-root.pem").is_file()
    with pytest.raises(KeyError):
        make_card("no_such_scenario")


def test_log_records_every_exchange() -> None:
    card = make_card("valid")
    select_ap(card)
    select_ef(card, 0x9999)
    assert [sw(r) for _, r in card.log] == [0x9000, 0x6A82]
    assert card.log[0][0][:4] == bytes.fromhex("00A4040C")


# -- JpkiSession over SimulatedConnection --------------------------------------------------


def short_reads(length: int) -> int:
    return math.ceil(length / 256)


@pytest.mark.parametrize(
    "name",
    ["valid", "big_certificate", "eof_6282", "filler_00", "contactless_atr", "get_response"],
)
def test_session_reads_the_same_der(name: str) -> None:
    jpki, _ = session(name)
    jpki.select_application()
    scenario = SCENARIOS[name]
    assert jpki.read_auth_certificate().der == load_der(scenario.auth_cert)
    assert scenario.ca_cert is not None
    assert jpki.read_auth_ca_certificate().der == load_der(scenario.ca_cert)


def test_session_valid_takes_three_apdus() -> None:
    jpki, connection = session("valid")
    jpki.select_application()
    jpki.read_auth_certificate()
    jpki.read_auth_ca_certificate()
    assert connection.apdu_count == 3
    assert connection.reader == "simulated: valid" and connection.simulated


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("short_apdu_only", 2),  # SELECT AP + the refused extended read
        ("short_apdu_reset", 3),  # ... + SELECT AP again after the power cycle
        ("wrong_le", 3),  # ... + one 6Cxx resend where the read reaches the filler
    ],
)
def test_session_short_reads(name: str, extra: int) -> None:
    jpki, connection = session(name)
    jpki.select_application()
    auth = jpki.read_auth_certificate()
    ca = jpki.read_auth_ca_certificate()
    assert auth.der == load_der("ee-valid") and ca.der == load_der(SIM)
    expected = extra + short_reads(len(auth.der)) + short_reads(len(ca.der))
    assert connection.apdu_count == expected


def test_session_retries_first_apdu_6f00() -> None:
    jpki, connection = session("first_apdu_6f00")
    jpki.select_application()
    assert jpki.read_auth_certificate().der == load_der("ee-valid")
    assert connection.apdu_count == 3  # 6F00, SELECT again, one extended read


def test_session_big_certificate_in_short_reads() -> None:
    connection = SimulatedConnection(make_card("big_certificate"), "big_certificate")
    card = connection.card
    card.quirks = Quirks(extended_apdu="wrong_length")
    jpki = JpkiSession(ApduProtocol(connection))
    jpki.select_application()
    der = jpki.read_auth_certificate().der
    assert der == load_der("ee-big")
    reads = [c for c, r in card.log if c[1] == 0xB0 and sw(r) == 0x9000]
    assert len(reads) >= 6


@pytest.mark.parametrize("name", ["sfi_unsupported", "no_current_ef_after_sfi"])
def test_session_recovers_from_sfi_quirks(name: str) -> None:
    jpki, _ = session(name)
    jpki.select_application()
    assert jpki.read_auth_certificate().der == load_der("ee-valid")
    assert jpki.read_auth_ca_certificate().der == load_der(SIM)


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("missing_not_found", Detail.CERT_FILE_NOT_FOUND),
        ("missing_access_denied", Detail.CERT_FILE_ACCESS_DENIED),
        ("missing_access_denied_6981", Detail.CERT_FILE_ACCESS_DENIED),
        ("missing_security_6982", Detail.CERT_FILE_ACCESS_DENIED),
        ("missing_blank_ff", Detail.CERT_BLANK_FF),
        ("missing_blank_00", Detail.CERT_BLANK_00),
        ("missing_not_der", Detail.CERT_NOT_DER),
        ("missing_length_mismatch", Detail.CERT_LENGTH_MISMATCH),
        ("missing_empty", Detail.CERT_FILE_EMPTY),
    ],
)
def test_session_missing_certificate(name: str, detail: Detail) -> None:
    jpki, _ = session(name)
    jpki.select_application()
    read = jpki.read_auth_certificate()
    assert read.der is None and read.missing is detail


def test_session_unparseable_is_returned_as_der() -> None:
    jpki, _ = session("missing_unparseable")
    jpki.select_application()
    der = jpki.read_auth_certificate().der
    assert der is not None and der[0] == 0x30
    with pytest.raises(ValueError):
        x509.load_der_x509_certificate(der)


def test_session_ca_unreadable() -> None:
    jpki, _ = session("ca_unreadable")
    jpki.select_application()
    assert jpki.read_auth_ca_certificate().missing is Detail.CERT_FILE_NOT_FOUND


def test_session_not_mynumber_card() -> None:
    jpki, _ = session("not_mynumber_card")
    with pytest.raises(NotMyNumberCardError):
        jpki.select_application()


@pytest.mark.parametrize(
    ("name", "detail"),
    [("pulled_out", Detail.CARD_REMOVED), ("garbage", Detail.MALFORMED_RESPONSE)],
)
def test_session_card_errors(name: str, detail: Detail) -> None:
    jpki, _ = session(name)
    jpki.select_application()
    with pytest.raises(CardError) as caught:
        jpki.read_auth_certificate()
        jpki.read_auth_ca_certificate()
    assert caught.value.details == (detail,)


@pytest.mark.parametrize(
    ("name", "state", "tries"),
    [
        ("valid", PinState.TRIES_LEFT, 3),
        ("pin_last_try", PinState.TRIES_LEFT, 1),
        ("pin_blocked", PinState.BLOCKED, 0),
        ("pin_blocked_6983", PinState.BLOCKED, 0),
        ("pin_already_verified", PinState.VERIFIED, None),
    ],
)
def test_session_pin_status(name: str, state: PinState, tries: int | None) -> None:
    jpki, _ = session(name)
    jpki.select_application()
    status = jpki.pin_status(JPKI_AUTH_PIN)
    assert (status.state, status.tries_left) == (state, tries)


def test_session_restart_clears_already_verified() -> None:
    jpki, _ = session("pin_already_verified")
    jpki.restart()
    assert jpki.pin_status(JPKI_AUTH_PIN).tries_left == 3


def test_session_sign_after_verify() -> None:
    jpki, _ = session("valid")
    jpki.select_application()
    jpki.pin_status(JPKI_AUTH_PIN)
    assert jpki.verify_pin(JPKI_AUTH_PIN, bytearray(b"1234")).state is PinState.VERIFIED
    digest_info = SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(b"nonce").digest()
    signature = jpki.sign_with_auth_key(digest_info)
    public_key = cert("ee-valid").public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert verify_signature(public_key, signature, b"nonce")


@pytest.mark.parametrize(
    "digest_info",
    [
        SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(b"nonce").digest(),  # OpenSSL signs it
        bytes.fromhex("3021300906052b0e03021a05000414") + hashlib.sha1(b"nonce").digest(),
        SHA256_DIGEST_INFO_PREFIX + b"\x01" * 31,  # one byte short: no DigestInfo of ours
    ],
)
def test_the_simulated_signature_is_the_raw_rsa_of_the_digest_info(digest_info: bytes) -> None:
    key = load_key("ee-valid")
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    padded = b"\x00\x01" + b"\xff" * (256 - 3 - len(digest_info)) + b"\x00" + digest_info
    expected = pow(int.from_bytes(padded, "big"), numbers.d, n).to_bytes(256, "big")
    assert pkcs1_v15_sign_raw(key, digest_info) == expected


def test_connection_maps_card_errors() -> None:
    connection = SimulatedConnection(make_card("short_apdu_reset"), "short_apdu_reset")
    connection.send_and_receive(bytes([0x00, 0xA4, 0x04, 0x0C, 0x0A]) + JPKI_AID)
    with pytest.raises(CardError) as caught:
        connection.send_and_receive(bytes.fromhex("00B08A00000000"))
    assert caught.value.details == (Detail.CARD_UNRESPONSIVE,)
    connection.reset()
    assert connection.send_and_receive(bytes([0x00, 0xA4, 0x04, 0x0C, 0x0A]) + JPKI_AID) == (
        b"",
        0x9000,
    )
    connection.close()
    assert not connection.card.powered
    removed = SimulatedConnection(make_card("valid"), "valid")
    removed.card.remove()
    with pytest.raises(CardError) as caught:
        removed.send_and_receive(bytes.fromhex("00A4040C00"))
    assert caught.value.details == (Detail.CARD_REMOVED,)
    with pytest.raises(CardError):
        removed.reset()


def test_a_scenario_name_is_checked_one_way_everywhere() -> None:
    """SimulatedReader.check_scenarios is the one check: open_card, insert, CounterLoop
    and the CLI say the same usage error, with the nearest name."""
    import mynacheck

    assert mynacheck.SimulatedReader.check_scenarios(("valid", "expired")) == ["valid", "expired"]
    for attempt in (
        lambda: mynacheck.SimulatedReader.check_scenarios(["valid", "vaild"]),
        lambda: mynacheck.open_card(simulate="vaild").__enter__(),
        lambda: mynacheck.SimulatedReader().insert("vaild"),
        lambda: mynacheck.CounterLoop(simulate=["valid", "vaild"]),
    ):
        with pytest.raises(mynacheck.InputError) as refused:
            attempt()
        assert refused.value.key == "unknown_scenario"
        assert refused.value.info == {"name": "vaild", "close": "valid"}
