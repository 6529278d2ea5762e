"""Two threads loading the simulator's modules at once get whole modules.

The window's check thread imports ``mynacheck.simcard.connection`` (``open_card``
with a :class:`SimulatedReader`) while the script's main thread inserts a card,
importing ``mynacheck.simcard.scenarios``. When the package's ``__init__`` loaded
every submodule, the two imports waited on each other through it and one thread
got a half-loaded ``connection``: ``ImportError: cannot import name
'SimulatedConnection'`` (every run of this test failed on that code).
Each run is a fresh interpreter: the race is in the first import only.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import threading
import mynacheck.api.cards as cards

go = threading.Barrier(2)
errors = []

def other():
    go.wait()
    try:
        import {thread_module}
    except BaseException as error:
        errors.append(repr(error))

thread = threading.Thread(target=other)
thread.start()
go.wait()
{main}
thread.join()
assert not errors, errors
"""

CASES = {
    "insert while the check thread opens": (
        "mynacheck.simcard.connection",
        'cards.SimulatedReader().insert("valid")',
    ),
    "open while another thread inserts": (
        "mynacheck.simcard.scenarios",
        "from mynacheck.simcard.connection import SimulatedConnection\n"
        'SimulatedConnection.for_scenario("valid")',
    ),
    "the package's names while a submodule loads": (
        "mynacheck.simcard.connection",
        "from mynacheck.simcard import SCENARIOS, SimulatedConnection\n"
        'assert "valid" in SCENARIOS and SimulatedConnection',
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_concurrent_first_imports_get_whole_modules(case: str) -> None:
    thread_module, main = CASES[case]
    script = SCRIPT.format(thread_module=thread_module, main=main)
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr[-2000:]
