"""Japanese on a cp932 (Shift_JIS) console and on a UTF-8 one.

On Japanese Windows, output that goes to a file, a pipe or a legacy console is
encoded in cp932; elsewhere it is UTF-8. Every outcome's Japanese text must come
out whole in both: the same characters, no '?' from a character cp932 lacks
(U+301C WAVE DASH or U+2212 MINUS SIGN, for instance, have no cp932 code).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .packaging_helpers import clean_env

AT = "2026-04-01"  # fixed, so both runs of a scenario say the same days left


def _run(args: list[str], encoding: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mynacheck", *args],
        cwd=cwd,
        env=clean_env(PYTHONIOENCODING=encoding, PYTHONUTF8="0"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode < 40, result.stderr
    return result.stdout.decode(encoding)


def _scenarios(cwd: Path) -> list[str]:
    listing = _run(["check", "--simulate", "list"], "utf-8", cwd)
    names = [line.split()[0] for line in listing.splitlines() if line.strip()]
    assert "valid" in names and "expired" in names
    return names


#: Runs many commands in one process whose stdout has the given encoding (as a
#: console's or a pipe's would), each output after a marker line: one process per
#: encoding instead of one per command.
_MANY = """
import json, sys
from mynacheck.cli import main
for args in json.loads(sys.argv[1]):
    sys.stdout.write("\\x1e\\n")
    sys.stdout.flush()
    try:
        main(args, standalone_mode=True)
    except SystemExit as done:
        assert not isinstance(done.code, int) or done.code < 40, (args, done.code)
    sys.stdout.flush()
"""


def _run_many(commands: list[list[str]], encoding: str, cwd: Path) -> list[str]:
    import json

    result = subprocess.run(
        [sys.executable, "-c", _MANY, json.dumps(commands)],
        cwd=cwd,
        env=clean_env(PYTHONIOENCODING=encoding, PYTHONUTF8="0"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(encoding, errors="replace")
    outputs = result.stdout.decode(encoding).split("\x1e\n")
    assert outputs[0] == "" and len(outputs) == len(commands) + 1
    return outputs[1:]


def test_every_outcome_reads_the_same_in_cp932_and_utf8(tmp_path: Path) -> None:
    commands = [
        ["check", "--simulate", name, "--no-pin", "--lang", "ja", "--at", AT]
        for name in _scenarios(tmp_path)
    ]
    commands.append(["pin-status", "--simulate", "pin_blocked", "--lang", "ja"])
    commands.append(["check", "--lang", "ja", "--no-pin", "--replay", str(tmp_path / "none")])
    with ThreadPoolExecutor(max_workers=2) as pool:
        utf8_run = pool.submit(_run_many, commands, "utf-8", tmp_path)
        cp932_run = pool.submit(_run_many, commands, "cp932", tmp_path)
        utf8_outputs, cp932_outputs = utf8_run.result(), cp932_run.result()
    japanese = 0
    for args, utf8, cp932 in zip(commands, utf8_outputs, cp932_outputs, strict=True):
        assert cp932 == utf8, f"{' '.join(args)}: cp932 output differs"
        japanese += any("\u3040" <= ch <= "\u9fff" for ch in utf8)
    assert japanese >= len(_scenarios(tmp_path)), "the outputs were expected in Japanese"


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_the_usage_error_on_stderr_is_whole(tmp_path: Path, encoding: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mynacheck", "check", "--lang", "ja", "--simulate", "valid"],
        cwd=tmp_path,
        env=clean_env(PYTHONIOENCODING=encoding, PYTHONUTF8="0"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2
    message = result.stderr.decode(encoding)
    assert "?" not in message.replace("--", "")
    assert any("\u3040" <= ch <= "\u9fff" for ch in message)
