"""The counts of ``mynacheck report`` over tallies: :class:`TallySummary`
(``mynacheck.TallySummary``).

Plain frozen data, below the words, like :mod:`mynacheck.report`: a module of its
own so that a check, which needs none of it, does not create its classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .frozen import freeze_mappings


@dataclass(frozen=True, kw_only=True)
class ForecastMonth:
    """Cards whose valid certificate expires in ``month`` (``YYYY-MM``)."""

    month: str
    cards: int


@dataclass(frozen=True, kw_only=True)
class Group:
    """One group of ``report --by``: its key, its counts, and its own renewal figures
    (its cards whose latest check in the group found the certificate valid)."""

    key: str | None
    #: Checks and distinct cards by status value (read-only).
    checks: Mapping[str, int]
    cards: Mapping[str, int]
    cards_renewal_open: int = 0
    renewal_forecast: tuple[ForecastMonth, ...] = ()

    def __post_init__(self) -> None:
        freeze_mappings(self, "checks", "cards")


@dataclass(frozen=True, kw_only=True)
class TallySummary:
    """What ``mynacheck report`` says about one or more tallies (see the module)."""

    #: The tally files read, or the server tally (its URI / ``service=``).
    sources: tuple[Path | str, ...]
    since: datetime | None
    until: datetime | None
    first: datetime | None
    last: datetime | None
    checks: int
    #: By status value (read-only).
    checks_by_status: Mapping[str, int]
    cards: int
    cards_by_status: Mapping[str, int]
    cards_renewal_open: int
    checks_without_certificate: int
    key_fingerprints: tuple[str, ...] = ()
    at: date | None = None
    by: str | None = None
    latest: bool = False
    groups: tuple[Group, ...] | None = None
    renewal_forecast: tuple[ForecastMonth, ...] = ()
    #: ``(day, n)``: distinct cards seen with a valid certificate up to that day (JST),
    #: one entry per day with a first valid check; only when asked for (the chart).
    valid_cards_cumulative: tuple[tuple[date, int], ...] = field(default=())
    #: ``--tag``: the tags the report was limited to (empty: every row).
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        freeze_mappings(self, "checks_by_status", "cards_by_status")

    @property
    def mixed_keys(self) -> bool:
        """True when merged tallies hashed cards with different keys."""
        return len(self.key_fingerprints) > 1
