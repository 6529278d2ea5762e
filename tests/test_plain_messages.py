"""What a new user reads: listings in the chosen language, no fact said twice, each
face's own instructions (the command line never says "press", the window never
says "--option"), "did you mean ...?" for a mistyped choice, and OS errors in
Japanese words."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mynacheck
from mynacheck.errors import (
    CardBusyError,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
)
from mynacheck.gui.describe import describe
from mynacheck.present.gui_messages import DETAILS_GUI, GUI, NEXT_STEPS_GUI
from mynacheck.present.messages import (
    DELIVERY,
    DETAILS,
    HEADLINES,
    LABELS,
    NEXT_STEPS,
    OFFICE,
    SCENARIOS_JA,
    TALLY,
    USAGE,
    WATCH,
    reason_text,
    usage_text,
)
from mynacheck.present.watchview import verdict_lines

from .helpers import MYNACHECK

LANGS = ("ja", "en")
PIN = mynacheck.SimulatedReader.DEMO_PIN
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MYNACHECK, *args], input=stdin, capture_output=True, text=True, timeout=60
    )


# -- B3: listings follow --lang ---------------------------------------------------------


def test_every_scenario_has_japanese_words() -> None:
    assert set(SCENARIOS_JA) == set(mynacheck.simulated_scenarios())
    ja = mynacheck.simulated_scenarios("ja")
    assert all(JAPANESE.search(line) for line in ja.values())
    root = ja["valid_private_root"].split("ルート証明書: ")[-1]
    assert os.path.isfile(root)  # the same file the English line names
    assert mynacheck.simulated_scenarios()["valid_private_root"].endswith(root)


@pytest.mark.parametrize("command", ["check", "pin-status", "watch"])
def test_simulate_list_follows_lang(command: str) -> None:
    ja, en = (run(command, "--simulate", "list", "--lang", lang) for lang in LANGS)
    assert ja.returncode == en.returncode == 0, ja.stderr + en.stderr
    first_ja, first_en = ja.stdout.splitlines()[0], en.stdout.splitlines()[0]
    assert first_ja.startswith("valid ") and JAPANESE.search(first_ja)
    assert first_en.startswith("valid ") and not JAPANESE.search(first_en)
    assert len(ja.stdout.splitlines()) == len(en.stdout.splitlines())


# -- B4: no fact said twice -------------------------------------------------------------


class DemoPin:
    def read_pin(self, reference: Any, tries_left: int | None) -> bytearray:
        return bytearray(PIN.encode())

    def confirm_last_try(self) -> bool:
        return False


def _reports() -> list[mynacheck.CheckReport]:
    reports = []
    for name in mynacheck.simulated_scenarios():
        with mynacheck.open_card(simulate=name) as card:
            try:
                reports.append(mynacheck.check_card(card, pin=DemoPin()))
            except mynacheck.MynacheckError as error:
                reports.append(mynacheck.CheckReport.from_error(error))
    for error in (
        NoCardError(),
        NoReaderError(),
        PcscUnavailableError(),
        CardBusyError(),
        CardRemovedError(),
    ):
        reports.append(mynacheck.CheckReport.from_error(error))
    return reports


def _repeats(lines: list[str]) -> list[str]:
    """Lines one of which says the other again, and status words said twice."""
    said = [re.sub(r"^[-\s]+|[。.\s]+$", "", line).lower() for line in lines if line.strip()]
    found = [
        f"{a!r} in {b!r}"
        for i, a in enumerate(said)
        for j, b in enumerate(said)
        if i != j and len(a) > 8 and a in b
    ]
    # The card's answers ("Card answered: FILE_NOT_FOUND (6A82)") are said once each;
    # no other line says their status words again.
    answers = re.findall(r"[A-Z_]+ \(([0-9A-F]{4})\)", "\n".join(lines))
    codes = re.findall(r"(?<![A-Z_] )\(([0-9A-F]{4})\)", "\n".join(lines))
    found += [f"({code}) twice" for code in set(codes) if codes.count(code) > 1]
    found += [f"({code}) also as the answer" for code in set(codes) & set(answers)]
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_no_report_says_a_fact_twice(lang: str) -> None:
    bad = {}
    for report in _reports():
        text_lines = mynacheck.render_text(report, lang).splitlines()
        verdict = describe(report, lang)
        window = [verdict.sentence, *verdict.notes, verdict.next_step or ""]
        watch = verdict_lines(report, lang)
        for face, lines in (("cli", text_lines), ("watch", watch), ("window", window)):
            repeats = _repeats(lines)
            if repeats:
                bad[f"{face} {report.status.value} {report.reader}"] = repeats
    assert bad == {}


# -- B5: each face gives its own instructions -------------------------------------------

#: What only the window has: a screen, buttons, a Yes, keyboard shortcuts.
WINDOW_WORDS = re.compile(
    r"画面|「はい」|押して|押す|クリック|ボタン|Ctrl\+Shift|"
    r"(?<![Rr]enewal )\bwindow\b|\b[Pp]ress\b|\b[Cc]lick\b|\bbutton\b|answer Yes"
)
#: What only the command line has: options, commands, running again, a terminal.
CLI_WORDS = re.compile(
    r"--[a-z]|\bmynacheck (?:check|watch|report|tally|inspect)\b|実行|[Rr]un again|"
    r"Ctrl-C|コマンドライン|command line|(?<!キオスク)端末|terminal"
)


def _pairs(table: dict[str, tuple[str, str]], keys: Any = None) -> dict[str, tuple[str, str]]:
    return {k: v for k, v in table.items() if keys is None or k in keys}


def test_the_command_line_never_gives_window_instructions() -> None:
    tables = {
        "HEADLINES": HEADLINES,
        "NEXT_STEPS": NEXT_STEPS,
        "DETAILS": DETAILS,
        "USAGE": USAGE,
        "LABELS": LABELS,
        "WATCH": WATCH,
        "TALLY": TALLY,
        "OFFICE": OFFICE,
        "DELIVERY": DELIVERY,
    }
    bad = {
        f"{name}.{key}": said
        for name, table in tables.items()
        for key, pair in table.items()
        for said in pair
        if WINDOW_WORDS.search(said)
    }
    assert bad == {}


def _window_words() -> dict[str, str]:
    """Every text the windows can show (the launcher's console messages aside)."""
    texts: dict[str, tuple[str, str]] = {
        f"GUI.{k}": v for k, v in GUI.items() if not k.startswith("app.")
    }
    for key in NEXT_STEPS.keys() | NEXT_STEPS_GUI.keys():
        texts[f"NEXT_STEPS.{key}"] = NEXT_STEPS_GUI.get(key) or NEXT_STEPS[key]
    for key in DETAILS.keys() | DETAILS_GUI.keys():
        texts[f"DETAILS.{key}"] = DETAILS_GUI.get(key) or DETAILS[key]
    texts.update({f"HEADLINES.{k}": v for k, v in HEADLINES.items()})
    # The counter window's delivery line (gui/delivery.py: delivery_text's states).
    texts.update({f"DELIVERY.{k}": DELIVERY[k] for k in ("delivered", "waiting", "unreachable")})
    texts["DELIVERY.refused"] = DELIVERY["refused"]
    # The counter window's words from watch's table (gui/counter.py, gui/describe.py).
    for key, pair in WATCH.items():
        if key.split(".")[0] in ("word", "line", "action") or key in (
            "remove",
            "renewal",
            "summary",
            "summary.none",
            "tally_failed",
        ):
            texts[f"WATCH.{key}"] = pair
    return {f"{k} {lang}": pair[i] for k, pair in texts.items() for i, lang in enumerate(LANGS)}


def test_the_window_never_gives_command_line_instructions() -> None:
    bad = {key: said for key, said in _window_words().items() if CLI_WORDS.search(said)}
    assert bad == {}


def test_the_last_try_advice_fits_each_face() -> None:
    cli_ja, cli_en = NEXT_STEPS["pin_last_try"]
    assert "--allow-last-try" in cli_en and "Continue?" in cli_en
    assert "入力を続けますか?" in cli_ja and "画面" not in cli_ja
    window_ja, window_en = NEXT_STEPS_GUI["pin_last_try"]
    assert "もう一度確認する" in window_ja and "--" not in window_ja + window_en


# -- B6: "did you mean ...?" ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "ja", "en"),
    [
        (
            ["check", "--simulate", "vaild", "--no-pin"],
            "'valid' のことですか?",
            "did you mean 'valid'?",
        ),
        (
            ["watch", "--simulate", "valid,expird"],
            "'expired' のことですか?",
            "did you mean 'expired'?",
        ),
        (
            ["pin-status", "--simulate", "pin_blokced"],
            "'pin_blocked'",
            "did you mean 'pin_blocked'?",
        ),
        (["report", "--by", "mont"], "'month' のことですか?", "did you mean 'month'?"),
        (["chek"], "'check' のことですか?", "did you mean 'check'?"),
        (["tally", "pusj", "x.db"], "'push' のことですか?", "did you mean 'push'?"),
        (["check", "--lang", "jp"], "'ja' のことですか?", "did you mean 'ja'?"),
    ],
)
def test_a_mistyped_choice_gets_a_suggestion(args: list[str], ja: str, en: str) -> None:
    for lang, expected in (("ja", ja), ("en", en)):
        env = {**os.environ, "LANG": "ja_JP.UTF-8" if lang == "ja" else "en_US.UTF-8"}
        env.pop("LC_ALL", None)
        env.pop("LC_MESSAGES", None)
        # --lang jp: the message is in the language the system says.
        command = [*MYNACHECK, *args, *(["--lang", lang] if args[-1] != "jp" else [])]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 2, done.stderr
        assert expected in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_nothing_near_is_no_suggestion() -> None:
    error = mynacheck.InputError.unknown_choice("unknown_scenario", "zzzz", ["valid"], name="zzzz")
    assert "close" not in error.info
    message = usage_text(error.key, "en", error.info)
    assert message == "no scenario 'zzzz'. --simulate list shows them."


