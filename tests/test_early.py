"""The check's head start, without pcscd: what the command line lets it do
(mynacheck.cli._early), and that its read-ahead is the check's own first commands
(mynacheck.card.early) on every simulated card and reader kind."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone

import click
import pytest

from mynacheck.card.early import JPKI_AID, read_ahead
from mynacheck.card.profile import MY_NUMBER_CARD
from mynacheck.check import CheckOptions, run_check
from mynacheck.cli import _early  # the subject: the CLI's early path, private to the CLI
from mynacheck.cli.check import check
from mynacheck.errors import MynacheckError
from mynacheck.simcard.connection import SimulatedConnection
from mynacheck.simcard.scenarios import SCENARIOS, make_card

from .helpers import DATA

ANCHOR = str(DATA / "simulator-root.pem")


# -- what the command line allows ----------------------------------------------------


def test_the_plan_knows_every_option_of_check() -> None:
    """A new option of ``check`` must be placed here: one the plan does not know
    stops the head start (None), which is safe but slow."""
    options = {o for p in check.params if isinstance(p, click.Option) for o in p.opts}
    known = _early.FLAGS | _early.VALUED | _early.REPEATABLE | _early.NO_CARD
    assert options == known - {"-h", "--help"}  # help: the group's context settings
    for param in check.params:
        assert isinstance(param, click.Option)
        name = param.opts[0]
        assert (name in _early.FLAGS) == param.is_flag, name
        assert (name in _early.REPEATABLE) == param.multiple, name
    choices = next(p.type.choices for p in check.params if p.name == "lang")
    assert tuple(choices) == _early.LANGUAGES


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "--no-pin"], (None, "read_ahead")),
        (["check", "--no-pin", "--reader", "0", "--json"], ("0", "read_ahead")),
        (["check", "--no-pin", "--reader=PaSoRi", "--lang", "en"], ("PaSoRi", "read_ahead")),
        (
            ["check", "--no-pin", "--trust-anchor", ANCHOR, "--trust-anchor", ANCHOR],
            (None, "read_ahead"),
        ),
        (["check", "--no-pin", "--verbose", "--allow-last-try"], (None, "read_ahead")),
        # checked by the command before the card: connect only
        (["check", "--no-pin", "--at", "2026-01-01"], (None, "connect")),
        (["check", "--no-pin", "--log", "t.db"], (None, "connect")),
        (["check", "--no-pin", "--log", "t.db", "--key-file", "k"], (None, "connect")),
        (["check", "--no-pin", "--tag", "x"], (None, "connect")),
        (["check", "--no-pin", "--record", "t.txt"], (None, "connect")),
        (["check", "--no-pin", "--wait", "5"], (None, "connect")),
        (["check", "--pin-stdin"], (None, "connect")),
        (["check", "--pin-stdin", "--no-pin"], (None, "connect")),
        (["check"], (None, "connect")),  # stdin is not a terminal under pytest
        (["check", "--no-pin", "--lang", "fr"], (None, "connect")),
        (["check", "--no-pin", "--lang", "en", "--lang", "ja"], (None, "connect")),
        (["check", "--no-pin", "--json", "--json"], (None, "connect")),
        (["check", "--no-pin", "--trust-anchor", "missing.pem"], (None, "connect")),
        (["check", "--no-pin", "--trust-anchor", str(DATA)], (None, "connect")),
        # no card at all
        (["check", "--no-pin", "--simulate", "valid"], None),
        (["check", "--no-pin", "--simulate=list"], None),
        (["check", "--replay", "x.txt"], None),
        (["check", "--help"], None),
        (["check", "-h"], None),
        (["check", "--no-pin", "--bogus"], None),
        (["check", "--no-pin", "extra"], None),
        (["check", "--no-pin", "--"], None),
        (["check", "--no-pin", "--reader"], None),
        (["check", "--no-pin", "--reader", "--json"], None),
        (["check", "--no-pin=yes"], None),
        (["readers"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_plan(args: list[str], expected: tuple[str | None, str] | None) -> None:
    assert _early.plan(args) == expected


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_plan_reads_ahead_for_a_prompt_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal())
    assert _early.plan(["check"]) == (None, "read_ahead")
    assert _early.plan(["check", "--pin-stdin"]) == (None, "connect")


def test_import_of_the_cli_loads_no_click() -> None:
    code = "import sys, mynacheck.cli; print('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the read-ahead is the check's own beginning ----------------------------------------

QUIRKS = [
    {},
    {"extended_apdu": "wrong_length"},
    {"extended_apdu": "reset"},
    {"get_response": True},
    {"exact_le": True},
    {"eof_6282": True},
    {"first_apdu_6f00": True},
    {"sfi_supported": False},
    {"sfi_sets_current_ef": False},
]


def _commands_of_the_check(scenario: str, quirks: dict[str, object]) -> list[bytes]:
    card = make_card(scenario)
    card.quirks = replace(card.quirks, **quirks)
    run_check(SimulatedConnection(card, scenario), CheckOptions(at=datetime.now(timezone.utc)))
    return [command for command, _ in card.log]


def _commands_read_ahead(scenario: str, quirks: dict[str, object]) -> list[bytes]:
    card = make_card(scenario)
    card.quirks = replace(card.quirks, **quirks)
    connection = SimulatedConnection(card, scenario)

    def transmit(apdu: bytes) -> tuple[int, bytes]:
        try:
            data, sw = connection.send_and_receive(apdu)
        except MynacheckError:
            return 0x80100016, b""  # SCARD_E_NOT_TRANSACTED
        return 0, data + sw.to_bytes(2, "big")

    read_ahead(transmit)
    return [command for command, _ in card.log]


@pytest.mark.parametrize(("scenario", "quirks"), list(itertools.product(sorted(SCENARIOS), QUIRKS)))
def test_read_ahead_sends_only_what_the_check_sends_first(
    scenario: str, quirks: dict[str, object]
) -> None:
    check_sends = _commands_of_the_check(scenario, quirks)
    ahead = _commands_read_ahead(scenario, quirks)
    assert ahead == check_sends[: len(ahead)]
    assert ahead, "the SELECT at least"


def test_read_ahead_is_the_whole_pinless_check_on_a_normal_card() -> None:
    assert _commands_read_ahead("valid", {}) == _commands_of_the_check("valid", {})
    assert len(_commands_read_ahead("valid", {})) == 3


def test_the_head_start_selects_the_profile_s_application() -> None:
    assert MY_NUMBER_CARD.jpki_aid == JPKI_AID


def test_a_head_start_without_pyscard_is_no_head_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyscard missing or broken: the head start gives up quietly (the check then
    says what is wrong), and nothing waits for it."""
    from mynacheck.card import early
    from mynacheck.card.pcsc import early as pcsc_early

    def broken() -> object:
        raise ImportError("no pyscard")

    monkeypatch.setattr(pcsc_early, "load_scard", broken)
    early.head_start("0", read_ahead=True)
    assert early.take("0") is None
    early.release_head_start()


