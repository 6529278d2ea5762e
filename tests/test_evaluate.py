"""Certificate evaluation: every verdict from the synthetic certificates, time frozen."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pytest
from cryptography import x509

from mynacheck.clock import JST, months_before
from mynacheck.evaluate import evaluate
from mynacheck.present.json import certificate_json
from mynacheck.present.text import render_text
from mynacheck.report import CheckReport
from mynacheck.status import Detail, Status
from mynacheck.trust import (
    JLIS_AUTH_ROOTS,
    JLIS_SIGN_ROOTS,
    SIMULATOR_ROOT_SHA256,
    Trust,
    classify_ca,
    load_certificates_file,
    shipped_root,
)

from .conftest import JLIS_CA, NOW, SIMULATOR_ROOT, der

#: The simulated card's certificates, evaluated as for a simulated connection.
simulated = partial(evaluate, ca_der=der("simulator-root"), simulated=True)


def test_simulator_root_is_trusted_for_a_simulated_connection_and_says_so() -> None:
    result = simulated(der("ee-valid"), at=NOW)
    assert result.status is Status.VALID
    assert result.certificate is not None
    assert result.certificate.trust is Trust.SIMULATED
    assert result.certificate.ca_generation is None
    assert result.details == ()


def test_simulator_root_on_a_real_card_is_untrusted() -> None:
    result = evaluate(der("ee-valid"), at=NOW, ca_der=der("simulator-root"))
    assert result.status is Status.UNTRUSTED
    assert result.certificate is not None and result.certificate.trust is Trust.UNTRUSTED
    assert result.details == (Detail.TRUST_SIMULATOR_ROOT,)


def test_simulator_root_given_as_anchor_is_trusted_as_simulated_not_as_anchor() -> None:
    # The demo through pcscd: the card is real to mynacheck, the user names the root.
    root = der("simulator-root")
    result = evaluate(der("ee-valid"), at=NOW, ca_der=root, anchors=(root,))
    assert result.status is Status.VALID
    assert result.certificate is not None and result.certificate.trust is Trust.SIMULATED


def test_simulated_connection_trusts_no_other_root() -> None:
    # The simulated flag widens trust to the simulator's root only.
    for leaf, root in (
        ("ee-lookalike", "lookalike-root"),
        ("ee-private", "private-root"),
        ("ee-test", "test-root"),
    ):
        result = evaluate(der(leaf), at=NOW, ca_der=der(root), simulated=True)
        assert result.status is Status.UNTRUSTED, leaf


def test_generation_2_lookalike_is_untrusted() -> None:
    # Name, serial and validity are J-LIS generation 2's to the second; only the
    # key (hence the fingerprint) differs.
    genuine = x509.load_der_x509_certificate(jlis("jlis-auth-ca-2019.pem"))
    lookalike = x509.load_der_x509_certificate(der("lookalike-root"))
    assert lookalike.subject == genuine.subject and lookalike.issuer == genuine.issuer
    assert lookalike.serial_number == genuine.serial_number == 0x0133C349
    assert lookalike.not_valid_before_utc == genuine.not_valid_before_utc
    assert lookalike.not_valid_after_utc == genuine.not_valid_after_utc
    lookalike.verify_directly_issued_by(lookalike)  # a well-formed self-signed root
    for flag in (False, True):
        result = evaluate(der("ee-lookalike"), at=NOW, ca_der=der("lookalike-root"), simulated=flag)
        assert result.status is Status.UNTRUSTED
        assert result.certificate is not None and result.certificate.trust is Trust.UNTRUSTED
        assert result.certificate.ca_generation is None
        assert result.details == (Detail.TRUST_UNKNOWN_ROOT,)


def test_test_card_root_is_untrusted_and_named() -> None:
    result = evaluate(der("ee-test"), at=NOW, ca_der=der("test-root"))
    assert result.status is Status.UNTRUSTED
    assert result.details == (Detail.TRUST_TEST_CARD,)


def test_anchor_makes_private_root_trusted() -> None:
    without = evaluate(der("ee-private"), at=NOW, ca_der=der("private-root"))
    assert without.status is Status.UNTRUSTED
    anchored = evaluate(
        der("ee-private"), at=NOW, ca_der=der("private-root"), anchors=(der("private-root"),)
    )
    assert anchored.status is Status.VALID
    assert anchored.certificate is not None and anchored.certificate.trust is Trust.ANCHOR


def test_forged_signature_is_invalid_before_trust() -> None:
    # The forged card carries the genuine (pinned) J-LIS root: the signature fails first.
    result = evaluate(der("ee-forged"), at=NOW, ca_der=jlis("jlis-auth-ca-2019.pem"))
    assert result.status is Status.INVALID
    assert result.details == (Detail.SIGNATURE_INVALID,)
    assert result.certificate is not None and result.certificate.trust is None


def test_issuer_name_mismatch_is_invalid() -> None:
    result = evaluate(der("ee-valid"), at=NOW, ca_der=der("test-root"), simulated=True)
    assert result.status is Status.INVALID
    assert result.details == (Detail.ISSUER_MISMATCH,)


def test_unreadable_ca_is_untrusted() -> None:
    result = simulated(der("ee-valid"), at=NOW, ca_der=None, ca_missing=Detail.CA_UNREADABLE)
    assert result.status is Status.UNTRUSTED
    assert result.details == (Detail.CA_UNREADABLE,)
    garbage = simulated(der("ee-valid"), at=NOW, ca_der=b"\x30\x03\x02\x01\x01")
    assert garbage.details == (Detail.CA_UNPARSEABLE,)


def test_expired_and_not_yet_valid() -> None:
    expired = simulated(der("ee-expired"), at=NOW)
    assert expired.status is Status.EXPIRED
    assert expired.certificate is not None and expired.certificate.days_left < 0
    assert not expired.certificate.renewal_open
    future = simulated(der("ee-not-yet-valid"), at=NOW)
    assert future.status is Status.NOT_YET_VALID


def test_validity_edges_to_the_second() -> None:
    cert = x509.load_der_x509_certificate(der("ee-valid"))
    end = cert.not_valid_after_utc
    assert simulated(der("ee-valid"), at=end).status is Status.VALID
    after = end + timedelta(seconds=1)
    assert simulated(der("ee-valid"), at=after).status is Status.EXPIRED
    start = cert.not_valid_before_utc
    before = start - timedelta(seconds=1)
    result = simulated(der("ee-valid"), at=before)
    assert result.status is Status.NOT_YET_VALID


def test_days_left_counts_jst_calendar_days() -> None:
    # ee-renewal ends 2027-01-31T14:59:59Z = 2027-01-31 23:59:59 JST.
    late_evening_utc = datetime(2027, 1, 30, 15, 30, tzinfo=timezone.utc)  # 01-31 00:30 JST
    result = simulated(der("ee-renewal"), at=late_evening_utc)
    assert result.certificate is not None and result.certificate.days_left == 0
    result = simulated(der("ee-renewal"), at=NOW)
    assert result.certificate is not None
    assert result.certificate.days_left == (date(2027, 1, 31) - NOW.astimezone(JST).date()).days


def test_renewal_window_opens_three_calendar_months_before_expiry() -> None:
    opens = datetime(2026, 10, 31, 0, 0, tzinfo=JST)
    before = simulated(der("ee-renewal"), at=opens - timedelta(minutes=1))
    assert before.certificate is not None and not before.certificate.renewal_open
    assert Detail.RENEWAL_OPEN not in before.details
    inside = simulated(der("ee-renewal"), at=opens)
    assert inside.certificate is not None and inside.certificate.renewal_open
    assert Detail.RENEWAL_OPEN in inside.details
    assert inside.certificate.renewal_opens == date(2026, 10, 31)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2030, 5, 31), 3, date(2030, 2, 28)),
        (date(2028, 5, 31), 3, date(2028, 2, 29)),
        (date(2027, 1, 31), 3, date(2026, 10, 31)),
        (date(2027, 2, 15), 3, date(2026, 11, 15)),
    ],
)
def test_months_before_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def test_missing_reasons_are_kept() -> None:
    assert evaluate(None, at=NOW, missing=Detail.CERT_BLANK_FF).details == (Detail.CERT_BLANK_FF,)
    unparseable = evaluate(b"\x30\x03\x02\x01\x01", at=NOW)
    assert unparseable.status is Status.MISSING
    assert unparseable.details == (Detail.CERT_UNPARSEABLE,)


def test_without_chain_check_says_so() -> None:
    result = evaluate(der("ee-forged"), at=NOW, check_chain=False)
    assert result.status is Status.VALID
    assert Detail.CHAIN_NOT_CHECKED in result.details


def jlis(file: str) -> bytes:
    """DER of the repo's copy of a public J-LIS root."""
    return load_certificates_file(JLIS_CA / file)[0]


