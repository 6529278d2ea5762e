"""Which CA certificates we trust, and why.

Trust comes from the SHA-256 fingerprints of the J-LIS roots compiled in below
(copies of the roots, with where they come from, are package data in
``data/jlis/``; a test checks each copy against these figures), or from
anchors the user supplies. A name never identifies a root: all J-LIS
generations share one, and a lookalike can copy it with the serial and dates.
Never from the card alone.

The simulator's own synthetic root (``simcard/data/simulator-root.pem``) is
trusted, as ``simulated``, only for a simulated connection or when the user
gives it as an anchor; a real card presenting it is untrusted.
"""

from __future__ import annotations

import enum
import hashlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

from .errors import InputError
from .status import Detail
from .userfiles import read_user_file

try:
    # ``Encoding`` where cryptography defines it, a module x509 has loaded already.
    # The public ``serialization`` package re-exports it but also loads the SSH key
    # code (ciphers, bcrypt): about 50 M instructions, a fifth of the check's
    # cryptography, for one enum member. tests/test_evaluate.py fails loudly should
    # the two ever differ; a cryptography without the module takes the public one.
    from cryptography.hazmat.primitives._serialization import Encoding
except ImportError:  # pragma: no cover - another cryptography layout
    from cryptography.hazmat.primitives.serialization import Encoding

_DER = Encoding.DER

# A negative serial is against RFC 5280 but still a certificate we can report on;
# cryptography warns on stderr each time it parses one or reads its serial. The
# verdict never depends on the serial, so that warning would only confuse the
# user. A process-wide filter narrowed to that one message is thread-safe (unlike
# warnings.catch_warnings); it is put back before each parse in case a caller's
# catch_warnings block dropped it. Should cryptography refuse such a certificate
# one day, it comes out as "cannot be parsed": a verdict, not a crash.
_NEGATIVE_SERIAL_WARNING = "Parsed a serial number which wasn't positive"


def _quiet_negative_serials() -> None:
    for action, message, category, _module, _line in warnings.filters:
        if (
            action == "ignore"
            and category is CryptographyDeprecationWarning
            and message is not None
            and message.pattern == _NEGATIVE_SERIAL_WARNING
        ):
            return
    warnings.filterwarnings(
        "ignore", message=_NEGATIVE_SERIAL_WARNING, category=CryptographyDeprecationWarning
    )


# Now, while the module loads (on the check's preload thread), not at the first parse:
# the filter's pattern is compiled once, and then off the path from the card to the verdict.
_quiet_negative_serials()


class Trust(str, enum.Enum):
    JLIS = "jlis"
    ANCHOR = "anchor"
    SIMULATED = "simulated"
    TEST_CARD = "test_card"
    UNTRUSTED = "untrusted"

    @property
    def accepted(self) -> bool:
        return self in (Trust.JLIS, Trust.ANCHOR, Trust.SIMULATED)


@dataclass(frozen=True)
class PinnedRoot:
    """A J-LIS root known byte for byte: the SHA-256 of its DER, and its facts."""

    sha256: str
    generation: int
    serial: int
    not_before: date
    not_after: date
    #: The copy shipped as package data (``data/jlis/<file>``).
    file: str


#: J-LIS roots that issue 利用者証明用電子証明書 (data/jlis/README.md).
JLIS_AUTH_ROOTS: tuple[PinnedRoot, ...] = (
    PinnedRoot(
        "4dcfc4ca0aaf9fb2a3081b3f0c991c320b3acc008667a341eeaec5af1d58ca7d",
        1,
        0x01,
        date(2015, 10, 20),
        date(2025, 10, 19),
        "jlis-auth-ca-2015.pem",
    ),
    PinnedRoot(
        "0d98de47fc11b7f67126874b7028b6026a803d2638d6edfe53176953961fade6",
        2,
        0x0133C349,
        date(2019, 9, 14),
        date(2029, 9, 14),
        "jlis-auth-ca-2019.pem",
    ),
    PinnedRoot(
        "64114f29620c24ed2631d46476a040e7ee740d956089c00b036a6a8118c322b5",
        3,
        0x06D18006,
        date(2023, 7, 16),
        date(2033, 7, 15),
        "jlis-auth-ca-2023.pem",
    ),
)

