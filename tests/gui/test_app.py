"""``mynacheck-gui`` and ``python -m mynacheck.gui`` as processes; the CLI without PySide6."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mynacheck.present.gui_messages import GUI

WINDOWS = sys.platform == "win32"
SCRIPT = Path(sys.executable).with_name("mynacheck-gui.exe" if WINDOWS else "mynacheck-gui")
#: The installed launcher; on Windows a gui-scripts launcher may not wait for the window,
#: so the tests start the same entry point with the interpreter there.
LAUNCH = [sys.executable, "-m", "mynacheck.gui"] if WINDOWS else [str(SCRIPT)]
#: ``mynacheck-gui OPTIONS`` stopped at its first paint of "insert a card".
FIRST_PAINT = Path(__file__).with_name("first_paint_app.py")
#: What the window does not need to show "insert a card": loaded after that paint,
#: when the card loop starts (or never).
AFTER_THE_PAINT = (
    "smartcard",
    "cryptography",
    "mynacheck.card.pcsc",
    "mynacheck.api.cards",
    "mynacheck.api.checks",
    "mynacheck.counter",
    "mynacheck.report",
)
#: Makes ``import PySide6`` fail as on a machine without the [gui] extra.
NO_PYSIDE = "import sys; sys.modules['PySide6'] = None; "


def run(
    args: list[str], *, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    base.update(
        {"QT_QPA_PLATFORM": "offscreen", "LANG": "ja_JP.UTF-8", "PYTHONIOENCODING": "utf-8"}
    )
    base.update(env or {})
    return subprocess.run(
        args,
        env=base,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_the_gui_script_is_installed() -> None:
    assert SCRIPT.exists(), (
        f"{SCRIPT} missing: pip install -e '.[test]' installs the gui-scripts entry"
    )


def test_simulate_list_lists_the_scenarios_and_exits_0() -> None:
    done = run([*LAUNCH, "--simulate", "list"])
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert "valid" in names and "expired" in names and "pin_blocked" in names


@pytest.mark.parametrize(
    "args",
    [
        [*LAUNCH, "--smoke-test", "--simulate", "valid"],
        [*LAUNCH, "--smoke-test", "--counter", "--simulate", "valid,expired", "--lang", "en"],
        [sys.executable, "-m", "mynacheck.gui", "--smoke-test", "--simulate", "expired"],
    ],
)
def test_smoke_test_shows_the_window_and_exits_0(args: list[str]) -> None:
    done = run(args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lang", "fr"], "オプションが正しくありません"),
        (["--no-such-option"], "オプションが正しくありません"),
        (["--trust-anchor", "/nonexistent/root.pem"], "/nonexistent/root.pem"),
        (["--simulate", "nope"], "シナリオ 'nope' はありません"),
        (["--simulate", "valid,expired"], "シナリオ"),
        (["--simulate", "valid", "--reader", "0"], "--simulate、--replay、--reader"),
        (["--counter", "--simulate", "valid", "--hold", "-1"], "--hold"),
        pytest.param(
            ["--log", "/proc/no/such/dir/tally.db"],
            "フォルダー /proc/no/such/dir がありません",
            marks=pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc"),
        ),
    ],
)
def test_bad_options_are_said_in_the_users_language_with_exit_2(
    args: list[str], expected: str
) -> None:
    done = run([sys.executable, "-m", "mynacheck.gui", *args])
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_options_in_english(tmp_path: Path) -> None:
    done = run([sys.executable, "-m", "mynacheck.gui", "--lang", "en", "--simulate", "nope"])
    assert done.returncode == 2
    assert "no scenario 'nope'" in done.stderr


def test_without_a_display_it_says_so_instead_of_aborting() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("X11/Wayland are Linux's")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [sys.executable, "-m", "mynacheck.gui", "--lang", "en", "--simulate", "valid"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert GUI["app.no_display"][1] in done.stderr


def test_without_pyside6_the_gui_says_what_to_install() -> None:
    code = NO_PYSIDE + "from mynacheck.gui import main; raise SystemExit(main(['--lang', 'en']))"
    done = run([sys.executable, "-c", code])
    assert done.returncode == 2
    assert 'pip install "mynacheck[gui]"' in done.stderr
    code = NO_PYSIDE + "from mynacheck.gui import SelfCheckWindow"
    done = run([sys.executable, "-c", code])
    assert done.returncode == 1
    assert "ImportError" in done.stderr and "mynacheck[gui]" in done.stderr


def test_the_cli_works_without_pyside6() -> None:
    code = NO_PYSIDE + (
        "import runpy; sys.argv = ['mynacheck', 'check', '--simulate', 'valid', '--no-pin',"
        " '--lang', 'en']; runpy.run_module('mynacheck', run_name='__main__', alter_sys=True)"
    )
    done = run([sys.executable, "-c", code])
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout


def test_the_cli_never_imports_qt() -> None:
    code = (
        "import sys, mynacheck, mynacheck.cli, mynacheck.gui; "
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))], 'Qt loaded'"
    )
    done = run([sys.executable, "-c", code])
    assert done.returncode == 0, done.stderr


def _loaded_at_the_first_paint(args: list[str]) -> set[str]:
    done = run([sys.executable, str(FIRST_PAINT), *args])
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.mark.parametrize("args", [[], ["--counter"]])
def test_the_launchers_window_paints_before_click_the_api_or_the_card_layer_load(
    args: list[str],
) -> None:
    loaded = _loaded_at_the_first_paint(args)
    window = "mynacheck.gui.counter" if args else "mynacheck.gui.self_check"
    assert window in loaded  # the probe saw the window's own paint
    early = {m for m in loaded if m.startswith(AFTER_THE_PAINT) or m.startswith("click")}
    assert early == set()
    # Only the Qt modules the window uses: nothing else of PySide6 sneaks in.
    assert {m for m in loaded if m.startswith("PySide6.Qt")} == {
        "PySide6.QtCore",
        "PySide6.QtGui",
        "PySide6.QtWidgets",
    }


def test_with_options_click_checks_them_and_the_card_layer_still_waits_for_the_paint() -> None:
    loaded = _loaded_at_the_first_paint(["--counter", "--lang", "en", "--reader", "0"])
    assert "click" in loaded and "mynacheck.gui.counter" in loaded
    assert {m for m in loaded if m.startswith(AFTER_THE_PAINT)} == set()


@pytest.mark.parametrize("args", [[], ["--counter"]])
def test_a_command_line_with_nothing_to_parse_means_what_click_would_say(args: list[str]) -> None:
    from mynacheck.gui import app

    assert app.without_options(args) == app.command().main(args, standalone_mode=False)


@pytest.mark.parametrize(
    "args", [["--counter", "--counter"], ["--count"], ["--counter=1"], ["--help"], ["-h"], ["x"]]
)
def test_anything_else_is_left_to_click(args: list[str]) -> None:
    from mynacheck.gui import app

    assert app.without_options(args) is None
