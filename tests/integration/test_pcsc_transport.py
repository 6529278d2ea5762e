"""PcscConnection and the reader functions against the real pcscd, with vpcd cards.

Needs pcscd + vsmartcard-vpcd (see conftest.py); every card here is simulated.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from mynacheck.card import is_contactless
from mynacheck.card.apdu import ApduProtocol
from mynacheck.card.jpki import JpkiSession
from mynacheck.card.pcsc import (
    PcscConnection,
    ReaderInfo,
    choose_reader,
    list_readers,
    wait_for_card,
    wait_for_removal,
)
from mynacheck.errors import (
    CardBusyError,
    CardError,
    InputError,
    NoCardError,
    NoReaderError,
)
from mynacheck.status import Detail

from .conftest import VPCD_READERS, InsertCard, insert_and_wait, reader_name, remove_and_wait

JPKI_AID = bytes.fromhex("D392F000260100000001")
SELECT_JPKI = bytes.fromhex("00A4040C0A") + JPKI_AID
SW_OK = 0x9000


class EchoCard:
    """A stand-in card: SELECT answers 9000, READ BINARY answers Le bytes of a
    counting pattern (extended Le too), ``80 E0`` echoes its command data."""

    atr = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")

    def __init__(self) -> None:
        self.powered_on = 0

    def power_on(self) -> None:
        self.powered_on += 1

    def power_off(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def process(self, apdu: bytes) -> bytes:
        ins = apdu[1]
        if ins == 0xA4:
            return b"\x90\x00"
        if ins == 0xB0:
            extended = len(apdu) == 7 and apdu[4] == 0
            le = (int.from_bytes(apdu[5:7], "big") or 65536) if extended else (apdu[4] or 256)
            le = min(le, 65535 - 2)
            return bytes(i & 0xFF for i in range(le)) + b"\x90\x00"
        if ins == 0xE0:
            if apdu[4] == 0:  # extended Lc
                size = int.from_bytes(apdu[5:7], "big")
                return apdu[7 : 7 + size] + b"\x90\x00"
            return apdu[5 : 5 + apdu[4]] + b"\x90\x00"
        return b"\x6d\x00"


@pytest.fixture
def connection(virtual_card: InsertCard) -> Iterator[PcscConnection]:
    virtual_card("valid")
    reader = choose_reader("0", list_readers())
    conn = PcscConnection.open(reader, exclusive=False)
    yield conn
    conn.close()


# -- no pcscd needed ----------------------------------------------------------------


def _reader(index: int, name: str, present: bool) -> ReaderInfo:
    return ReaderInfo(index, name, present, b"\x3b\x00" if present else None)


def test_choose_reader_rules() -> None:
    readers = [
        _reader(0, "Sony FeliCa Port/PaSoRi 4.0 0", False),
        _reader(1, "SCM Microsystems SCR 3310 01 00", True),
    ]
    assert choose_reader(None, readers).index == 1
    assert choose_reader("1", readers).index == 1
    assert choose_reader("scr 3310", readers).index == 1
    with pytest.raises(NoCardError):
        choose_reader("pasori", readers)
    with pytest.raises(NoCardError):
        choose_reader("0", readers)
    with pytest.raises(InputError) as no_such:
        choose_reader("7", readers)
    assert no_such.value.key == "no_such_reader"
    assert no_such.value.info["readers"] == [r.name for r in readers]
    with pytest.raises(NoReaderError):
        choose_reader(None, [])
    both = [_reader(0, "A", True), _reader(1, "B", True)]
    with pytest.raises(InputError) as several:
        choose_reader(None, both)
    assert several.value.key == "several_cards"
    assert several.value.info["readers"] == ["A", "B"]


def test_contactless_heuristic() -> None:
    assert is_contactless("Generic Reader 00 00", bytes.fromhex("3B888001000000000000000009"))
    assert is_contactless("Sony FeliCa Port/PaSoRi 4.0 0", None)
    assert is_contactless("Identiv uTrust 3700 F Contactless Reader", None)
    assert not is_contactless("SCR 3310", bytes.fromhex("3BE000FF8131FE4514"))


def test_import_does_not_load_pyscard() -> None:
    code = (
        "import sys, mynacheck.card.pcsc;"
        "sys.exit(1 if any(m.startswith('smartcard') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pcsc-lite socket override")
def test_no_daemon_is_pcsc_unavailable() -> None:
    # pcsc-lite's client library takes the daemon's socket from this variable.
    code = (
        "from mynacheck.card.pcsc import list_readers\n"
        "from mynacheck.errors import PcscUnavailableError\n"
        "try:\n    list_readers()\nexcept PcscUnavailableError as e:\n"
        "    print(e.info['pcsc_error'], 'hint' in e.info)\n"
    )
    env = dict(os.environ, PCSCLITE_CSOCK_NAME="/nonexistent/pcscd.comm")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert out.stdout.split() == ["SCARD_E_NO_SERVICE", "True"], out.stderr


# -- readers ------------------------------------------------------------------------


def test_list_readers_sees_both_vpcd_readers_empty(pcscd: None) -> None:
    readers = {r.name: r for r in list_readers()}
    for name in VPCD_READERS:
        assert name in readers
        assert not readers[name].card_present
        assert readers[name].atr is None
    with pytest.raises(NoCardError):
        choose_reader("Virtual PCD 00 00", list(readers.values()))


def test_card_present_state_and_choice(virtual_card: InsertCard) -> None:
    inserted = virtual_card(EchoCard(), reader_index=1)
    readers = {r.name: r for r in list_readers()}
    second = readers["Virtual PCD 00 01"]
    assert second.card_present
    assert second.atr == EchoCard.atr
    assert second.contactless  # the ATR is the PC/SC part 3 contactless form
    assert not readers["Virtual PCD 00 00"].card_present
    assert choose_reader(None, list(readers.values())).name == "Virtual PCD 00 01"
    assert choose_reader("pcd 00 01", list(readers.values())).name == "Virtual PCD 00 01"
    with pytest.raises(InputError):
        choose_reader("no such reader", list(readers.values()))

    virtual_card(EchoCard(), reader_index=0)
    with pytest.raises(InputError) as several:
        choose_reader(None, list_readers())
    assert several.value.key == "several_cards"
    assert inserted.apdu_count == 0  # listing never talks to the card


# -- connection ---------------------------------------------------------------------


def test_open_and_select(connection: PcscConnection) -> None:
    assert connection.reader == "Virtual PCD 00 00"
    assert connection.simulated is False
    assert connection.atr == bytes.fromhex("3BE000FF8131FE4514")
    assert not connection.contactless
    data, sw = connection.send_and_receive(SELECT_JPKI)
    assert (data, sw) == (b"", SW_OK)
    data, sw = connection.send_and_receive(bytes.fromhex("00A4040C0AD392F0002601000000FF"))
    assert sw == 0x6A82
    assert connection.apdu_count == 2


def test_jpki_session_reads_auth_certificate(virtual_card: InsertCard) -> None:
    inserted = virtual_card("valid")
    with PcscConnection.open(choose_reader("0", list_readers()), exclusive=True) as conn:
        session = JpkiSession(ApduProtocol(conn))
        session.select_application()
        read = session.read_auth_certificate()
    assert read.der is not None and read.der[0] == 0x30
    assert conn.apdu_count == inserted.apdu_count == 2  # SELECT + one extended READ


def test_round_trip_is_fast(virtual_card: InsertCard) -> None:
    """The bridge must not add Nagle/delayed-ACK stalls (44 ms an APDU before)."""
    virtual_card(EchoCard())
    with PcscConnection.open(choose_reader("0", list_readers()), exclusive=False) as conn:
        started = time.perf_counter()
        for _ in range(20):
            conn.send_and_receive(SELECT_JPKI)
        assert (time.perf_counter() - started) / 20 < 0.02


def test_extended_apdus_pass(virtual_card: InsertCard) -> None:
    virtual_card(EchoCard())
    with PcscConnection.open(choose_reader("0", list_readers()), exclusive=False) as conn:
        data, sw = conn.send_and_receive(bytes.fromhex("00B00000001000"))  # Le = 4096
        assert sw == SW_OK and len(data) == 4096 and data[:3] == b"\x00\x01\x02"
        data, sw = conn.send_and_receive(bytes.fromhex("00B00000000000"))  # Le = 65536
        assert sw == SW_OK and len(data) == 65533
        payload = bytes(range(256)) * 8
        command = bytes.fromhex("80E0000000") + len(payload).to_bytes(2, "big") + payload
        data, sw = conn.send_and_receive(command)
        assert (data, sw) == (payload, SW_OK)


def test_removal_between_commands_is_card_removed(virtual_card: InsertCard) -> None:
    inserted = virtual_card(EchoCard())
    conn = PcscConnection.open(choose_reader("0", list_readers()), exclusive=False)
    try:
        assert conn.send_and_receive(SELECT_JPKI)[1] == SW_OK
        remove_and_wait(inserted, 0)
        with pytest.raises(CardError) as removed:
            conn.send_and_receive(SELECT_JPKI)
        assert removed.value.details == (Detail.CARD_REMOVED,)
        assert removed.value.info["pcsc_error"] == "SCARD_W_REMOVED_CARD"
        with pytest.raises(CardError):
            conn.reset()
    finally:
        conn.close()


def test_removal_during_command(virtual_card: InsertCard) -> None:
    """Scenario ``pulled_out``: the card leaves as the 2nd READ BINARY is sent."""
    inserted = virtual_card("pulled_out")
    conn = PcscConnection.open(choose_reader("0", list_readers()), exclusive=False)
    try:
        conn.send_and_receive(SELECT_JPKI)
        assert conn.send_and_receive(bytes.fromhex("00B08A0004"))[1] == SW_OK
        # vpcd passes the dropped line up as an empty "successful" transfer;
        # a real reader says NOT_TRANSACTED. Either way: a communication error.
        with pytest.raises(CardError):
            conn.send_and_receive(bytes.fromhex("00B08A0004"))
        assert inserted.finished.wait(2) and inserted.end_reason == "removed"
        wait_for_removal(conn.reader, 5)
        with pytest.raises(CardError) as removed:
            conn.send_and_receive(SELECT_JPKI)
        assert removed.value.details == (Detail.CARD_REMOVED,)
    finally:
        conn.close()


def test_exclusive_open_twice_is_busy(virtual_card: InsertCard) -> None:
    virtual_card(EchoCard())
    reader = choose_reader("0", list_readers())
    with PcscConnection.open(reader, exclusive=True):
        with pytest.raises(CardBusyError) as busy:
            PcscConnection.open(reader, exclusive=True)
        assert busy.value.info["pcsc_error"] == "SCARD_E_SHARING_VIOLATION"
        with pytest.raises(CardBusyError):
            PcscConnection.open(reader, exclusive=False)
    # released on close: open again
    with PcscConnection.open(reader, exclusive=True) as again:
        assert again.send_and_receive(SELECT_JPKI)[1] == SW_OK


def test_open_empty_reader_is_no_card(pcscd: None) -> None:
    empty = ReaderInfo(0, reader_name(0), False, None)
    with pytest.raises(NoCardError) as no_card:
        PcscConnection.open(empty, exclusive=False)
    assert no_card.value.info["pcsc_error"] in ("SCARD_E_NO_SMARTCARD", "SCARD_W_REMOVED_CARD")


def test_close_is_idempotent_and_unpowers(virtual_card: InsertCard) -> None:
    inserted = virtual_card(EchoCard())
    conn = PcscConnection.open(choose_reader("0", list_readers()), exclusive=False)
    conn.send_and_receive(SELECT_JPKI)
    before = len(inserted.events)
    conn.close()
    conn.close()
    deadline = time.monotonic() + 2
    while "power_off" not in inserted.events[before:] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "power_off" in inserted.events[before:]
    with pytest.raises(RuntimeError):
        conn.send_and_receive(SELECT_JPKI)


def test_reset_is_a_cold_reset(virtual_card: InsertCard) -> None:
    inserted = virtual_card(EchoCard())
    with PcscConnection.open(choose_reader("0", list_readers()), exclusive=False) as conn:
        before = len(inserted.events)
        conn.reset()
        events = [e for e in inserted.events[before:] if e != "atr"]
        assert events == ["power_off", "power_on"]
        assert conn.send_and_receive(SELECT_JPKI)[1] == SW_OK


def test_reset_by_another_program_makes_the_session_reselect(virtual_card: InsertCard) -> None:
    """SCARD_W_RESET_CARD: acknowledged with a reconnect, reported as unresponsive."""
    virtual_card(EchoCard())
    reader = choose_reader("0", list_readers())
    with (
        PcscConnection.open(reader, exclusive=False) as ours,
        PcscConnection.open(reader, exclusive=False) as other,
    ):
        assert ours.send_and_receive(SELECT_JPKI)[1] == SW_OK
        other.reset()
        with pytest.raises(CardError) as was_reset:
            ours.send_and_receive(SELECT_JPKI)
        assert was_reset.value.details == (Detail.CARD_UNRESPONSIVE,)
        assert was_reset.value.info["pcsc_error"] == "SCARD_W_RESET_CARD"
        assert ours.send_and_receive(SELECT_JPKI)[1] == SW_OK


def test_card_reset_by_reader_fails_the_transfer(virtual_card: InsertCard) -> None:
    """``short_apdu_reset`` through vpcd: NOT_TRANSACTED, then a cold reset works."""
    inserted = virtual_card("short_apdu_reset")
    with PcscConnection.open(choose_reader("0", list_readers()), exclusive=True) as conn:
        assert conn.send_and_receive(SELECT_JPKI)[1] == SW_OK
        with pytest.raises(CardError) as failed:
            conn.send_and_receive(bytes.fromhex("00B08A00000000"))
        assert failed.value.details == (Detail.CARD_UNRESPONSIVE,)
        assert failed.value.info["pcsc_error"] == "SCARD_E_NOT_TRANSACTED"
        conn.reset()
        assert conn.send_and_receive(SELECT_JPKI)[1] == SW_OK
        data, sw = conn.send_and_receive(bytes.fromhex("00B08A0004"))
        assert sw == SW_OK and data[:2] == b"\x30\x82"
    assert inserted.events.count("reset_by_reader") == 1


def test_reset_after_a_reader_reset_does_not_depend_on_the_card_side(
    virtual_card: InsertCard,
) -> None:
    """The card side takes its new vpcd line 0.3 s late: the host's cold reset still
    finds the card, because that line was queued at vpcd before the transfer failed.
    (Dialled only after the failure, it lost the race to pcscd's presence check about
    one time in thirty: SCARD_E_NO_SMARTCARD, and the check said card_error.)"""
    inserted = virtual_card("short_apdu_reset", relink_delay=0.3)
    with PcscConnection.open(choose_reader("0", list_readers()), exclusive=True) as conn:
        assert conn.send_and_receive(SELECT_JPKI)[1] == SW_OK
        with pytest.raises(CardError):
            conn.send_and_receive(bytes.fromhex("00B08A00000000"))
        conn.reset()
        assert conn.send_and_receive(SELECT_JPKI)[1] == SW_OK
    assert inserted.events.count("reset_by_reader") == 1


def test_reader_resetting_card_on_extended_apdu(virtual_card: InsertCard) -> None:
    """Scenario ``short_apdu_reset``: the JPKI session falls back to short reads."""
    inserted = virtual_card("short_apdu_reset")
    with PcscConnection.open(choose_reader("0", list_readers()), exclusive=True) as conn:
        protocol = ApduProtocol(conn)
        session = JpkiSession(protocol)
        session.select_application()
        read = session.read_auth_certificate()
    assert read.der is not None
    assert protocol.extended_supported is False
    assert "reset_by_reader" in inserted.events


# -- waiting ------------------------------------------------------------------------


def test_wait_for_card_times_out(pcscd: None) -> None:
    started = time.monotonic()
    with pytest.raises(NoCardError):
        wait_for_card(None, 0.8)
    assert 0.7 < time.monotonic() - started < 2.0


def test_wait_for_card_sees_insertion(pcscd: None) -> None:
    from mynacheck.simcard.vpcd import VirtualCard

    virtual = VirtualCard(EchoCard(), reader_index=1)
    timer = threading.Timer(0.5, virtual.insert)
    timer.start()
    try:
        started = time.monotonic()
        reader = wait_for_card(None, 10)
        assert reader.name == "Virtual PCD 00 01"
        assert reader.atr == EchoCard.atr
        assert time.monotonic() - started < 3
    finally:
        timer.join()
        remove_and_wait(virtual, 1)


def test_wait_for_card_with_unknown_selector(pcscd: None) -> None:
    with pytest.raises(InputError) as no_such:
        wait_for_card("no such reader", 0.3)
    assert no_such.value.key == "no_such_reader"


def test_open_card_with_a_typo_and_an_endless_wait_says_so_at_once(pcscd: None) -> None:
    """Readers are there and none matches: a usage error now, not a silent wait."""
    import math

    import mynacheck

    started = time.monotonic()
    with pytest.raises(InputError) as no_such, mynacheck.open_card("PaSoRi TYPO", wait=math.inf):
        pass
    assert time.monotonic() - started < 5  # one listing, not a wait
    assert no_such.value.key == "no_such_reader"
    assert no_such.value.info["readers"] == [r.name for r in list_readers()]


def test_a_counter_loop_on_a_reader_name_matching_nothing_is_a_usage_error(pcscd: None) -> None:
    import threading

    import mynacheck

    with pytest.raises(InputError) as caught:
        mynacheck.CounterLoop("NTT").run(lambda e: None, threading.Event())
    assert caught.value.key == "no_such_reader"
    assert caught.value.info["readers"] == [r.name for r in list_readers()]


class _Interrupt(Exception):
    pass


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs POSIX signals")
def test_wait_for_card_is_interruptible(pcscd: None) -> None:
    """A signal handler's exception (as Ctrl-C's KeyboardInterrupt) gets through."""

    def handler(signum: int, frame: object) -> None:
        raise _Interrupt

    previous = signal.signal(signal.SIGUSR1, handler)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGUSR1))
    try:
        started = time.monotonic()
        timer.start()
        with pytest.raises(_Interrupt):
            wait_for_card(None, 30)
        assert time.monotonic() - started < 1.5
    finally:
        timer.cancel()
        signal.signal(signal.SIGUSR1, previous)


def test_wait_for_removal(virtual_card: InsertCard) -> None:
    inserted = virtual_card(EchoCard())
    with pytest.raises(TimeoutError):
        wait_for_removal(reader_name(0), 0.3)
    timer = threading.Timer(0.3, inserted.remove)
    timer.start()
    started = time.monotonic()
    wait_for_removal(reader_name(0), 5)
    assert time.monotonic() - started < 3
    timer.join()
    insert_and_wait(inserted, 0)  # back in, for the fixture to remove


def test_connect_right_after_the_card_is_pulled_is_no_card(virtual_card: InsertCard) -> None:
    """pcscd still says "present" until its next poll (400 ms); the connect fails
    with SCARD_W_UNPOWERED_CARD, and a second look at the reader says no_card."""
    inserted = virtual_card(EchoCard())
    reader = choose_reader("0", list_readers())
    PcscConnection.open(reader, exclusive=False).close()  # leaves the card unpowered
    inserted.remove()
    started = time.monotonic()
    with pytest.raises(NoCardError) as caught:
        PcscConnection.open(reader, exclusive=True)
    assert time.monotonic() - started < 1.0
    assert caught.value.info["pcsc_error"] in (
        "SCARD_W_UNPOWERED_CARD",  # before pcscd's poll: the case this is about
        "SCARD_E_NO_SMARTCARD",  # the poll came first
    )
