"""``mynacheck report --json``: the summary as one JSON object (fields are only ever added).

Takes a :class:`~mynacheck.tally.summary.TallySummary`; imports nothing of the
tally at run time. (To be folded into the one JSON module, ``present/json.py``.)
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..tally.summary import TallySummary

#: The version of this JSON's shape: fields are only ever added.
REPORT_JSON_SCHEMA = 1


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def summary_json(summary: TallySummary) -> dict[str, Any]:
    """The ``report --json`` object (README "The tally")."""
    groups = (
        None
        if summary.groups is None
        else [
            {"key": group.key, "checks": group.checks, "cards": group.cards}
            for group in summary.groups
        ]
    )
    return {
        "schema": REPORT_JSON_SCHEMA,
        "databases": [str(path) for path in summary.sources],
        "from": _moment(summary.since),
        "to": _moment(summary.until),
        "at": summary.at.isoformat() if summary.at else None,
        "first_check": _moment(summary.first),
        "last_check": _moment(summary.last),
        "checks": summary.checks,
        "checks_by_status": summary.checks_by_status,
        "cards": summary.cards,
        "cards_by_status": summary.cards_by_status,
        "cards_renewal_open": summary.cards_renewal_open,
        "checks_without_certificate": summary.checks_without_certificate,
        "mixed_keys": summary.mixed_keys,
        "by": summary.by,
        "latest": summary.latest,
        "groups": groups,
        "renewal_forecast": [
            {"month": month.month, "cards": month.cards} for month in summary.renewal_forecast
        ],
    }
