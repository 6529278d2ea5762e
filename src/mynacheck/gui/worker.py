"""The self-check's worker thread: the library's card loop with the window's PIN source.

It runs :class:`mynacheck.CounterLoop` (the loop ``watch`` and the counter
window run) with a :class:`~.pin_source.WindowPinSource`, and turns the loop's
events into Qt signals: the readers there, what it is doing, and each finished
report (frozen, as the library made it). The UI thread only draws what arrives.
The loop holds the card only inside ``open_card``'s block, so it is unpowered
before a result is shown, when the check is cancelled, and when the window
closes (:meth:`SelfCheckWorker.close` waits for that).

The loop, and with it the API and the card layer, is made by :meth:`SelfCheckWorker.start`,
not before: the window is painted first (its start, gui/app.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from mynacheck.clock import now_utc

from .pin_source import CANCELLED, CLOSED, WindowPinSource

if TYPE_CHECKING:
    from mynacheck import AnchorLike, CounterEvent, CounterLoop, SimulatedReader, TallyLike

#: Seconds one wait for a card lasts before the readers are listed again.
POLL_S = 0.5


class SelfCheckSignals(QObject):
    """What the worker tells the window (queued to the UI thread)."""

    #: The reader names, when they change, and the one the selector names (or None).
    readers = Signal(object, object)
    problem = Signal(str, object)  # a reader_problem event's key, info dict
    waiting = Signal(str)  # waiting for a card in this reader ("" = any)
    reading = Signal(str)  # a card is held: the reader's name
    pinWanted = Signal(int, object)  # request id, tries left (int or None)
    confirmWanted = Signal(int)  # request id: spend the last try?
    result = Signal(object)  # CheckReport: the check has ended
    cancelled = Signal(str)  # why: pin_source.CANCELLED / TIMEOUT
    removed = Signal()  # the card left: clear the screen


class SelfCheckWorker:
    """One thread, checking each card put in; controlled from the UI thread."""

    def __init__(
        self,
        signals: SelfCheckSignals,
        *,
        reader: int | str | None = None,
        simulate: SimulatedReader | None = None,
        trust_anchors: Iterable[AnchorLike] = (),
        at: datetime | date | None = None,
        pin_timeout_s: float = 60.0,
        tally: TallyLike | None = None,
    ) -> None:
        self._signals = signals
        self._stop = threading.Event()
        #: Set by the person (another reader, check again) and by close: look again now.
        self._poke = threading.Event()
        self._problem_said: str | None = None
        self.pin_source = WindowPinSource(
            lambda request, tries: self._emit(signals.pinWanted, request, tries),
            lambda request: self._emit(signals.confirmWanted, request),
            timeout_s=pin_timeout_s,
        )
        self._reader = reader
        self._options: dict[str, Any] = {
            "trust_anchors": trust_anchors,
            "tally": tally,
            "simulate": simulate if simulate is not None else (),
            "poll_seconds": POLL_S,
            "pin": self.pin_source,
            "at": at,
            "watch_readers": simulate is None,
        }
        self._loop: CounterLoop | None = None
        self._thread = threading.Thread(target=self._run, name="mynacheck-check", daemon=True)

    # -- control, from the UI thread ------------------------------------------------------

    def start(self) -> None:
        """Make the card loop (here, on the UI thread, so the two threads never import
        the same modules at once) and run it on the worker's thread."""
        if self._loop is not None or self._stop.is_set():
            return
        from mynacheck import CounterLoop

        self._loop = CounterLoop(self._reader, **self._options)
        self._thread.start()

    def close(self, timeout: float = 10.0) -> bool:
        """Stop: give up any question, leave ``open_card``'s block (unpowering the card),
        end the thread. True when it ended within ``timeout``."""
        self._stop.set()
        self._poke.set()
        self.pin_source.give_up(CLOSED)
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def cancel(self) -> None:
        """The person's Cancel: the read ends before the PIN, the PIN question ends."""
        self.pin_source.give_up(CANCELLED)

    def check_again(self) -> None:
        """Check the card in the reader once more (after a result or a cancel)."""
        self._problem_said = None
        if self._loop is not None:
            self._loop.check_again()
        self._poke.set()

    def choose_reader(self, selector: int | str | None) -> None:
        self._reader = selector
        if self._loop is not None:
            self._loop.choose_reader(selector)
        self._poke.set()

    # -- the loop -------------------------------------------------------------------------

    def _run(self) -> None:
        from mynacheck import CheckReport, InputError  # loaded with the loop, by start()

        loop = self._loop
        assert loop is not None  # made by start() before the thread
        while not self._stop.is_set():
            self._poke.clear()
            try:
                loop.run(self._on_event, self._stop)
            except InputError as error:  # a reader name matching none of those there
                if error.key != "no_such_reader":  # the one run() raises at start (docs/api.md)
                    raise
                if self._problem_said != error.key:
                    self._problem_said = error.key
                    self._emit(self._signals.problem, error.key, dict(error.info))
                self._poke.wait(POLL_S * 2)
            except Exception as error:  # a bug: show it, keep the window alive
                self._emit(self._signals.result, CheckReport.from_error(error, at=now_utc()))
                self._poke.wait()

    def _on_event(self, event: CounterEvent) -> None:
        """On the loop's thread: hand the event to the UI thread as a signal."""
        s = self._signals
        if event.kind == "reading" and event.card is not None:
            self._problem_said = None
            self.pin_source.start(event.card.is_present)
            self._emit(s.reading, event.reader or "")
        elif event.kind == "result" and event.report is not None:
            self._emit(s.result, event.report)
        elif event.kind == "waiting":
            reader = self._loop.reader if self._loop is not None else None
            self._emit(s.waiting, "" if reader is None else str(reader))
        elif event.kind == "readers":
            self._emit(s.readers, list(event.info["readers"]), event.info["chosen"])
        elif event.kind == "reader_problem" and event.problem is not None:
            self._emit(s.problem, event.problem, dict(event.info))
        elif event.kind == "cancelled" and event.problem != CLOSED:
            self._emit(s.cancelled, event.problem or CANCELLED)
        elif event.kind == "removed":
            self._emit(s.removed)

    def _emit(self, signal: Any, *args: object) -> None:
        if self._stop.is_set():
            return  # the window is closing: nothing more to draw
        try:
            signal.emit(*args)
        except RuntimeError:  # the window's objects are already gone
            self._stop.set()
