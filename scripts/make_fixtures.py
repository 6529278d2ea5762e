#!/usr/bin/env python3
"""Make the synthetic certificates the simulated My Number Card carries.

Writes DER certificates (``<name>.der``) and PEM private keys (``<name>.key.pem``)
into ``src/mynacheck/simcard/data/``. Everything here is synthetic: no real
personal data, no real J-LIS keys. The simulated card's certificates chain to
the simulator's own root (``O=mynacheck simulator``), never to a J-LIS name;
only the lookalike and the forgery imitate J-LIS, and both must fail.

After ``--new-keys`` the simulator root's SHA-256 changes: put the figure this
script prints into ``SIMULATOR_ROOT_SHA256`` in ``src/mynacheck/trust.py`` (a
test compares them).

Re-runnable: existing keys are reused, and since serials, dates and RSA
PKCS#1 v1.5 signatures are all deterministic, a second run rewrites the same
bytes. ``--new-keys`` throws the keys away and makes new ones.

Usage: ``python scripts/make_fixtures.py [--out DIR] [--new-keys]``
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

_PACKAGE = Path(__file__).resolve().parent.parent / "src" / "mynacheck"
DATA_DIR = _PACKAGE / "simcard" / "data"
#: The genuine J-LIS generation-2 auth root (public data, shipped in the package).
JLIS_GEN2_AUTH_ROOT = _PACKAGE / "data" / "jlis" / "jlis-auth-ca-2019.pem"

#: Auth-certificate policy OID (docs/card-facts.md "Certificate profile").
AUTH_POLICY_OID = x509.ObjectIdentifier("1.2.392.200149.8.5.1.3.30")

_UTC = dt.timezone.utc


def _utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=_UTC)


def _name(*pairs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    # One attribute per RDN, in the given order (the J-LIS name has two OUs).
    return x509.Name(
        [x509.RelativeDistinguishedName([x509.NameAttribute(oid, value)]) for oid, value in pairs]
    )


TEST_AUTH_NAME = _name(
    (NameOID.COUNTRY_NAME, "JP"),
    (NameOID.ORGANIZATION_NAME, "JPKI-TEST"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Japan Agency for Local Authority Information Systems"),
)
SIMULATOR_ROOT_NAME = _name(
    (NameOID.COUNTRY_NAME, "JP"),
    (NameOID.ORGANIZATION_NAME, "mynacheck simulator"),
    (NameOID.COMMON_NAME, "mynacheck Simulated Card Root (not JPKI)"),
)
PRIVATE_ROOT_NAME = _name(
    (NameOID.COUNTRY_NAME, "JP"),
    (NameOID.ORGANIZATION_NAME, "mynacheck synthetic"),
    (NameOID.COMMON_NAME, "mynacheck Synthetic Anchor Root"),
)


def jlis_generation_2() -> x509.Certificate:
    """The genuine J-LIS generation-2 auth root (its name, serial and dates are copied)."""
    return x509.load_pem_x509_certificate(JLIS_GEN2_AUTH_ROOT.read_bytes())


@dataclass(frozen=True)
class RootSpec:
    name: str
    subject: x509.Name
    serial: int
    not_before: dt.datetime
    not_after: dt.datetime


@dataclass(frozen=True)
class LeafSpec:
    name: str
    issuer: str  # a RootSpec name
    opaque_id: str  # 20 hex characters, the auth certificate's CN
    serial: int
    not_before: dt.datetime
    not_after: dt.datetime
    forged: bool = False  # signed by a key that is not the issuer's
    big: bool = False  # padded with a long extension (> 1280 bytes)


def roots_specs() -> tuple[RootSpec, ...]:
    genuine = jlis_generation_2()
    return (
        # The simulator's own root: trusted only for a simulated card (trust.py).
        RootSpec(
            "simulator-root",
            SIMULATOR_ROOT_NAME,
            0x51A1,
            _utc(2019, 1, 1),
            _utc(2049, 12, 31, 14, 59, 59),
        ),
        # J-LIS generation 2's exact name, serial and dates, but another key: a
        # lookalike. Trust is by fingerprint, so it must come out untrusted.
        RootSpec(
            "lookalike-root",
            genuine.subject,
            genuine.serial_number,
            genuine.not_valid_before_utc,
            genuine.not_valid_after_utc,
        ),
        RootSpec(
            "test-root", TEST_AUTH_NAME, 0x7E57, _utc(2019, 1, 1), _utc(2035, 12, 31, 14, 59, 59)
        ),
        RootSpec(
            "private-root",
            PRIVATE_ROOT_NAME,
            0x5A17,
            _utc(2020, 1, 1),
            _utc(2040, 12, 31, 14, 59, 59),
        ),
    )


_VALID = (_utc(2025, 6, 1), _utc(2030, 5, 31, 14, 59, 59))
_SIM = "simulator-root"

LEAVES = (
    LeafSpec("ee-valid", _SIM, "3A9F0C21D4E85B7716C2", 0x01A2B3C4, *_VALID),
    LeafSpec(
        "ee-expired",
        _SIM,
        "7C1E44A09B3D2F58E610",
        0x01A2B3C5,
        _utc(2019, 10, 1),
        _utc(2024, 9, 30, 14, 59, 59),
    ),
    LeafSpec(
        "ee-not-yet-valid",
        _SIM,
        "0D5B9E3371AC48F2B9E4",
        0x01A2B3C6,
        _utc(2040, 1, 1),
        _utc(2045, 1, 1),
    ),
    # Renewal opens 3 months before expiry: 2026-10-31 JST (docs/card-facts.md).
    LeafSpec(
        "ee-renewal",
        _SIM,
        "E2F4061B8C5D93A7207D",
        0x01A2B3C7,
        _utc(2022, 2, 1),
        _utc(2027, 1, 31, 14, 59, 59),
    ),
    # Names the genuine J-LIS generation-2 root (which the forged card carries in
    # EF 000B) but is signed by another key: the signature must not verify.
    LeafSpec("ee-forged", "jlis-gen2", "59A0C7E3126B4FD8830B", 0x01A2B3C8, *_VALID, forged=True),
    LeafSpec("ee-lookalike", "lookalike-root", "B61D8F2047E9C35A1E96", 0x01A2B3C9, *_VALID),
    LeafSpec("ee-test", "test-root", "4F83A6D15E0B27C9F341", 0x0000BEEF, *_VALID),
    LeafSpec("ee-private", "private-root", "C07E5B3192D4A86F0E2B", 0x00005A18, *_VALID),
    LeafSpec("ee-big", _SIM, "8E26D0F4A19B573C6D05", 0x01A2B3CA, *_VALID, big=True),
    # -- certificates at the edges (RFC 5280 allows them; none may crash the check) --
    # notAfter 99991231235959Z: "no well-defined expiration date" (RFC 5280 4.1.2.5).
    LeafSpec(
        "ee-no-expiry",
        _SIM,
        "91C3E07A5D2B48F6A0E1",
        0x01A2B3CB,
        _utc(2025, 6, 1),
        _utc(9999, 12, 31, 23, 59, 59),
    ),
    # A notAfter that cannot be shifted to JST (9999-12-31 15:00 UTC is year 10000
    # in JST) and a notBefore in the same hours: not yet valid, no date in JST.
    LeafSpec(
        "ee-far-future",
        _SIM,
        "2B7E5C90D14A63F8E5C2",
        0x01A2B3CC,
        _utc(9999, 12, 31, 15, 0, 0),
        _utc(9999, 12, 31, 20, 0, 0),
    ),
    # Dates before 1950 (GeneralizedTime; year 1 even): expired long ago.
    LeafSpec(
        "ee-ancient",
        _SIM,
        "C4A2F81E6B093D75A2B3",
        0x01A2B3CD,
        _utc(1, 1, 1),
        _utc(1949, 12, 31, 14, 59, 59),
    ),
    # A negative serial (RFC 5280 forbids it; cryptography warns when it parses one).
    LeafSpec("ee-negative-serial", _SIM, "6D0B3F2A97E1C58B4D74", -0x01A2B3CE, *_VALID),
)

#: Extra keys: the card's key in the key-mismatch scenario, and the forger's key.
SPARE_KEYS = ("key-other", "forged-signer")


def load_or_make_key(out: Path, name: str, new_keys: bool) -> rsa.RSAPrivateKey:
    """The RSA-2048 (e = 65537) key ``<name>.key.pem``, made when absent."""
    path = out / f"{name}.key.pem"
    if path.exists() and not new_keys:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


def make_root(spec: RootSpec, key: rsa.RSAPrivateKey) -> x509.Certificate:
    """A self-signed CA: basicConstraints CA:true critical, keyCertSign + cRLSign."""
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (
        x509.CertificateBuilder()
        .subject_name(spec.subject)
        .issuer_name(spec.subject)
        .serial_number(spec.serial)
        .not_valid_before(spec.not_before)
        .not_valid_after(spec.not_after)
        .public_key(key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )


def make_leaf(
    spec: LeafSpec,
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate,
    signer: rsa.RSAPrivateKey,
) -> bytes:
    """The DER of an auth certificate shaped like the real ones (docs/card-facts.md
    "Certificate profile"). A serial or a date that cryptography's builder refuses
    (serial <= 0, a year before 1950) is written into the DER afterwards."""
    subject = _name((NameOID.COUNTRY_NAME, "JP"), (NameOID.COMMON_NAME, spec.opaque_id))
    edge = spec.serial <= 0 or min(spec.not_before.year, spec.not_after.year) < 1950
    policy = x509.PolicyInformation(
        AUTH_POLICY_OID, ["http://jpki.example.invalid/mynacheck-synthetic/cps"]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject)
        .serial_number(1 if edge else spec.serial)
        .not_valid_before(_utc(2000, 1, 1) if edge else spec.not_before)
        .not_valid_after(_utc(2000, 1, 2) if edge else spec.not_after)
        .public_key(key.public_key())
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.CertificatePolicies([policy]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [
                            x509.UniformResourceIdentifier(
                                "http://crl.example.invalid/mynacheck/auth.crl"
                            )
                        ],
                        None,
                        None,
                        None,
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(
                            "http://ocsp.example.invalid/mynacheck/auth"
                        ),
                    )
                ]
            ),
            critical=False,
        )
    )
    if spec.big:
        # A long (synthetic) subjectAltName so the DER takes 6+ short reads of 256 bytes.
        uris = [
            x509.UniformResourceIdentifier(
                f"http://padding.example.invalid/mynacheck/big-certificate/{i:02d}/"
                "this-extension-only-exists-to-make-the-certificate-longer"
            )
            for i in range(3)
        ]
        builder = builder.add_extension(x509.SubjectAlternativeName(uris), critical=False)
    der = builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    if edge:
        der = _rewrite_serial_and_validity(der, spec, signer)
    return der


# -- DER surgery for the edge certificates -------------------------------------------


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _elements(der: bytes) -> list[bytes]:
    """The complete TLVs inside the constructed value ``der`` (one level down)."""
    start = 2 + (der[1] & 0x7F) if der[1] & 0x80 else 2
    content, items, offset = der[start:], [], 0
    while offset < len(content):
        first = content[offset + 1]
        if first & 0x80:
            count = first & 0x7F
            size = int.from_bytes(content[offset + 2 : offset + 2 + count], "big")
            header = 2 + count
        else:
            size, header = first, 2
        items.append(content[offset : offset + header + size])
        offset += header + size
    return items


def _time(moment: dt.datetime) -> bytes:
    """UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5)."""
    stamp = (
        f"{moment.month:02d}{moment.day:02d}{moment.hour:02d}{moment.minute:02d}"
        f"{moment.second:02d}Z"
    )
    if 1950 <= moment.year <= 2049:
        return _tlv(0x17, f"{moment.year % 100:02d}{stamp}".encode())
    return _tlv(0x18, f"{moment.year:04d}{stamp}".encode())


def _rewrite_serial_and_validity(der: bytes, spec: LeafSpec, signer: rsa.RSAPrivateKey) -> bytes:
    """``der`` with the spec's serial and validity, signed again by ``signer``."""
    tbs, algorithm, _signature = _elements(der)
    fields = _elements(tbs)  # [0] version, serial, signature, issuer, validity, ...
    length = (spec.serial.bit_length() + 8) // 8  # room for the sign bit
    fields[1] = _tlv(0x02, spec.serial.to_bytes(length, "big", signed=True))
    fields[4] = _tlv(0x30, _time(spec.not_before) + _time(spec.not_after))
    new_tbs = _tlv(0x30, b"".join(fields))
    signature = signer.sign(new_tbs, padding.PKCS1v15(), hashes.SHA256())
    return _tlv(0x30, new_tbs + algorithm + _tlv(0x03, b"\x00" + signature))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--new-keys", action="store_true", help="make new RSA keys")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    roots: dict[str, tuple[x509.Certificate, rsa.RSAPrivateKey | None]] = {}
    for root_spec in roots_specs():
        key = load_or_make_key(out, root_spec.name, args.new_keys)
        cert = make_root(root_spec, key)
        roots[root_spec.name] = (cert, key)
        (out / f"{root_spec.name}.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))
    # Given to --trust-anchor as PEM files (tests, the demo through pcscd).
    for pem in ("private-root", "simulator-root"):
        (out / f"{pem}.pem").write_bytes(roots[pem][0].public_bytes(serialization.Encoding.PEM))
    roots["jlis-gen2"] = (jlis_generation_2(), None)  # the public root; no key, of course

    spare = {name: load_or_make_key(out, name, args.new_keys) for name in SPARE_KEYS}
    for leaf_spec in LEAVES:
        key = load_or_make_key(out, leaf_spec.name, args.new_keys)
        issuer, issuer_key = roots[leaf_spec.issuer]
        signer = spare["forged-signer"] if leaf_spec.forged else issuer_key
        assert signer is not None, leaf_spec.name
        der = make_leaf(leaf_spec, key, issuer, signer)
        (out / f"{leaf_spec.name}.der").write_bytes(der)
        print(f"{leaf_spec.name}.der: {len(der)} bytes")
    simulator = roots["simulator-root"][0].public_bytes(serialization.Encoding.DER)
    print(f"simulator-root SHA-256 (trust.SIMULATOR_ROOT_SHA256): {sha256(simulator).hexdigest()}")


if __name__ == "__main__":
    main()
