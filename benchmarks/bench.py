"""mynacheck against OpenSC on the same virtual card, through the real pcscd.

    .venv/bin/python benchmarks/bench.py [--runs 7] [--scenario valid] [--latency-ms 0,20,44]

Needs pcscd with vsmartcard-vpcd's readers and OpenSC's ``pkcs15-tool``
(``.ci/run`` installs both). For each reader kind (extended-length APDUs
allowed, and short APDUs only) it alternates mynacheck (``check --no-pin``) and
OpenSC (``pkcs15-tool --read-certificate 01``, the JPKI auth certificate) on
one virtual card and prints APDUs sent, bytes moved, median wall time and the
ratio mynacheck/OpenSC; then mynacheck's own time split, measured in-process.

Each latency is added by the virtual card to every APDU, standing in for a
physical reader (0 = the software stack alone; 44 ms = what virtual-reader.md
reports for vpcd with a card that acknowledges late). Byte-compiled modules
are made first (``compileall``), as an installed package has them.
"""

from __future__ import annotations

import argparse
import fcntl
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mynacheck.simcard.scenarios import make_card  # noqa: E402
from mynacheck.simcard.vpcd import VirtualCard  # noqa: E402
from mynacheck.card.pcsc import wait_for_card, wait_for_removal  # noqa: E402

READER = "Virtual PCD 00 00"
# Through pcscd the simulated card is a real card: trust its root explicitly (README).
SIMULATOR_ROOT = ROOT / "src" / "mynacheck" / "simcard" / "data" / "simulator-root.pem"
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


def measure(virtual: VirtualCard, command: list[str]) -> Run:
    before_apdus = len(virtual.apdus)
    before_log = len(virtual.card.log)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    seconds = time.perf_counter() - started
    exchanges = virtual.card.log[before_log:]
    moved = sum(len(command) + len(response) for command, response in exchanges)
    return Run(seconds, len(virtual.apdus) - before_apdus, moved, result.returncode == 0)


def bench(scenario: str, runs: int, latency: float, short_only: bool) -> dict[str, list[Run]]:
    card = make_card(scenario)
    if short_only:
        card.quirks = replace(card.quirks, extended_apdu="wrong_length")
    wait_for_removal(READER, 5)
    virtual = VirtualCard(card, port=35963, latency=latency).insert()
    try:
        wait_for_card(READER, 5)
        results: dict[str, list[Run]] = {"mynacheck": [], "opensc": []}
        for index in range(runs * 2):
            tool = "mynacheck" if index % 2 == 0 else "opensc"
            results[tool].append(measure(virtual, MYNACHECK if tool == "mynacheck" else OPENSC))
        return results
    finally:
        virtual.remove()
        wait_for_removal(READER, 5)


def time_split(scenario: str, latency: float) -> dict[str, float]:
    """mynacheck's phases: imports (fresh interpreter), connect, card I/O, evaluation."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import mynacheck.cli"], check=True)
    interpreter_and_imports = time.perf_counter() - started

    from datetime import datetime, timezone

    from mynacheck.card.apdu import ApduProtocol
    from mynacheck.evaluate import evaluate
    from mynacheck.card.jpki import JpkiSession
    from mynacheck.card import pcsc

    wait_for_removal(READER, 5)
    virtual = VirtualCard(make_card(scenario), port=35963, latency=latency).insert()
    try:
        wait_for_card(READER, 5)
        t0 = time.perf_counter()
        reader = pcsc.choose_reader("0", pcsc.list_readers())
        connection = pcsc.PcscConnection.open(reader, exclusive=True)
        t1 = time.perf_counter()
        session = JpkiSession(ApduProtocol(connection))
        session.select_application()
        cert = session.read_auth_certificate()
        ca = session.read_auth_ca_certificate()
        t2 = time.perf_counter()
        evaluate(cert.der, at=datetime.now(timezone.utc), ca_der=ca.der)
        t3 = time.perf_counter()
        connection.close()
    finally:
        virtual.remove()
        wait_for_removal(READER, 5)
    return {
        "interpreter start + imports (python -c 'import mynacheck.cli')": interpreter_and_imports,
        "PC/SC connect (list readers, choose, SCardConnect)": t1 - t0,
        "card I/O (SELECT AP + 2 READ BINARY)": t2 - t1,
        "evaluation (parse, signature, trust, dates; warm imports)": t3 - t2,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="valid")
    parser.add_argument("--latency-ms", default="0,20,44", help="per-APDU latencies to run")
    args = parser.parse_args()
    if shutil.which("pkcs15-tool") is None:
        print("pkcs15-tool (OpenSC) not found: apt-get install opensc", file=sys.stderr)
        return 2
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    # The readers are shared with the tests: the same lock file as tests/integration/conftest.py.
    with open(Path(tempfile.gettempdir()) / "mynacheck-vpcd.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for latency_ms in (float(x) for x in args.latency_ms.split(",")):
            report(args.scenario, args.runs, latency_ms / 1000)
    return 0


def report(scenario: str, runs: int, latency: float) -> None:
    ee = (ROOT / "src/mynacheck/simcard/data/ee-valid.der").stat().st_size
    ca = (ROOT / "src/mynacheck/simcard/data/simulator-root.der").stat().st_size
    print(f"\n== {scenario!r}, {runs} runs each, alternating; {latency * 1000:g} ms per APDU")
    print(f"certificate {ee} B, CA {ca} B\n")
    header = f"{'reader':14} {'tool':10} {'APDUs':>6} {'bytes':>7} {'median s':>9} {'ok':>4}"
    print(header)
    print("-" * len(header))
    for short_only in (False, True):
        kind = "short only" if short_only else "extended"
        results = bench(scenario, runs, latency, short_only)
        medians: dict[str, float] = {}
        apdus: dict[str, int] = {}
        for tool, tool_runs in results.items():
            medians[tool] = statistics.median(r.seconds for r in tool_runs)
            apdus[tool] = max(r.apdus for r in tool_runs)
            moved = max(r.bytes_moved for r in tool_runs)
            ok = sum(r.ok for r in tool_runs)
            row = f"{kind:14} {tool:10} {apdus[tool]:>6} {moved:>7} {medians[tool]:>9.3f}"
            print(f"{row} {ok:>2}/{len(tool_runs)}")
        ratio = medians["mynacheck"] / medians["opensc"]
        budget = 3 if not short_only else 2 + math.ceil(ee / 256) + math.ceil(ca / 256)
        print(
            f"{kind:14} ratio      mynacheck/OpenSC wall time {ratio:.3f}x, "
            f"APDUs {apdus['mynacheck']}/{apdus['opensc']} (budget {budget})\n"
        )
    print("mynacheck time split (seconds):")
    for phase, seconds in time_split(scenario, latency).items():
        print(f"  {seconds:7.3f}  {phase}")


if __name__ == "__main__":
    raise SystemExit(main())
