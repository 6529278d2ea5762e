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


def test_every_outcome_reads_the_same_in_cp932_and_utf8(tmp_path: Path) -> None:
    commands = [
        ["check", "--simulate", name, "--no-pin", "--lang", "ja", "--at", AT]
        for name in _scenarios(tmp_path)
    ]
    commands.append(["pin-status", "--simulate", "pin_blocked", "--lang", "ja"])
    commands.append(["check", "--lang", "ja", "--no-pin", "--replay", str(tmp_path / "none")])

    def both(args: list[str]) -> tuple[list[str], str, str]:
        return args, _run(args, "utf-8", tmp_path), _run(args, "cp932", tmp_path)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(both, commands))
    japanese = 0
    for args, utf8, cp932 in results:
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
