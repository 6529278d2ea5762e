"""Japanese on a cp932 (Shift_JIS) console and on a UTF-8 one.

On Japanese Windows, output that goes to a file, a pipe or a legacy console is
encoded in cp932; elsewhere it is UTF-8. Every outcome's Japanese text must come
out whole in both: the same characters, no '?' from a character cp932 lacks
(U+301C WAVE DASH or U+2212 MINUS SIGN, for instance, have no cp932 code).
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import mynacheck

from .packaging_helpers import clean_env

AT = "2026-04-01"  # fixed, so both runs of a scenario say the same days left
SCENARIOS = sorted(mynacheck.simulated_scenarios())

#: Runs many commands in one process whose stdout and stderr have the given encoding
#: (as a console's or a pipe's would), each output after a marker line: one process
#: per encoding instead of one per command.
_MANY = """
import json, sys
from mynacheck.cli import main
for args in json.loads(sys.argv[1]):
    for stream in (sys.stdout, sys.stderr):
        stream.write("\\x1e\\n")
        stream.flush()
    try:
        main(args, standalone_mode=True)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
        assert code < 40, (args, done.code)
        print(code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
"""

#: Every outcome's Japanese text, and (last) a usage error: --simulate wants --no-pin.
COMMANDS = [
    *(["check", "--simulate", name, "--no-pin", "--lang", "ja", "--at", AT] for name in SCENARIOS),
    ["pin-status", "--simulate", "pin_blocked", "--lang", "ja"],
    ["check", "--lang", "ja", "--no-pin", "--replay", "no-such-transcript"],
    ["check", "--lang", "ja", "--simulate", "valid"],
]


@dataclass(frozen=True)
class Run:
    stdout: list[str]
    stderr: list[str]


def _run_many(commands: list[list[str]], encoding: str, cwd: Path) -> Run:
    result = subprocess.run(
        [sys.executable, "-c", _MANY, json.dumps(commands)],
        cwd=cwd,
        env=clean_env(PYTHONIOENCODING=encoding, PYTHONUTF8="0"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(encoding, errors="replace")
    stdout = result.stdout.decode(encoding).split("\x1e\n")
    stderr = result.stderr.decode(encoding).split("\x1e\n")
    assert stdout[0] == stderr[0] == "" and len(stdout) == len(stderr) == len(commands) + 1
    return Run(stdout[1:], stderr[1:])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """COMMANDS run once per encoding, the two processes side by side."""
    cwd = tmp_path_factory.mktemp("console")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {code: pool.submit(_run_many, COMMANDS, code, cwd) for code in ("utf-8", "cp932")}
        return {code: future.result() for code, future in futures.items()}


def test_every_outcome_reads_the_same_in_cp932_and_utf8(runs: dict[str, Run]) -> None:
    assert "valid" in SCENARIOS and "expired" in SCENARIOS
    japanese = 0
    utf8, cp932 = runs["utf-8"].stdout, runs["cp932"].stdout
    for args, in_utf8, in_cp932 in zip(COMMANDS, utf8, cp932, strict=True):
        assert in_cp932 == in_utf8, f"{' '.join(args)}: cp932 output differs"
        japanese += any("\u3040" <= ch <= "\u9fff" for ch in in_utf8)
    assert japanese >= len(SCENARIOS), "the outputs were expected in Japanese"


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_the_usage_error_on_stderr_is_whole(runs: dict[str, Run], encoding: str) -> None:
    *message, code = runs[encoding].stderr[-1].rstrip("\n").split("\n")
    assert code == "2"
    said = "\n".join(message)
    assert "?" not in said.replace("--", "")
    assert any("\u3040" <= ch <= "\u9fff" for ch in said)
