"""A simulated My Number Card for tests, demos and the vpcd bridge.

- :mod:`.card`: :class:`SimulatedCard`, the APDU-level emulation.
- :mod:`.scenarios`: the named cards (``SCENARIOS``, ``make_card``, ``DEMO_PIN``).
- :mod:`.connection`: :class:`SimulatedConnection`, a drop-in ``Connection``.

All certificates and keys are synthetic (``data/README.md``).
"""

from __future__ import annotations

from ..pin import DEMO_PIN
from .card import SimulatedCard
from .connection import SimulatedConnection
from .model import CardRemoved, CardReset, CardUnresponsive, Quirks
from .scenarios import SCENARIOS, Scenario, data_file, make_card

__all__ = [
    "DEMO_PIN",
    "SCENARIOS",
    "CardRemoved",
    "CardReset",
    "CardUnresponsive",
    "Quirks",
    "Scenario",
    "SimulatedCard",
    "SimulatedConnection",
    "data_file",
    "make_card",
]
