"""Small units: APDU encoding, 61xx/6Cxx handling, PIN shapes, transcripts, messages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mynacheck.card.apdu import ApduProtocol, build_apdu
from mynacheck.card.early import der_total_length
from mynacheck.card.profile import JPKI_AUTH_PIN, JPKI_SIGN_PIN
from mynacheck.card.replay import (
    Exchange,
    ReplayConnection,
    TranscriptError,
    format_transcript,
    parse_transcript,
    redact,
)
from mynacheck.cli.prompt import StdinPinSource
from mynacheck.errors import CardError, InputError
from mynacheck.pin import PinShape, normalize_pin, pin_shape
from mynacheck.present.messages import (
    DETAILS,
    HEADLINES,
    LABELS,
    NEXT_STEPS,
    USAGE,
    detect_language,
)
from mynacheck.status import EXIT_CODES, Detail, Status

from .helpers import ScriptedConnection


def test_build_apdu_short_and_extended() -> None:
    assert build_apdu(0, 0xB0, 0x8A, 0, le=256) == bytes.fromhex("00B08A0000")
    assert build_apdu(0, 0xB0, 0x8A, 0, le=65536, extended=True) == bytes.fromhex("00B08A00000000")
    assert build_apdu(0, 0xB0, 1, 0, le=1000, extended=True) == bytes.fromhex("00B001000003E8")
    assert build_apdu(0x80, 0x2A, 0, 0x80, b"\x01\x02", le=256) == bytes.fromhex("802A008002010200")
    with pytest.raises(ValueError):
        build_apdu(0, 0xB0, 0, 0, le=300)


def test_get_response_chain_is_followed() -> None:
    conn = ScriptedConnection([bytes.fromhex("AABB6102"), bytes.fromhex("CCDD9000")])
    response = ApduProtocol(conn).transmit(bytes.fromhex("00B08A0000"))
    assert response.data == bytes.fromhex("AABBCCDD") and response.sw == 0x9000
    assert conn.sent[1] == bytes.fromhex("00C0000002")


def test_wrong_le_is_resent_with_the_given_le() -> None:
    conn = ScriptedConnection([bytes.fromhex("6C10"), bytes(16) + b"\x90\x00"])
    response = ApduProtocol(conn).transmit(bytes.fromhex("00B08A0000"))
    assert len(response.data) == 16
    assert conn.sent[1] == bytes.fromhex("00B08A0010")


def test_first_6f00_after_power_up_is_retried_once_only() -> None:
    conn = ScriptedConnection([bytes.fromhex("6F00"), bytes.fromhex("9000"), bytes.fromhex("6F00")])
    protocol = ApduProtocol(conn)
    assert protocol.transmit(b"\x00\xa4\x04\x0c").sw == 0x9000
    assert protocol.transmit(b"\x00\xa4\x04\x0c").sw == 0x6F00
    assert len(conn.sent) == 3


def test_endless_61xx_is_a_card_error() -> None:
    conn = ScriptedConnection([bytes.fromhex("6101")] * 600)
    with pytest.raises(CardError):
        ApduProtocol(conn).transmit(bytes.fromhex("00B08A0000"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"\x30\x10", 18),
        (b"\x30\x81\x80", 131),
        (b"\x30\x82\x04\x00", 1028),
        (b"\x30\x80", None),
        (b"\x30\x82\x04", None),
        (b"\x30", None),
        (b"\x30\x84\x00\x00\x00\x10", None),
    ],
)
def test_der_total_length(header: bytes, expected: int | None) -> None:
    assert der_total_length(header) == expected


@pytest.mark.parametrize(
    ("typed", "normalized", "shape"),
    [
        ("1234\n", "1234", PinShape.OK),
        ("1234 \r\n", "1234", PinShape.OK),
        ("１２３４", "1234", PinShape.OK),
        ("１２３４\u3000", "1234", PinShape.OK),
        ("123\n", "123", PinShape.WRONG_LENGTH),
        ("12345", "12345", PinShape.WRONG_LENGTH),
        ("12a4", "12a4", PinShape.BAD_CHARACTERS),
        (" 1234", " 1234", PinShape.BAD_CHARACTERS),
        ("", "", PinShape.EMPTY),
        ("\n", "", PinShape.EMPTY),
    ],
)
def test_pin_normalization_and_shape(typed: str, normalized: str, shape: PinShape) -> None:
    assert normalize_pin(typed) == normalized
    assert pin_shape(normalize_pin(typed), JPKI_AUTH_PIN) is shape


def test_signature_password_alphabet() -> None:
    assert pin_shape("ABC123", JPKI_SIGN_PIN) is PinShape.OK
    assert pin_shape("abc123", JPKI_SIGN_PIN) is PinShape.BAD_CHARACTERS
    assert pin_shape(normalize_pin("ＡＢＣ１２３"), JPKI_SIGN_PIN) is PinShape.OK


def test_stdin_pin_source_refuses_malformed_pin() -> None:
    assert StdinPinSource(io.StringIO("１２３４\n")).read_pin(JPKI_AUTH_PIN, 3) == bytearray(
        b"1234"
    )
    with pytest.raises(InputError) as caught:
        StdinPinSource(io.StringIO("12345\n"))
    assert caught.value.key == "pin_wrong_length"
    with pytest.raises(InputError):
        StdinPinSource(io.StringIO(""))


def test_transcript_round_trip_redacts_pin() -> None:
    verify = bytes.fromhex("0020008004") + b"1234"
    entries = [
        Exchange(redact(bytes.fromhex("00A4040C0AD392F000260100000001")), b"\x90\x00"),
        Exchange(redact(verify), b"\x63\xc2"),
        Exchange(redact(bytes.fromhex("00B08A00000000")), None, "card_removed"),
    ]
    text = format_transcript(entries, "reader", b"\x3b\x00")
    assert "31 32 33 34" not in text and "** ** ** **" in text
    parsed, headers = parse_transcript(text)
    assert parsed == entries and headers["reader"] == "reader"
    replay = ReplayConnection(parsed)
    assert replay.send_and_receive(bytes.fromhex("00A4040C0AD392F000260100000001")) == (b"", 0x9000)
    assert replay.send_and_receive(bytes.fromhex("0020008004") + b"9999") == (b"", 0x63C2)
    with pytest.raises(CardError) as caught:
        replay.send_and_receive(bytes.fromhex("00B08A00000000"))
    assert Detail.CARD_REMOVED in caught.value.details


def test_replay_fails_on_unexpected_command_and_counts_leftovers() -> None:
    entries, _ = parse_transcript(
        "# mynacheck transcript 1\n> 00 A4 04 0C\n< 90 00\n> 00 B0 00 00 00\n< 90 00\n"
    )
    replay = ReplayConnection(entries)
    with pytest.raises(TranscriptError):
        replay.send_and_receive(bytes.fromhex("00A4020C"))
    replay = ReplayConnection(entries)
    replay.send_and_receive(bytes.fromhex("00A4040C"))
    assert replay.leftover() == 1


@pytest.mark.parametrize("bad", ["> 00 A4\n", "< 90 00\n", "> 0G\n< 90 00\n", "> 00\n< !boom\n"])
def test_malformed_transcripts_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="line"):
        parse_transcript("# mynacheck transcript 1\n" + bad)
    with pytest.raises(ValueError, match="not a mynacheck transcript"):
        parse_transcript(bad)


def test_every_status_has_an_exit_code_headline_and_next_step() -> None:
    assert len(set(EXIT_CODES.values())) == len(Status)
    for status in Status:
        assert status.value in HEADLINES
        if status not in (Status.VALID, Status.USAGE_ERROR):
            assert status.value in NEXT_STEPS
    for detail in Detail:
        assert detail.value in DETAILS, detail


def test_every_message_prints_on_a_japanese_windows_console() -> None:
    for table in (HEADLINES, NEXT_STEPS, DETAILS, USAGE, LABELS):
        for ja, en in table.values():
            ja.encode("cp932")
            en.encode("cp932")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANG": "C"}, "ja"),
        ({}, "ja"),
    ],
)
def test_language_detection(environ: dict[str, str], expected: str) -> None:
    assert detect_language(environ) == expected


def test_readme_documents_every_status_and_detail() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for status in Status:
        assert f"`{status.value}`" in readme, status
    for detail in Detail:
        assert f"`{detail.value}`" in readme, detail


def test_6cxx_never_gives_a_case_1_or_case_3_command_an_le() -> None:
    """`00 20 00 80` (tries query) resent as `00 20 00 80 00` is VERIFY of an empty PIN on T=0."""
    for command in ("00200080", "00A4020C020018", "00A4040C0AD392F000260100000001"):
        conn = ScriptedConnection([bytes.fromhex("6C00")])
        response = ApduProtocol(conn).transmit(bytes.fromhex(command))
        assert response.sw == 0x6C00
        assert conn.sent == [bytes.fromhex(command)]  # sent once, unchanged


def test_6cxx_resends_case_4_with_the_new_le_only() -> None:
    conn = ScriptedConnection([bytes.fromhex("6C20"), bytes(32) + b"\x90\x00"])
    ApduProtocol(conn).transmit(bytes.fromhex("80CA000002AABB00"))
    assert conn.sent[1] == bytes.fromhex("80CA000002AABB20")
