"""The results the library hands back: a check's :class:`CheckReport`, and the
counts of ``mynacheck report`` over tallies are in :mod:`mynacheck.summary` (a
dataclass costs about 1 ms to create, its methods compiled from text: a check
does not create the tally's).

Plain frozen data, below the words: ``present/`` renders them (text, JSON, CSV,
xlsx, html), the faces print them. Nothing here imports the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .frozen import freeze_mappings
from .status import Detail, Status

if TYPE_CHECKING:  # evaluate imports cryptography: keep it off the start-up path
    from .evaluate import CertificateInfo


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
