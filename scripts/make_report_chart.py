"""Make the README's chart, docs/images/report-chart.png, from a simulated survey.

    .venv/bin/python scripts/make_report_chart.py [--out docs/images/report-chart.png] [--lang ja]

The story (synthetic, seeded, no real data): an office of 300 staff in three
sections checks every card at its counters from April to September 2026, during
a push to get certificates. Staff with a valid certificate are counted at their
first check; staff without one, or with an expired one, come back with a new
certificate weeks later. The rows are written through ``open_tally`` (one batch
per section), then ``mynacheck report --chart`` draws the picture as of
2026-10-01. Needs ``mynacheck[chart]`` and a Japanese font (IPA Gothic).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mynacheck.tally import TallyRow, card_hash, open_tally  # noqa: E402

JST = timezone(timedelta(hours=9))
SECTIONS = {"総務課": 80, "人事課": 60, "営業課": 160}
CAMPAIGN = (date(2026, 4, 1), date(2026, 9, 30))


def workday(rng: random.Random, start: date, end: date) -> datetime:
    while True:
        day = start + timedelta(days=rng.randrange((end - start).days + 1))
        if day.weekday() < 5:
            minute = rng.randrange(9 * 60, 17 * 60)
            return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=JST)


def survey_rows(key: bytes, section: str, staff: int, rng: random.Random) -> list[TallyRow]:
    rows = []
    reader = f"{section} 窓口"
    number = list(SECTIONS).index(section) + 1
    for person in range(staff):
        serial = f"{number:x}{person:04x}"
        first = workday(rng, CAMPAIGN[0], CAMPAIGN[1] - timedelta(days=40))
        state = rng.random()
        expiry = date(2026, 10, 1) + timedelta(days=rng.randrange(1800))
        if state < 0.55:  # a valid certificate already
            rows.append(row(first, "valid", expiry, reader, card_hash(key, serial)))
            continue
        if state < 0.85:  # no certificate yet
            rows.append(row(first, "missing", None, reader, None))
        else:  # an expired one
            old = first.date() - timedelta(days=rng.randrange(30, 400))
            rows.append(row(first, "expired", old, reader, card_hash(key, serial + "0")))
        if rng.random() < 0.8:  # came back with a new certificate
            later = workday(rng, first.date() + timedelta(days=14), CAMPAIGN[1])
            fresh = later.date() + timedelta(days=365 * 5 - rng.randrange(200))
            rows.append(row(later, "valid", fresh, reader, card_hash(key, serial + "1")))
    return sorted(rows, key=lambda r: r.time)


def row(
    moment: datetime, status: str, expiry: date | None, reader: str, hashed: str | None
) -> TallyRow:
    return TallyRow(
        time=moment.astimezone(timezone.utc),
        status=status,
        expiry=expiry,
        renewal_open=False if expiry else None,
        reader=reader,
        card_hash=hashed,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "report-chart.png")
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    args = parser.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "survey.sqlite3"
        for section, staff in SECTIONS.items():
            with open_tally(db, tag=section) as tally:
                rows = survey_rows(tally.key, section, staff, rng)
                tally.append_rows(dataclasses.replace(r, tag=section) for r in rows)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "mynacheck.cli",
            "report",
            str(db),
            "--by",
            "tag",
            "--latest",
            "--at",
            "2026-10-01",
            "--lang",
            args.lang,
            "--chart",
            str(args.out),
        ]
        subprocess.run(command, check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})


if __name__ == "__main__":
    main()
