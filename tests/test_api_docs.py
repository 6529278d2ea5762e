"""docs/api.md: every example runs as written, and the documented names exist."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mynacheck

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_example_runs(number: int, tmp_path: Path) -> None:
    """In a process of its own with PC/SC switched off (``MYNACHECK_NO_PCSC``, the
    documented switch, on every platform): an example may list readers, never SELECT
    on whatever card sits in the developer's reader."""
    env = {**os.environ, "MYNACHECK_NO_PCSC": "1"}
    done = subprocess.run(
        [sys.executable, "-c", EXAMPLES[number]],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, f"docs/api.md example {number + 1}:\n{done.stderr}"
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_the_examples_type_check(tmp_path: Path) -> None:
    """``mypy --strict`` (the project's settings) over every example, as a program
    written from the docs alone would be checked: the types it names are public."""
    for number, example in enumerate(EXAMPLES, 1):
        (tmp_path / f"api_example_{number:02d}.py").write_text(example, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / ".mypy_cache"), *sorted(map(str, tmp_path.glob("*.py")))],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_there_are_examples_for_every_function() -> None:
    """Each public function, and each class a program builds, has an example."""
    joined = "\n".join(EXAMPLES)
    functions = [n for n in mynacheck.__all__ if inspect.isfunction(getattr(mynacheck, n))]
    assert "open_card" in functions and "push_tallies" in functions
    for name in [*functions, "CounterLoop", "SimulatedReader"]:
        assert f"{name}(" in joined, name


def test_pcsc_switched_off_loads_no_pyscard_and_touches_no_reader() -> None:
    """``MYNACHECK_NO_PCSC``: every way to a reader says the service is not there, and
    pyscard is never loaded; "0" or "" leaves PC/SC on."""
    code = (
        "import sys, mynacheck\n"
        "def hold(*args, **options):\n"
        "    with mynacheck.open_card(*args, **options):\n"
        "        pass\n"
        "for call in (mynacheck.list_readers, hold, lambda: hold('PaSoRi', wait=0.5)):\n"
        "    try:\n"
        "        call()\n"
        "    except mynacheck.PcscUnavailableError as error:\n"
        "        assert error.info['pcsc_error'] == 'MYNACHECK_NO_PCSC is set', error.info\n"
        "    else:\n"
        "        raise SystemExit('reached PC/SC')\n"
        "mynacheck.head_start(None, read_ahead=True)\n"
        "mynacheck.release_head_start()\n"
        "with mynacheck.open_card(simulate='valid') as card:\n"
        "    assert mynacheck.check_card(card).status is mynacheck.Status.VALID\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] == 'smartcard'))\n"
    )
    env = {**os.environ, "MYNACHECK_NO_PCSC": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    from mynacheck.card.pcsc.early import pcsc_switched_off

    for value, off in (("1", True), ("yes", True), ("0", False), ("", False)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MYNACHECK_NO_PCSC", value)
            assert pcsc_switched_off() is off


def test_every_public_name_resolves() -> None:
    for name in mynacheck.__all__:
        assert getattr(mynacheck, name) is not None, name


def test_import_is_light() -> None:
    """`import mynacheck` and `import mynacheck.cli` load neither cryptography nor pyscard:
    the check imports cryptography on a thread while it talks to the card."""
    code = (
        "import sys, mynacheck, mynacheck.cli; "
        "print(sorted(m for m in ('cryptography', 'smartcard') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bare_bytes_or_str_as_anchors_is_a_type_error() -> None:
    with mynacheck.open_card(simulate="valid") as card:
        for wrong in (b"\x30\x82", "anchors.pem"):
            with pytest.raises(TypeError):
                mynacheck.check_card(card, trust_anchors=wrong)  # type: ignore[arg-type]
        assert card.apdu_count == 0  # refused before the card


def test_malformed_pin_string_is_refused_before_the_card() -> None:
    with mynacheck.open_card(simulate="valid") as card:
        with pytest.raises(mynacheck.InputError) as caught:
            mynacheck.check_card(card, pin="12a4")
        assert caught.value.status is mynacheck.Status.USAGE_ERROR
        assert card.apdu_count == 0


def test_cancel_ends_a_wait_within_a_second() -> None:
    import math
    import threading
    import time

    reader = mynacheck.SimulatedReader()
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with (
        pytest.raises(mynacheck.Cancelled),
        mynacheck.open_card(simulate=reader, wait=math.inf, cancel=cancel),
    ):
        pass
    assert time.monotonic() - started < 1.2


def test_unknown_language_is_an_error() -> None:
    with mynacheck.open_card(simulate="valid") as card:
        report = mynacheck.check_card(card)
    with pytest.raises(ValueError):
        mynacheck.render_text(report, lang="fr")
    with pytest.raises(ValueError):
        mynacheck.render_json(report, lang="de")
