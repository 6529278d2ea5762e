"""Certificate evaluation: every verdict from the synthetic certificates, time frozen."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from mynacheck.evaluate import JST, evaluate, months_before
from mynacheck.status import Detail, Status
from mynacheck.trust import Trust, classify_ca, load_certificates_file

from .conftest import NOW, SHARED_CA, der


def test_valid_under_generation_2_description_is_valid_but_unpinned() -> None:
    result = evaluate(der("ee-valid"), at=NOW, ca_der=der("gen2-root"))
    assert result.status is Status.VALID
    assert result.certificate is not None
    assert result.certificate.trust is Trust.JLIS_UNPINNED
    assert result.certificate.ca_generation == 2
    assert Detail.TRUST_JLIS_UNPINNED in result.details


def test_one_off_serial_lookalike_is_untrusted() -> None:
    result = evaluate(der("ee-lookalike"), at=NOW, ca_der=der("lookalike-root"))
    assert result.status is Status.UNTRUSTED
    assert result.certificate is not None and result.certificate.trust is Trust.UNTRUSTED


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
    result = evaluate(der("ee-forged"), at=NOW, ca_der=der("gen2-root"))
    assert result.status is Status.INVALID
    assert result.details == (Detail.SIGNATURE_INVALID,)
    assert result.certificate is not None and result.certificate.trust is None


def test_issuer_name_mismatch_is_invalid() -> None:
    result = evaluate(der("ee-valid"), at=NOW, ca_der=der("test-root"))
    assert result.status is Status.INVALID
    assert result.details == (Detail.ISSUER_MISMATCH,)


def test_unreadable_ca_is_untrusted() -> None:
    result = evaluate(der("ee-valid"), at=NOW, ca_der=None, ca_missing=Detail.CA_UNREADABLE)
    assert result.status is Status.UNTRUSTED
    assert result.details == (Detail.CA_UNREADABLE,)
    garbage = evaluate(der("ee-valid"), at=NOW, ca_der=b"\x30\x03\x02\x01\x01")
    assert garbage.details == (Detail.CA_UNPARSEABLE,)


def test_expired_and_not_yet_valid() -> None:
    expired = evaluate(der("ee-expired"), at=NOW, ca_der=der("gen2-root"))
    assert expired.status is Status.EXPIRED
    assert expired.certificate is not None and expired.certificate.days_left < 0
    assert not expired.certificate.renewal_open
    future = evaluate(der("ee-not-yet-valid"), at=NOW, ca_der=der("gen2-root"))
    assert future.status is Status.NOT_YET_VALID


def test_validity_edges_to_the_second() -> None:
    cert = x509.load_der_x509_certificate(der("ee-valid"))
    end = cert.not_valid_after_utc
    assert evaluate(der("ee-valid"), at=end, ca_der=der("gen2-root")).status is Status.VALID
    after = end + timedelta(seconds=1)
    assert evaluate(der("ee-valid"), at=after, ca_der=der("gen2-root")).status is Status.EXPIRED
    start = cert.not_valid_before_utc
    before = start - timedelta(seconds=1)
    result = evaluate(der("ee-valid"), at=before, ca_der=der("gen2-root"))
    assert result.status is Status.NOT_YET_VALID


def test_days_left_counts_jst_calendar_days() -> None:
    # ee-renewal ends 2027-01-31T14:59:59Z = 2027-01-31 23:59:59 JST.
    late_evening_utc = datetime(2027, 1, 30, 15, 30, tzinfo=timezone.utc)  # 01-31 00:30 JST
    result = evaluate(der("ee-renewal"), at=late_evening_utc, ca_der=der("gen2-root"))
    assert result.certificate is not None and result.certificate.days_left == 0
    result = evaluate(der("ee-renewal"), at=NOW, ca_der=der("gen2-root"))
    assert result.certificate is not None
    assert result.certificate.days_left == (date(2027, 1, 31) - NOW.astimezone(JST).date()).days


def test_renewal_window_opens_three_calendar_months_before_expiry() -> None:
    opens = datetime(2026, 10, 31, 0, 0, tzinfo=JST)
    before = evaluate(der("ee-renewal"), at=opens - timedelta(minutes=1), ca_der=der("gen2-root"))
    assert before.certificate is not None and not before.certificate.renewal_open
    assert Detail.RENEWAL_OPEN not in before.details
    inside = evaluate(der("ee-renewal"), at=opens, ca_der=der("gen2-root"))
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


@pytest.mark.parametrize(
    ("file", "generation"), [("jlis-auth-ca-2015.pem", 1), ("jlis-auth-ca-2023.pem", 3)]
)
def test_real_jlis_auth_roots_are_pinned(file: str, generation: int) -> None:
    root = x509.load_der_x509_certificate(load_certificates_file(SHARED_CA / file)[0])
    decision = classify_ca(root)
    assert decision.trust is Trust.JLIS
    assert decision.generation == generation


def test_signature_roots_are_not_auth_roots() -> None:
    root = load_certificates_file(SHARED_CA / "jlis-sign-ca-2023.pem")[0]
    decision = classify_ca(x509.load_der_x509_certificate(root))
    assert decision.trust is Trust.UNTRUSTED


def test_real_root_cannot_vouch_for_a_synthetic_certificate() -> None:
    root = load_certificates_file(SHARED_CA / "jlis-auth-ca-2023.pem")[0]
    # ee-valid names the same issuer (all J-LIS generations share the name) but
    # was not signed by this root: the signature step catches it.
    result = evaluate(der("ee-valid"), at=NOW, ca_der=root)
    assert result.status is Status.INVALID
    assert result.details == (Detail.SIGNATURE_INVALID,)


def test_anchor_matching_generation_2_description_reports_generation() -> None:
    gen2 = der("gen2-root")
    cert = x509.load_der_x509_certificate(gen2)
    assert cert.public_bytes(Encoding.DER) == gen2
    decision = classify_ca(cert, anchors=(gen2,))
    assert decision.trust is Trust.ANCHOR
    assert decision.generation == 2
