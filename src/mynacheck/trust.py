"""Which CA certificates we trust, and why.

Trust comes from pinned SHA-256 fingerprints of the J-LIS roots (figures from
``jlis-ca/README.md``, not files), from anchors the user supplies, or - for
J-LIS generation 2, whose fingerprint is not available to us - from an exact
description, reported as the weaker ``jlis_unpinned``. Never from the card alone.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from .errors import UsageError

_DER = Encoding.DER


class Trust(str, enum.Enum):
    JLIS = "jlis"
    ANCHOR = "anchor"
    JLIS_UNPINNED = "jlis_unpinned"
    TEST_CARD = "test_card"
    UNTRUSTED = "untrusted"

    @property
    def accepted(self) -> bool:
        return self in (Trust.JLIS, Trust.ANCHOR, Trust.JLIS_UNPINNED)


@dataclass(frozen=True)
class PinnedRoot:
    sha256: str
    generation: int
    not_before: date
    not_after: date


#: J-LIS roots that issue 利用者証明用電子証明書 (jlis-ca/README.md).
JLIS_AUTH_ROOTS: tuple[PinnedRoot, ...] = (
    PinnedRoot(
        "4dcfc4ca0aaf9fb2a3081b3f0c991c320b3acc008667a341eeaec5af1d58ca7d",
        1,
        date(2015, 10, 20),
        date(2025, 10, 19),
    ),
    PinnedRoot(
        "64114f29620c24ed2631d46476a040e7ee740d956089c00b036a6a8118c322b5",
        3,
        date(2023, 7, 16),
        date(2033, 7, 15),
    ),
)


@dataclass(frozen=True)
class RootDescription:
    """A root known only by description: name, serial and UTC validity dates."""

    generation: int
    serial: int
    not_before: date
    not_after: date


#: Generation 2 (2019-2029) issued most certificates alive today; its
#: fingerprint is not available here, so it is accepted by exact description.
JLIS_AUTH_GENERATION_2 = RootDescription(2, 0x0133C349, date(2019, 9, 14), date(2029, 9, 14))

JLIS_AUTH_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
        x509.NameAttribute(
            NameOID.ORGANIZATIONAL_UNIT_NAME,
            "Japan Agency for Local Authority Information Systems",
        ),
    ]
)
_TEST_CARD_ORGANIZATION = "JPKI-TEST"


@dataclass(frozen=True)
class TrustDecision:
    trust: Trust
    generation: int | None


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def classify_ca(ca: x509.Certificate, anchors: Iterable[bytes] = ()) -> TrustDecision:
    """Decide how far ``ca`` (the card's EF 000B, already parsed) is trusted.

    ``anchors`` are DER certificates the user trusts. A name alone never
    identifies a root: all J-LIS generations share it.
    """
    der = ca.public_bytes(_DER)
    digest = fingerprint(der)
    for root in JLIS_AUTH_ROOTS:
        if root.sha256 == digest:
            return TrustDecision(Trust.JLIS, root.generation)
    generation = _described_generation(ca)
    if der in set(anchors):
        return TrustDecision(Trust.ANCHOR, generation)
    if generation is not None:
        return TrustDecision(Trust.JLIS_UNPINNED, generation)
    organizations = ca.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if any(attr.value == _TEST_CARD_ORGANIZATION for attr in organizations):
        return TrustDecision(Trust.TEST_CARD, None)
    return TrustDecision(Trust.UNTRUSTED, None)


def _described_generation(ca: x509.Certificate) -> int | None:
    """2 when ``ca`` is a self-signed root matching generation 2 exactly, else None."""
    description = JLIS_AUTH_GENERATION_2
    if (
        ca.subject == JLIS_AUTH_NAME
        and ca.issuer == JLIS_AUTH_NAME
        and ca.serial_number == description.serial
        and ca.not_valid_before_utc.date() == description.not_before
        and ca.not_valid_after_utc.date() == description.not_after
        and is_self_signed(ca)
    ):
        return description.generation
    return None


def is_self_signed(cert: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(cert)
    except Exception:
        return False
    return True


# -- anchors ----------------------------------------------------------------------

ANCHOR_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def anchors_folder() -> Path:
    """``anchors`` in the user's configuration directory (platformdirs)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("mynacheck", appauthor=False)) / "anchors"


def load_certificates_file(path: Path) -> list[bytes]:
    """DER of every certificate in a PEM or DER file; UsageError if there is none."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError("file_unreadable", path=str(path), reason=error.strerror) from error
    return certificates_in(raw, str(path))


def certificates_in(raw: bytes, source: str) -> list[bytes]:
    """DER of every certificate in PEM or DER ``raw``; UsageError naming ``source``
    if there is none."""
    try:
        if b"-----BEGIN" in raw:
            certs = x509.load_pem_x509_certificates(raw)
        else:
            certs = [x509.load_der_x509_certificate(raw)]
    except ValueError as error:
        raise UsageError("not_a_certificate", path=source) from error
    return [cert.public_bytes(_DER) for cert in certs]


def load_anchors(files: Iterable[Path], folder: Path | None = None) -> list[bytes]:
    """Anchors from ``--trust-anchor`` files plus every certificate file in ``folder``."""
    anchors: list[bytes] = []
    for path in files:
        anchors += load_certificates_file(path)
    if folder is not None and folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in ANCHOR_SUFFIXES:
                anchors += load_certificates_file(path)
    return anchors