@pytest.mark.parametrize(
    ("file", "generation"),
    [("jlis-auth-ca-2015.pem", 1), ("jlis-auth-ca-2019.pem", 2), ("jlis-auth-ca-2023.pem", 3)],
)
def test_real_jlis_auth_roots_are_pinned(file: str, generation: int) -> None:
    root = x509.load_der_x509_certificate(jlis(file))
    decision = classify_ca(root)
    assert decision.trust is Trust.JLIS
    assert decision.generation == generation
    assert decision.reason is None


@pytest.mark.parametrize(
    "file", ["jlis-sign-ca-2015.pem", "jlis-sign-ca-2019.pem", "jlis-sign-ca-2023.pem"]
)
def test_signature_roots_are_not_auth_roots(file: str) -> None:
    decision = classify_ca(x509.load_der_x509_certificate(jlis(file)))
    assert decision.trust is Trust.UNTRUSTED


def test_real_root_cannot_vouch_for_a_synthetic_certificate() -> None:
    # ee-forged names generation 2 (all generations share the name) but was not
    # signed by it: the signature step catches it, with any generation's root.
    for file in ("jlis-auth-ca-2019.pem", "jlis-auth-ca-2023.pem"):
        result = evaluate(der("ee-forged"), at=NOW, ca_der=jlis(file))
        assert result.status is Status.INVALID
        assert result.details == (Detail.SIGNATURE_INVALID,)


