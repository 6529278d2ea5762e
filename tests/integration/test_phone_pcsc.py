"""A phone, a 住基カード, an unknown label and a card that will not say what it is,
through pyscard → pcscd → vpcd: each its own verdict (never ``missing``), no PIN
asked or sent, and in counter mode a tally row with no card hash that ``report``
counts on its own line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mynacheck.simcard import DEMO_PIN

from ..helpers import ANCHOR, MYNACHECK, mynacheck
from .conftest import InsertCard, reader_name, remove_and_wait
from .test_watch import READER, Watch, insert, watch_process  # noqa: F401  (fixture)


def _stdout(*args: str, code: int = 0) -> str:
    """What the command printed on stdout (the words, not JSON)."""
    result = subprocess.run(
        [*MYNACHECK, *args], capture_output=True, text=True, encoding="utf-8", timeout=30
    )
    assert "Traceback" not in result.stderr and result.returncode == code, result.stderr
    return result.stdout


CASES = {
    "smartphone_android": ("smartphone", 36, "JPKIAPGPSETOKEN"),
    "smartphone_iphone": ("smartphone", 36, "JPKIAPIOSTOKEN"),
    "jukicard": ("not_mynumber_card", 30, "JPKIAPICCTOKEN"),
    "unknown_label": ("unknown_card", 37, "JPKIAPICCTOKEN3"),
    "token_unreadable": ("unknown_card", 37, None),
}


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_each_says_what_it_is_and_gets_no_pin(virtual_card: InsertCard, scenario: str) -> None:
    status, code_expected, label = CASES[scenario]
    virtual = virtual_card(scenario)
    code, payload, _ = mynacheck(
        "check", "--json", "--pin-stdin", "--lang", "en", *ANCHOR, stdin=DEMO_PIN + "\n"
    )
    assert (payload["status"], code) == (status, code_expected), payload
    assert payload["info"].get("token") == label
    assert payload["certificate"] is None and not payload["pin"]["checked"]
    # Not even a PIN status query reached the card, let alone the PIN.
    assert not any(command[1] == 0x20 for command, _ in virtual.card.log)
    if status == "smartphone":  # nothing but EF 000A and the label was read
        commands = [command for command, _ in virtual.card.log]
        assert all(command[1] in (0xA4, 0xB0) for command in commands), commands
        assert not any(command[:3] == bytes.fromhex("00B08B") for command in commands)
        assert bytes.fromhex("00A4020C02000B") not in commands


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_phone_in_words(virtual_card: InsertCard, lang: str) -> None:
    virtual_card("smartphone_android")
    out = _stdout("check", "--no-pin", "--lang", lang, *ANCHOR, code=36)
    if lang == "ja":
        assert "スマートフォンの電子証明書" in out and "マイナンバーカードそのもの" in out
    else:
        assert "smartphone's certificate" in out and "not the phone" in out


def test_watch_shows_a_phone_large_and_the_tally_counts_it_apart(
    tmp_path: Path,
    watch_process: list[Watch],  # noqa: F811
) -> None:
    db = tmp_path / "counter.sqlite3"
    watch = Watch("--reader", reader_name(READER), "--lang", "en", "--log", str(db))
    watch_process.append(watch)
    watch.wait_for("err", "Insert a card")
    for scenario, word, line in (
        ("smartphone_android", "S M A R T P H O N E", "smartphone's certificate"),
        ("unknown_label", "U N K N O W N     C A R D", "does not say it is a My Number Card"),
        ("smartphone_iphone", "S M A R T P H O N E", "smartphone's certificate"),
    ):
        virtual = insert(scenario)
        try:
            assert "[??]" in watch.wait_for("out", word)  # the verdict line, large
            watch.wait_for("out", line)
            watch.wait_for("err", "Remove the card")
        finally:
            remove_and_wait(virtual, READER)
    assert not any("M I S S I N G" in shown for shown in watch.out_lines)
    code, _ = watch.interrupt()
    assert code == 0

    code, counts, _ = mynacheck("report", str(db), "--json")
    assert code == 0
    assert counts["checks_by_status"] == {"smartphone": 2, "unknown_card": 1}
    assert counts["cards"] == 0
    words = _stdout("report", str(db), "--lang", "en")
    assert any(
        line.split()[:5] == ["a", "phone", "was", "shown", "2"] for line in words.splitlines()
    )
