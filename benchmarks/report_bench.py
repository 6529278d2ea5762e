"""``mynacheck report --latest --by month`` over a tally of 1,000,000 rows from 20 counters.

    .venv/bin/python benchmarks/report_bench.py [--rows 1000000] [--counters 20]
        [--cards 200000] [--runs 5] [--split] [--keep DIR]

Builds a synthetic survey through ``open_tally(...).append_rows`` (one batched
transaction per counter; a counter appends one row per check, which would take
hours for a million rows): 20 counters, each with its own reader name and tag (a
section), checking on weekdays 09:00-17:00 JST over two years (2025-04-01 on);
``--cards`` distinct certificates, each with an expiry date, judged ``valid``
before it and ``expired`` after; 8 % of checks find no certificate, 1 % fail to
read, 0.5 % are not a My Number Card. With ``--split`` each counter writes its own
file (one shared key) and the report merges the 20 files.

Then it runs the command as a user would, ``python -m mynacheck.cli report DB
--latest --by month --json`` (a new process each time, so start-up counts), once
to warm the page cache and ``--runs`` more times, and prints the median and the
slowest wall time, the tally's size on disk, and what the report said.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mynacheck.tally import TallyRow, card_hash, open_tally  # noqa: E402

JST = timezone(timedelta(hours=9))
START = datetime(2025, 4, 1, tzinfo=JST)
SECTIONS = [
    f"{name}課"
    for name in ("総務", "人事", "経理", "企画", "広報", "法務", "情報", "営業", "購買", "品質")
]


def _row(
    moment: datetime,
    status: str,
    counter: int,
    *,
    expiry: date | None = None,
    renewal_open: bool | None = None,
    hashed: str | None = None,
) -> TallyRow:
    return TallyRow(
        time=moment,
        status=status,
        expiry=expiry,
        renewal_open=renewal_open,
        reader=f"Counter {counter:02d}",
        card_hash=hashed,
    )


def build(folder: Path, rows: int, counters: int, cards: int, split: bool) -> list[Path]:
    rng = random.Random(20260401)
    key_file = folder / "shared.key"
    serials = [f"{0x10000000 + i:x}" for i in range(cards)]
    expiries = [date(2025, 6, 1) + timedelta(days=rng.randrange(2000)) for _ in range(cards)]
    paths = [
        folder / (f"counter{i:02d}.sqlite3" if split else "survey.sqlite3")
        for i in range(counters if split else 1)
    ]
    open_tally(paths[0], key_file=key_file).close()  # makes the shared key
    key = bytes.fromhex(key_file.read_text().strip())
    hashes = [card_hash(key, serial) for serial in serials]
    weekdays = [
        START + timedelta(days=d) for d in range(730) if (START + timedelta(days=d)).weekday() < 5
    ]
    per_day = rows / len(weekdays)
    batches: list[list[TallyRow]] = [[] for _ in range(counters)]
    made = 0
    for index, day in enumerate(weekdays):
        target = round(per_day * (index + 1))
        todays = sorted(rng.randrange(8 * 3600 * 1000) for _ in range(target - made))
        made = target
        for offset in todays:
            moment = (day + timedelta(hours=9, milliseconds=offset)).astimezone(timezone.utc)
            counter = rng.randrange(counters)
            roll = rng.random()
            if roll < 0.08:
                row = _row(moment, "missing", counter)
            elif roll < 0.09:
                row = _row(moment, "card_error", counter)
            elif roll < 0.095:
                row = _row(moment, "not_mynumber_card", counter)
            else:
                card = rng.randrange(cards)
                expiry = expiries[card]
                today = moment.astimezone(JST).date()
                status = "valid" if today <= expiry else "expired"
                opens = expiry - timedelta(days=92)
                row = _row(
                    moment,
                    status,
                    counter,
                    expiry=expiry,
                    renewal_open=opens <= today <= expiry,
                    hashed=hashes[card],
                )
            batches[counter].append(row)
    for counter, batch in enumerate(batches):
        path = paths[counter] if split else paths[0]
        tag = SECTIONS[counter % len(SECTIONS)]
        with open_tally(path, key_file=key_file, tag=tag) as tally:
            tally.append_rows(dataclasses.replace(r, tag=tag) for r in batch)
    return paths


def size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--cards", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--split", action="store_true", help="one file per counter, merged")
    parser.add_argument("--keep", type=Path, help="build into (or reuse) this folder")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="mynacheck-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.glob("*.sqlite3"))
    try:
        if existing:
            paths = existing
            print(f"reusing {len(paths)} tally file(s) in {folder}")
        else:
            started = time.perf_counter()
            paths = build(folder, args.rows, args.counters, args.cards, args.split)
            print(f"built {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        print(
            f"size on disk: {size(paths) / 1e6:.0f} MB in {len(paths)} file(s)"
            f" ({size(paths) / max(args.rows, 1):.0f} bytes a row)"
        )
        command = [
            sys.executable,
            "-m",
            "mynacheck.cli",
            "report",
            *map(str, paths),
            "--latest",
            "--by",
            "month",
            "--json",
            "--at",
            "2027-04-01",
        ]
        times = []
        output = ""
        for run in range(args.runs + 1):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            elapsed = time.perf_counter() - started
            output = done.stdout
            print(f"  run {run}{' (warm-up)' if run == 0 else ''}: {elapsed:.2f} s")
            if run:
                times.append(elapsed)
        report = json.loads(output)
        print(
            f"report --latest --by month: median {statistics.median(times):.2f} s,"
            f" slowest {max(times):.2f} s over {len(times)} runs"
        )
        print(
            f"  checks {report['checks']:,}, cards {report['cards']:,},"
            f" groups {len(report['groups'])}, cards by status {report['cards_by_status']}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
