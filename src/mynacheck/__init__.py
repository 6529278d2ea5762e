"""mynacheck: does the 利用者証明用電子証明書 on this My Number Card work?

The public API (docs/api.md). Names load lazily (PEP 562), so ``import
mynacheck`` stays as cheap as the command line needs::

    import mynacheck
    with mynacheck.open_card() as card:
        report = mynacheck.check_card(card, pin=None)
    print(report.status, mynacheck.render_text(report, lang="en"))
"""

from __future__ import annotations

from .lazy import lazy_dir, lazy_getattr

# No typing at run time: this is on the command line's way to the card (cli/_early.py).
TYPE_CHECKING = False

__version__ = "0.2.0"

# The public names: name -> module (relative to this package) that defines it, loaded
# on first use (mynacheck.lazy, as in every package). The one list; the TYPE_CHECKING
# imports at the end say the same for type checkers, and tests/test_public_api.py
# fails when the two differ.
_EXPORTS: dict[str, str] = {
    # the card and the check
    "list_readers": ".api",
    "ReaderInfo": ".api",
    "open_card": ".api",
    "Card": ".api",
    "Connection": ".card",
    "ReplayConnection": ".card.replay",
    "check_card": ".api",
    "wait_for_removal": ".api",
    "read_pin_statuses": ".api",
    "PinInfo": ".api",
    "PinReference": ".card.profile",
    "inspect_certificate": ".api",
    "render_text": ".api",
    "render_json": ".api",
    "user_trust_anchors": ".api",
    "load_trust_anchors": ".api",
    "SimulatedReader": ".api",
    "simulated_scenarios": ".api",
    "AnchorLike": ".api",
    "PathLike": ".api",
    # the tally
    "open_tally": ".api",
    "summarize_tallies": ".api",
    "push_tallies": ".api",
    "server_setup_sql": ".api",
    "setup_server": ".api",
    "Tally": ".tally",
    "ServerTally": ".tally.outbox",
    "TallyLike": ".api",
    "TallyRow": ".tally",
    "DeliveryState": ".tally.outbox",
    "PushResult": ".tally.push",
    "TallyError": ".tally",
    "KeyFileExposed": ".tally",
    # a command line's head start (connect, and read ahead, while the rest loads)
    "head_start": ".card.early",
    "release_head_start": ".card.early",
    # counter mode
    "CounterLoop": ".counter",
    "CounterEvent": ".counter",
    "SessionCounts": ".counter",
    # results
    "CheckReport": ".report",
    "PinReport": ".report",
    "KeyProof": ".report",
    "TallySummary": ".summary",
    "Group": ".summary",
    "ForecastMonth": ".summary",
    "CertificateInfo": ".evaluate",
    "Trust": ".trust",
    "Status": ".status",
    "Detail": ".status",
    # PIN entry
    "PinSource": ".pin",
    # errors
    "MynacheckError": ".errors",
    "InputError": ".errors",
    "NoReaderError": ".errors",
    "NoCardError": ".errors",
    "CardBusyError": ".errors",
    "PcscUnavailableError": ".errors",
    "NotMyNumberCardError": ".errors",
    "CardError": ".errors",
    "Cancelled": ".errors",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


__getattr__ = lazy_getattr(__name__, _EXPORTS)
__dir__ = lazy_dir(__name__, _EXPORTS)


if TYPE_CHECKING:
    from .api import AnchorLike as AnchorLike
    from .api import Card as Card
    from .api import PathLike as PathLike
    from .api import PinInfo as PinInfo
    from .api import ReaderInfo as ReaderInfo
    from .api import SimulatedReader as SimulatedReader
    from .api import TallyLike as TallyLike
    from .api import check_card as check_card
    from .api import inspect_certificate as inspect_certificate
    from .api import list_readers as list_readers
    from .api import load_trust_anchors as load_trust_anchors
    from .api import open_card as open_card
    from .api import open_tally as open_tally
    from .api import push_tallies as push_tallies
    from .api import read_pin_statuses as read_pin_statuses
    from .api import render_json as render_json
    from .api import render_text as render_text
    from .api import server_setup_sql as server_setup_sql
    from .api import setup_server as setup_server
    from .api import simulated_scenarios as simulated_scenarios
    from .api import summarize_tallies as summarize_tallies
    from .api import user_trust_anchors as user_trust_anchors
    from .api import wait_for_removal as wait_for_removal
    from .card import Connection as Connection
    from .card.early import head_start as head_start
    from .card.early import release_head_start as release_head_start
    from .card.profile import PinReference as PinReference
    from .card.replay import ReplayConnection as ReplayConnection
    from .counter import CounterEvent as CounterEvent
    from .counter import CounterLoop as CounterLoop
    from .counter import SessionCounts as SessionCounts
    from .errors import Cancelled as Cancelled
    from .errors import CardBusyError as CardBusyError
    from .errors import CardError as CardError
    from .errors import InputError as InputError
    from .errors import MynacheckError as MynacheckError
    from .errors import NoCardError as NoCardError
    from .errors import NoReaderError as NoReaderError
    from .errors import NotMyNumberCardError as NotMyNumberCardError
    from .errors import PcscUnavailableError as PcscUnavailableError
    from .evaluate import CertificateInfo as CertificateInfo
    from .pin import PinSource as PinSource
    from .report import CheckReport as CheckReport
    from .report import KeyProof as KeyProof
    from .report import PinReport as PinReport
    from .status import Detail as Detail
    from .status import Status as Status
    from .summary import ForecastMonth as ForecastMonth
    from .summary import Group as Group
    from .summary import TallySummary as TallySummary
    from .tally import KeyFileExposed as KeyFileExposed
    from .tally import Tally as Tally
    from .tally import TallyError as TallyError
    from .tally import TallyRow as TallyRow
    from .tally.outbox import DeliveryState as DeliveryState
    from .tally.outbox import ServerTally as ServerTally
    from .tally.push import PushResult as PushResult
    from .trust import Trust as Trust
