"""The process's own edges and first-time words (issue: hardening): closed or full
stdout, closed stdin, an ASCII-only console, English plurals, help texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mynacheck.present.messages import HEADLINES, LABELS, WATCH, text

MYNACHECK = [sys.executable, "-m", "mynacheck"]


def shell(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    argv = " ".join(MYNACHECK)
    return subprocess.run(
        ["bash", "-c", command.replace("mynacheck", argv, 1)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("redirect", [">&-", ">/dev/full", "| head -c0"])
@pytest.mark.parametrize(
    ("scenario", "code"), [("valid", 0), ("expired", 11), ("missing_not_found", 10)]
)
def test_closed_or_full_stdout_keeps_the_exit_code(redirect: str, scenario: str, code: int) -> None:
    result = shell(
        f"mynacheck check --simulate {scenario} --no-pin --json --lang en {redirect}; "
        'echo "rc=${PIPESTATUS[0]}" >&2'
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert f"rc={code}" in result.stderr
    if redirect != "| head -c0":  # a pipe closed by a reader that wanted nothing
        assert "cannot write the output" in result.stderr


def test_closed_stdin_without_pin_option_is_the_usual_usage_error() -> None:
    result = shell("mynacheck check --simulate valid --lang en <&-; echo rc=$? >&2")
    assert "rc=2" in result.stderr and "Traceback" not in result.stderr
    assert "--pin-stdin" in result.stderr or "--no-pin" in result.stderr


def test_closed_stdin_with_pin_stdin_says_no_pin_before_the_card() -> None:
    result = shell(
        "mynacheck check --simulate valid --pin-stdin --json --lang en <&-; echo rc=$? >&2"
    )
    assert "rc=2" in result.stderr and "Traceback" not in result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "usage_error" and payload["details"] == ["pin_empty"]
    assert payload["apdu_count"] is None  # no card was opened


def test_ascii_only_console_falls_back_to_english_and_keeps_the_frame() -> None:
    result = shell("mynacheck watch --simulate valid,expired", PYTHONIOENCODING="ascii")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "?" not in result.stdout
    frame = [line for line in result.stdout.splitlines() if line.startswith(("|", "+"))]
    assert frame and len({len(line) for line in frame}) == 1
    assert "V A L I D" in result.stdout


def test_english_plurals() -> None:
    assert text(HEADLINES, "pin_incorrect", "en", tries=1) == "PIN incorrect (1 try left)."
    assert text(HEADLINES, "pin_incorrect", "en", tries=2) == "PIN incorrect (2 tries left)."
    assert text(LABELS, "days_left", "en", days=1) == "1 day left"
    assert text(LABELS, "days_left", "en", days=0) == "0 days left"
    assert text(WATCH, "summary", "en", n=1) == "This session: 1 check"
    assert text(WATCH, "summary", "ja", n=1) == "この回の集計: 1 件"


def test_help_lists_every_command_summary_uncut() -> None:
    env = {**os.environ, "LC_ALL": "en_US.UTF-8"}  # the group's help: the system's language
    result = subprocess.run(
        [*MYNACHECK, "--help"], capture_output=True, text=True, check=True, env=env
    )
    commands = result.stdout.split("Commands:")[1]
    assert "..." not in commands
    for name in ("check", "inspect", "pin-status", "readers", "report", "watch"):
        assert f"  {name} " in commands


@pytest.mark.parametrize(
    ("command", "option"), [("inspect", "--trust-anchor"), ("check", "--key-file")]
)
def test_every_option_has_help(command: str, option: str) -> None:
    result = subprocess.run(
        [*MYNACHECK, command, "--help", "--lang", "en"], capture_output=True, text=True
    )
    line = next(
        part for part in result.stdout.split("\n  -") if part.lstrip("-").startswith(option[2:])
    )
    assert len(line.split(None, 1)) == 2 and len(line.split(None, 1)[1].strip()) > 10, line


def test_watch_json_help_says_one_object_per_check() -> None:
    result = subprocess.run(
        [*MYNACHECK, "watch", "--help", "--lang", "en"], capture_output=True, text=True
    )
    assert "per line" in " ".join(result.stdout.split())


def test_pin_status_problem_prints_no_check_lines() -> None:
    result = subprocess.run(
        [*MYNACHECK, "pin-status", "--simulate", "not_mynumber_card", "--lang", "en"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 30
    for check_only in ("PIN:", "Card key:", "Revocation:"):
        assert check_only not in result.stdout


def test_pin_status_simulated_says_so_in_json() -> None:
    result = subprocess.run(
        [*MYNACHECK, "pin-status", "--simulate", "valid", "--json"], capture_output=True, text=True
    )
    payload = json.loads(result.stdout)
    assert payload["simulated"] is True and payload["schema"] == 1


def test_simulate_list_names_a_private_root_that_exists_from_anywhere(tmp_path: object) -> None:
    listing = subprocess.run(
        [*MYNACHECK, "check", "--simulate", "list", "--lang", "en"], capture_output=True,
        text=True, check=True, cwd=str(tmp_path),
    )  # fmt: skip
    line = next(line for line in listing.stdout.splitlines() if line.startswith("valid_private"))
    root = line.split("Its root: ", 1)[1].strip()
    assert os.path.isabs(root) and os.path.isfile(root)
    result = subprocess.run(
        [*MYNACHECK, "check", "--simulate", "valid_private_root", "--no-pin", "--json",
         "--trust-anchor", root],
        capture_output=True, text=True, cwd=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_json_into_a_pipe_is_utf8_whatever_the_code_page() -> None:
    """Windows gives a pipe the system code page (cp932, cp1252); JSON is UTF-8."""
    result = subprocess.run(
        [*MYNACHECK, "check", "--simulate", "expired", "--no-pin", "--json", "--lang", "ja"],
        capture_output=True, env={**os.environ, "PYTHONIOENCODING": "cp1252"},
    )  # fmt: skip
    payload = json.loads(result.stdout.decode("utf-8"))
    assert payload["message"].startswith("期限切れ")


@pytest.mark.parametrize("pin_option", ["", "--no-pin", "--pin-stdin", "--pin-stdin --no-pin"])
def test_an_unknown_scenario_is_named_before_the_pin_source(pin_option: str) -> None:
    result = shell(
        f"mynacheck check --simulate vaild {pin_option} --json --lang en </dev/null; echo rc=$? >&2"
    )
    assert "rc=2" in result.stderr and "Traceback" not in result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "usage_error" and payload["details"] == ["unknown_scenario"]
    assert "vaild" in payload["message"] and payload["apdu_count"] is None
