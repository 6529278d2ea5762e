"""PIN safety on the real PC/SC stack: the virtual card's own log says what was sent.

Covers: status queries and malformed PINs leave the counter alone; a blocked PIN
gets no VERIFY with data; the last-try rule holds with and without a terminal
(a real pseudo-terminal drives the hidden prompt); the card ends unpowered."""

from __future__ import annotations

import pytest

from mynacheck.card.profile import JPKI_AID
from mynacheck.simcard.card import SimulatedCard
from mynacheck.simcard.model import PinFile

from ..helpers import ANCHOR, MYNACHECK, mynacheck, run_on_a_terminal
from .conftest import InsertCard


def auth_tries(card: SimulatedCard) -> int:
    pin = card.applications[JPKI_AID].files[0x0018]
    assert isinstance(pin, PinFile)
    return pin.tries_left


def verifies_with_data(card: SimulatedCard) -> int:
    return sum(1 for command, _ in card.log if command[1] == 0x20 and len(command) > 5)


def test_status_queries_and_malformed_pins_leave_the_counter(virtual_card: InsertCard) -> None:
    virtual = virtual_card("valid")
    for typed in ("123\n", "12345\n", "12a4\n", "\n", ""):
        code, _, _ = mynacheck("check", "--json", "--pin-stdin", *ANCHOR, stdin=typed)
        assert code == 2
    for _ in range(3):
        code, payload, _ = mynacheck("pin-status", "--json")
        assert code == 0 and payload["pins"][0]["tries_left"] == 3
    assert verifies_with_data(virtual.card) == 0
    assert auth_tries(virtual.card) == 3


@pytest.mark.parametrize("scenario", ["pin_blocked", "pin_blocked_6983"])
def test_blocked_pin_gets_no_verify_with_data(virtual_card: InsertCard, scenario: str) -> None:
    virtual = virtual_card(scenario)
    code, payload, _ = mynacheck(
        "check", "--json", "--pin-stdin", "--allow-last-try", *ANCHOR, stdin="1234\n"
    )
    assert code == 21 and payload["pin"]["blocked"]
    assert verifies_with_data(virtual.card) == 0


def test_last_try_refused_without_a_terminal(virtual_card: InsertCard) -> None:
    virtual = virtual_card("pin_last_try")
    code, payload, _ = mynacheck("check", "--json", "--pin-stdin", *ANCHOR, stdin="1234\n")
    assert code == 22 and payload["status"] == "pin_last_try"
    assert verifies_with_data(virtual.card) == 0 and auth_tries(virtual.card) == 1


def test_last_try_on_a_terminal_asks_and_defaults_to_no(virtual_card: InsertCard) -> None:
    virtual = virtual_card("pin_last_try")
    code, screen = run_on_a_terminal(
        [*MYNACHECK, "check", "--lang", "en", *ANCHOR], [(b"Continue? [y/N]", b"\r")]
    )
    assert code == 22, screen
    assert "1 try left" in screen
    assert verifies_with_data(virtual.card) == 0 and auth_tries(virtual.card) == 1


def test_last_try_on_a_terminal_confirmed_then_hidden_pin(virtual_card: InsertCard) -> None:
    virtual = virtual_card("pin_last_try")
    code, screen = run_on_a_terminal(
        [*MYNACHECK, "check", "--lang", "en", *ANCHOR],
        [(b"Continue? [y/N]", b"y\r"), (b"(4 digits): ", b"12\r"), (b"(4 digits): ", b"1234\r")],
    )
    assert code == 0, screen
    assert "1234" not in screen  # the prompt does not echo
    assert "nothing was sent" in screen  # the malformed "12" was refused before the card
    assert verifies_with_data(virtual.card) == 1
    assert auth_tries(virtual.card) == 3
