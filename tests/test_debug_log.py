"""``--debug-log FILE``: the diagnostic log written by the tool itself (UTF-8, every
APDU, PIN bytes redacted), for a support request from Windows PowerShell 5.1, whose
``2> file`` would write UTF-16 with NativeCommandError wrappers. A new file, or one
this option wrote before; never through a symbolic link, never over another file."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import mynacheck
from mynacheck.cli import _early  # the subject too: the early path knows --debug-log
from mynacheck.cli.commands import main
from mynacheck.log import FILE_HEADER, log_to_file

from .helpers import MYNACHECK

PIN = mynacheck.SimulatedReader.DEMO_PIN
PIN_HEX = PIN.encode().hex().upper()


def _forbidden(text: str) -> list[str]:
    """Every form of the PIN a log could carry (as tests/test_logging.py)."""
    return [form for form in (PIN_HEX, PIN_HEX.lower(), f"'{PIN}'") if form in text]


def check(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MYNACHECK, "check", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_the_log_file_has_every_apdu_and_no_pin(tmp_path: Path) -> None:
    log = tmp_path / "診断ログ.txt"
    done = check("--simulate", "valid", "--pin-stdin", "--lang", "en", "--debug-log", str(log),
                 stdin=PIN + "\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    raw = log.read_bytes()
    assert b"\x00" not in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff"))  # not UTF-16
    text = raw.decode("utf-8")
    assert text.startswith(FILE_HEADER)
    assert "mynacheck.card DEBUG > 0020008004 ********" in text  # VERIFY, redacted
    assert "mynacheck.card INFO card held" in text
    assert _forbidden(text + done.stderr + done.stdout) == []
    assert "DEBUG" not in done.stderr  # the file only: --verbose is the stderr one


def test_a_log_of_its_own_is_replaced(tmp_path: Path) -> None:
    log = tmp_path / "support.log"
    for _ in range(2):
        done = check("--simulate", "expired", "--no-pin", "--debug-log", str(log))
        assert done.returncode == 11, done.stderr  # expired
    text = log.read_text(encoding="utf-8")
    assert text.count(FILE_HEADER) == 1 and text.count("card held") == 1


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ja", "mynacheck の診断ログではないため上書きしません"),
        ("en", "is not a mynacheck diagnostic log"),
    ],
)
def test_another_file_is_never_overwritten(tmp_path: Path, lang: str, expected: str) -> None:
    other = tmp_path / "report.docx"
    other.write_bytes(b"somebody's work")
    done = check("--simulate", "valid", "--no-pin", "--lang", lang, "--debug-log", str(other))
    assert done.returncode == 2 and expected in done.stderr, done.stderr
    assert other.read_bytes() == b"somebody's work"
    assert done.stdout == ""  # refused before the card: no verdict


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need a privilege there")
def test_a_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep")
    link = tmp_path / "link.log"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.log"
    dangling.symlink_to(tmp_path / "nowhere.log")
    for path in (link, dangling):
        done = check("--simulate", "valid", "--no-pin", "--lang", "en", "--debug-log", str(path))
        assert done.returncode == 2 and "symbolic link" in done.stderr, done.stderr
    assert target.read_text() == "keep" and not (tmp_path / "nowhere.log").exists()


def test_a_log_that_cannot_be_created_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "log.txt"
    ja = check("--simulate", "valid", "--no-pin", "--lang", "ja", "--debug-log", str(missing))
    assert ja.returncode == 2
    assert "診断ログを" in ja.stderr and "ファイルかフォルダーがありません" in ja.stderr, ja.stderr
    en = check("--simulate", "valid", "--no-pin", "--lang", "en", "--json",
               "--debug-log", str(tmp_path))  # fmt: skip
    assert en.returncode == 2 and '"status": "usage_error"' in en.stdout
    assert "is not a regular file" in en.stderr


def test_every_command_takes_it() -> None:
    ctx = click.Context(main)

    def commands(group: click.Group, context: click.Context) -> list[click.Command]:
        found = []
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            assert command is not None
            if isinstance(command, click.Group):
                found += commands(command, click.Context(command, parent=context))
            else:
                found.append(command)
        return found

    for command in commands(main, ctx):
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        assert _early.DEBUG_LOG in options, command.name


def test_the_head_start_waits_for_the_log() -> None:
    """The file is opened (and may be refused) before the card: connect, send nothing."""
    assert _early.plan(["check", "--no-pin", "--debug-log", "x.log"]) == (None, "connect")


def test_a_full_disk_stops_the_log_quietly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stopped: list[BaseException | None] = []
    handler = log_to_file(str(tmp_path / "log.txt"), on_error=stopped.append)

    class Full:
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def flush(self) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real, handler.stream = handler.stream, Full()
    try:
        logging.getLogger("mynacheck.card").debug("> 00A4040C")
        logging.getLogger("mynacheck.card").debug("> 00B0")
    finally:
        handler.stream = real
        handler.close()
    assert [getattr(e, "errno", None) for e in stopped] == [errno.ENOSPC]
    assert handler not in logging.getLogger("mynacheck").handlers
    assert "Logging error" not in capsys.readouterr().err


def test_the_window_writes_it_too(tmp_path: Path) -> None:
    pytest.importorskip("PySide6.QtWidgets")
    log = tmp_path / "window.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    gui = [sys.executable, "-m", "mynacheck.gui"]
    done = subprocess.run(
        [*gui, "--smoke-test", "--simulate", "valid", "--lang", "en", "--debug-log", str(log)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith(FILE_HEADER) and "mynacheck-gui" in text.splitlines()[0]
    assert "mynacheck.card" in text and _forbidden(text) == []
    other = tmp_path / "other.txt"
    other.write_text("mine")
    refused = subprocess.run(
        [*gui, "--smoke-test", "--lang", "en", "--debug-log", str(other)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert refused.returncode == 2 and "not a mynacheck diagnostic log" in refused.stderr
    assert other.read_text() == "mine"


def test_the_log_keeps_the_os_s_own_words(tmp_path: Path) -> None:
    """The message says it in Japanese words; the log keeps what the system said."""
    log = tmp_path / "support.log"
    done = check("--no-pin", "--lang", "ja", "--replay", str(tmp_path / "gone.txt"),
                 "--debug-log", str(log))  # fmt: skip
    assert done.returncode == 2 and "ファイルかフォルダーがありません" in done.stderr
    assert "No such file or directory" not in done.stderr
    said = log.read_text(encoding="utf-8")
    assert "usage error file_unreadable: No such file or directory (errno 2)" in said