def test_a_pinned_root_given_as_an_anchor_stays_jlis() -> None:
    root = jlis("jlis-auth-ca-2019.pem")
    decision = classify_ca(x509.load_der_x509_certificate(root), anchors=(root,))
    assert decision.trust is Trust.JLIS and decision.generation == 2


def test_an_anchored_lookalike_is_an_anchor_not_jlis() -> None:
    # The user's explicit choice; it never gets a J-LIS generation.
    root = der("lookalike-root")
    decision = classify_ca(x509.load_der_x509_certificate(root), anchors=(root,))
    assert decision.trust is Trust.ANCHOR and decision.generation is None


# -- the shipped roots -------------------------------------------------------------


def test_every_shipped_jlis_root_has_the_pinned_fingerprint() -> None:
    roots = (*JLIS_AUTH_ROOTS, *JLIS_SIGN_ROOTS)
    assert sorted(root.file for root in roots) == sorted(p.name for p in JLIS_CA.glob("*.pem"))
    for root in roots:
        der_bytes = shipped_root(root)
        # The copy is exactly one certificate, and the figure is the code's, not the file's.
        assert load_certificates_file(JLIS_CA / root.file) == [der_bytes]
        assert hashlib.sha256(der_bytes).hexdigest() == root.sha256, root.file
        cert = x509.load_der_x509_certificate(der_bytes)
        assert cert.serial_number == root.serial, root.file
        assert cert.not_valid_before_utc.date() == root.not_before, root.file
        assert cert.not_valid_after_utc.date() == root.not_after, root.file
        cert.verify_directly_issued_by(cert)  # self-signed


def test_simulator_root_file_has_the_compiled_in_fingerprint() -> None:
    pem = load_certificates_file(SIMULATOR_ROOT)
    assert pem == [der("simulator-root")]
    assert hashlib.sha256(pem[0]).hexdigest() == SIMULATOR_ROOT_SHA256
    name = x509.load_der_x509_certificate(pem[0]).subject.rfc4514_string()
    assert "O=mynacheck simulator" in name and "JPKI" not in name.replace("(not JPKI)", "")


# -- certificates at the edges ------------------------------------------------------