#: J-LIS roots of the 署名用電子証明書 (EF 0002). Never trusted for the auth
#: certificate; pinned so the shipped copies are checked like the auth roots.
JLIS_SIGN_ROOTS: tuple[PinnedRoot, ...] = (
    PinnedRoot(
        "19645405a1fe14377434bd55957628ac4038557c542403a2243f21c706fc9355",
        1,
        0x01,
        date(2015, 10, 20),
        date(2025, 10, 19),
        "jlis-sign-ca-2015.pem",
    ),
    PinnedRoot(
        "79679c33e4cc9319440f1ad120a597ff1844e2ef217063adb176966fd5e6fbeb",
        2,
        0x0132C4AB,
        date(2019, 9, 14),
        date(2029, 9, 14),
        "jlis-sign-ca-2019.pem",
    ),
    PinnedRoot(
        "d227f6cde11d35c5252178f106f843d24651944975413b539fa2fb68dbfa365f",
        3,
        0x067C6A21,
        date(2023, 7, 16),
        date(2033, 7, 15),
        "jlis-sign-ca-2023.pem",
    ),
)

#: Where the copies of the six J-LIS roots are (package data, with a README).
JLIS_DATA_DIR = Path(__file__).resolve().parent / "data" / "jlis"


def shipped_root(root: PinnedRoot) -> bytes:
    """The DER of ``root`` from the package's copy (``data/jlis/``). Trust never
    reads these files: it compares fingerprints. Tests, docs and the simulator's
    forged card use the copies."""
    return x509.load_pem_x509_certificate((JLIS_DATA_DIR / root.file).read_bytes()).public_bytes(
        _DER
    )


#: SHA-256 of the simulator's synthetic root (``simcard/data/simulator-root.der``,
#: made by scripts/make_fixtures.py; a test checks the file against this figure).
SIMULATOR_ROOT_SHA256 = "12b69c6d131656afb6ba9c21811fcf7f125392bc4565e11643d8bddb0dbd9328"

_TEST_CARD_ORGANIZATION = "JPKI-TEST"


@dataclass(frozen=True)
class TrustDecision:
    trust: Trust
    generation: int | None
    #: Why an untrusted root is not trusted (a reason code); None when trusted.
    reason: Detail | None = None


def der_of(cert: x509.Certificate) -> bytes:
    """The DER encoding of ``cert``."""
    return cert.public_bytes(_DER)


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def load_der_certificate(der: bytes) -> x509.Certificate:
    """``x509.load_der_x509_certificate`` (ValueError when ``der`` is not one), without
    cryptography's warning about a negative serial, then or when the serial is read."""
    _quiet_negative_serials()
    return x509.load_der_x509_certificate(der)


def classify_ca(
    ca: x509.Certificate, anchors: Iterable[bytes] = (), *, simulated: bool = False
) -> TrustDecision:
    """Decide how far ``ca`` (the card's EF 000B, already parsed) is trusted.

    ``anchors`` are DER certificates the user trusts. ``simulated`` is the
    connection's flag (the in-process simulated card or a replayed transcript):
    only then, or when given as an anchor, is the simulator's root accepted.
    """
    der = ca.public_bytes(_DER)
    digest = fingerprint(der)
    for root in JLIS_AUTH_ROOTS:
        if root.sha256 == digest:
            return TrustDecision(Trust.JLIS, root.generation)
    if digest == SIMULATOR_ROOT_SHA256:
        if simulated or der in set(anchors):
            return TrustDecision(Trust.SIMULATED, None)
        return TrustDecision(Trust.UNTRUSTED, None, Detail.TRUST_SIMULATOR_ROOT)
    if der in set(anchors):
        return TrustDecision(Trust.ANCHOR, None)
    organizations = ca.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if any(attr.value == _TEST_CARD_ORGANIZATION for attr in organizations):
        return TrustDecision(Trust.TEST_CARD, None, Detail.TRUST_TEST_CARD)
    return TrustDecision(Trust.UNTRUSTED, None, Detail.TRUST_UNKNOWN_ROOT)


# -- anchors ----------------------------------------------------------------------

# Where the user's anchors are is known without cryptography (userfiles.py): listing
# that folder must not load it (the window shows sooner).
from .userfiles import ANCHOR_SUFFIXES as ANCHOR_SUFFIXES  # noqa: E402
from .userfiles import anchors_folder as anchors_folder  # noqa: E402


def load_certificates_file(path: Path) -> list[bytes]:
    """DER of every certificate in a PEM or DER file; InputError if there is none."""
    raw = read_user_file(path, "certificate")  # bounded; InputError if not a readable file
    return certificates_in(raw, str(path))


def certificates_in(raw: bytes, source: str) -> list[bytes]:
    """DER of every certificate in PEM or DER ``raw``; InputError naming ``source``
    if there is none."""
    _quiet_negative_serials()
    try:
        if b"-----BEGIN" in raw:
            certs = x509.load_pem_x509_certificates(raw)
        else:
            certs = [load_der_certificate(raw)]
    except ValueError as error:
        raise InputError("not_a_certificate", path=source) from error
    return [cert.public_bytes(_DER) for cert in certs]
