"""A simulated My Number Card for tests, demos and the vpcd bridge.

- :mod:`.card`: :class:`SimulatedCard`, the APDU-level emulation.
- :mod:`.scenario`: :class:`Scenario`, how one card is built; :mod:`.scenarios`: the
  named cards (``SCENARIOS``, ``make_card``); :mod:`.fixtures`: the synthetic files.
- :mod:`.connection`: :class:`SimulatedConnection`, a drop-in ``Connection``.
- :mod:`.vpcd`: a card served to pcscd through vsmartcard-vpcd (``mynacheck-sim``),
  :mod:`.vpcd_wire` its messages; :mod:`.readers_lock`: the lock on vpcd's readers.

All certificates and keys are synthetic (``data/README.md``).

The names below load on first use, never when the package loads
(:mod:`mynacheck.lazy` says why: the window's check thread imports
``simcard.connection`` while ``SimulatedReader.insert`` imports ``simcard.scenarios``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr

_EXPORTS = {
    "DEMO_PIN": "..pin",
    "SCENARIOS": ".scenarios",
    "CardRemoved": ".model",
    "CardReset": ".model",
    "CardUnresponsive": ".model",
    "Quirks": ".model",
    "Scenario": ".scenario",
    "SimulatedCard": ".card",
    "SimulatedConnection": ".connection",
    "data_file": ".fixtures",
    "cards_made": ".scenarios",
    "make_card": ".scenarios",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)


if TYPE_CHECKING:
    from ..pin import DEMO_PIN as DEMO_PIN
    from .card import SimulatedCard as SimulatedCard
    from .connection import SimulatedConnection as SimulatedConnection
    from .fixtures import data_file as data_file
    from .model import CardRemoved as CardRemoved
    from .model import CardReset as CardReset
    from .model import CardUnresponsive as CardUnresponsive
    from .model import Quirks as Quirks
    from .scenario import Scenario as Scenario
    from .scenarios import SCENARIOS as SCENARIOS
    from .scenarios import cards_made as cards_made
    from .scenarios import make_card as make_card
