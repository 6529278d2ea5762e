"""The public API: ``import mynacheck`` (documented in docs/api.md).

A library first: no click, no print, no exit codes chosen here, no signal
handling. The CLI, ``watch`` and the window are faces on top of these calls.
Every function says what card state it needs. Errors are
:class:`~mynacheck.errors.MynacheckError` subclasses.

The names below load on first use, never while this package loads
(:mod:`mynacheck.lazy` says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr

_EXPORTS = {
    "AnchorLike": "._types",
    "Card": ".cards",
    "PathLike": "._types",
    "PinInfo": ".checks",
    "ReaderInfo": ".cards",
    "SimulatedReader": ".cards",
    "TallyLike": "._types",
    "check_card": ".checks",
    "inspect_certificate": ".checks",
    "list_readers": ".cards",
    "load_trust_anchors": ".checks",
    "open_card": ".cards",
    "open_tally": ".tallies",
    "push_tallies": ".tallies",
    "read_pin_statuses": ".checks",
    "render_json": ".checks",
    "render_text": ".checks",
    "server_setup_sql": ".tallies",
    "setup_server": ".tallies",
    "simulated_scenarios": ".checks",
    "summarize_tallies": ".tallies",
    "user_trust_anchors": ".checks",
    "wait_for_removal": ".cards",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)


if TYPE_CHECKING:
    from ._types import AnchorLike as AnchorLike
    from ._types import PathLike as PathLike
    from ._types import TallyLike as TallyLike
    from .cards import Card as Card
    from .cards import ReaderInfo as ReaderInfo
    from .cards import SimulatedReader as SimulatedReader
    from .cards import list_readers as list_readers
    from .cards import open_card as open_card
    from .cards import wait_for_removal as wait_for_removal
    from .checks import PinInfo as PinInfo
    from .checks import check_card as check_card
    from .checks import inspect_certificate as inspect_certificate
    from .checks import load_trust_anchors as load_trust_anchors
    from .checks import read_pin_statuses as read_pin_statuses
    from .checks import render_json as render_json
    from .checks import render_text as render_text
    from .checks import simulated_scenarios as simulated_scenarios
    from .checks import user_trust_anchors as user_trust_anchors
    from .tallies import open_tally as open_tally
    from .tallies import push_tallies as push_tallies
    from .tallies import server_setup_sql as server_setup_sql
    from .tallies import setup_server as setup_server
    from .tallies import summarize_tallies as summarize_tallies
