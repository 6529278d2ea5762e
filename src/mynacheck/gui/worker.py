"""The self-check's worker thread: all card I/O, off the UI thread.

It runs the public API (``list_readers``, ``open_card``, ``check_card``,
``wait_for_removal``) in a loop and reports through Qt signals: the readers
there, what it is doing, and each finished report (frozen, as the library made
it). The UI thread only draws what arrives. The card is held only inside
``open_card``'s block, so it is unpowered before a result is shown, when the
check is cancelled, and when the window closes (:meth:`SelfCheckWorker.close`
waits for that).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

import mynacheck
from mynacheck import (
    Cancelled,
    CheckReport,
    InputError,
    MynacheckError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
)

from .pin_source import CANCELLED, CLOSED, REMOVED, WindowPinSource

if TYPE_CHECKING:
    from mynacheck import Card, SimulatedReader

#: Seconds one wait for a card lasts before the readers are listed again.
POLL_S = 0.5
#: Problems met before a card is held: the window says them and keeps looking.
PROBLEMS = ("no_reader", "pcsc_unavailable", "several_cards", "no_such_reader")


class SelfCheckSignals(QObject):
    """What the worker tells the window (queued to the UI thread)."""

    readers = Signal(object)  # list[str]: the reader names, when they change
    problem = Signal(str, object)  # one of PROBLEMS, info dict
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
        trust_anchors: Iterable[Any] = (),
        at: datetime | date | None = None,
        pin_timeout_s: float = 60.0,
        tally: Any = None,
    ) -> None:
        self._signals = signals
        self._simulated = simulate
        self._anchors = trust_anchors
        self._at = at
        self._tally = tally
        self._selector = reader
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._abort = threading.Event()
        self._again = False
        self._said: tuple[str, ...] = ()
        self._reader_names: list[str] | None = None
        self.pin_source = WindowPinSource(
            lambda request, tries: self._emit(signals.pinWanted, request, tries),
            lambda request: self._emit(signals.confirmWanted, request),
            timeout_s=pin_timeout_s,
        )
        self._thread = threading.Thread(target=self._run, name="mynacheck-check", daemon=True)

    # -- control, from the UI thread ------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def close(self, timeout: float = 10.0) -> bool:
        """Stop: give up any question, leave ``open_card``'s block (unpowering the card),
        end the thread. True when it ended within ``timeout``."""
        self._stop.set()
        self.pin_source.give_up(CLOSED)
        with self._lock:
            self._abort.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def cancel(self) -> None:
        """The person's Cancel: the read ends before the PIN, the PIN question ends."""
        self.pin_source.give_up(CANCELLED)

    def check_again(self) -> None:
        """Check the card in the reader once more (after a result or a cancel)."""
        with self._lock:
            self._again = True
            self._abort.set()

    def choose_reader(self, selector: int | str | None) -> None:
        with self._lock:
            if selector != self._selector:
                self._selector = selector
                self._abort.set()

    # -- the loop -------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._round()
            except Exception as error:  # a bug: show it, keep the window alive
                self._say()
                self._emit(self._signals.result, CheckReport.from_error(error, at=_now()))
                self._hold(None)

    def _round(self) -> None:
        abort = self._fresh_abort()
        with self._lock:
            selector = self._selector
            if self._again:  # "check again": say everything afresh (a busy card too)
                self._said = ()
            self._again = False
        if self._simulated is None and not self._readers_there(abort):
            return
        outcome: str | None = None
        report: CheckReport | None = None
        try:
            with mynacheck.open_card(
                None if self._simulated is not None else selector,
                wait=POLL_S,
                simulate=self._simulated,
                cancel=abort,
            ) as card:
                self._say()
                self._emit(self._signals.reading, card.reader)
                self.pin_source.start(self._presence(card))
                try:
                    report = mynacheck.check_card(
                        card, pin=self.pin_source, at=self._at, trust_anchors=self._anchors
                    )
                except Cancelled as error:
                    outcome = str(error.info.get("reason", CANCELLED))
                except MynacheckError as error:  # nothing was sent (a malformed PIN, ...)
                    report = CheckReport.from_error(error, reader=card.reader, at=_now())
        except NoCardError:
            self._say("waiting", "" if selector is None else str(selector))
            return
        except Cancelled:
            return  # close, another reader chosen, or check again while waiting
        except (NoReaderError, PcscUnavailableError) as error:
            self._problem(error.status.value, {}, abort)
            return
        except InputError as error:
            if error.key not in PROBLEMS:
                raise
            self._problem(error.key, dict(error.info), abort)
            return
        except MynacheckError as error:
            # Busy, mute, pulled out while connecting: say it once, then look again.
            key = f"error:{error.status.value}"
            if self._said != (key,):
                self._said = (key,)
                self._emit(self._signals.result, CheckReport.from_error(error, at=_now()))
            abort.wait(POLL_S * 2)
            return
        # The card is unpowered and released here, before anything is shown.
        if self._stop.is_set() or outcome == CLOSED:
            return
        if outcome == REMOVED:
            self._emit(self._signals.removed)
            return
        if outcome is not None:
            self._emit(self._signals.cancelled, outcome)
        elif report is not None:
            self._emit(self._signals.result, self._record(report))
        self._hold(card)

    def _hold(self, card: Card | None) -> None:
        """After a result: wait until the card leaves (clear) or "check again"."""
        abort = self._fresh_abort()
        with self._lock:
            if self._again:
                return
        try:
            if card is None:
                abort.wait()
                return
            mynacheck.wait_for_removal(card, cancel=abort)
        except Cancelled:
            return
        except MynacheckError:
            abort.wait(POLL_S)  # the service went away: the next round will say so
        self._say()
        self._emit(self._signals.removed)

    # -- pieces ---------------------------------------------------------------------------

    def _readers_there(self, abort: threading.Event) -> bool:
        try:
            readers = mynacheck.list_readers(probe=False)
        except PcscUnavailableError:
            self._problem("pcsc_unavailable", {}, abort)
            return False
        names = [reader.name for reader in readers]
        if names != self._reader_names:
            self._reader_names = names
            self._emit(self._signals.readers, list(names))
        if not names:
            self._problem("no_reader", {}, abort)
            return False
        return True

    def _presence(self, card: Card) -> Callable[[], bool]:
        simulated = self._simulated
        if simulated is not None:
            return lambda: simulated.card_present
        if card.simulated:
            return lambda: True
        name = card.reader

        def present() -> bool:
            return any(r.name == name and r.card_present for r in mynacheck.list_readers(False))

        return present

    def _problem(self, key: str, info: dict[str, Any], abort: threading.Event) -> None:
        if self._said != ("problem", key):
            self._said = ("problem", key)
            self._emit(self._signals.problem, key, info)
        abort.wait(POLL_S * 2)

    def _say(self, *what: str) -> None:
        """Emit ``waiting`` once per change (the loop goes round every POLL_S)."""
        if tuple(what) == self._said:
            return
        self._said = tuple(what)
        if what and what[0] == "waiting":
            self._emit(self._signals.waiting, what[1])

    def _record(self, report: CheckReport) -> CheckReport:
        """As ``check --log``: a row for checks that said something about the
        certificate; the verdict stands whatever happens to the row."""
        return report if self._tally is None else self._tally.record(report)

    def _fresh_abort(self) -> threading.Event:
        with self._lock:
            self._abort = threading.Event()
            if self._stop.is_set():
                self._abort.set()
            return self._abort

    def _emit(self, signal: Any, *args: object) -> None:
        if self._stop.is_set():
            return  # the window is closing: nothing more to draw
        try:
            signal.emit(*args)
        except RuntimeError:  # the window's objects are already gone
            self._stop.set()


def _now() -> datetime:
    return datetime.now(timezone.utc)
