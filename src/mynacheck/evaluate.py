"""Certificate evaluation: from DER bytes to a verdict with reasons.

Pure functions of the certificate bytes, the CA bytes, the trust anchors and
the evaluation time; no card access. "Now" is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from .clock import JST, RENEWAL_WINDOW_MONTHS, months_before
from .status import Detail, Status
from .trust import (
    JLIS_AUTH_ROOTS,
    Trust,
    classify_ca,
    der_of,
    fingerprint,
    load_der_certificate,
    shipped_root,
)

#: RFC 5280 4.1.2.5: a notAfter of 99991231235959Z means "no well-defined expiration date".
NO_WELL_DEFINED_EXPIRY = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


@dataclass(frozen=True, kw_only=True)
class CertificateInfo:
    """What the report shows of the auth certificate (no personal data in it).

    ``days_left`` and ``renewal_opens`` are None when the certificate has no
    expiry date on the JST calendar: notAfter 99991231235959Z (no well-defined
    expiry), or a moment that cannot be shifted to JST (after 9999-12-31 15:00 UTC).
    """

    serial: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    days_left: int | None
    renewal_open: bool
    renewal_opens: date | None
    sha256: str
    trust: Trust | None = None
    ca_generation: int | None = None

    @property
    def no_expiry(self) -> bool:
        """notAfter is RFC 5280's "no well-defined expiration date" value."""
        return self.not_after == NO_WELL_DEFINED_EXPIRY

    @property
    def expiry_date(self) -> date | None:
        """The expiry date on the JST calendar; None when there is none (see above)."""
        return None if self.no_expiry else jst_date(self.not_after)

    @property
    def valid_from_date(self) -> date | None:
        """The first day of validity on the JST calendar; None past year 9999 in JST."""
        return jst_date(self.not_before)


@dataclass(frozen=True)
class Evaluation:
    status: Status
    certificate: CertificateInfo | None
    details: tuple[Detail, ...] = field(default_factory=tuple)


def parse_certificate(der: bytes, *, need_key: bool = False) -> x509.Certificate | None:
    """The certificate, or None when it does not parse (or, with ``need_key``, when
    its public key is of a kind we cannot use)."""
    try:
        cert = load_der_certificate(der)
        # Touch the fields we report so a lazily-failing certificate fails here.
        _ = (cert.subject, cert.issuer, cert.not_valid_before_utc, cert.not_valid_after_utc)
        _ = cert.serial_number
        if need_key:
            cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return None
    return cert


def evaluate(
    cert_der: bytes | None,
    *,
    at: datetime,
    missing: Detail | None = None,
    ca_der: bytes | None = None,
    ca_missing: Detail | None = None,
    check_chain: bool = True,
    anchors: tuple[bytes, ...] = (),
    simulated: bool = False,
) -> Evaluation:
    """Evaluate the auth certificate as of ``at`` (timezone-aware).

    Order (first failure wins): present → chain (CA readable, issuer name,
    signature) → trust → validity period → valid. With ``check_chain=False``
    the chain and trust steps are skipped and ``chain_not_checked`` is said.
    ``simulated``: the certificates come from a simulated connection (the
    simulator's root is then trusted, as ``simulated``; trust.py).
    """
    if cert_der is None:
        return Evaluation(Status.MISSING, None, (missing or Detail.CERT_FILE_EMPTY,))
    cert = parse_certificate(cert_der)
    if cert is None:
        return Evaluation(Status.MISSING, None, (Detail.CERT_UNPARSEABLE,))
    info = describe(cert, at)
    details: list[Detail] = []

    if not check_chain:
        details.append(Detail.CHAIN_NOT_CHECKED)
    else:
        ca = parse_certificate(ca_der, need_key=True) if ca_der is not None else None
        if ca is None:
            reason = ca_missing or (
                Detail.CA_UNPARSEABLE if ca_der is not None else Detail.CA_UNREADABLE
            )
            return Evaluation(Status.UNTRUSTED, info, (reason,))
        if cert.issuer != ca.subject:
            return Evaluation(Status.INVALID, info, (Detail.ISSUER_MISMATCH,))
        if not signature_verifies(cert, ca):
            return Evaluation(Status.INVALID, info, (Detail.SIGNATURE_INVALID,))
        decision = classify_ca(ca, anchors, simulated=simulated)
        info = _with_trust(info, decision.trust, decision.generation)
        if not decision.trust.accepted:
            return Evaluation(
                Status.UNTRUSTED, info, (decision.reason or Detail.TRUST_UNKNOWN_ROOT,)
            )

    if at < info.not_before:
        return Evaluation(Status.NOT_YET_VALID, info, tuple(details))
    if at > info.not_after:
        return Evaluation(Status.EXPIRED, info, tuple(details))
    if info.renewal_open:
        details.append(Detail.RENEWAL_OPEN)
    return Evaluation(Status.VALID, info, tuple(details))


def signature_verifies(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    """True when ``ca``'s key made ``cert``'s signature (RSA or EC: next-generation cards)."""
    try:
        cert.verify_directly_issued_by(ca)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def describe(cert: x509.Certificate, at: datetime) -> CertificateInfo:
    """The reported facts of ``cert`` as of ``at``. Any date RFC 5280 allows gives
    an answer: without an expiry date on the JST calendar, ``days_left`` and
    ``renewal_opens`` are None and the renewal window is not open."""
    not_before = cert.not_valid_before_utc
    not_after = cert.not_valid_after_utc
    info = CertificateInfo(
        serial=format(cert.serial_number, "x"),  # a negative serial keeps its "-"
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=not_before,
        not_after=not_after,
        days_left=None,
        renewal_open=False,
        renewal_opens=None,
        sha256=fingerprint(der_of(cert)),
    )
    expiry_day = info.expiry_date
    today = jst_date(at)
    opens = _months_before_or_none(expiry_day, RENEWAL_WINDOW_MONTHS) if expiry_day else None
    return replace(
        info,
        days_left=(expiry_day - today).days if expiry_day and today else None,
        renewal_open=bool(opens and today and opens <= today and at <= not_after),
        renewal_opens=opens,
    )


def jst_date(moment: datetime) -> date | None:
    """The JST calendar date of ``moment``; None when JST would be past year 9999."""
    try:
        return moment.astimezone(JST).date()
    except (OverflowError, ValueError):
        return None


def _months_before_or_none(day: date, months: int) -> date | None:
    try:
        return months_before(day, months)
    except ValueError:  # before year 1
        return None


def _with_trust(info: CertificateInfo, trust: Trust, generation: int | None) -> CertificateInfo:
    return replace(info, trust=trust, ca_generation=generation)


def warm_up() -> None:
    """Pay an evaluation's first-time costs now, on a J-LIS root of the package's own:
    cryptography's PEM and DER parsers, the names' RFC 4514 text, OpenSSL's RSA
    verification (about 1.5 ms the first time, a tenth of that after). A check runs
    this on its preload thread while the card answers, so that its evaluation after
    the last answer costs only its own work. Only ever a speed-up: nothing is kept,
    and a failure (no package data) is silent.
    """
    try:
        root = parse_certificate(shipped_root(JLIS_AUTH_ROOTS[-1]), need_key=True)
        if root is not None:
            describe(root, root.not_valid_before_utc)
            signature_verifies(root, root)
            classify_ca(root)
    except Exception:
        pass
