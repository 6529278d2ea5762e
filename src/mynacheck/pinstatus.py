"""Tries left on every PIN of the card, without spending any.

Card state needed: a card in the reader; no PIN. Each PIN is queried with
VERIFY without data after SELECT EF in its application (docs/card-facts.md "PINs").
"""

from __future__ import annotations

from dataclasses import dataclass

from .card.jpki import JpkiSession, PinState
from .card.profile import CardProfile, PinReference
from .errors import NotMyNumberCardError, UnexpectedStatusError


@dataclass(frozen=True)
class PinRow:
    reference: PinReference
    available: bool  # False when the application or PIN file is not on the card
    tries_left: int | None = None
    blocked: bool = False
    verified: bool = False  # verified earlier in this power cycle: tries unknown


def all_pin_statuses(session: JpkiSession, profile: CardProfile) -> list[PinRow]:
    """Query every PIN the profile knows. Raises NotMyNumberCardError without the JPKI AP."""
    session.select_application()
    rows = []
    for reference in (profile.auth_pin, *profile.other_pins):
        try:
            status = session.pin_status(reference)
        except (UnexpectedStatusError, NotMyNumberCardError):
            # Not on this card, or its answer says nothing about the tries. A card
            # that went away raises on: that is not a fact about this PIN.
            rows.append(PinRow(reference, available=False))
            continue
        rows.append(
            PinRow(
                reference,
                available=True,
                tries_left=status.tries_left,
                blocked=status.blocked,
                verified=status.state is PinState.VERIFIED,
            )
        )
    return rows