# -- B7: OS errors in Japanese words ----------------------------------------------------

COMMON = ["ENOENT", "EACCES", "EPERM", "EISDIR", "ENOTDIR", "ENOSPC", "EROFS", "ELOOP"]
COMMON += ["ENAMETOOLONG", "EEXIST", "EBUSY", "EIO"]


@pytest.mark.parametrize("name", COMMON)
def test_common_os_errors_have_japanese_words(name: str) -> None:
    number = getattr(errno, name)
    english = os.strerror(number)
    for given in ((english, number), (english, None), (f"[Errno {number}] {english}: 'x'", None)):
        words = reason_text(*given, "ja")
        assert JAPANESE.search(words) and not re.search(r"[a-z]{3}", words), (given, words)
    assert reason_text(english, number, "en") == english


def test_a_missing_file_is_said_in_japanese_words(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent.pem"
    ja = run("check", "--simulate", "valid", "--no-pin", "--trust-anchor", str(missing))
    assert ja.returncode == 2
    assert "ファイルかフォルダーがありません" in ja.stderr and "not found" not in ja.stderr
    en = run("check", "--no-pin", "--lang", "en", "--replay", str(missing))
    assert en.returncode == 2 and "No such file or directory" in en.stderr, en.stderr


def test_a_path_through_a_file_is_said_in_japanese_words(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    done = run("check", "--no-pin", "--lang", "ja", "--replay", str(plain / "inside.txt"))
    assert done.returncode == 2
    assert "途中にフォルダーではないものがあります" in done.stderr, done.stderr
    assert "Not a directory" not in done.stderr


def test_a_full_stdout_is_said_in_the_run_s_language() -> None:
    expectations = {
        "ja": "出力を書き込めません (ディスクの空きがありません)",
        "en": "cannot write the output (No space left on device)",
    }
    for lang, expected in expectations.items():
        done = subprocess.run(
            ["bash", "-c", " ".join(MYNACHECK) + f" check --simulate valid --no-pin --lang {lang}"
             " >/dev/full"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0 and expected in done.stderr, done.stderr


def _every_command() -> list[tuple[str, Any]]:
    import click

    from mynacheck.cli.commands import main
    from mynacheck.gui.app import command as window_command

    found: list[tuple[str, Any]] = []

    def walk(command: click.Command, path: str, parent: click.Context | None) -> None:
        ctx = click.Context(command, info_name=path.split()[-1], parent=parent)
        found.append((path, command))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, f"{path} {name}", ctx)

    walk(main, "mynacheck", None)
    found.append(("mynacheck-gui", window_command()))
    return found


def test_help_has_japanese_words_for_every_command_and_option() -> None:
    from mynacheck.cli.helptext import option_help
    from mynacheck.present.messages import HELP_JA

    missing = []
    for path, command in _every_command():
        if f"command:{path}" not in HELP_JA:
            missing.append(f"command:{path}")
        if path.count(" ") and path != "mynacheck-gui" and f"short:{path}" not in HELP_JA:
            missing.append(f"short:{path}")
        for param in command.params:
            is_option = param.param_type_name == "option"
            if is_option and option_help(path, param.opts) is None:
                missing.append(f"{path} {param.opts[0]}")
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_help_follows_lang(lang: str) -> None:
    done = run("check", "--help", "--lang", lang)
    assert done.returncode == 0
    if lang == "ja":
        assert done.stdout.startswith("使い方: ") and "オプション:" in done.stdout
        assert "暗証番号を尋ねません (窓口用)。" in done.stdout
        assert "Do not ask for the PIN" not in done.stdout
    else:
        assert done.stdout.startswith("Usage: ") and "Options:" in done.stdout
        assert not JAPANESE.search(done.stdout.replace("利用者証明用電子証明書", ""))


def test_the_simulator_command_says_a_mistyped_scenario_once() -> None:
    code = (
        "from mynacheck.simcard.sim_command import main\n"
        "raise SystemExit(main(['--scenario', 'vaild']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown scenario 'vaild' (did you mean 'valid'?)" in done.stderr
    assert done.stderr.count("unknown scenario") == 1 and done.stderr.count("not_yet_valid") == 1
