"""The real `mynacheck` command, as a subprocess, through pyscard → pcscd → vpcd →
the simulated card: every scenario, and what readers and people do."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest

from mynacheck.card.pcsc import PcscConnection, list_readers
from mynacheck.simcard import DEMO_PIN
from mynacheck.status import Status

from ..helpers import ANCHOR, EXPECTED, MYNACHECK, mynacheck, readline_within
from .conftest import InsertCard


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_check_every_scenario_through_pcscd(virtual_card: InsertCard, scenario: str) -> None:
    virtual_card(scenario)
    code, payload, _ = mynacheck(
        "check", "--json", "--pin-stdin", "--at", "2026-11-27T12:00", *ANCHOR, stdin=DEMO_PIN + "\n"
    )
    expected = EXPECTED[scenario]
    assert payload["status"] == expected.value, payload
    assert code == expected.exit_code
    assert payload["simulated"] is False
    assert payload["reader"] == "Virtual PCD 00 00"
    if payload["status"] == "valid":
        assert payload["certificate"]["trust"] == "simulated"


def test_simulator_root_is_untrusted_through_pcscd_without_the_anchor(
    virtual_card: InsertCard,
) -> None:
    # A real card presenting the simulator's root: untrusted, and no PIN is sent.
    virtual = virtual_card("valid")
    code, payload, _ = mynacheck(
        "check", "--json", "--pin-stdin", "--at", "2026-11-27T12:00", stdin=DEMO_PIN + "\n"
    )
    assert code == Status.UNTRUSTED.exit_code and payload["status"] == "untrusted"
    assert payload["certificate"]["trust"] == "untrusted"
    assert "trust_simulator_root" in payload["details"]
    assert not any(c[1] == 0x20 and len(c) > 5 for c, _ in virtual.card.log)
    code, _, _ = mynacheck("check", "--no-pin", "--lang", "ja")
    assert code == Status.UNTRUSTED.exit_code


def test_pinless_check_uses_three_apdus_on_the_real_stack(virtual_card: InsertCard) -> None:
    virtual = virtual_card("valid")
    code, payload, _ = mynacheck("check", "--json", "--no-pin", "--at", "2026-11-27", *ANCHOR)
    assert code == 0 and payload["apdu_count"] == 3
    commands = [c for c, _ in virtual.card.log]
    assert len(commands) == 3


def test_card_is_unpowered_after_a_pin_session(virtual_card: InsertCard) -> None:
    virtual = virtual_card("valid")
    code, payload, _ = mynacheck("check", "--json", "--pin-stdin", *ANCHOR, stdin="1234\n")
    assert code == 0 and payload["pin"]["verified"]
    deadline = time.monotonic() + 3
    while virtual.card.powered and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not virtual.card.powered


def test_card_is_unpowered_after_a_failed_pin_session(virtual_card: InsertCard) -> None:
    virtual = virtual_card("key_mismatch")
    code, _, _ = mynacheck("check", "--json", "--pin-stdin", *ANCHOR, stdin="1234\n")
    assert code == Status.INVALID.exit_code
    deadline = time.monotonic() + 3
    while virtual.card.powered and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not virtual.card.powered


def test_wrong_pin_through_pcscd_costs_one_try(virtual_card: InsertCard) -> None:
    virtual_card("valid")
    code, payload, _ = mynacheck("check", "--json", "--pin-stdin", *ANCHOR, stdin="9999\n")
    assert code == 20 and payload["pin"]["tries_left"] == 2
    code, payload, _ = mynacheck("pin-status", "--json")
    assert payload["pins"][0]["tries_left"] == 2


def test_no_card_in_the_chosen_reader(virtual_card: InsertCard) -> None:
    virtual_card("valid", reader_index=0)
    code, payload, _ = mynacheck("check", "--json", "--no-pin", "--reader", "1")
    assert code == 31 and payload["status"] == "no_card"


def test_reader_by_name_substring(virtual_card: InsertCard) -> None:
    virtual_card("expired", reader_index=1)
    code, payload, _ = mynacheck("check", "--json", "--no-pin", "--reader", "pcd 00 01", *ANCHOR)
    assert code == 11 and payload["reader"] == "Virtual PCD 00 01"


def test_several_cards_without_reader_is_a_usage_error(virtual_card: InsertCard) -> None:
    virtual_card("valid", reader_index=0)
    virtual_card("valid", reader_index=1)
    code, _, err = mynacheck("check", "--no-pin", "--lang", "en")
    assert code == 2 and "Virtual PCD 00 00" in err and "Virtual PCD 00 01" in err


def test_readers_lists_both_with_card_state(virtual_card: InsertCard) -> None:
    virtual_card("not_mynumber_card", reader_index=1)
    code, payload, _ = mynacheck("readers", "--json")
    assert code == 0
    rows = {row["name"]: row for row in payload["readers"]}
    assert rows["Virtual PCD 00 00"]["card_present"] is False
    assert rows["Virtual PCD 00 01"]["my_number_card"] is False


def test_card_busy_names_the_likely_holder(virtual_card: InsertCard) -> None:
    virtual_card("valid")
    reader = next(r for r in list_readers() if r.name == "Virtual PCD 00 00")
    holder = PcscConnection.open(reader, exclusive=True)
    try:
        code, payload, _ = mynacheck("check", "--json", "--no-pin", "--lang", "ja")
        assert code == 35 and payload["status"] == "card_busy"
        code, _, _ = mynacheck("check", "--no-pin", "--lang", "ja")
    finally:
        holder.close()


def test_pcsc_service_missing(virtual_card: InsertCard) -> None:
    env = {"PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"}
    code, payload, _ = mynacheck("check", "--json", "--no-pin", env=env)
    assert code == 33 and payload["status"] == "pcsc_unavailable"
    code, payload, _ = mynacheck("check", "--no-pin", "--lang", "en", env=env)
    assert code == 33


def test_wait_for_a_card_inserted_later(virtual_card: InsertCard) -> None:
    timer = threading.Timer(1.0, lambda: virtual_card("valid"))
    timer.start()
    try:
        code, payload, _ = mynacheck(
            "check", "--json", "--no-pin", "--wait", "10", "--at", "2026-11-27", *ANCHOR
        )
    finally:
        timer.join()
    assert code == 0 and payload["status"] == "valid"


def test_wait_times_out_as_no_card(pcscd: None) -> None:
    started = time.monotonic()
    code, payload, _ = mynacheck("check", "--json", "--no-pin", "--wait", "1")
    assert code == 31 and payload["status"] == "no_card"
    assert time.monotonic() - started < 10


def test_ctrl_c_while_waiting_exits_1_without_traceback(pcscd: None) -> None:
    process = subprocess.Popen(
        [*MYNACHECK, "check", "--no-pin", "--wait", "30", "--lang", "en", "--verbose"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    said = ""
    while "waiting up to 30" not in said:  # the diagnostic log: it waits for the card now
        said = readline_within(process.stderr, 20)
        assert said, "the check ended before it waited"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 1
    assert "Traceback" not in err and "interrupted" in err


def test_contactless_pull_out_says_keep_the_card_still(virtual_card: InsertCard) -> None:
    from mynacheck.simcard.scenarios import make_card

    card = make_card("pulled_out")
    card.atr = bytes.fromhex("3B888001000000000000000009")
    virtual_card(card)
    result = subprocess.run(
        [*MYNACHECK, "check", "--no-pin", "--lang", "en"],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 34
    assert "keep the card still" in result.stdout
