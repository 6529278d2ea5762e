"""Whatever answers the JPKI AP gets its own verdict: the token label (EF 0006) is read
only when EF 000A shows no certificate, and ``missing`` is said only about a My
Number Card (docs/card-facts.md "Token label")."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import get_args

import pytest

import mynacheck
from mynacheck.card.profile import (
    JPKI_AID,
    MY_NUMBER_CARD,
    PROFILES,
    SMARTPHONE_LABELS,
    profile_for_label,
)
from mynacheck.card.token_label import TokenKind, classify_token_label
from mynacheck.check import CheckOptions, run_check
from mynacheck.present.messages import DETAILS, HEADLINES, NEXT_STEPS, WATCH, Lang, text
from mynacheck.present.text import render_text
from mynacheck.present.watchview import render_verdict
from mynacheck.report import CheckReport
from mynacheck.simcard.connection import SimulatedConnection
from mynacheck.simcard.scenario import Scenario
from mynacheck.simcard.scenarios import SCENARIOS, make_card
from mynacheck.status import Detail, Status
from mynacheck.tally import open_tally, summarize_tallies
from mynacheck.tally.store import row_from_report

from .conftest import NOW
from .test_check import FakePins, run, verifies_with_data


def _label(value: str) -> bytes:
    return value.encode("ascii").ljust(32, b" ")


# -- the label itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "label", "device"),
    [
        (_label("JPKIAPICCTOKEN2"), TokenKind.MY_NUMBER_CARD, "JPKIAPICCTOKEN2", None),
        (_label("JPKIAPGPSETOKEN"), TokenKind.SMARTPHONE, "JPKIAPGPSETOKEN", "android"),
        (_label("JPKIAPIOSTOKEN"), TokenKind.SMARTPHONE, "JPKIAPIOSTOKEN", "iphone"),
        # jpki/myna's dummy reader pads with NULs; only the first 32 bytes count.
        (b"JPKIAPGPSETOKEN" + bytes(17) + b"\xaa" * 128, TokenKind.SMARTPHONE, None, "android"),
        (_label("JPKIAPICCTOKEN"), TokenKind.JUKI_CARD, "JPKIAPICCTOKEN", None),
        # A phone label no source lists yet, by its parts: still a phone, not "unknown".
        (_label("JPKIAPSESMPTOKEN"), TokenKind.SMARTPHONE, "JPKIAPSESMPTOKEN", None),
        (_label("JPKIAPICCTOKEN3"), TokenKind.UNKNOWN, "JPKIAPICCTOKEN3", None),
        (_label("SOMETHING ELSE"), TokenKind.UNKNOWN, "SOMETHING ELSE", None),
        # Control bytes never reach a terminal as they are.
        (b"JPKI\x1b[2J\xff" + b" " * 24, TokenKind.UNKNOWN, "JPKI\\x1b[2J\\xff", None),
        (b" " * 32, TokenKind.UNREADABLE, None, None),
        (bytes(32), TokenKind.UNREADABLE, None, None),
        (b"\xff" * 32, TokenKind.UNREADABLE, None, None),
        (b"", TokenKind.UNREADABLE, None, None),
    ],
)
def test_the_label_says_what_answers(
    raw: bytes, kind: TokenKind, label: str | None, device: str | None
) -> None:
    token = classify_token_label(raw)
    assert token.kind is kind
    if label is not None:
        assert token.label == label
    assert token.device == device


def test_every_profile_fact_is_in_the_profile() -> None:
    # A second card generation is one more CardProfile: the label finds it.
    assert profile_for_label("JPKIAPICCTOKEN2") is MY_NUMBER_CARD
    assert MY_NUMBER_CARD in PROFILES
    assert profile_for_label("JPKIAPGPSETOKEN") is None
    assert set(SMARTPHONE_LABELS.values()) == {"android", "iphone"}
    assert MY_NUMBER_CARD.key_proof.key_type == "rsa"


# -- the verdicts, APDU by APDU -----------------------------------------------------------

VERDICTS = {
    "smartphone_android": (Status.SMARTPHONE, Detail.TOKEN_SMARTPHONE, "JPKIAPGPSETOKEN"),
    "smartphone_iphone": (Status.SMARTPHONE, Detail.TOKEN_SMARTPHONE, "JPKIAPIOSTOKEN"),
    "jukicard": (Status.NOT_MYNUMBER_CARD, Detail.TOKEN_JUKI_CARD, "JPKIAPICCTOKEN"),
    "unknown_label": (Status.UNKNOWN_CARD, Detail.TOKEN_UNKNOWN, "JPKIAPICCTOKEN3"),
    "token_unreadable": (Status.UNKNOWN_CARD, Detail.TOKEN_UNREADABLE, None),
    "missing_token_unreadable": (Status.MISSING, Detail.TOKEN_UNREADABLE, None),
}


@pytest.mark.parametrize("scenario", sorted(VERDICTS))
@pytest.mark.parametrize("use_pin", [False, True])
def test_each_gets_its_own_verdict_and_no_pin_is_asked_or_sent(
    scenario: str, use_pin: bool
) -> None:
    status, detail, label = VERDICTS[scenario]
    pins = FakePins()
    report, connection = run(scenario, use_pin=use_pin, pins=pins)
    assert report.status is status
    assert detail in report.details
    assert report.info.get("token") == label
    assert report.certificate is None
    assert pins.asked == 0 and pins.confirmations == 0
    assert verifies_with_data(connection.card) == 0
    # No PIN status query either: nothing about the PIN is asked of a phone.
    assert not any(command[1] == 0x20 for command, _ in connection.card.log)
    if status is not Status.MISSING:
        assert not set(report.details) & {
            Detail.CERT_FILE_NOT_FOUND,
            Detail.PIN_SKIPPED_CERTIFICATE_NOT_VALID,
        }


def test_a_phone_reads_nothing_but_the_label_after_the_certificate_file() -> None:
    report, connection = run("smartphone_android", use_pin=True)
    commands = [command for command, _ in connection.card.log]
    assert commands[0] == bytes.fromhex("00A4040C0A") + JPKI_AID
    # The label: one short READ BINARY by SFI 06, 32 bytes, last.
    assert commands[-1] == bytes.fromhex("00B0860020")
    # Never the certificate's CA, a key, a PIN file or any other application.
    assert not any(c[1] == 0xA4 and c[2] == 0x04 and c[5:] != JPKI_AID for c in commands)
    assert all(c[1] in (0xA4, 0xB0) for c in commands)
    assert report.info["device"] == "android"
    assert "sw" not in report.info  # EF 000A's refusal is no reason of this verdict


def test_a_card_that_reads_normally_never_reads_the_label() -> None:
    for scenario in ("valid", "expired", "untrusted_root", "forged", "jukicard_expired"):
        report, connection = run(scenario, use_pin=False)
        assert connection.apdu_count == 3, scenario
        assert not any(c[:3] == bytes.fromhex("00B086") for c, _ in connection.card.log)
        assert "token" not in report.info


def test_a_my_number_card_without_the_certificate_stays_missing() -> None:
    for scenario in ("missing_not_found", "missing_security_6982", "missing_unparseable"):
        report, _ = run(scenario, use_pin=False)
        assert report.status is Status.MISSING
        assert report.info["token"] == "JPKIAPICCTOKEN2"


@pytest.mark.parametrize(
    ("auth_sw", "auth_present", "content", "expected"),
    [
        # Plain answers: missing, even without a label.
        (0x9000, False, None, Status.MISSING),
        (0x9000, True, b"", Status.MISSING),
        (0x9000, True, b"\xff" * 300, Status.MISSING),
        (0x9000, True, b"\x00" * 300, Status.MISSING),
        # Refusals and non-certificates on a card that will not say what it is.
        (0x6982, True, None, Status.UNKNOWN_CARD),
        (0x6986, True, None, Status.UNKNOWN_CARD),
        (0x6981, True, None, Status.UNKNOWN_CARD),
        (0x9000, True, b"\x04\x02\x01\x02" + b"\xff" * 100, Status.UNKNOWN_CARD),
    ],
)
@pytest.mark.parametrize("token_sw", [0x6982, 0x6986, 0x6A82])
def test_an_unreadable_label_leaves_missing_only_where_the_file_said_so_plainly(
    auth_sw: int, auth_present: bool, content: bytes | None, expected: Status, token_sw: int
) -> None:
    scenario = Scenario(
        "custom",
        "",
        auth_read_sw=auth_sw,
        auth_file_present=auth_present,
        auth_file_content=content,
        token_read_sw=token_sw,
    )
    report, _ = run(scenario.build(), use_pin=False)
    assert report.status is expected, report
    assert Detail.TOKEN_UNREADABLE in report.details
    assert "token" not in report.info and report.info["token_sw"].endswith(f"({token_sw:04X})")


@pytest.mark.parametrize(
    ("label", "token_sw", "expected"),
    [
        ("JPKIAPGPSETOKEN", 0x9000, Status.SMARTPHONE),
        ("JPKIAPIOSTOKEN", 0x9000, Status.SMARTPHONE),
        ("JPKIAPICCTOKEN", 0x9000, Status.NOT_MYNUMBER_CARD),
        ("JPKIAPICCTOKEN3", 0x9000, Status.UNKNOWN_CARD),
        # A My Number Card, or nothing that says otherwise: the card error it was.
        ("JPKIAPICCTOKEN2", 0x9000, Status.CARD_ERROR),
        ("JPKIAPGPSETOKEN", 0x6982, Status.CARD_ERROR),
    ],
)
def test_an_answer_no_card_gives_asks_what_this_is_before_a_card_error(
    label: str, token_sw: int, expected: Status
) -> None:
    # What a phone answers on EF 000A without the PIN is not published: 6985, say.
    scenario = Scenario(
        "custom", "", token_label=label, auth_read_sw=0x6985, token_read_sw=token_sw
    )
    pins = FakePins()
    report, connection = run(scenario.build(), pins=pins)
    assert report.status is expected, report
    assert pins.asked == 0 and verifies_with_data(connection.card) == 0
    if expected is Status.CARD_ERROR:
        assert Detail.UNEXPECTED_STATUS_WORD in report.details
        assert report.info["sw"].endswith("(6985)")
    else:
        assert "sw" not in report.info and report.info["token"] == label


def test_a_blank_label_is_no_label() -> None:
    report, _ = run(
        replace(SCENARIOS["token_unreadable"], token_read_sw=0x9000, token_label="").build()
    )
    assert report.status is Status.UNKNOWN_CARD
    assert Detail.TOKEN_UNREADABLE in report.details


def test_a_card_pulled_out_while_the_label_is_read_is_a_card_error() -> None:
    card = make_card("smartphone_android")
    connection = SimulatedConnection(card, "pulled")
    original = card.process

    def process(apdu: bytes) -> bytes:
        if apdu[:3] == bytes.fromhex("00B086"):
            card.remove()
        return original(apdu)

    card.process = process
    report = run_check(connection, CheckOptions(at=NOW), None)
    assert report.status is Status.CARD_ERROR
    assert Detail.CARD_REMOVED in report.details


# -- every face ---------------------------------------------------------------------------


def _report(scenario: str) -> CheckReport:
    return run(scenario, use_pin=False)[0]


@pytest.mark.parametrize("lang", get_args(Lang))
def test_text_json_and_exit_codes(lang: Lang) -> None:
    phone = _report("smartphone_android")
    assert phone.exit_code == 36 and Status.UNKNOWN_CARD.exit_code == 37
    payload = mynacheck.render_json(phone, lang)
    assert payload["status"] == "smartphone" and payload["exit_code"] == 36
    assert payload["info"]["token"] == "JPKIAPGPSETOKEN"
    assert "token_smartphone" in payload["details"]
    shown = render_text(phone, lang)
    assert text(HEADLINES, "smartphone", lang) in shown
    assert text(NEXT_STEPS, "smartphone", lang) in shown
    unknown = render_text(_report("unknown_label"), lang)
    assert "JPKIAPICCTOKEN3" in unknown  # the label it said, as a note
    juki = render_text(_report("jukicard"), lang)
    assert text(HEADLINES, "token_juki_card", lang) in juki
    assert text(NEXT_STEPS, "token_juki_card", lang) in juki
    # The old headline would say "no JPKI application": wrong for a 住基カード.
    assert text(HEADLINES, "not_mynumber_card", lang) not in juki


def test_a_watch_line_says_what_an_unknown_card_said_it_is() -> None:
    from mynacheck.present.json import watch_check_json

    line = watch_check_json(_report("unknown_label"), "en")
    assert line["status"] == "unknown_card" and line["verdict"] == "UNKNOWN CARD"
    assert line["info"]["token"] == "JPKIAPICCTOKEN3"
    phone = watch_check_json(_report("smartphone_iphone"), "ja")
    assert phone["info"] == {"token": "JPKIAPIOSTOKEN", "device": "iphone"}


def test_every_new_code_has_words_in_both_languages() -> None:
    for detail in ("token_smartphone", "token_juki_card", "token_unknown", "token_unreadable"):
        assert detail in DETAILS
    for status in ("smartphone", "unknown_card"):
        assert status in HEADLINES and status in NEXT_STEPS
        assert f"word.{status}" in WATCH and f"line.{status}" in WATCH
        assert f"action.{status}" in WATCH


def test_watch_shows_it_large_like_any_verdict() -> None:
    block = render_verdict(_report("smartphone_android"), "en")
    assert "S M A R T P H O N E" in block
    assert "smartphone's certificate" in block
    block = render_verdict(_report("jukicard"), "ja")
    assert "住基カードです" in block
    block = render_verdict(_report("unknown_label"), "ja")
    assert "不 明 な カ ー ド" in block


def test_the_tally_and_report_count_a_phone_in_its_own_line(tmp_path: Path) -> None:
    db = tmp_path / "tally.sqlite3"
    with open_tally(db) as tally:
        for offset, scenario in enumerate(
            ["smartphone_android", "smartphone_iphone", "unknown_label", "jukicard", "valid"]
        ):
            report = _report(scenario)
            row = tally.append(report, at=NOW + timedelta(minutes=offset))
            assert row is not None
            if scenario != "valid":
                assert row.card_hash is None and row.expiry is None
            assert row == row_from_report(report, tally.key, row.time)
    summary = summarize_tallies([db], at=NOW.date())
    assert summary.checks_by_status == {
        "valid": 1,
        "smartphone": 2,
        "unknown_card": 1,
        "not_mynumber_card": 1,
    }
    assert "missing" not in summary.checks_by_status
    from mynacheck.present.tally_text import render_summary_text, summary_csv

    en = render_summary_text(summary, "en")
    assert any(line.split()[:4] == ["a", "phone", "was", "shown"] for line in en.splitlines())
    assert "スマートフォンが提示された" in render_summary_text(summary, "ja")
    assert "smartphone,2,,a phone was shown" in summary_csv(summary, "en")
