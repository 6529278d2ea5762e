"""The results the library hands back: a check's :class:`CheckReport`, and the
counts of ``mynacheck report`` over tallies (:class:`TallySummary`).

Plain frozen data, below the words: ``present/`` renders them (text, JSON, CSV,
xlsx, html), the faces print them. Nothing here imports the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from .status import Detail, Status

if TYPE_CHECKING:  # evaluate imports cryptography: keep it off the start-up path
    from .evaluate import CertificateInfo

_V = TypeVar("_V")


def read_only(mapping: Mapping[str, _V]) -> Mapping[str, _V]:
    """A copy of ``mapping`` nobody can change (a result's mapping field)."""
    if isinstance(mapping, MappingProxyType):
        return mapping
    return MappingProxyType(dict(mapping))


def freeze_mappings(result: object, *names: str) -> None:
    """In a frozen dataclass's ``__post_init__``: its fields ``names`` made read-only."""
    for name in names:
        object.__setattr__(result, name, read_only(getattr(result, name)))


@dataclass(frozen=True, kw_only=True)
class PinReport:
    checked: bool = False
    verified: bool = False
    tries_left: int | None = None
    blocked: bool = False


@dataclass(frozen=True, kw_only=True)
class KeyProof:
    performed: bool = False
    ok: bool | None = None


@dataclass(frozen=True, kw_only=True)
class CheckReport:
    status: Status
    simulated: bool = False
    reader: str | None = None
    certificate: CertificateInfo | None = None
    pin: PinReport = field(default_factory=PinReport)
    key_proof: KeyProof = field(default_factory=KeyProof)
    details: tuple[Detail, ...] = ()
    #: Extra facts for diagnostics: status word, PC/SC error name, ... (read-only).
    info: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    evaluated_at: datetime | None = None
    apdu_count: int | None = None
    contactless: bool = False

    def __post_init__(self) -> None:
        freeze_mappings(self, "info")

    @classmethod
    def from_error(
        cls, error: BaseException, *, reader: str | None = None, at: datetime | None = None
    ) -> CheckReport:
        """The report an error stands for, the one map every face uses.

        A :class:`~mynacheck.errors.MynacheckError` gives its status, reasons and
        facts (and the reader: ``reader``, else the one its ``info`` names); anything
        else is a bug: ``internal_error`` naming the exception's type, never its text.
        ``at`` is the report's ``evaluated_at`` (None: not evaluated).
        """
        from .errors import MynacheckError

        if not isinstance(error, MynacheckError):
            return cls(
                status=Status.INTERNAL_ERROR,
                reader=reader,
                info={"error": type(error).__name__},
                evaluated_at=at,
            )
        named = error.info.get("reader")
        return cls(
            status=error.status,
            reader=reader or (named if isinstance(named, str) else None),
            details=error.details,
            info=dict(error.info),
            evaluated_at=at,
        )

    @property
    def exit_code(self) -> int:
        """The CLI's exit code for this status (README "Statuses and exit codes")."""
        return self.status.exit_code


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
