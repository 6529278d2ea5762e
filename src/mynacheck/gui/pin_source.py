"""The window's :class:`mynacheck.PinSource`: asked on the worker thread, answered on the UI's.

``check_card`` calls :meth:`WindowPinSource.read_pin` (and, before the last
try, :meth:`~WindowPinSource.confirm_last_try`) on the worker thread once the
certificate is valid and the tries are known. The source hands the question to
the UI thread (a callback that emits a Qt signal), then blocks the worker until
the person answers, gives up, leaves the field untouched for ``timeout_s``, or
pulls the card out; every way but an answer raises :class:`mynacheck.Cancelled`
with ``info["reason"]`` one of :data:`CANCELLED`, :data:`TIMEOUT`, :data:`REMOVED`
and :data:`CLOSED`, so nothing is sent to the card.

No Qt here: the UI calls :meth:`submit`, :meth:`answer`, :meth:`touch` and
:meth:`give_up`. Each question has an id; an answer to an old question is
dropped (a submitted PIN is zeroed first). The PIN travels as the bytearray the
UI made; this source keeps no reference to it once ``read_pin`` returns it, and
``check_card`` zeroes it after VERIFY.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from mynacheck import Cancelled

CANCELLED = "cancelled"
TIMEOUT = "timeout"
REMOVED = "removed"
CLOSED = "closed"

#: How often the worker looks whether the card is still in while it waits (s).
PRESENCE_POLL_S = 0.3


class WindowPinSource:
    """A PIN source whose questions are answered in the window.

    ``ask_pin(request, tries_left)`` and ``ask_confirm(request)`` are called on
    the worker thread and must only hand the question over (emit a signal).
    ``card_present`` (optional) is polled while waiting; False ends the wait.
    """

    def __init__(
        self,
        ask_pin: Callable[[int, int | None], None],
        ask_confirm: Callable[[int], None],
        *,
        timeout_s: float = 60.0,
        card_present: Callable[[], bool] | None = None,
    ) -> None:
        self._ask_pin = ask_pin
        self._ask_confirm = ask_confirm
        self.timeout_s = timeout_s
        self._card_present = card_present
        self._changed = threading.Condition()
        self._request = 0
        self._open = 0  # the request being waited for; 0: none
        self._answer: bytearray | bool | None = None
        self._gave_up: str | None = None
        self._touched = time.monotonic()

    # -- the worker's side (check_card calls these) --------------------------------------

    def start(self, card_present: Callable[[], bool] | None = None) -> None:
        """A new check begins: forget an earlier give-up; poll ``card_present``."""
        with self._changed:
            self._gave_up = None
            self._open = 0
            self._drop_answer()
            self._card_present = card_present

    def read_pin(self, reference: object, tries_left: int | None) -> bytearray:
        request = self._begin()
        self._ask_pin(request, tries_left)
        answer = self._wait(request)
        if not isinstance(answer, bytearray):  # pragma: no cover - answers are typed
            raise Cancelled(info={"reason": CANCELLED})
        return answer

    def confirm_last_try(self) -> bool:
        request = self._begin()
        self._ask_confirm(request)
        return self._wait(request) is True

    # -- the UI's side -----------------------------------------------------------------

    def submit(self, request: int, pin: bytearray) -> bool:
        """Hand over the PIN typed for ``request``; False (and ``pin`` zeroed) if that
        question is no longer open."""
        with self._changed:
            if request != self._open or self._gave_up is not None:
                pin[:] = bytes(len(pin))
                return False
            self._drop_answer()
            self._answer = pin
            self._changed.notify_all()
            return True

    def answer(self, request: int, yes: bool) -> None:
        """The answer to the last-try confirmation ``request``."""
        with self._changed:
            if request == self._open and self._gave_up is None:
                self._answer = yes
                self._changed.notify_all()

    def touch(self, request: int) -> None:
        """The person is typing: the idle time starts again."""
        with self._changed:
            if request == self._open:
                self._touched = time.monotonic()

    def give_up(self, reason: str = CANCELLED) -> None:
        """End the open question, and any asked before :meth:`start`, with ``reason``."""
        with self._changed:
            if self._gave_up is None:
                self._gave_up = reason
            self._drop_answer()
            self._changed.notify_all()

    @property
    def waiting(self) -> bool:
        with self._changed:
            return self._open != 0

    # -- inside ------------------------------------------------------------------------

    def _begin(self) -> int:
        with self._changed:
            if self._gave_up is not None:
                raise Cancelled(info={"reason": self._gave_up})
            self._request += 1
            self._open = self._request
            self._touched = time.monotonic()
            self._drop_answer()
            return self._open

    def _wait(self, request: int) -> bytearray | bool:
        next_look = time.monotonic() + PRESENCE_POLL_S
        try:
            while True:
                with self._changed:
                    if self._gave_up is not None:
                        raise Cancelled(info={"reason": self._gave_up})
                    if self._answer is not None:
                        answer, self._answer = self._answer, None
                        return answer
                    idle = time.monotonic() - self._touched
                    if idle >= self.timeout_s:
                        self._gave_up = TIMEOUT
                        raise Cancelled(info={"reason": TIMEOUT})
                    self._changed.wait(min(0.1, self.timeout_s - idle))
                    present = self._card_present
                if present is not None and time.monotonic() >= next_look:
                    next_look = time.monotonic() + PRESENCE_POLL_S
                    if not _still_there(present):
                        self.give_up(REMOVED)
        finally:
            with self._changed:
                if self._open == request:
                    self._open = 0
                self._drop_answer()

    def _drop_answer(self) -> None:
        if isinstance(self._answer, bytearray):
            self._answer[:] = bytes(len(self._answer))
        self._answer = None


def _still_there(present: Callable[[], bool]) -> bool:
    try:
        return present()
    except Exception:  # the service went away: the card is as good as gone
        return False
