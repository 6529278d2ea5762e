"""The server tally under load, on a throwaway PostgreSQL cluster (tests/pg_cluster.py).

    .venv/bin/python benchmarks/pg_bench.py [--counters 20] [--burst 200] [--paced 50]
        [--rows 1000000] [--runs 7] [--skip-report]

1. Counters: ``--counters`` processes, each a counter with its own outbox and one
   shared key, ``open_tally("postgresql://...")``. Each first appends ``--burst``
   checks as fast as it can (rows per second, from the first append to the last
   row committed on the server, over all counters), then ``--paced`` checks one
   every 0.2 s, timing each from the verdict (the append) to the moment its row
   is committed on the server (the delivery thread's report): median and 99th
   percentile.
2. Report: ``--rows`` rows of benchmarks/report_bench.py's synthetic survey (20
   counters, 200,000 certificates, two years), written to one SQLite tally and
   pushed to the server with ``tally push``; then ``report --latest --by month
   --json`` as a new process each time, on the server and on the SQLite file,
   alternating (one warm-up each, then ``--runs`` each): medians, slowest, ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

#: One counter process: argv = target, outbox, key, burst, paced, start-at (epoch).
COUNTER = """
import json, sys, threading, time
from datetime import datetime, timezone
import mynacheck
from mynacheck.check import CheckOptions, run_check
from mynacheck.simcard import SimulatedConnection, make_card
target, outbox, key, burst, paced, start = sys.argv[1:7]
report = run_check(
    SimulatedConnection(make_card("valid"), "valid"), CheckOptions(at=datetime.now(timezone.utc))
)
tally = mynacheck.open_tally(target, key_file=key, outbox=outbox, tag="bench")
appended = []
delays = []
lock = threading.Lock()
def on_state(state):
    if state.state == "delivered":
        now = time.perf_counter()
        with lock:
            delays.extend(now - t for t in appended)
            appended.clear()
time.sleep(max(0.0, float(start) - time.time()))
first = time.time()
for _ in range(int(burst)):
    tally.append(report)
assert tally.flush(300), tally.state()
burst_done = time.time()
tally.on_state = on_state
for _ in range(int(paced)):
    with lock:
        appended.append(time.perf_counter())
    tally.append(report)
    time.sleep(0.2)
assert tally.flush(60), tally.state()
tally.close()
print(json.dumps({"first": first, "burst_done": burst_done, "delays": delays}))
"""


def counters_phase(
    cluster, dbname: str, folder: Path, counters: int, burst: int, paced: int
) -> None:
    uri = cluster.uri("counter1", dbname)
    key = folder / "shared.key"
    start = time.time() + 3.0 + counters * 0.15  # every process started and connected
    env = {**os.environ, "PGPASSFILE": str(cluster.pgpass), "PYTHONPATH": str(ROOT / "src")}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                COUNTER,
                uri,
                str(folder / f"outbox{i:02d}.sqlite3"),
                str(key),
                str(burst),
                str(paced),
                str(start),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(counters)
    ]
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=900)
        if process.returncode != 0:
            raise SystemExit(f"a counter failed ({process.returncode})")
        results.append(json.loads(out))
    first = min(r["first"] for r in results)
    done = max(r["burst_done"] for r in results)
    rows = counters * burst
    delays = sorted(d for r in results for d in r["delays"])
    (total,) = cluster.admin(
        "SELECT count(*), count(DISTINCT row_id) FROM mynacheck.checks", dbname
    )
    print(
        f"counters: {counters} processes, {rows:,} rows in {done - first:.1f} s:"
        f" {rows / (done - first):,.0f} rows/s (appended and committed on the server)"
    )
    print(
        f"  verdict -> row on the server, {len(delays)} paced checks (one every 0.2 s per"
        f" counter): median {statistics.median(delays) * 1000:.0f} ms,"
        f" p99 {delays[int(len(delays) * 0.99) - 1] * 1000:.0f} ms,"
        f" max {delays[-1] * 1000:.0f} ms"
    )
    print(
        f"  server rows: {total[0]:,} ({total[1]:,} distinct ids; expected"
        f" {counters * (burst + paced):,})"
    )


def report_phase(cluster, dbname: str, folder: Path, rows: int, runs: int) -> None:
    import mynacheck
    from benchmarks.report_bench import build

    started = time.perf_counter()
    (path,) = build(folder, rows, 20, 200_000, split=False)
    print(f"report: built a SQLite tally of {rows:,} rows in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    mynacheck.push_tallies([path], cluster.uri("counter1", dbname))
    print(f"  pushed to the server in {time.perf_counter() - started:.0f} s")
    cluster.admin("VACUUM ANALYZE", dbname)
    (size,) = cluster.admin(f"SELECT pg_database_size('{dbname}')")
    print(
        f"  server database: {size[0] / 1e6:.0f} MB;"
        f" SQLite file: {path.stat().st_size / 1e6:.0f} MB"
    )
    env = {**os.environ, "PGPASSFILE": str(cluster.pgpass)}
    sources = {"server": cluster.uri("office", dbname), "sqlite": str(path)}
    times: dict[str, list[float]] = {"server": [], "sqlite": []}
    answers = {}
    for run in range(runs + 1):
        for name, source in sources.items():
            command = [sys.executable, "-m", "mynacheck.cli", "report", source, "--latest",
                       "--by", "month", "--json", "--at", "2027-04-01"]  # fmt: skip
            began = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            elapsed = time.perf_counter() - began
            if run:
                times[name].append(elapsed)
            payload = json.loads(result.stdout)
            del payload["databases"]
            answers[name] = payload
    assert answers["server"] == answers["sqlite"], "the server and the file disagree"
    for name, measured in times.items():
        print(
            f"  report --latest --by month --json on {name}: median"
            f" {statistics.median(measured):.2f} s, slowest {max(measured):.2f} s ({runs} runs)"
        )
    ratio = statistics.median(times["server"]) / statistics.median(times["sqlite"])
    print(
        f"  server / SQLite: {ratio:.2f} (same answers: {answers['server']['checks']:,} checks,"
        f" {answers['server']['cards']:,} cards)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--paced", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-report", action="store_true")
    args = parser.parse_args()

    from mynacheck.tally.server import parse_target
    from mynacheck.tally.server_setup import apply_setup
    from tests.pg_cluster import running_cluster

    with running_cluster() as cluster, tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        os.environ["PGPASSFILE"] = str(cluster.pgpass)
        for dbname in ("counters", "report"):
            cluster.admin(f"CREATE DATABASE {dbname} OWNER owner")
            apply_setup(parse_target(cluster.uri("owner", dbname)))
        cluster.admin("GRANT mynacheck_counter TO counter1; GRANT mynacheck_report TO office")
        import mynacheck

        mynacheck.open_tally(folder / "keymaker.sqlite3", key_file=folder / "shared.key").close()
        counters_phase(cluster, "counters", folder, args.counters, args.burst, args.paced)
        if not args.skip_report:
            report_phase(cluster, "report", folder, args.rows, args.runs)


if __name__ == "__main__":
    threading.stack_size(0)
    main()
