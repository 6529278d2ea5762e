"""The check itself: read the card, evaluate, then (only if worth it) the PIN and key proof.

Card state needed: a card in the reader, no PIN. The PIN is asked only when
the certificate is ``valid`` (nothing to gain otherwise, a try to risk), and
only after the tries left are known.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from .card import Connection
from .card.apdu import ApduProtocol
from .card.jpki import JpkiSession, PinState, PinStatus
from .card.token_label import TokenKind, TokenLabel
from .errors import (
    Cancelled,
    InputError,
    MynacheckError,
    SignatureRefusedError,
    UnexpectedStatusError,
)
from .log import Log
from .pin import PinSource, well_formed_pin
from .report import CheckReport, KeyProof, PinReport
from .status import Detail, Status

if TYPE_CHECKING:
    from .evaluate import Evaluation

#: "No certificate" answers that say so plainly: no file, an empty or a blank one.
#: Any other (a refusal, something that is not a certificate) on a card that will
#: not say what it is, is no verdict about a My Number Card (docs/card-facts.md
#: "Token label").
_PLAIN_MISSING = frozenset(
    {Detail.CERT_FILE_NOT_FOUND, Detail.CERT_FILE_EMPTY, Detail.CERT_BLANK_FF, Detail.CERT_BLANK_00}
)
#: Verdicts on which no PIN is ever asked: it is not a My Number Card's to ask for.
_NOT_A_CARD_WE_CHECK = frozenset({Status.SMARTPHONE, Status.UNKNOWN_CARD, Status.NOT_MYNUMBER_CARD})
_MISSING_REASONS = _PLAIN_MISSING | {
    Detail.CERT_FILE_ACCESS_DENIED,
    Detail.CERT_NOT_DER,
    Detail.CERT_LENGTH_MISMATCH,
    Detail.CERT_UNPARSEABLE,
}

_LOG = Log("check")


@dataclass(frozen=True)
class CheckOptions:
    at: datetime
    use_pin: bool = False
    allow_last_try: bool = False
    anchors: tuple[bytes, ...] = ()
    #: Loads more anchors when first needed (after the card is read), so that
    #: reading anchor files and importing cryptography stay off the path to the card.
    anchor_loader: Callable[[], tuple[bytes, ...]] | None = None
    #: SHA-256 digest for the key proof; None = a fresh random challenge. Only a
    #: replayed transcript sets it (the recorded card signed that digest).
    challenge_digest: bytes | None = None


def run_check(
    connection: Connection, options: CheckOptions, pin_source: PinSource | None = None
) -> CheckReport:
    """Run the whole check on an open connection. Never raises MynacheckError: it becomes
    the report's status, except InputError (a malformed PIN, never sent to the card).
    The caller closes (and so unpowers) the connection."""
    base = CheckReport(
        status=Status.INTERNAL_ERROR,
        simulated=connection.simulated,
        reader=connection.reader,
        evaluated_at=options.at,
        contactless=connection.contactless,
    )
    progress = _Progress(base)
    try:
        report = _run(connection, options, pin_source, progress)
    except (InputError, Cancelled):
        raise  # a malformed PIN or a prompt given up: nothing was sent
    except MynacheckError as error:
        report = _failed(progress.report, error)
    _LOG.info(
        "check: %s (%s), %d APDUs",
        report.status.value,
        ", ".join(d.value for d in report.details),
        connection.apdu_count,
    )
    always = [Detail.SIMULATED] if connection.simulated else []
    if report.certificate is not None:
        always.append(Detail.REVOCATION_NOT_CHECKED)
    return replace(_add(report, *always), apdu_count=connection.apdu_count)


def _failed(report: CheckReport, error: MynacheckError) -> CheckReport:
    return replace(
        report,
        status=error.status,
        details=report.details + error.details,
        info={**report.info, **error.info},
    )


class _Progress:
    """What is known so far, so an error mid-way still reports it."""

    def __init__(self, report: CheckReport) -> None:
        self.report = report


def _run(
    connection: Connection,
    options: CheckOptions,
    pin_source: PinSource | None,
    progress: _Progress,
) -> CheckReport:
    session = JpkiSession(ApduProtocol(connection))
    session.select_application()
    try:
        evaluation = read_and_evaluate(session, options)
    except UnexpectedStatusError as error:
        # EF 000A answered what no My Number Card does: a phone may (what it answers
        # without the PIN is not published). Ask what this is before a card error.
        return _stranger_or_raise(session, progress.report, error)
    report = replace(
        progress.report,
        status=evaluation.status,
        certificate=evaluation.certificate,
        details=evaluation.details,
    )
    if session.protocol.extended_supported is False:
        report = _add(report, Detail.EXTENDED_APDU_UNSUPPORTED)
    answered = session.last_auth_read.sw_text if session.last_auth_read else None
    if answered is not None:  # what the card answered instead of a certificate
        report = replace(report, info={**report.info, "sw": answered})
    progress.report = report
    if report.status is Status.MISSING:
        # "missing" is said only about a My Number Card: ask what this is first.
        report = who_answers(report, session.read_token_label())
        progress.report = report
    if not options.use_pin or report.status in _NOT_A_CARD_WE_CHECK:
        return _add(report, Detail.PIN_NOT_CHECKED, Detail.KEY_NOT_PROVEN)
    if evaluation.status is not Status.VALID:
        return _add(report, Detail.PIN_SKIPPED_CERTIFICATE_NOT_VALID, Detail.KEY_NOT_PROVEN)
    assert pin_source is not None
    return _pin_and_key(session, report, options, pin_source, progress)


def read_and_evaluate(session: JpkiSession, options: CheckOptions) -> Evaluation:
    """Read EF 000A (and EF 000B only when there is a certificate) and evaluate.

    Card state: JPKI AP selectable, no PIN needed.
    """
    cert, ca = session.read_auth_certificates()
    # Only now: check_card imports cryptography on a thread during the reads above,
    # and importing it here first would wait for that thread before reading.
    from .evaluate import evaluate

    if cert.der is None or ca is None:
        return evaluate(None, at=options.at, missing=cert.missing)
    anchors = options.anchors
    if options.anchor_loader is not None:
        anchors += options.anchor_loader()
    return evaluate(
        cert.der,
        at=options.at,
        ca_der=ca.der,
        ca_missing=Detail.CA_UNREADABLE if ca.der is None else None,
        anchors=anchors,
        simulated=session.protocol.connection.simulated,
    )


def _stranger_or_raise(
    session: JpkiSession, report: CheckReport, error: UnexpectedStatusError
) -> CheckReport:
    """After an unexpected answer on EF 000A: the verdict of whatever is not a My
    Number Card (its label says so); for a My Number Card, or no label, the error."""
    token = session.read_token_label()
    if token.kind in (TokenKind.MY_NUMBER_CARD, TokenKind.UNREADABLE):
        raise error
    stranger = replace(report, status=Status.MISSING, info={**report.info, **error.info})
    if session.protocol.extended_supported is False:
        stranger = _add(stranger, Detail.EXTENDED_APDU_UNSUPPORTED)
    stranger = who_answers(stranger, token)
    return _add(stranger, Detail.PIN_NOT_CHECKED, Detail.KEY_NOT_PROVEN)


def who_answers(report: CheckReport, token: TokenLabel) -> CheckReport:
    """The verdict for a ``missing`` report once the token label is known.

    A My Number Card keeps ``missing``; a phone is ``smartphone``, a 住基カード
    ``not_mynumber_card``, a label no one knows ``unknown_card``. With no label to
    read, ``missing`` stays only when EF 000A said so plainly; a refusal is
    ``unknown_card`` (docs/card-facts.md "Token label").
    """
    info = dict(report.info)
    if token.label is not None:
        info["token"] = token.label
    if token.device is not None:
        info["device"] = token.device
    if token.sw_text is not None:
        info["token_sw"] = token.sw_text
    kind = token.kind
    if kind is TokenKind.MY_NUMBER_CARD:
        return replace(report, info=info)
    if kind is TokenKind.UNREADABLE:
        details = (*report.details, Detail.TOKEN_UNREADABLE)
        plain = set(report.details) & _MISSING_REASONS <= _PLAIN_MISSING
        status = Status.MISSING if plain else Status.UNKNOWN_CARD
        return replace(report, status=status, details=details, info=info)
    # Not a My Number Card: what EF 000A answered is no reason of a verdict about it.
    info.pop("sw", None)
    status, detail = {
        TokenKind.SMARTPHONE: (Status.SMARTPHONE, Detail.TOKEN_SMARTPHONE),
        TokenKind.JUKI_CARD: (Status.NOT_MYNUMBER_CARD, Detail.TOKEN_JUKI_CARD),
        TokenKind.UNKNOWN: (Status.UNKNOWN_CARD, Detail.TOKEN_UNKNOWN),
    }[kind]
    kept = tuple(d for d in report.details if d not in _MISSING_REASONS)
    return replace(report, status=status, details=(detail, *kept), info=info)


def _pin_and_key(
    session: JpkiSession,
    report: CheckReport,
    options: CheckOptions,
    pin_source: PinSource,
    progress: _Progress,
) -> CheckReport:
    reference = session.profile.auth_pin
    status = session.pin_status(reference)
    if status.state is PinState.VERIFIED:
        # Verified earlier in this power cycle by someone else: tries unknown.
        # Power-cycle to learn them rather than guess (docs/card-facts.md "PINs").
        session.restart()
        status = session.pin_status(reference)
    report = replace(report, pin=_pin_report(status))
    progress.report = report
    if status.blocked:
        return _add(replace(report, status=Status.PIN_BLOCKED), Detail.KEY_NOT_PROVEN)
    if status.state is PinState.VERIFIED:
        report = _add(report, Detail.PIN_ALREADY_VERIFIED, Detail.PIN_TRIES_UNKNOWN)
    else:
        if (
            status.tries_left == 1
            and not options.allow_last_try
            and not pin_source.confirm_last_try()
        ):
            return _add(replace(report, status=Status.PIN_LAST_TRY), Detail.KEY_NOT_PROVEN)
        typed = pin_source.read_pin(reference, status.tries_left)
        try:
            # Whatever the source is, its PIN's shape is checked here, before the card.
            pin = well_formed_pin(typed, reference)
        finally:
            if isinstance(typed, bytearray):
                typed[:] = bytes(len(typed))
        # If VERIFY gets no answer, the try may or may not have been spent.
        progress.report = replace(report, pin=replace(report.pin, tries_left=None))
        try:
            result = session.verify_pin(reference, pin)
        finally:
            pin[:] = bytes(len(pin))
        report = replace(report, pin=_pin_report(result))
        progress.report = report
        if result.blocked:
            return _add(replace(report, status=Status.PIN_BLOCKED), Detail.KEY_NOT_PROVEN)
        if result.state is not PinState.VERIFIED:
            return _add(replace(report, status=Status.PIN_INCORRECT), Detail.KEY_NOT_PROVEN)
    try:
        proof = prove_key(session, options.challenge_digest)
    except SignatureRefusedError as error:
        failed = replace(
            report, status=Status.INVALID, key_proof=KeyProof(performed=True, ok=False)
        )
        return replace(_add(failed, Detail.KEY_PROOF_FAILED), info={**report.info, **error.info})
    if proof is None:
        return _add(report, Detail.KEY_ALGORITHM_UNSUPPORTED, Detail.KEY_NOT_PROVEN)
    report = replace(report, key_proof=proof)
    if not proof.ok:
        return _add(replace(report, status=Status.INVALID), Detail.KEY_MISMATCH)
    return report


def prove_key(session: JpkiSession, digest: bytes | None = None) -> KeyProof | None:
    """Sign a fresh random challenge with the auth key; verify with the certificate read.

    Card state: auth PIN verified in this power cycle. Raises
    :class:`SignatureRefusedError` when the card refuses to sign. None (nothing
    sent) when the certificate's key is not of the type the profile's recipe signs
    with (RSA PKCS#1 v1.5 on this card generation: profile.py), or cannot be loaded.
    """
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

    cert_der = session.last_auth_read.der if session.last_auth_read else None
    assert cert_der is not None
    try:
        public_key = x509.load_der_x509_certificate(cert_der).public_key()
    except (UnsupportedAlgorithm, ValueError):
        return None
    recipe = session.profile.key_proof
    if recipe.key_type != "rsa" or not isinstance(public_key, rsa.RSAPublicKey):
        return None
    if digest is None:
        digest = hashlib.sha256(os.urandom(32)).digest()
    signature = session.sign_with_auth_key(recipe.digest_info_prefix + digest)
    try:
        public_key.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    except InvalidSignature:
        return KeyProof(performed=True, ok=False)
    return KeyProof(performed=True, ok=True)


def _pin_report(status: PinStatus) -> PinReport:
    """The report's PIN block once the card has been asked about the PIN."""
    return PinReport(
        checked=True,
        verified=status.state is PinState.VERIFIED,
        tries_left=status.tries_left,
        blocked=status.blocked,
    )


def _add(report: CheckReport, *details: Detail) -> CheckReport:
    return replace(report, details=(*report.details, *details))
