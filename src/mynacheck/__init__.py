"""mynacheck: does the 利用者証明用電子証明書 on this My Number Card work?

The public API (docs/api.md). Names load lazily (PEP 562), so ``import
mynacheck`` stays as cheap as the command line needs::

    import mynacheck
    with mynacheck.open_card() as card:
        report = mynacheck.check_card(card, pin=None)
    print(report.status, mynacheck.render_text(report, lang="en"))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# name -> module (relative to this package) that defines it
_EXPORTS: dict[str, str] = {
    # the card and the check
    "list_readers": "api",
    "ReaderInfo": "api",
    "open_card": "api",
    "Card": "api",
    "check_card": "api",
    "wait_for_removal": "api",
    "read_pin_statuses": "api",
    "PinInfo": "api",
    "inspect_certificate": "api",
    "render_text": "api",
    "open_tally": "api",
    "user_trust_anchors": "api",
    "SimulatedReader": "api",
    "simulated_scenarios": "api",
    "DEMO_PIN": "api",
    # counter mode
    "CounterLoop": "counter",
    "CounterEvent": "counter",
    "SessionCounts": "counter",
    # results
    "CheckReport": "report",
    "PinReport": "report",
    "KeyProof": "report",
    "Status": "status",
    "Detail": "status",
    # PIN entry
    "PinSource": "pin",
    "normalize_pin": "pin",
    "pin_format_problem": "pin",
    # errors
    "MynacheckError": "errors",
    "InputError": "errors",
    "NoReaderError": "errors",
    "NoCardError": "errors",
    "CardBusyError": "errors",
    "PcscUnavailableError": "errors",
    "NotMyNumberCardError": "errors",
    "CardError": "errors",
    "Cancelled": "errors",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'mynacheck' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:
    from .api import (
        DEMO_PIN,
        Card,
        PinInfo,
        ReaderInfo,
        SimulatedReader,
        check_card,
        inspect_certificate,
        list_readers,
        open_card,
        open_tally,
        read_pin_statuses,
        render_text,
        simulated_scenarios,
        user_trust_anchors,
        wait_for_removal,
    )
    from .counter import CounterEvent, CounterLoop, SessionCounts
    from .errors import (
        Cancelled,
        CardBusyError,
        CardError,
        InputError,
        MynacheckError,
        NoCardError,
        NoReaderError,
        NotMyNumberCardError,
        PcscUnavailableError,
    )
    from .pin import PinSource, normalize_pin, pin_format_problem
    from .report import CheckReport, KeyProof, PinReport
    from .status import Detail, Status
