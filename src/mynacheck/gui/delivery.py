"""The counter window's line about a server tally's delivery: ``delivered``,
``N waiting``, ``server unreachable since 10:42``. The delivery runs on a thread of
its own and never holds up a check; this label only shows where it stands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

import mynacheck
from mynacheck.present.messages.server import delivery_text

if TYPE_CHECKING:
    from mynacheck import DeliveryState, ServerTally, TallyLike


class _Relay(QObject):
    changed = Signal(object)  # DeliveryState, from the delivery thread to the UI thread


class DeliveryLabel(QLabel):
    """Shows ``tally``'s delivery state as it changes (``tally.on_state``)."""

    def __init__(self, tally: ServerTally, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deliveryState")
        self._lang = lang
        self._state = tally.state()
        self._relay = _Relay(self)
        self._relay.changed.connect(self._show)
        tally.on_state = self._relay.changed.emit
        self._show(self._state)

    def set_lang(self, lang: str) -> None:
        self._lang = lang
        self._show(self._state)

    def _show(self, state: DeliveryState) -> None:
        self._state = state
        words = delivery_text(state, self._lang)
        self.setText(words)
        self.setAccessibleName(words)
        problem = state.state in ("unreachable", "refused")
        self.setStyleSheet("color: #8a4b00;" if problem else "color: #555;")


def delivery_label(tally: TallyLike | None, lang: str, parent: QWidget) -> DeliveryLabel | None:
    """A :class:`DeliveryLabel` for a server tally; None for a file (nothing to deliver)."""
    if tally is None or not isinstance(tally, mynacheck.ServerTally):
        return None
    return DeliveryLabel(tally, lang, parent)
