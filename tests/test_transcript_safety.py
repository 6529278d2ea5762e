"""Transcripts and the files users hand us: PINs stay out of them, and no error
quotes more of a file than a few escaped characters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from mynacheck.card.replay import parse_transcript, redact
from mynacheck.cli import main
from mynacheck.log import PIN_INSTRUCTIONS

from .conftest import DATA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"
#: A line of /etc/shadow, as `sudo mynacheck check --replay /etc/shadow` would see.
SHADOW_HASH = "$y$j9T$Qm0mCq7PrH2eNfS3KXwrG/$7x9LhYvC1tqVZ8c3s2hB0pWmEJ1lTnR4uDoAkF6iGy5"
SHADOW = f"root:{SHADOW_HASH}:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n"


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def _longest_shared_run(secret: str, shown: str) -> int:
    """Length of the longest piece of ``secret`` that appears in ``shown``."""
    best = 0
    for start in range(len(secret)):
        size = best + 1
        while start + size <= len(secret) and secret[start : start + size] in shown:
            best = size
            size += 1
    return best


# -- PIN bytes --------------------------------------------------------------------


def _with_pin_in_clear(tmp_path: Path, pin_hex: str = "31 32 33 34") -> Path:
    text = (FIXTURES / "valid_pin_right.txt").read_text(encoding="utf-8")
    assert "> 00 20 00 80 04 ** ** ** **" in text
    path = tmp_path / "clear.txt"
    path.write_text(text.replace("04 ** ** ** **", "04 " + pin_hex), encoding="utf-8")
    return path


def test_a_transcript_with_a_pin_in_clear_is_refused(tmp_path: Path) -> None:
    path = _with_pin_in_clear(tmp_path)
    code, out, err = invoke(
        "check", "--replay", str(path), "--pin-stdin", "--json", "--lang", "en", input="1234\n"
    )
    assert code == 2
    assert json.loads(out)["details"] == ["bad_transcript"]
    assert "PIN bytes in clear" in err
    assert "31 32 33 34" not in out + err and "1234" not in out + err
    code, _, _ = invoke("pin-status", "--replay", str(path))
    assert code == 2


@pytest.mark.parametrize("ins", sorted(PIN_INSTRUCTIONS))
def test_every_pin_instruction_is_refused_in_clear(ins: int) -> None:
    head = "# mynacheck transcript 1\n"
    with pytest.raises(ValueError, match="PIN bytes in clear"):
        parse_transcript(head + f"> 00 {ins:02X} 00 80 04 31 ** 33 34\n< 90 00\n")
    entries, _ = parse_transcript(head + f"> 00 {ins:02X} 00 80 04 ** ** ** **\n< 90 00\n")
    assert len(entries) == 1


@given(st.sampled_from(sorted(PIN_INSTRUCTIONS)), st.binary(min_size=1, max_size=20))
def test_redaction_leaves_no_pin_byte(ins: int, pin: bytes) -> None:
    apdu = bytes([0x00, ins, 0x00, 0x80, len(pin)]) + pin
    assert redact(apdu)[5:] == (None,) * len(pin)


@pytest.mark.parametrize(
    ("scenario", "pin"),
    [("valid", "1234"), ("valid", "9876"), ("key_mismatch", "1234"), ("pin_last_try", "5555")],
)
def test_recorded_transcripts_never_hold_the_pin(tmp_path: Path, scenario: str, pin: str) -> None:
    path = tmp_path / "t.txt"
    invoke(
        "check", "--simulate", scenario, "--pin-stdin", "--allow-last-try", "--record", str(path),
        input=pin + "\n",
    )  # fmt: skip
    text = path.read_text(encoding="utf-8")
    verify_lines = [line for line in text.splitlines() if line.startswith("> 00 20 00 80 04")]
    assert verify_lines == ["> 00 20 00 80 04 ** ** ** **"]
    pin_hex = " ".join(f"{ord(c):02X}" for c in pin)
    assert pin_hex not in text and pin not in text
    parse_transcript(text)  # and it replays: the refusal above never hits our own files


# -- content never echoed ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--no-pin", "--replay"),
        ("pin-status", "--replay"),
        ("inspect",),
        ("check", "--no-pin", "--simulate", "valid", "--trust-anchor"),
        ("inspect", str(DATA / "ee-valid.der"), "--ca"),
    ],
)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_replaying_etc_shadow_does_not_print_its_hash(
    tmp_path: Path, args: tuple[str, ...], lang: str
) -> None:
    shadow = tmp_path / "shadow"
    shadow.write_text(SHADOW, encoding="utf-8")
    code, out, err = invoke(*args, str(shadow), "--lang", lang, "--json")
    assert code == 2, out + err
    assert str(shadow) in err  # refused for being what it is, not for another reason
    assert _longest_shared_run(SHADOW_HASH, out + err) < 6, out + err


def test_errors_in_a_transcript_quote_a_short_escaped_excerpt(tmp_path: Path) -> None:
    secret = "S3cr3t-" + "x" * 60
    path = tmp_path / "t.txt"
    path.write_text(
        f"# mynacheck transcript 1\n> 00 A4\n< 90 00\n? \x1b[2J{secret}\n", encoding="utf-8"
    )
    code, out, err = invoke("check", "--replay", str(path), "--no-pin", "--lang", "en")
    assert code == 2
    assert "\x1b" not in out + err and "\\x1b[2J" in err
    assert _longest_shared_run(secret, err) <= 16
    assert re.search(r"line 4", err)


@given(st.text(min_size=1, max_size=300))
def test_no_transcript_error_holds_more_than_an_excerpt(text: str) -> None:
    try:
        parse_transcript("# mynacheck transcript 1\n" + text)
    except ValueError as error:
        message = str(error)
        assert all(c.isprintable() for c in message)
        body = text.replace("\n", "")
        if len(body) > 40:
            assert _longest_shared_run(body, message) <= 20
