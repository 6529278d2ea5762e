"""The JPKI session states its exchange byte for byte, and what is not an answer
leaves it as a typed error: nothing above ``card/jpki.py`` reads a status word."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

import mynacheck
from mynacheck.card.apdu import ApduError, ApduProtocol
from mynacheck.card.jpki import JpkiSession, PinState
from mynacheck.card.profile import JPKI_AUTH_PIN
from mynacheck.errors import (
    CardRemovedError,
    PinTriesUnreadableError,
    SignatureRefusedError,
    UnexpectedStatusError,
)
from mynacheck.status import Detail, Status

from .helpers import ScriptedConnection

OK = bytes.fromhex("9000")
SELECT_JPKI = bytes.fromhex("00A4040C0AD392F000260100000001")
SELECT_AUTH_PIN = bytes.fromhex("00A4020C020018")
PIN_TRIES = bytes.fromhex("00200080")
SELECT_AUTH_KEY = bytes.fromhex("00A4020C020017")


def session(*answers: str) -> tuple[JpkiSession, ScriptedConnection]:
    connection = ScriptedConnection([bytes.fromhex(a) for a in answers])
    return JpkiSession(ApduProtocol(connection)), connection


def test_pin_status_sends_select_ef_and_verify_without_data() -> None:
    jpki, connection = session("9000", "9000", "63C2")
    status = jpki.pin_status(JPKI_AUTH_PIN)
    assert (status.state, status.tries_left) == (PinState.TRIES_LEFT, 2)
    assert connection.sent == [SELECT_JPKI, SELECT_AUTH_PIN, PIN_TRIES]


def test_pin_status_answer_without_tries_is_a_typed_error() -> None:
    jpki, _ = session("9000", "9000", "6A80")
    with pytest.raises(PinTriesUnreadableError) as raised:
        jpki.pin_status(JPKI_AUTH_PIN)
    assert raised.value.details == (Detail.PIN_TRIES_UNREADABLE,)
    assert raised.value.info == {"sw": "WRONG_DATA (6A80)"}
    assert raised.value.status is Status.CARD_ERROR


def test_a_refused_pin_file_is_unexpected_status_not_apdu_error() -> None:
    jpki, connection = session("9000", "6A82")
    with pytest.raises(UnexpectedStatusError) as raised:
        jpki.pin_status(JPKI_AUTH_PIN)
    assert not isinstance(raised.value, (ApduError, PinTriesUnreadableError))
    assert raised.value.info == {"sw": "FILE_NOT_FOUND (6A82)"}
    assert connection.sent == [SELECT_JPKI, SELECT_AUTH_PIN]


def test_sign_refused_is_a_typed_error_and_the_command_is_exact() -> None:
    digest_info = bytes(range(51))
    jpki, connection = session("9000", "9000", "6982")
    with pytest.raises(SignatureRefusedError) as raised:
        jpki.sign_with_auth_key(digest_info)
    assert raised.value.details == (Detail.KEY_PROOF_FAILED,)
    assert connection.sent == [
        SELECT_JPKI,
        SELECT_AUTH_KEY,
        bytes.fromhex("802A008033") + digest_info + b"\x00",
    ]


def test_ca_refused_with_an_unexpected_word_is_unreadable_but_a_pulled_card_raises() -> None:
    jpki, connection = session("9000", "6F00", "6F00", "6F00", "6F00")
    read = jpki.read_auth_ca_certificate()
    assert (read.der, read.missing) == (None, Detail.CA_UNREADABLE)
    assert connection.sent[1] == bytes.fromhex("00B08B00000000")  # one extended read by SFI

    class Pulled(ScriptedConnection):
        def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
            if self.sent:
                raise CardRemovedError()
            return super().send_and_receive(apdu)

    pulled = Pulled([OK])
    with pytest.raises(CardRemovedError) as raised:
        JpkiSession(ApduProtocol(pulled)).read_auth_ca_certificate()
    assert raised.value.details == (Detail.CARD_REMOVED,)


def test_missing_certificate_names_the_answer_without_a_status_word_field() -> None:
    jpki, _ = session("9000", "6A82", "6A82")
    read = jpki.read_auth_certificate()
    assert read.missing is Detail.CERT_FILE_NOT_FOUND
    assert read.sw_text == "FILE_NOT_FOUND (6A82)"


def test_cancelled_raise_if_set() -> None:
    event = threading.Event()
    mynacheck.Cancelled.raise_if_set(None)
    mynacheck.Cancelled.raise_if_set(event)
    event.set()
    with pytest.raises(mynacheck.Cancelled) as raised:
        mynacheck.Cancelled.raise_if_set(event)
    assert raised.value.details == (Detail.INTERRUPTED,)


def test_report_from_error_is_the_one_map() -> None:
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    busy = mynacheck.CardBusyError(info={"reader": "R 0", "pcsc_error": "X"})
    report = mynacheck.CheckReport.from_error(busy, at=at)
    assert (report.status, report.reader, report.evaluated_at) == (Status.CARD_BUSY, "R 0", at)
    assert report.info == {"reader": "R 0", "pcsc_error": "X"}
    assert mynacheck.CheckReport.from_error(busy, reader="other").reader == "other"
    bug = mynacheck.CheckReport.from_error(ZeroDivisionError("secret text"))
    assert bug.status is Status.INTERNAL_ERROR
    assert bug.info == {"error": "ZeroDivisionError"}
    assert bug.evaluated_at is None


def test_tally_record_keeps_the_verdict_when_the_row_fails(tmp_path: Path) -> None:
    with mynacheck.open_card(simulate="valid") as card:
        report = mynacheck.check_card(card)
    db = tmp_path / "t.sqlite3"
    with mynacheck.open_tally(db) as tally:
        assert tally.record(report) == report  # written: the report as it was
        not_tallied = mynacheck.CheckReport(status=Status.PIN_BLOCKED)
        assert tally.record(not_tallied) == not_tallied
    with sqlite3.connect(db) as connection:  # the disk refuses the next row
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON checks"
            " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    connection.close()
    with mynacheck.open_tally(db) as tally:
        failed = tally.record(report)
    assert failed.status is report.status
    assert failed.details == (*report.details, Detail.TALLY_NOT_WRITTEN)
    assert failed.info["tally_error"]


def test_verify_sends_the_pin_once_after_its_ef_and_reads_the_tries() -> None:
    jpki, connection = session("9000", "9000", "63C3", "63C2")
    assert jpki.pin_status(JPKI_AUTH_PIN).tries_left == 3
    wrong = bytearray(b"9999")
    status = jpki.verify_pin(JPKI_AUTH_PIN, wrong)
    assert (status.state, status.tries_left) == (PinState.TRIES_LEFT, 2)
    assert connection.sent == [
        SELECT_JPKI,
        SELECT_AUTH_PIN,
        PIN_TRIES,
        bytes.fromhex("0020008004") + b"9999",  # the EF is current: no second SELECT
    ]
