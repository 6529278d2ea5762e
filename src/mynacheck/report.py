"""The result of a check, and its JSON form (the public contract).

The library returns a :class:`CheckReport`; ``render.py`` turns it into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

# The JSON shapes live in present/json.py; these names stay importable from here.
from .present.json import JSON_SCHEMA_VERSION, certificate_json, iso_utc, report_json  # noqa: F401
from .status import Detail, Status

if TYPE_CHECKING:  # evaluate imports cryptography: keep it off the start-up path
    from .evaluate import CertificateInfo


@dataclass(frozen=True)
class PinReport:
    checked: bool = False
    verified: bool = False
    tries_left: int | None = None
    blocked: bool = False


@dataclass(frozen=True)
class KeyProof:
    performed: bool = False
    ok: bool | None = None


@dataclass(frozen=True)
class CheckReport:
    status: Status
    simulated: bool = False
    reader: str | None = None
    certificate: CertificateInfo | None = None
    pin: PinReport = field(default_factory=PinReport)
    key_proof: KeyProof = field(default_factory=KeyProof)
    details: tuple[Detail, ...] = ()
    #: Extra facts for diagnostics: status word, PC/SC error name, ...
    info: dict[str, Any] = field(default_factory=dict)
    evaluated_at: datetime | None = None
    apdu_count: int | None = None
    contactless: bool = False

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

    def to_json(self, lang: str = "ja") -> dict[str, Any]:
        """The object ``check --json --lang LANG`` prints for this report."""
        from .present.messages import checked_lang
        from .present.text import headline

        chosen = checked_lang(lang)
        return report_json(self, headline(self, chosen))
