"""docs/api.md: every example runs as written, and the documented names exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import mynacheck

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_example_runs(number: int, tmp_path: Path) -> None:
    """In a process of its own whose PC/SC client finds no service: an example may
    list readers, never SELECT on whatever card sits in the developer's reader."""
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
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


def test_there_are_examples_for_every_function() -> None:
    joined = "\n".join(EXAMPLES)
    for name in (
        "open_card", "check_card", "read_pin_statuses", "list_readers", "inspect_certificate",
        "render_text", "open_tally", "CounterLoop", "SimulatedReader", "render_json",
    ):  # fmt: skip
        assert f"{name}(" in joined, name


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
