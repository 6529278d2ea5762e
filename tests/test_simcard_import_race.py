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
        "from mynacheck.simcard.scenarios import make_card\n"
        'SimulatedConnection(make_card("valid"), "valid")',
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


# The same race in the other packages whose ``__init__`` imported its submodules:
# a thread first-importing one submodule while another first-imports a sibling (or
# the package itself). ``api/checks.py::_preload_in_background`` imports
# ``present.text`` (-> ``present.messages``) on a thread while the main thread may
# import the words on an error path. Failure rates on the old code, 10 fresh
# interpreters each: messages 8/10, tally 10/10, api 4/10.
PAIR_SCRIPT = """
import threading

go = threading.Barrier(2)
errors = []

def load(name):
    go.wait()
    try:
        __import__(name)
    except BaseException as error:
        errors.append(repr(error))

thread = threading.Thread(target=load, args=({first!r},))
thread.start()
load({second!r})
thread.join()
assert not errors, errors
{check}
"""

PAIRS = {
    "messages: counter and verdicts": (
        "mynacheck.present.messages.counter",
        "mynacheck.present.messages.verdicts",
        "from mynacheck.present.messages import TALLY, DETAILS, USAGE, Lang, text\n"
        "assert TALLY and DETAILS and USAGE and text",
    ),
    "messages: server and the package": (
        "mynacheck.present.messages.server",
        "mynacheck.present.messages",
        "from mynacheck.present.messages import DELIVERY, HEADLINES, usage_text\n"
        "assert DELIVERY and HEADLINES and usage_text",
    ),
    "api: cards and the package": (
        "mynacheck.api.cards",
        "mynacheck.api",
        "from mynacheck.api import Card, check_card, open_tally, PathLike\n"
        "assert Card and check_card and open_tally and PathLike",
    ),
    "tally: store and the package": (
        "mynacheck.tally.store",
        "mynacheck.tally",
        "from mynacheck.tally import Tally, open_tally, summarize_tallies\n"
        "assert Tally and open_tally and summarize_tallies",
    ),
    "tally: summary and outbox": (
        "mynacheck.tally.summary",
        "mynacheck.tally.outbox",
        "from mynacheck.tally import TallyError, card_hash\nassert TallyError and card_hash",
    ),
}


@pytest.mark.parametrize("case", sorted(PAIRS))
def test_concurrent_first_imports_of_sibling_modules(case: str) -> None:
    first, second, check = PAIRS[case]
    script = PAIR_SCRIPT.format(first=first, second=second, check=check)
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr[-2000:]
