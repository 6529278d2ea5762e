"""The faces share one definition of each option and one check of it: ``mynacheck-gui``
takes the CLI's own options (cli/context.py) and validates them with the CLI's code."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from mynacheck.cli.watch import watch
from mynacheck.gui import app

SHARED = ("--reader", "--trust-anchor", "--log", "--key-file", "--tag", "--simulate", "--lang")


def _options(command: click.Command) -> dict[str, click.Parameter]:
    return {opt: p for p in command.params for opt in p.opts}


def test_the_window_declares_the_clis_options_the_same_way() -> None:
    window, cli = _options(app.command()), _options(watch)
    for name in SHARED:
        mine, theirs = window[name], cli[name]
        assert mine.to_info_dict() == theirs.to_info_dict(), name


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--simulate", "valid", "--reader", "0"], "source_conflict"),
        (["--simulate", "no_such_card"], "no_such_card"),
        (["--trust-anchor", "/nonexistent/root.pem"], "/nonexistent/root.pem"),
        (["--tag", "x" * 65, "--log", "TALLY"], "64"),
    ],
)
def test_the_window_checks_options_with_the_clis_code(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(tmp_path / "t.sqlite3") if a == "TALLY" else a for a in argv]
    assert app.run([*argv, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mynacheck-gui: ") and "Traceback" not in err
    if said != "source_conflict":
        assert said in err
    assert not (tmp_path / "t.sqlite3").exists()  # nothing created before the window
