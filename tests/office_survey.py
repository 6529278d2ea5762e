"""A simulated survey of three sections, for the report's per-section figures and its
Excel file and page: synthetic rows written through ``open_tally(...).append_rows``.

Seeded: the same rows every run. Expiry dates fall in and around the 12 months after
:data:`AT`, so every section has a renewal window and a forecast of its own; some
cards are checked in two sections (a transfer), some renewed (a new card), some
checks have no certificate.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from mynacheck.tally import TallyRow, card_hash, open_tally

JST = timezone(timedelta(hours=9))
AT = date(2026, 10, 1)
SECTIONS = {"総務課": 24, "人事課": 18, "営業課": 30}


def _moment(rng: random.Random, start: date, days: int) -> datetime:
    day = start + timedelta(days=rng.randrange(days))
    minute = rng.randrange(9 * 60, 17 * 60)
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=JST)


def _row(moment: datetime, status: str, expiry: date | None, hashed: str | None, tag: str):
    return TallyRow(
        time=moment.astimezone(timezone.utc),
        status=status,
        expiry=expiry,
        renewal_open=(expiry is not None and status == "valid" and expiry - AT < timedelta(days=90))
        or None,
        reader=f"{tag} 窓口",
        card_hash=hashed,
        tag=tag,
    )


def make_survey(folder: Path, *, files: int = 1, seed: int = 19) -> list[Path]:
    """The survey in one tally, or in one tally per section (``files=3``) sharing a key."""
    rng = random.Random(seed)
    key_file = folder / "shared.key"
    paths: list[Path] = []
    for number, (section, staff) in enumerate(SECTIONS.items()):
        path = folder / ("survey.sqlite3" if files == 1 else f"section{number}.sqlite3")
        with open_tally(path, key_file=key_file, tag=section) as tally:
            rows = []
            for person in range(staff):
                serial = f"{number:x}{person:04x}"
                first = _moment(rng, date(2026, 4, 1), 120)
                state = rng.random()
                expiry = AT + timedelta(days=rng.randrange(-20, 500))
                if state < 0.6:
                    rows.append(_row(first, "valid", expiry, card_hash(tally.key, serial), section))
                    if rng.random() < 0.15:  # checked again later, at another section
                        other = list(SECTIONS)[(number + 1) % 3]
                        again = first + timedelta(days=rng.randrange(1, 40))
                        hashed = card_hash(tally.key, serial)
                        rows.append(_row(again, "valid", expiry, hashed, other))
                    continue
                if state < 0.8:
                    rows.append(_row(first, "missing", None, None, section))
                else:
                    old = first.date() - timedelta(days=rng.randrange(10, 300))
                    rows.append(
                        _row(first, "expired", old, card_hash(tally.key, serial + "0"), section)
                    )
                if rng.random() < 0.7:  # came back with a new certificate
                    later = first + timedelta(days=rng.randrange(14, 60))
                    fresh = AT + timedelta(days=rng.randrange(0, 400))
                    hashed = card_hash(tally.key, serial + "1")
                    rows.append(_row(later, "valid", fresh, hashed, section))
            tally.append_rows(sorted(rows, key=lambda r: r.time))
        if path not in paths:
            paths.append(path)
    return paths
