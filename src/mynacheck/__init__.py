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
    "summarize_tallies": "api",
    "push_tallies": "api",
    "server_setup_sql": "api",
    "setup_server": "api",
    "check_chart_target": "api",
    "draw_tally_chart": "api",
    "user_trust_anchors": "api",
    "load_trust_anchors": "api",
    "SimulatedReader": "api",
    "simulated_scenarios": "api",
    # a command line's head start (connect, and read ahead, while the rest loads)
    "head_start": "card.early",
    "release_head_start": "card.early",
    # counter mode
    "CounterLoop": "counter",
    "CounterEvent": "counter",
    # the tally
    "Tally": "tally",
    "TallySummary": "tally",
    "TallyError": "tally",
    "KeyFileExposed": "tally",
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
    "normalize_pin_bytes": "pin",
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
        Card as Card,
    )
    from .api import (
        PinInfo as PinInfo,
    )
    from .api import (
        ReaderInfo as ReaderInfo,
    )
    from .api import (
        SimulatedReader as SimulatedReader,
    )
    from .api import (
        check_card as check_card,
    )
    from .api import (
        check_chart_target as check_chart_target,
    )
    from .api import (
        draw_tally_chart as draw_tally_chart,
    )
    from .api import (
        inspect_certificate as inspect_certificate,
    )
    from .api import (
        list_readers as list_readers,
    )
    from .api import (
        load_trust_anchors as load_trust_anchors,
    )
    from .api import (
        open_card as open_card,
    )
    from .api import (
        open_tally as open_tally,
    )
    from .api import push_tallies as push_tallies
    from .api import (
        read_pin_statuses as read_pin_statuses,
    )
    from .api import (
        render_text as render_text,
    )
    from .api import server_setup_sql as server_setup_sql
    from .api import setup_server as setup_server
    from .api import (
        simulated_scenarios as simulated_scenarios,
    )
    from .api import (
        summarize_tallies as summarize_tallies,
    )
    from .api import (
        user_trust_anchors as user_trust_anchors,
    )
    from .api import (
        wait_for_removal as wait_for_removal,
    )
    from .card.early import (
        head_start as head_start,
    )
    from .card.early import (
        release_head_start as release_head_start,
    )
    from .counter import (
        CounterEvent as CounterEvent,
    )
    from .counter import (
        CounterLoop as CounterLoop,
    )
    from .counter import (
        SessionCounts as SessionCounts,
    )
    from .errors import (
        Cancelled as Cancelled,
    )
    from .errors import (
        CardBusyError as CardBusyError,
    )
    from .errors import (
        CardError as CardError,
    )
    from .errors import (
        InputError as InputError,
    )
    from .errors import (
        MynacheckError as MynacheckError,
    )
    from .errors import (
        NoCardError as NoCardError,
    )
    from .errors import (
        NoReaderError as NoReaderError,
    )
    from .errors import (
        NotMyNumberCardError as NotMyNumberCardError,
    )
    from .errors import (
        PcscUnavailableError as PcscUnavailableError,
    )
    from .pin import (
        PinSource as PinSource,
    )
    from .pin import (
        normalize_pin as normalize_pin,
    )
    from .pin import (
        normalize_pin_bytes as normalize_pin_bytes,
    )
    from .pin import (
        pin_format_problem as pin_format_problem,
    )
    from .report import (
        CheckReport as CheckReport,
    )
    from .report import (
        KeyProof as KeyProof,
    )
    from .report import (
        PinReport as PinReport,
    )
    from .status import (
        Detail as Detail,
    )
    from .status import (
        Status as Status,
    )
    from .tally import KeyFileExposed as KeyFileExposed
    from .tally import Tally as Tally
    from .tally import TallyError as TallyError
    from .tally import TallySummary as TallySummary
