"""mynacheck against the floor (a C program) and OpenSC, on one virtual card through pcscd.

    .venv/bin/python benchmarks/bench.py [--runs 9] [--scenario valid] [--latency-ms 0,20,44]

Needs pcscd with vsmartcard-vpcd's readers, gcc with libpcsclite-dev, and OpenSC's
``pkcs15-tool`` (``.ci/run`` installs all three; without pkcs15-tool the OpenSC
column is left out). It builds ``benchmarks/floor.c`` — the same connect, SELECT
of the JPKI AP, two extended READ BINARYs and unpower as ``mynacheck check
--no-pin``, and nothing else — and then, for each per-APDU latency, runs the
three in rounds on one virtual card, the order turning each round:

- mynacheck: ``check --no-pin --reader 0 --json --trust-anchor <simulator root>``;
- floor: ``floor 0``;
- OpenSC: ``pkcs15-tool --read-certificate 01`` (the JPKI auth certificate).

It prints APDUs, bytes moved, the median wall time, and where the time goes as
the card saw it (from the spawn to the power-on, to the first APDU, and from the
last answer to the exit), then mynacheck/floor and mynacheck/OpenSC as the median
of the rounds' ratios (paired runs: a busy moment slows both of a round). A
reader that takes only short APDUs is run too (mynacheck and OpenSC; the floor
sends extended ones). Last, ``python -X importtime``: which modules mynacheck
imports before the card is powered, and which while it answers.

APDUs are counted where the card sees them, so a program that uses the reader
without taking the readers' lock (``mynacheck readers`` probes every card with a
SELECT) would add its commands to the run's. A mynacheck run whose card saw other
APDUs than the check's own ``apdu_count`` is run again (tests/integration/test_bench_counts.py).

Each latency is added by the virtual card to every APDU, standing in for a
physical reader (0 = the software stack alone; 44 ms = what virtual-reader.md
reports for vpcd with a card that acknowledges late). Modules are byte-compiled
first (``compileall``), as an installed package has them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from _stack import READER, ROOT, SIMULATOR_ROOT, TimedCard, virtual_readers

from mynacheck.card.pcsc import wait_for_card, wait_for_removal
from mynacheck.simcard.scenarios import make_card

MYNACHECK = [
    *[sys.executable, "-m", "mynacheck.cli", "check", "--no-pin", "--reader", "0", "--json"],
    *["--trust-anchor", str(SIMULATOR_ROOT)],
]
OPENSC = ["pkcs15-tool", "--reader", "0", "--read-certificate", "01"]


@dataclass
class Run:
    seconds: float
    apdus: int
    bytes_moved: int
    ok: bool
    #: Seconds after the spawn, as the card saw them (NaN when it did not happen).
    power_on: float
    first_apdu: float
    #: Seconds from the last answer to the process's exit.
    tail: float
    #: CPU seconds the process used (user + system): steadier than wall time on a
    #: busy machine, and what the card's waiting can hide.
    cpu: float
    #: Seconds the card waited for its next command, over the session (host turnaround).
    turns: float
    #: The APDUs the tool says it sent (mynacheck's JSON ``apdu_count``), None when it
    #: does not say (OpenSC, the floor) or gave no JSON.
    claimed: int | None = None

    @property
    def disturbed(self) -> bool:
        """The card saw commands the tool did not send: another program (one that does
        not take the readers' lock, such as ``mynacheck readers`` probing every card)
        used the card during the run, and its APDUs would be counted as the tool's."""
        return self.claimed is not None and self.claimed != self.apdus


def measure(card: TimedCard, command: list[str]) -> Run:
    before_log, before_timeline = len(card.card.log), len(card.timeline)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    ended = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    exchanges = card.card.log[before_log:]
    timeline = card.timeline[before_timeline:]

    def first(kind: str) -> float:  # pcscd powers a card it sees arrive: only ours count
        return next((t - started for k, t in timeline if k == kind and t >= started), math.nan)

    answers = [t for k, t in timeline if k == "answered"]
    # The host's turn between an answer and the next command (what the card waits).
    pairs = itertools.pairwise(timeline)
    turns = [t - last for (was, last), (kind, t) in pairs if (was, kind) == ("answered", "apdu")]
    return Run(
        seconds=ended - started,
        apdus=sum(1 for k, _ in timeline if k == "apdu"),
        bytes_moved=sum(len(c) + len(r) for c, r in exchanges),
        ok=result.returncode == 0,
        power_on=first("power_on"),
        first_apdu=first("apdu"),
        tail=ended - answers[-1] if answers else math.nan,
        cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        turns=sum(turns),
        claimed=_claimed(command, result.stdout),
    )


def _claimed(command: list[str], stdout: bytes) -> int | None:
    """mynacheck's own count of the APDUs it sent; 0 when it gave up without JSON."""
    if command != MYNACHECK:
        return None
    try:
        count = json.loads(stdout).get("apdu_count")
    except (ValueError, AttributeError):
        return 0
    return count if isinstance(count, int) else 0


#: A run another program disturbed is run again, at most this many times.
RETRIES = 3


def measure_undisturbed(card: TimedCard, command: list[str]) -> Run:
    """:func:`measure`, again while another program's APDUs reached the card
    (:attr:`Run.disturbed`): the counts are the tool's own or the run says it was not."""
    run = measure(card, command)
    for _ in range(RETRIES):
        if not run.disturbed:
            break
        print(
            f"  (a run saw {run.apdus} APDUs, the tool sent {run.claimed}: another "
            "program used the card; run again)",
            file=sys.stderr,
        )
        run = measure(card, command)
    return run


def rounds(
    scenario: str, runs: int, latency: float, tools: dict[str, list[str]], short_only: bool
) -> dict[str, list[Run]]:
    """``runs`` rounds, each tool once per round, the order turning by one each round."""
    card = make_card(scenario)
    if short_only:
        card.quirks = replace(card.quirks, extended_apdu="wrong_length")
    wait_for_removal(READER, 5)
    virtual = TimedCard(card, port=35963, latency=latency).insert()
    try:
        wait_for_card(READER, 5)
        names = list(tools)
        measure(virtual, tools[names[0]])  # warm the file cache; not counted
        results: dict[str, list[Run]] = {name: [] for name in names}
        for index in range(runs):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                results[name].append(measure_undisturbed(virtual, tools[name]))
        return results
    finally:
        virtual.remove()
        wait_for_removal(READER, 5)


def build_floor(folder: Path) -> Path:
    """Compile benchmarks/floor.c against libpcsclite."""
    source = ROOT / "benchmarks" / "floor.c"
    try:
        flags = subprocess.run(
            ["pkg-config", "--cflags", "--libs", "libpcsclite"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        flags = ["-I/usr/include/PCSC", "-lpcsclite"]
    binary = folder / "floor"
    subprocess.run(["gcc", "-O2", "-o", str(binary), str(source), *flags], check=True)
    return binary


def _median_ms(values: list[float]) -> float:
    """Milliseconds; runs where it did not happen (NaN) left out."""
    seen = [v for v in values if not math.isnan(v)]
    return statistics.median(seen) * 1000 if seen else math.nan


def paired_ratio(results: dict[str, list[Run]], numerator: str, denominator: str) -> float:
    return statistics.median(
        a.seconds / b.seconds for a, b in zip(results[numerator], results[denominator], strict=True)
    )


def report(scenario: str, runs: int, latency: float, floor: Path, opensc: bool) -> None:
    ee = (ROOT / "src/mynacheck/simcard/data/ee-valid.der").stat().st_size
    ca = (ROOT / "src/mynacheck/simcard/data/simulator-root.der").stat().st_size
    print(f"\n== {scenario!r}, {runs} rounds, order turning; {latency * 1000:g} ms per APDU")
    print(f"certificate {ee} B, CA {ca} B; times in ms after the spawn, as the card saw them;")
    print("turns: the card waiting for the host between an answer and the next command")
    # The interpreter matters (README "The benchmark"): say which one ran mynacheck.
    print(f"mynacheck on Python {sys.version.split()[0]} ({sys.executable})\n")
    header = (
        f"{'reader':11} {'tool':10} {'APDUs':>5} {'bytes':>6} {'median s':>9} {'ok':>5}"
        f" {'power-on':>9} {'1st APDU':>9} {'turns':>6} {'last->exit':>10} {'CPU ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for short_only in (False, True):
        kind = "short only" if short_only else "extended"
        tools = {"mynacheck": MYNACHECK}
        if not short_only:
            tools["floor"] = [str(floor), "0"]
        if opensc:
            tools["opensc"] = OPENSC
        results = rounds(scenario, runs, latency, tools, short_only)
        for tool, tool_runs in results.items():
            median = statistics.median(r.seconds for r in tool_runs)
            apdus = max(r.apdus for r in tool_runs)
            if any(r.disturbed for r in tool_runs):
                print(f"{kind:11} {tool:10} another program used the card: counts not the tool's")
            moved = max(r.bytes_moved for r in tool_runs)
            ok = f"{sum(r.ok for r in tool_runs)}/{len(tool_runs)}"
            on, first, turns, tail, cpu = (
                _median_ms([getattr(r, field) for r in tool_runs])
                for field in ("power_on", "first_apdu", "turns", "tail", "cpu")
            )
            print(
                f"{kind:11} {tool:10} {apdus:>5} {moved:>6} {median:>9.3f} {ok:>5}"
                f" {on:>9.1f} {first:>9.1f} {turns:>6.1f} {tail:>10.1f} {cpu:>7.1f}"
            )
        budget = 3 if not short_only else 2 + math.ceil(ee / 256) + math.ceil(ca / 256)
        apdus = max(r.apdus for r in results["mynacheck"])
        ratios = []
        if "floor" in results:
            ratios.append(f"mynacheck/floor {paired_ratio(results, 'mynacheck', 'floor'):.3f}x")
        if "opensc" in results:
            ratios.append(f"mynacheck/OpenSC {paired_ratio(results, 'mynacheck', 'opensc'):.3f}x")
        print(
            f"{kind:11} ratios     {', '.join(ratios)} (median of paired runs);"
            f" mynacheck APDUs {apdus} (budget {budget})\n"
        )


def importtime(scenario: str, latency: float, floor: Path) -> None:
    """``-X importtime`` of one check, each line stamped when it came: which imports
    finish before the card is powered, before the first APDU, and after it."""
    wait_for_removal(READER, 5)
    virtual = TimedCard(make_card(scenario), port=35963, latency=latency).insert()
    stamped: list[tuple[float, int, str]] = []
    try:
        wait_for_card(READER, 5)
        # pcscd powers a card it sees arrive; the floor leaves it unpowered, as it is
        # when a check starts on a card that has been in the reader for a while.
        subprocess.run([str(floor), "0"], capture_output=True, check=True)
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-X", "importtime", *MYNACHECK[1:]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

        def read() -> None:
            assert child.stderr is not None
            for line in child.stderr:
                parts = line.split("|")
                if len(parts) == 3 and parts[0].startswith("import time:"):
                    try:
                        self_us = int(parts[0].split(":")[1])
                    except ValueError:
                        continue  # the header line
                    stamped.append((time.perf_counter(), self_us, parts[2].rstrip()))

        reader = threading.Thread(target=read)
        reader.start()
        child.wait(60)
        reader.join()
        # The first moment of each kind after the spawn, and the last answer.
        seen = [(k, t) for k, t in virtual.timeline if t >= started]
        timeline = dict(reversed(seen))
        last_answer = max((t for k, t in seen if k == "answered"), default=math.inf)
    finally:
        virtual.remove()
        wait_for_removal(READER, 5)
    power_on = timeline.get("power_on", math.inf)
    first_apdu = timeline.get("apdu", math.inf)
    print(
        f"\n== python -X importtime, one mynacheck check ({latency * 1000:g} ms per APDU; "
        "importtime slows every import, so only the order and the self times count)"
    )
    print(
        f"power-on {(power_on - started) * 1000:.0f} ms, first APDU "
        f"{(first_apdu - started) * 1000:.0f} ms, last answer "
        f"{(last_answer - started) * 1000:.0f} ms after the spawn"
    )
    phases = (
        ("before the power-on", -math.inf, power_on),
        ("power-on to the first APDU", power_on, first_apdu),
        ("the first APDU to the last answer (the card answering)", first_apdu, last_answer),
        ("after the last answer", last_answer, math.inf),
    )
    for title, start, end in phases:
        rows = [(us, name) for t, us, name in stamped if start <= t < end]
        total = sum(us for us, _ in rows) / 1000
        print(f"  {title}: {len(rows)} modules, {total:.1f} ms self time")
        top = sorted(rows, reverse=True)[:8]
        print("    " + ", ".join(f"{name.strip()} {us / 1000:.1f}" for us, name in top))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--scenario", default="valid")
    parser.add_argument("--latency-ms", default="0,20,44", help="per-APDU latencies to run")
    args = parser.parse_args()
    opensc = shutil.which("pkcs15-tool") is not None
    if not opensc:
        print("pkcs15-tool (OpenSC) not found: no OpenSC column", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    latencies = [float(x) / 1000 for x in args.latency_ms.split(",")]
    with tempfile.TemporaryDirectory() as folder, virtual_readers():
        floor = build_floor(Path(folder))
        for latency in latencies:
            report(args.scenario, args.runs, latency, floor, opensc)
        importtime(args.scenario, latencies[-1], floor)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
