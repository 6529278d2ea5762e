"""Cards to come: the next-generation card may change key algorithm, lifetime and
roots (docs/card-facts.md "Coming change"). An EC or RSA-PSS certificate or CA is
evaluated like any other; a key proof mynacheck cannot ask of the card ends in a
stated reason, never an error, and nothing is signed. The certificates here are
made by the test, synthetic, with keys that exist only in memory."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

import mynacheck
from mynacheck.card.profile import JPKI_AID
from mynacheck.evaluate import evaluate
from mynacheck.simcard.card import SimulatedCard
from mynacheck.simcard.model import BinaryFile, KeyFile
from mynacheck.simcard.scenarios import SCENARIOS
from mynacheck.status import Detail, Status

from .conftest import NOW
from .test_check import FakePins, run, verifies_with_data

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(cn: str, org: str = "next generation (synthetic)") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _certificate(
    subject_key: Key,
    issuer_key: Key,
    *,
    subject: str,
    issuer: str,
    pss: bool = False,
    hash_algorithm: hashes.HashAlgorithm | None = None,
    years: int = 10,
) -> bytes:
    start = NOW - timedelta(days=30)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
    )
    algorithm = hash_algorithm or hashes.SHA256()
    if pss:
        assert isinstance(issuer_key, rsa.RSAPrivateKey)
        certificate = builder.sign(
            issuer_key,
            algorithm,
            rsa_padding=padding.PSS(padding.MGF1(algorithm), padding.PSS.DIGEST_LENGTH),
        )
    else:
        certificate = builder.sign(issuer_key, algorithm)
    return certificate.public_bytes(Encoding.DER)


@pytest.fixture(scope="module")
def keys() -> dict[str, Key]:
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "p384": ec.generate_private_key(ec.SECP384R1()),
        "p256": ec.generate_private_key(ec.SECP256R1()),
    }


CHAINS = {
    # (CA key, EE key, signature by PSS, hash): what a next card might carry.
    "ecdsa-p384-sha384": ("p384", "p384", False, hashes.SHA384()),
    "ecdsa-p256 under rsa": ("rsa", "p256", False, hashes.SHA256()),
    "rsa under ecdsa-p384": ("p384", "rsa", False, hashes.SHA384()),
    "rsa-pss-sha256": ("rsa", "rsa", True, hashes.SHA256()),
    "rsa-pss-sha384, ec key": ("rsa", "p384", True, hashes.SHA384()),
}


def _chain(keys: dict[str, Key], name: str, *, years: int = 10) -> tuple[bytes, bytes]:
    ca_key, ee_key, pss, algorithm = CHAINS[name]
    ca = _certificate(
        keys[ca_key], keys[ca_key], subject="root", issuer="root", pss=pss,
        hash_algorithm=algorithm,
    )  # fmt: skip
    ee = _certificate(
        keys[ee_key], keys[ca_key], subject="holder", issuer="root", pss=pss,
        hash_algorithm=algorithm, years=years,
    )  # fmt: skip
    return ee, ca


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_an_ec_or_pss_chain_is_evaluated_like_any_other(keys: dict[str, Key], name: str) -> None:
    ee, ca = _chain(keys, name)
    trusted = evaluate(ee, at=NOW, ca_der=ca, anchors=(ca,))
    assert trusted.status is Status.VALID, trusted
    assert trusted.certificate is not None and trusted.certificate.trust is not None
    assert trusted.certificate.trust.value == "anchor"
    # A 10-year certificate: the expiry is read from notAfter, never assumed.
    assert trusted.certificate.days_left is not None and trusted.certificate.days_left > 3000
    unknown = evaluate(ee, at=NOW, ca_der=ca)
    assert unknown.status is Status.UNTRUSTED
    assert Detail.TRUST_UNKNOWN_ROOT in unknown.details
    later = evaluate(ee, at=NOW + timedelta(days=365 * 11), ca_der=ca, anchors=(ca,))
    assert later.status is Status.EXPIRED


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_a_forged_ec_or_pss_signature_is_invalid(keys: dict[str, Key], name: str) -> None:
    ee, _ = _chain(keys, name)
    ca_key, _, pss, algorithm = CHAINS[name]
    other = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if ca_key == "rsa"
        else ec.generate_private_key(ec.SECP384R1())
    )
    impostor = _certificate(
        other, other, subject="root", issuer="root", pss=pss, hash_algorithm=algorithm
    )
    forged = evaluate(ee, at=NOW, ca_der=impostor, anchors=(impostor,))
    assert forged.status is Status.INVALID
    assert forged.details == (Detail.SIGNATURE_INVALID,)


def _card_holding(ee: bytes, ca: bytes) -> SimulatedCard:
    card = SCENARIOS["valid"].build()
    files = card.applications[JPKI_AID].files
    files[0x000A] = BinaryFile(ee + b"\xff" * 512)
    files[0x000B] = BinaryFile(ca)
    return card


@pytest.mark.parametrize("name", ["ecdsa-p384-sha384", "rsa-pss-sha384, ec key"])
def test_a_key_the_card_cannot_prove_ends_in_a_stated_reason(
    keys: dict[str, Key], name: str
) -> None:
    ee, ca = _chain(keys, name)
    card = _card_holding(ee, ca)
    pins = FakePins()
    report, connection = run(card, pins=pins, anchors=(ca,))
    assert report.status is Status.VALID, report
    assert report.pin.verified and verifies_with_data(connection.card) == 1
    assert Detail.KEY_ALGORITHM_UNSUPPORTED in report.details
    assert Detail.KEY_NOT_PROVEN in report.details
    assert not report.key_proof.performed
    # Nothing was asked of the key: the card is never sent a command it cannot do.
    assert not any(command[:2] == b"\x80\x2a" for command, _ in connection.card.log)
    payload = mynacheck.render_json(report, "en")
    assert "key_algorithm_unsupported" in payload["details"]


def test_an_rsa_pss_signed_certificate_with_an_rsa_key_is_still_proven(
    keys: dict[str, Key],
) -> None:
    # The card signs PKCS#1 v1.5 with the key, whatever padding the CA used.
    key_file = SCENARIOS["valid"].build().applications[JPKI_AID].files[0x0017]
    assert isinstance(key_file, KeyFile)
    key = key_file.private_key
    ca_key = keys["rsa"]
    ca = _certificate(ca_key, ca_key, subject="root", issuer="root", pss=True)
    ee = _certificate(key, ca_key, subject="holder", issuer="root", pss=True)
    report, _ = run(_card_holding(ee, ca), anchors=(ca,))
    assert report.status is Status.VALID
    assert report.key_proof.performed and report.key_proof.ok


def test_validity_is_read_from_not_after_never_assumed(keys: dict[str, Key]) -> None:
    # A certificate cut short (a card's own expiry, a period of stay) is what it says.
    start = NOW - timedelta(days=10)
    short = (
        x509.CertificateBuilder()
        .subject_name(_name("holder"))
        .issuer_name(_name("root"))
        .public_key(keys["rsa"].public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(datetime(2026, 12, 31, 14, 59, 59, tzinfo=timezone.utc))
        .sign(keys["rsa"], hashes.SHA256())
        .public_bytes(Encoding.DER)
    )
    ca = _certificate(keys["rsa"], keys["rsa"], subject="root", issuer="root")
    result = evaluate(short, at=NOW, ca_der=ca, anchors=(ca,))
    assert result.status is Status.VALID
    assert result.certificate is not None
    assert result.certificate.expiry_date is not None
    assert result.certificate.expiry_date.isoformat() == "2026-12-31"
    assert Detail.RENEWAL_OPEN in result.details
