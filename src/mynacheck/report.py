"""The result of a check, and its JSON form (the public contract).

The library returns a :class:`CheckReport`; ``render.py`` turns it into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .status import Detail, Status

if TYPE_CHECKING:  # evaluate imports cryptography: keep it off the start-up path
    from .evaluate import CertificateInfo

JSON_SCHEMA_VERSION = 1


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

    @property
    def exit_code(self) -> int:
        return self.status.exit_code


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def certificate_json(info: CertificateInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "serial": info.serial,
        "subject": info.subject,
        "issuer": info.issuer,
        "not_before": iso_utc(info.not_before),
        "not_after": iso_utc(info.not_after),
        "days_left": info.days_left,
        "renewal_open": info.renewal_open,
        "renewal_opens": info.renewal_opens.isoformat(),
        "sha256": info.sha256,
        "trust": info.trust.value if info.trust is not None else None,
        "ca_generation": info.ca_generation,
    }


def report_json(report: CheckReport, message: str | None = None) -> dict[str, Any]:
    """The ``--json`` object. Fields are only ever added (README "JSON fields")."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "status": report.status.value,
        "exit_code": report.exit_code,
        "message": message,
        "simulated": report.simulated,
        "reader": report.reader,
        "evaluated_at": iso_utc(report.evaluated_at) if report.evaluated_at else None,
        "certificate": certificate_json(report.certificate),
        "pin": {
            "checked": report.pin.checked,
            "verified": report.pin.verified,
            "tries_left": report.pin.tries_left,
            "blocked": report.pin.blocked,
        },
        "key_proof": {"performed": report.key_proof.performed, "ok": report.key_proof.ok},
        "revocation": "not_checked",
        "details": [detail.value for detail in report.details],
        "info": {key: _jsonable(value) for key, value in report.info.items()},
        "apdu_count": report.apdu_count,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return str(value)
