"""The command line as scripts drive it: replayed transcripts, JSON, exit codes, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mynacheck.card.replay import parse_transcript
from mynacheck.cli import main
from mynacheck.status import Status

from .conftest import DATA, JLIS_CA

TRANSCRIPTS = sorted(
    (Path(__file__).resolve().parents[1] / "fixtures" / "transcripts").glob("*.txt")
)
JSON_KEYS = {
    "status", "simulated", "reader", "certificate", "pin", "key_proof", "revocation", "details",
}  # fmt: skip
CERT_KEYS = {
    "serial", "subject", "issuer", "not_before", "not_after", "days_left", "renewal_open",
    "sha256", "trust", "ca_generation",
}  # fmt: skip


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_there_are_transcripts_for_every_required_scenario() -> None:
    names = {path.stem for path in TRANSCRIPTS}
    for needed in (
        "valid_pin_right", "valid_pin_wrong", "pin_blocked", "expired", "not_yet_valid",
        "forged", "untrusted_root", "gen2_lookalike", "not_mynumber_card", "short_apdu_only",
        "missing_not_found", "missing_blank_ff", "missing_blank_00", "missing_not_der",
        "missing_length_mismatch", "missing_unparseable", "missing_access_denied",
    ):  # fmt: skip
        assert needed in names


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_replayed_transcript_gives_its_verdict(path: Path) -> None:
    _, headers = parse_transcript(path.read_text(encoding="utf-8"))
    args = ["check", "--replay", str(path), "--json", "--at", headers["at"]]
    pin = headers["pin"]
    typed = {"right": "1234\n", "wrong": "9999\n"}.get(pin)
    args.append("--no-pin" if typed is None else "--pin-stdin")
    code, out, _ = invoke(*args, input=typed)
    payload = json.loads(out)
    assert payload["status"] == headers["expect"]
    assert code == Status(headers["expect"]).exit_code
    assert payload.keys() >= JSON_KEYS
    assert payload["revocation"] == "not_checked"
    assert set(payload["pin"]) == {"checked", "verified", "tries_left", "blocked"}
    assert set(payload["key_proof"]) == {"performed", "ok"}
    if payload["certificate"] is not None:
        assert payload["certificate"].keys() >= CERT_KEYS
        assert payload["certificate"]["not_after"].endswith("Z")
    if payload["status"] == "missing":
        assert payload["certificate"] is None and payload["details"]


def test_transcripts_hold_no_pin() -> None:
    for path in TRANSCRIPTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("> 00 20 00 80 04"):
                assert line.endswith("** ** ** **"), path


def test_replay_fails_on_a_command_it_did_not_expect(tmp_path: Path) -> None:
    source = (TRANSCRIPTS[0].parent / "valid_no_pin.txt").read_text(encoding="utf-8")
    changed = tmp_path / "t.txt"
    changed.write_text(
        source.replace("> 00 B0 8A 00 00 00 00", "> 00 B0 8A 00 00"), encoding="utf-8"
    )
    code, out, _ = invoke("check", "--replay", str(changed), "--no-pin", "--json")
    assert code == 1
    assert "transcript_mismatch" in json.loads(out)["details"]


def test_replay_fails_on_leftover_exchanges(tmp_path: Path) -> None:
    source = (TRANSCRIPTS[0].parent / "valid_no_pin.txt").read_text(encoding="utf-8")
    longer = tmp_path / "t.txt"
    longer.write_text(source + "> 00 A4 02 0C 02 00 18\n< 90 00\n", encoding="utf-8")
    code, out, _ = invoke(
        "check", "--replay", str(longer), "--no-pin", "--json", "--at", "2026-11-27"
    )
    assert code == 1
    assert "transcript_leftover" in json.loads(out)["details"]


def test_record_then_replay_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "session.txt"
    code, _, err = invoke(
        "check", "--simulate", "valid", "--pin-stdin", "--record", str(path), "--lang", "en",
        input="1234\n",
    )  # fmt: skip
    assert code == 0
    assert "redacted" in err
    text = path.read_text(encoding="utf-8")
    assert "31 32 33 34" not in text
    code, out, _ = invoke("check", "--replay", str(path), "--pin-stdin", "--json", input="0000\n")
    assert code == 0 and json.loads(out)["key_proof"] == {"performed": True, "ok": True}


def test_simulated_output_is_marked() -> None:
    code, out, _ = invoke("check", "--simulate", "valid", "--no-pin", "--json")
    assert code == 0 and json.loads(out)["simulated"] is True
    code, out, _ = invoke("check", "--simulate", "valid", "--no-pin", "--lang", "ja")
    assert out.startswith("[シミュレーション] 有効")
    code, out, _ = invoke("check", "--simulate", "valid", "--no-pin", "--lang", "en")
    assert out.startswith("[simulated] valid")


def test_simulate_list_names_scenarios() -> None:
    code, out, _ = invoke("check", "--simulate", "list")
    assert code == 0 and "valid" in out and "missing_blank_ff" in out


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["--pin-stdin", "--no-pin"], None, "--pin-stdin"),
        ([], "", "--no-pin"),
        (["--simulate", "nope", "--no-pin"], None, "nope"),
        (["--simulate", "valid", "--replay", "x.txt", "--no-pin"], None, "--replay"),
        (["--at", "yesterday", "--no-pin", "--simulate", "valid"], None, "yesterday"),
        (
            ["--trust-anchor", "/nonexistent.pem", "--no-pin", "--simulate", "valid"],
            None,
            "nonexistent",
        ),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    args: list[str], stdin: str | None, needle: str
) -> None:
    code, _, err = invoke("check", "--lang", "en", *args, input=stdin)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


@pytest.mark.parametrize("typed", ["123\n", "12345\n", "abcd\n", "\n", ""])
def test_malformed_pin_is_a_usage_error_and_never_sent(typed: str, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    code, out, _ = invoke(
        "check", "--simulate", "valid", "--pin-stdin", "--json", "--record", str(path), input=typed
    )
    assert code == 2
    assert json.loads(out)["status"] == "usage_error"
    # Refused before the card: nothing was opened, so there is no transcript at all.
    assert not path.exists()


def test_full_width_pin_is_accepted() -> None:
    code, out, _ = invoke(
        "check", "--simulate", "valid", "--pin-stdin", "--json", input="１２３４\n"
    )
    assert code == 0 and json.loads(out)["pin"]["verified"] is True


def test_at_accepts_date_and_datetime() -> None:
    code, out, _ = invoke(
        "check", "--simulate", "valid", "--no-pin", "--json", "--at", "2030-05-31"
    )
    assert code == 0 and json.loads(out)["certificate"]["days_left"] == 0
    code, out, _ = invoke(
        "check", "--simulate", "valid", "--no-pin", "--json", "--at", "2030-06-01T00:00"
    )
    assert code == 11
    code, out, _ = invoke(
        "check", "--simulate", "valid", "--no-pin", "--json", "--at", "2030-05-31T15:00:00Z"
    )
    assert code == 11


def test_trust_anchor_option() -> None:
    anchor = str(DATA / "private-root.pem")
    code, out, _ = invoke("check", "--simulate", "valid_private_root", "--no-pin", "--json")
    assert code == 14
    code, out, _ = invoke(
        "check", "--simulate", "valid_private_root", "--no-pin", "--json", "--trust-anchor", anchor
    )
    assert code == 0 and json.loads(out)["certificate"]["trust"] == "anchor"


def test_inspect_without_ca_says_chain_not_checked() -> None:
    code, out, _ = invoke("inspect", str(DATA / "ee-forged.der"), "--json", "--at", "2026-11-27")
    payload = json.loads(out)
    # Nothing vouched for the issuer: a would-be valid is untrusted (exit 14).
    assert code == 14 and payload["status"] == "untrusted"
    assert "chain_not_checked" in payload["details"]
    assert payload["certificate"]["trust"] is None
    code, out, _ = invoke(
        "inspect",
        str(DATA / "ee-forged.der"),
        "--ca",
        str(JLIS_CA / "jlis-auth-ca-2019.pem"),
        "--json",
    )
    assert code == 13


def test_inspect_rejects_a_file_that_is_not_a_certificate(tmp_path: Path) -> None:
    bad = tmp_path / "x.pem"
    bad.write_bytes(b"hello")
    code, _, err = invoke("inspect", str(bad), "--lang", "ja")
    assert code == 2 and "証明書ではありません" in err


def test_pin_status_json() -> None:
    code, out, _ = invoke("pin-status", "--simulate", "pin_blocked", "--json")
    payload = json.loads(out)
    assert code == 21
    auth = payload["pins"][0]
    assert auth["name"] == "jpki_auth" and auth["blocked"] and auth["tries_left"] == 0
    code, out, _ = invoke("pin-status", "--simulate", "valid", "--json")
    assert code == 0 and all(not p["blocked"] for p in json.loads(out)["pins"])


@pytest.mark.parametrize("status", ["valid", "missing_blank_ff", "pulled_out", "not_mynumber_card"])
def test_text_output_encodes_on_cp932(status: str) -> None:
    for lang in ("ja", "en"):
        _, out, _ = invoke("check", "--simulate", status, "--no-pin", "--lang", lang)
        out.encode("cp932")


def test_ctrl_c_at_the_pin_prompt_unpowers_the_card(monkeypatch: pytest.MonkeyPatch) -> None:
    from mynacheck.cli.prompt import StdinPinSource
    from mynacheck.simcard import cards_made

    def interrupted(self: object, reference: object, tries_left: object) -> bytearray:
        assert made[0].powered  # the card is on while the PIN is being typed
        raise KeyboardInterrupt

    monkeypatch.setattr(StdinPinSource, "read_pin", interrupted)
    with cards_made() as made:
        code, _, err = invoke(
            "check", "--simulate", "valid", "--pin-stdin", "--lang", "en", input="1234\n"
        )
    assert code == 1 and "interrupted" in err
    assert not made[0].powered
    assert all(not (c[1] == 0x20 and len(c) > 5) for c, _ in made[0].log)


@pytest.mark.parametrize("moment", ["0001-01-01", "", "9999-12-31T23:59:59-12:00", "1900-01-01"])
def test_at_out_of_range_is_a_usage_error(moment: str) -> None:
    code, _, err = invoke("check", "--simulate", "valid", "--no-pin", "--at", moment)
    assert code == 2 and "Traceback" not in err


def test_record_to_an_unwritable_path_is_refused_before_the_card(tmp_path: Path) -> None:
    code, _, err = invoke(
        "check", "--simulate", "valid", "--no-pin", "--lang", "en",
        "--record", str(tmp_path / "missing-folder" / "t.txt"),
    )  # fmt: skip
    assert code == 2 and "cannot write" in err


def test_empty_transcript_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# mynacheck transcript 1\n", encoding="utf-8")
    code, _, _ = invoke("check", "--replay", str(empty), "--no-pin")
    assert code == 2


def test_ctrl_c_in_json_mode_prints_an_object(monkeypatch: pytest.MonkeyPatch) -> None:
    from mynacheck.cli.prompt import StdinPinSource

    def interrupted(self: object, reference: object, tries_left: object) -> bytearray:
        raise KeyboardInterrupt

    monkeypatch.setattr(StdinPinSource, "read_pin", interrupted)
    code, out, _ = invoke("check", "--simulate", "valid", "--pin-stdin", "--json", input="1234\n")
    payload = json.loads(out)
    assert code == 1 and payload["status"] == "internal_error"
    assert payload["details"] == ["interrupted"]


def test_simulated_and_revocation_details_are_listed() -> None:
    _, out, _ = invoke("check", "--simulate", "valid", "--no-pin", "--json")
    details = json.loads(out)["details"]
    assert "simulated" in details and "revocation_not_checked" in details
    _, out, _ = invoke("check", "--simulate", "missing_blank_ff", "--no-pin", "--json")
    details = json.loads(out)["details"]
    assert "simulated" in details and "revocation_not_checked" not in details


def test_a_transcript_that_runs_out_never_shows_the_pin(tmp_path: Path) -> None:
    lines = (TRANSCRIPTS[0].parent / "valid_pin_right.txt").read_text(encoding="utf-8").splitlines()
    cut = lines[: next(i for i, line in enumerate(lines) if line.startswith("> 00 20 00 80 04"))]
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    code, out, err = invoke("check", "--replay", str(path), "--pin-stdin", "--json", input="5678\n")
    assert code == 1 and json.loads(out)["status"] == "internal_error"
    assert "35 36 37 38" not in out + err and "5678" not in out + err
    assert "** ** ** **" in out


def test_check_log_writes_when_it_happened_and_only_certificate_outcomes(tmp_path: Path) -> None:
    import sqlite3
    from datetime import datetime, timezone

    db = tmp_path / "tally.sqlite3"
    invoke("check", "--simulate", "valid", "--no-pin", "--at", "2027-01-01", "--log", str(db))
    invoke("check", "--simulate", "pin_last_try", "--pin-stdin", "--log", str(db), input="1234\n")
    rows = sqlite3.connect(db).execute("SELECT time, status FROM checks").fetchall()
    assert [status for _, status in rows] == ["valid"]
    assert rows[0][0].startswith(str(datetime.now(timezone.utc).year))


def test_pin_status_says_what_to_do_about_each_blocked_pin() -> None:
    _, out, _ = invoke("pin-status", "--simulate", "pin_blocked", "--json", "--lang", "en")
    pins = json.loads(out)["pins"]
    assert "municipal counter" in pins[0]["advice"]
    assert all(p["advice"] is None for p in pins if not p["blocked"])


def test_pin_status_record_and_replay(tmp_path: Path) -> None:
    path = tmp_path / "pins.txt"
    code, _, err = invoke("pin-status", "--simulate", "pin_last_try", "--record", str(path))
    assert "redacted" in err or "伏せて" in err
    assert code == 0 and path.is_file()
    code, out, _ = invoke("pin-status", "--replay", str(path), "--json")
    assert code == 0 and json.loads(out)["pins"][0]["tries_left"] == 1