def test_no_well_defined_expiry_gives_a_verdict_with_null_dates() -> None:
    result = simulated(der("ee-no-expiry"), at=NOW)
    assert result.status is Status.VALID
    info = result.certificate
    assert info is not None and info.no_expiry
    assert info.not_after == datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert (info.days_left, info.renewal_opens, info.renewal_open) == (None, None, False)
    assert info.expiry_date is None
    payload = certificate_json(info)
    assert payload is not None
    assert (payload["days_left"], payload["renewal_opens"], payload["renewal_open"]) == (
        None,
        None,
        False,
    )
    assert payload["not_after"] == "9999-12-31T23:59:59Z"
    json.dumps(payload)
    for lang, words in (("ja", "有効期限なし"), ("en", "No expiry")):
        text = render_text(CheckReport(status=Status.VALID, certificate=info), lang)
        assert words in text and "9999-12-31T23:59:59Z" in text
        assert "更新受付の開始" not in text and "Renewal opens" not in text


def test_dates_that_cannot_be_shifted_to_jst_give_a_verdict() -> None:
    result = simulated(der("ee-far-future"), at=NOW)
    assert result.status is Status.NOT_YET_VALID
    info = result.certificate
    assert info is not None and not info.no_expiry
    assert (info.days_left, info.renewal_opens, info.renewal_open) == (None, None, False)
    assert info.expiry_date is None and info.valid_from_date is None
    text = render_text(CheckReport(status=Status.NOT_YET_VALID, certificate=info), "en")
    assert "No expiry (the certificate says 9999-12-31T20:00:00Z)" in text
    assert "Valid from: 9999-12-31T15:00:00Z" in text
    # Evaluated at the very end of time, too.
    end = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    late = simulated(der("ee-far-future"), at=end)
    assert late.status is Status.EXPIRED
    assert late.certificate is not None and late.certificate.days_left is None
    valid_late = simulated(der("ee-valid"), at=end)
    assert valid_late.status is Status.EXPIRED
    assert valid_late.certificate is not None and valid_late.certificate.days_left is None


def test_dates_before_1950_print_as_iso_8601() -> None:
    result = simulated(der("ee-ancient"), at=NOW)
    assert result.status is Status.EXPIRED
    info = result.certificate
    assert info is not None
    assert info.expiry_date == date(1949, 12, 31)
    assert info.days_left == (date(1949, 12, 31) - date(2026, 11, 27)).days
    payload = certificate_json(info)
    assert payload is not None
    assert payload["not_before"] == "0001-01-01T00:00:00Z"
    assert payload["not_after"] == "1949-12-31T14:59:59Z"
    assert payload["renewal_opens"] == "1949-09-30"
    text = render_text(CheckReport(status=Status.EXPIRED, certificate=info), "ja")
    assert "有効期限: 1949-12-31 23:59 JST" in text
    started = render_text(CheckReport(status=Status.NOT_YET_VALID, certificate=info), "en")
    assert "Valid from: 0001-01-01 09:00 JST" in started


def test_negative_serial_keeps_its_sign() -> None:
    result = simulated(der("ee-negative-serial"), at=NOW)
    assert result.status is Status.VALID
    assert result.certificate is not None and result.certificate.serial == "-1a2b3ce"


# -- what the check loads ------------------------------------------------------------------


def test_the_private_encoding_is_cryptography_s_public_one() -> None:
    """trust.py takes ``Encoding`` from cryptography's private ``_serialization`` (the
    public package would load the SSH key code on the check's way): it must be the very
    class the public API names, or this fails loudly on a cryptography upgrade."""
    from cryptography.hazmat.primitives import _serialization, serialization

    from mynacheck import trust

    assert _serialization.Encoding is serialization.Encoding
    assert trust.Encoding is serialization.Encoding
    cert = x509.load_der_x509_certificate(der("ee-valid"))
    assert trust.der_of(cert) == cert.public_bytes(serialization.Encoding.DER) == der("ee-valid")


def test_the_warm_up_changes_no_verdict_and_is_silent_without_package_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """evaluate.warm_up (a check's preload thread runs it while the card answers) keeps
    nothing: the same verdicts after it; and with no J-LIS copies to read it says nothing."""
    from mynacheck import evaluate as evaluation
    from mynacheck import trust

    before = simulated(der("ee-valid"), at=NOW)
    evaluation.warm_up()
    assert simulated(der("ee-valid"), at=NOW) == before
    monkeypatch.setattr(trust, "JLIS_DATA_DIR", tmp_path / "nowhere")
    evaluation.warm_up()  # no exception
