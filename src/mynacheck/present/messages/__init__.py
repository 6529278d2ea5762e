"""Every sentence the tool says, in Japanese and English.

Keys are status values, detail codes, and usage-error keys. Texts avoid
characters that a Windows console (cp932) cannot show; a test checks it.

The helpers live in :mod:`._base` (a leaf). The per-area tables load on first use,
never while this package loads (:mod:`mynacheck.lazy` says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...lazy import lazy_getattr
from ._base import Lang as Lang
from ._base import checked_lang as checked_lang
from ._base import detect_language as detect_language
from ._base import os_reason as os_reason
from ._base import reason_text as reason_text
from ._base import text as text
from ._base import usage_text as usage_text

_EXPORTS = {
    "DELIVERY": ".server",
    "DETAILS": ".verdicts",
    "HEADLINES": ".verdicts",
    "HELP_JA": ".help",
    "LABELS": ".labels",
    "NEXT_STEPS": ".verdicts",
    "OFFICE": ".office",
    "SCENARIOS_JA": ".scenarios",
    "TALLY": ".counter",
    "USAGE": ".usage",
    "WATCH": ".counter",
}


__getattr__ = lazy_getattr(__name__, _EXPORTS)


if TYPE_CHECKING:
    from .counter import TALLY as TALLY
    from .counter import WATCH as WATCH
    from .help import HELP_JA as HELP_JA
    from .labels import LABELS as LABELS
    from .office import OFFICE as OFFICE
    from .scenarios import SCENARIOS_JA as SCENARIOS_JA
    from .server import DELIVERY as DELIVERY
    from .usage import USAGE as USAGE
    from .verdicts import DETAILS as DETAILS
    from .verdicts import HEADLINES as HEADLINES
    from .verdicts import NEXT_STEPS as NEXT_STEPS
