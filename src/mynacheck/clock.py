"""Time zone facts: certificate dates are UTC; the calendar people live by is JST."""

from __future__ import annotations

from datetime import timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
