"""Every JSON object mynacheck prints or returns, in one place (README "JSON fields").

Fields are only ever added; every object carries ``schema``. Works on the
report dataclasses by their attributes (types imported for checking only), so
this wording layer sits below the policy that makes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..clock import iso_utc
from .messages import Lang

if TYPE_CHECKING:
    from ..evaluate import CertificateInfo
    from ..report import CheckReport
    from ..summary import ForecastMonth, TallySummary

JSON_SCHEMA_VERSION = 1


def certificate_json(info: CertificateInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "serial": info.serial,
        "subject": info.subject,
        "issuer": info.issuer,
        "not_before": iso_utc(info.not_before),
        "not_after": iso_utc(info.not_after),
        "days_left": info.days_left,  # None: no expiry date on the JST calendar
        "renewal_open": info.renewal_open,
        "renewal_opens": info.renewal_opens.isoformat() if info.renewal_opens else None,
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


#: ``info`` a watch line carries: the card's answer, and what an unknown card said it is.
_WATCH_INFO = ("sw", "pcsc_error", "token", "device", "token_sw")

WATCH_CERTIFICATE_FIELDS = (
    "not_before",
    "not_after",
    "days_left",
    "renewal_open",
    "renewal_opens",
    "trust",
    "ca_generation",
)


def watch_check_json(report: CheckReport, lang: Lang) -> dict[str, Any]:
    """One ``watch --json`` line: the verdict, dates and reasons; no serial, no subject."""
    from .watchview import verdict_lines, verdict_word  # watch's own: off check's path

    cert = report.certificate
    certificate = None
    if cert is not None:
        # A whitelist of check's certificate fields: never the serial, subject or hash.
        full = certificate_json(cert)
        assert full is not None
        certificate = {key: full[key] for key in WATCH_CERTIFICATE_FIELDS}
        expiry = cert.expiry_date  # None: no expiry date on the JST calendar
        certificate["expiry_date"] = expiry.isoformat() if expiry else None
    return {
        "schema": JSON_SCHEMA_VERSION,
        "event": "check",
        "time": iso_utc(report.evaluated_at or datetime.now(timezone.utc)),
        "status": report.status.value,
        "exit_code": report.exit_code,
        "verdict": verdict_word(report.status.value, lang),
        "message": verdict_lines(report, lang)[0],
        "simulated": report.simulated,
        "reader": report.reader,
        "certificate": certificate,
        "details": [detail.value for detail in report.details],
        "info": {k: str(v) for k, v in report.info.items() if k in _WATCH_INFO},
        "apdu_count": report.apdu_count,
    }


def _early_end_json(status: str, exit_code: int, message: str, detail: str) -> dict[str, Any]:
    """A check that ended before any card was read: the report's shape, empty."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "status": status,
        "exit_code": exit_code,
        "message": message,
        "simulated": False,
        "reader": None,
        "evaluated_at": None,
        "certificate": None,
        "pin": {"checked": False, "verified": False, "tries_left": None, "blocked": False},
        "key_proof": {"performed": False, "ok": None},
        "revocation": "not_checked",
        "details": [detail],
        "info": {},
        "apdu_count": None,
    }


def usage_error_json(key: str, message: str) -> dict[str, Any]:
    """``--json`` for a usage error: the check's shape, ``details`` = [the mistake]."""
    return _early_end_json("usage_error", 2, message, key)


def interrupted_json(message: str) -> dict[str, Any]:
    """``--json`` after Ctrl-C (status internal_error, exit 1, detail interrupted)."""
    return _early_end_json("internal_error", 1, message, "interrupted")


def scenarios_json(scenarios: dict[str, str], demo_pin: str) -> dict[str, Any]:
    return {"schema": JSON_SCHEMA_VERSION, "scenarios": scenarios, "demo_pin": demo_pin}


def pin_statuses_json(
    pins: list[Any],
    *,
    blocked: bool,
    exit_code: int,
    simulated: bool,
    reader: str | None,
    labels: dict[str, str],
    advice: dict[str, str],
) -> dict[str, Any]:
    """``pin-status --json``: one entry per PIN (``mynacheck.PinInfo``)."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "status": "pin_blocked" if blocked else "ok",
        "exit_code": exit_code,
        "simulated": simulated,
        "reader": reader,
        "pins": [
            {
                "name": pin.name,
                "label": labels[pin.name],
                "available": pin.available,
                "tries_left": pin.tries_left,
                "max_tries": pin.max_tries,
                "blocked": pin.blocked,
                "verified": pin.verified,
                "advice": advice.get(pin.name) if pin.blocked else None,
            }
            for pin in pins
        ],
    }


def readers_json(readers: list[Any]) -> dict[str, Any]:
    """``readers --json`` (``mynacheck.ReaderInfo`` items)."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "readers": [
            {
                "index": r.index,
                "name": r.name,
                "card_present": r.card_present,
                "my_number_card": r.my_number_card,
                "contactless": r.contactless,
            }
            for r in readers
        ],
    }


def watch_summary_json(counts: dict[str, int]) -> dict[str, Any]:
    """The last ``watch --json`` line: checks by status."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "event": "summary",
        "checks": sum(counts.values()),
        "by_status": counts,
    }


#: ``report --json`` has its own shape version (1), kept apart from the check's.
REPORT_JSON_SCHEMA = 1


def _iso_or_none(value: datetime | None) -> str | None:
    return iso_utc(value) if value else None


def tally_summary_json(summary: TallySummary) -> dict[str, Any]:
    """The ``report --json`` object (README "The tally")."""
    groups = (
        None
        if summary.groups is None
        else [
            {
                "key": group.key,
                "checks": dict(group.checks),
                "cards": dict(group.cards),
                "cards_renewal_open": group.cards_renewal_open,
                "renewal_forecast": _forecast_json(group.renewal_forecast),
            }
            for group in summary.groups
        ]
    )
    return {
        "schema": REPORT_JSON_SCHEMA,
        "databases": [str(path) for path in summary.sources],
        "from": _iso_or_none(summary.since),
        "to": _iso_or_none(summary.until),
        "at": summary.at.isoformat() if summary.at else None,
        "first_check": _iso_or_none(summary.first),
        "last_check": _iso_or_none(summary.last),
        "checks": summary.checks,
        "checks_by_status": dict(summary.checks_by_status),
        "cards": summary.cards,
        "cards_by_status": dict(summary.cards_by_status),
        "cards_renewal_open": summary.cards_renewal_open,
        "checks_without_certificate": summary.checks_without_certificate,
        "mixed_keys": summary.mixed_keys,
        "by": summary.by,
        "latest": summary.latest,
        "groups": groups,
        "renewal_forecast": _forecast_json(summary.renewal_forecast),
        "tags": list(summary.tags) or None,
        "notes": report_notes(summary),
    }


def report_notes(summary: TallySummary) -> list[str]:
    """What the figures mean, as codes (README "The tally"): said wherever they are."""
    notes = ["renewal_open_within_3_months"]
    from .tally_text import expired_shown

    if expired_shown(summary):
        notes.append("expired_may_include_replaced")
    if summary.checks_without_certificate:
        notes.append("checks_without_certificate_not_told_apart")
    if summary.mixed_keys:
        notes.append("mixed_keys")
    return notes


def _forecast_json(forecast: Iterable[ForecastMonth]) -> list[dict[str, Any]]:
    return [{"month": month.month, "cards": month.cards} for month in forecast]
