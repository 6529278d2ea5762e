"""A :class:`~mynacheck.card.Connection` to an in-process simulated card."""

from __future__ import annotations

from ..card import is_contactless, split_response
from ..errors import CardRemovedError, CardUnresponsiveError
from .card import SimulatedCard
from .model import CardRemoved, CardUnresponsive


class SimulatedConnection:
    """A simulated card in a simulated reader.

    Behaves like the PC/SC connection: a card pulled out raises
    :class:`CardError` with ``CARD_REMOVED``; a card that resets
    itself or does not answer, ``CARD_UNRESPONSIVE``. ``apdu_count`` counts
    every command sent (GET RESPONSE and resends included).
    """

    def __init__(self, card: SimulatedCard, scenario: str = "custom") -> None:
        self.card = card
        self.scenario = scenario
        self.reader = f"simulated: {scenario}"
        self.simulated = True
        self.atr = card.atr
        self.apdu_count = 0
        if not card.powered and not card.removed:
            card.power_on()  # connecting powers the card, as SCardConnect does

    @property
    def contactless(self) -> bool:
        return is_contactless(self.reader, self.atr)

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        """Send one command APDU to the card; return (data, status word)."""
        self.apdu_count += 1
        try:
            response = self.card.process(apdu)
        except CardRemoved as error:
            raise CardRemovedError() from error
        except CardUnresponsive as error:
            raise CardUnresponsiveError() from error
        return split_response(response)

    def reset(self) -> None:
        """Power-cycle the card (cold reset: verified PINs are cleared)."""
        try:
            self.card.power_off()
            self.card.power_on()
        except CardRemoved as error:
            raise CardRemovedError() from error

    def close(self) -> None:
        """Unpower the card, as ``SCARD_UNPOWER_CARD`` would."""
        self.card.power_off()
