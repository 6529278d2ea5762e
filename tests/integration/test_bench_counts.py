"""benchmarks/bench.py counts the APDUs of the tool it measures, and nothing else.

The card side sees every command that reaches the reader, from any program. A
program that does not take the readers' lock (``mynacheck readers`` probes every
card with one SELECT) once made a 44 ms run of the short-APDU scenario count 12
APDUs where mynacheck sent 11. These tests run the benchmark's own measurement
through pyscard → pcscd → vpcd with the timing forced: the exact commands of a
clean run, and a run with a neighbour's SELECT landing inside it.
"""

from __future__ import annotations

import math
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mynacheck.card.apdu import ApduProtocol
from mynacheck.card.jpki import JpkiSession
from mynacheck.card.pcsc import PcscConnection, list_readers
from mynacheck.simcard.scenarios import make_card

from .conftest import insert_and_wait, remove_and_wait

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "mynacheck" / "simcard" / "data"
LATENCY = 0.044  # the benchmark's per-APDU latency where the extra APDU was seen

SELECT_JPKI_AP = bytes.fromhex("00A4040C0AD392F000260100000001")


@pytest.fixture
def bench(pcscd: None) -> Iterator[Any]:
    """benchmarks/bench.py as a module (it is a script, not part of the package)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench as module

        yield module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def _short_reads(sfi: int, length: int) -> list[bytes]:
    """READ BINARY by SFI (Le 256), then by offset, 256 bytes at a time."""
    reads = [bytes([0x00, 0xB0, 0x80 | sfi, 0x00, 0x00])]
    for offset in range(256, length, 256):
        le = min(length - offset, 256) % 256
        reads.append(bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, le]))
    return reads


def _short_only_card() -> Any:
    card = make_card("valid")
    card.quirks = replace(card.quirks, extended_apdu="wrong_length")
    return card


def test_a_short_only_run_counts_exactly_the_checks_commands(bench: Any) -> None:
    certificate = (DATA / "ee-valid.der").stat().st_size
    ca = (DATA / "simulator-root.der").stat().st_size
    expected = [
        SELECT_JPKI_AP,
        bytes.fromhex("00B08A00000000"),  # extended: 6700, the reader takes short APDUs only
        *_short_reads(0x0A, certificate),
        *_short_reads(0x0B, ca),
    ]
    assert len(expected) == 2 + math.ceil(certificate / 256) + math.ceil(ca / 256) == 11
    card = _short_only_card()
    virtual = insert_and_wait(bench.TimedCard(card, port=35963, latency=LATENCY), 0)
    try:
        run = bench.measure(virtual, bench.MYNACHECK)
    finally:
        remove_and_wait(virtual, 0)
    assert run.ok
    assert [command for command, _ in card.log] == expected
    assert run.apdus == 11
    assert run.claimed == 11 and not run.disturbed  # mynacheck's own count agrees


def test_a_neighbours_apdu_is_not_counted_as_the_tools(
    bench: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program SELECTs the JPKI AP (as ``mynacheck readers`` does) just as a
    counted run starts: the benchmark must not report its APDU as mynacheck's."""
    real_run = subprocess.run
    calls: list[list[str]] = []
    neighbour: list[threading.Thread] = []
    answered: list[int] = []

    def probe(connection: PcscConnection) -> None:
        try:
            JpkiSession(ApduProtocol(connection)).select_application()
            answered.append(connection.apdu_count)
        finally:
            connection.close()

    def run_with_a_neighbour(command: list[str], **options: Any) -> Any:
        calls.append(command)
        if command == bench.MYNACHECK and len(calls) == 2:  # the first counted run
            reader = next(r for r in list_readers() if r.name == bench.READER)
            connection = PcscConnection.open(reader, exclusive=False)  # before the spawn
            neighbour.append(threading.Thread(target=probe, args=(connection,)))
            neighbour[0].start()
        return real_run(command, **options)

    monkeypatch.setattr(bench.subprocess, "run", run_with_a_neighbour)
    results = bench.rounds("valid", 1, LATENCY, {"mynacheck": bench.MYNACHECK}, short_only=True)
    neighbour[0].join(10)
    assert answered == [1], "the neighbour's SELECT did not reach the card"
    (counted,) = results["mynacheck"]
    assert (counted.ok, counted.apdus) == (True, 11)
    assert counted.claimed == 11 and not counted.disturbed
    assert len(calls) >= 3, "the disturbed run was not run again"
