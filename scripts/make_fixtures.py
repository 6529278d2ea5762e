#!/usr/bin/env python3
"""Make the synthetic certificates the simulated My Number Card carries.

Writes DER certificates (``<name>.der``) and PEM private keys (``<name>.key.pem``)
into ``src/mynacheck/simcard/data/``. Everything here is synthetic: no real
personal data, no real J-LIS keys.

Re-runnable: existing keys are reused, and since serials, dates and RSA
PKCS#1 v1.5 signatures are all deterministic, a second run rewrites the same
bytes. ``--new-keys`` throws the keys away and makes new ones.

Usage: ``python scripts/make_fixtures.py [--out DIR] [--new-keys]``
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "mynacheck" / "simcard" / "data"

#: Auth-certificate policy OID (jpki-card-facts.md "Certificate profile").
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


#: J-LIS auth root name, attribute order as on the real roots (jlis-ca/README.md).
JLIS_AUTH_NAME = _name(
    (NameOID.COUNTRY_NAME, "JP"),
    (NameOID.ORGANIZATION_NAME, "JPKI"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Japan Agency for Local Authority Information Systems"),
)
TEST_AUTH_NAME = _name(
    (NameOID.COUNTRY_NAME, "JP"),
    (NameOID.ORGANIZATION_NAME, "JPKI-TEST"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Japan Agency for Local Authority Information Systems"),
)
PRIVATE_ROOT_NAME = _name(
    (NameOID.COUNTRY_NAME, "JP"),
    (NameOID.ORGANIZATION_NAME, "mynacheck synthetic"),
    (NameOID.COMMON_NAME, "mynacheck Synthetic Anchor Root"),
)


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


ROOTS = (
    # Generation 2 J-LIS auth root by description (jlis-ca/README.md): name,
    # serial 0133C349, 2019-09-14 .. 2029-09-14 (UTC calendar dates).
    RootSpec(
        "gen2-root", JLIS_AUTH_NAME, 0x0133C349, _utc(2019, 9, 14), _utc(2029, 9, 14, 14, 59, 59)
    ),
    # Same name and dates, serial one off: must not be trusted.
    RootSpec(
        "lookalike-root",
        JLIS_AUTH_NAME,
        0x0133C34A,
        _utc(2019, 9, 14),
        _utc(2029, 9, 14, 14, 59, 59),
    ),
    RootSpec("test-root", TEST_AUTH_NAME, 0x7E57, _utc(2019, 1, 1), _utc(2035, 12, 31, 14, 59, 59)),
    RootSpec(
        "private-root", PRIVATE_ROOT_NAME, 0x5A17, _utc(2020, 1, 1), _utc(2040, 12, 31, 14, 59, 59)
    ),
)

_VALID = (_utc(2025, 6, 1), _utc(2030, 5, 31, 14, 59, 59))

LEAVES = (
    LeafSpec("ee-valid", "gen2-root", "3A9F0C21D4E85B7716C2", 0x01A2B3C4, *_VALID),
    LeafSpec(
        "ee-expired",
        "gen2-root",
        "7C1E44A09B3D2F58E610",
        0x01A2B3C5,
        _utc(2019, 10, 1),
        _utc(2024, 9, 30, 14, 59, 59),
    ),
    LeafSpec(
        "ee-not-yet-valid",
        "gen2-root",
        "0D5B9E3371AC48F2B9E4",
        0x01A2B3C6,
        _utc(2040, 1, 1),
        _utc(2045, 1, 1),
    ),
    # Renewal opens 3 months before expiry: 2026-10-31 JST (fact sheet).
    LeafSpec(
        "ee-renewal",
        "gen2-root",
        "E2F4061B8C5D93A7207D",
        0x01A2B3C7,
        _utc(2022, 2, 1),
        _utc(2027, 1, 31, 14, 59, 59),
    ),
    LeafSpec("ee-forged", "gen2-root", "59A0C7E3126B4FD8830B", 0x01A2B3C8, *_VALID, forged=True),
    LeafSpec("ee-lookalike", "lookalike-root", "B61D8F2047E9C35A1E96", 0x01A2B3C9, *_VALID),
    LeafSpec("ee-test", "test-root", "4F83A6D15E0B27C9F341", 0x0000BEEF, *_VALID),
    LeafSpec("ee-private", "private-root", "C07E5B3192D4A86F0E2B", 0x00005A18, *_VALID),
    LeafSpec("ee-big", "gen2-root", "8E26D0F4A19B573C6D05", 0x01A2B3CA, *_VALID, big=True),
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
) -> x509.Certificate:
    """An auth certificate shaped like the real ones (fact sheet "Certificate profile")."""
    subject = _name((NameOID.COUNTRY_NAME, "JP"), (NameOID.COMMON_NAME, spec.opaque_id))
    policy = x509.PolicyInformation(
        AUTH_POLICY_OID, ["http://jpki.example.invalid/mynacheck-synthetic/cps"]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject)
        .serial_number(spec.serial)
        .not_valid_before(spec.not_before)
        .not_valid_after(spec.not_after)
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
    return builder.sign(signer, hashes.SHA256())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--new-keys", action="store_true", help="make new RSA keys")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    roots: dict[str, tuple[x509.Certificate, rsa.RSAPrivateKey]] = {}
    for root_spec in ROOTS:
        key = load_or_make_key(out, root_spec.name, args.new_keys)
        cert = make_root(root_spec, key)
        roots[root_spec.name] = (cert, key)
        (out / f"{root_spec.name}.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))
    # The tests hand this one to --trust-anchor as a PEM file.
    (out / "private-root.pem").write_bytes(
        roots["private-root"][0].public_bytes(serialization.Encoding.PEM)
    )

    spare = {name: load_or_make_key(out, name, args.new_keys) for name in SPARE_KEYS}
    for leaf_spec in LEAVES:
        key = load_or_make_key(out, leaf_spec.name, args.new_keys)
        issuer, issuer_key = roots[leaf_spec.issuer]
        signer = spare["forged-signer"] if leaf_spec.forged else issuer_key
        cert = make_leaf(leaf_spec, key, issuer, signer)
        der = cert.public_bytes(serialization.Encoding.DER)
        (out / f"{leaf_spec.name}.der").write_bytes(der)
        print(f"{leaf_spec.name}.der: {len(der)} bytes")


if __name__ == "__main__":
    main()