# -- the process ---------------------------------------------------------------------------


class _Exited(Exception):
    pass


@pytest.mark.parametrize(
    ("args", "collector_off"),
    [
        (["check", "--simulate", "list"], True),
        (["--version"], False),
        (["readers", "--help"], False),
    ],
)
def test_only_a_check_runs_without_the_cyclic_collector(
    monkeypatch: pytest.MonkeyPatch, args: list[str], collector_off: bool
) -> None:
    """A check is one short process ended by ``os._exit``: no cyclic GC passes over the
    modules it loads. Every other command (``watch`` runs for hours) keeps it."""
    import gc
    import os

    from mynacheck.cli import run

    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(sys, "argv", ["mynacheck", *args])

    def exit_(code: int) -> None:
        raise _Exited(code)

    monkeypatch.setattr(os, "_exit", exit_)
    with pytest.raises(_Exited):
        run()
    assert calls == (["disable"] if collector_off else [])


#: ``mynacheck ARGS`` in a child that names every module it loaded, at its os._exit.
_NAMING_THE_MODULES = """
import os, sys
exit_ = os._exit
def exit_naming_the_modules(code):
    sys.stderr.write("MODULES " + " ".join(sorted(sys.modules)) + "\\n")
    sys.stderr.flush()
    exit_(code)
os._exit = exit_naming_the_modules
sys.argv = ["mynacheck", *sys.argv[1:]]
from mynacheck.cli import run
run()
"""


def test_a_check_creates_no_tally_classes_and_loads_no_key_serialization() -> None:
    """What a check loads on its way to the verdict (a replayed check): cryptography's
    x509, but neither the tally's summary classes (mynacheck.summary) nor cryptography's
    key-serialization package (SSH keys, ciphers)."""
    transcript = DATA.parents[3] / "fixtures" / "transcripts" / "expired.txt"
    args = ["check", "--replay", str(transcript), "--no-pin", "--json"]
    result = subprocess.run(
        [sys.executable, "-c", _NAMING_THE_MODULES, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 11, result.stderr[-500:]  # expired
    assert json.loads(result.stdout)["status"] == "expired"
    named = [line for line in result.stderr.splitlines() if line.startswith("MODULES ")]
    loaded = set(named[-1].split()[1:])
    assert "cryptography.x509" in loaded and "mynacheck.evaluate" in loaded
    assert "mynacheck.summary" not in loaded
    assert "cryptography.hazmat.primitives.serialization" not in loaded
