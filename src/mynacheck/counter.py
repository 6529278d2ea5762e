"""The one card loop: :class:`CounterLoop`, card after card, with or without a PIN.

The loop: wait for a card, check it (PIN-less, or with the caller's
:class:`~mynacheck.pin.PinSource`), hand the report to the caller, append it
to the tally if one is open, wait for the card to leave (or for "check again"),
start again. A card pulled out mid-read, an unreadable card or a card that is
not a My Number Card is a result like any other; a reader that goes away, or a
PC/SC service that stops (Windows stops it with the last reader), is a
``reader_problem`` event and the loop carries on, opening a new PC/SC context
each time it looks again. ``watch``, the window's counter mode and its
self-check all run this loop and only render its events.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from .api import (
    AnchorLike,
    Card,
    SimulatedReader,
    check_card,
    list_readers,
    load_trust_anchors,
    open_card,
)
from .card.pcsc.readers import matching_readers
from .clock import now_utc
from .errors import (
    Cancelled,
    InputError,
    MynacheckError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
)
from .frozen import freeze_mappings
from .log import Log
from .report import CheckReport
from .status import Detail, Status

if TYPE_CHECKING:
    from .api import TallyLike
    from .pin import PinSource

EventKind = Literal[
    "waiting",
    "reading",
    "result",
    "remove_card",
    "removed",
    "cancelled",
    "readers",
    "reader_problem",
    "tally_problem",
]
_LOG = Log("counter")
#: Problems met before a card is held; the loop says each once and looks again.
READER_PROBLEMS = ("no_reader", "pcsc_unavailable", "several_cards", "no_such_reader")


@dataclass(frozen=True, kw_only=True)
class CounterEvent:
    """What the loop is doing.

    - ``waiting``: for a card (``reader``: the selector or the simulated reader);
    - ``reading``: a card is held (``card``: it, until the result; ``reader``);
    - ``result``: ``report`` is set;
    - ``remove_card``: the result is out, the loop waits for the card to leave;
    - ``removed``: it left;
    - ``cancelled``: the PIN source gave up (``problem``: its ``info["reason"]``);
    - ``readers``: the reader names changed (``info["readers"]``, and
      ``info["chosen"]``: the one the loop's ``reader`` names, first if several,
      None for any reader or none; only with ``watch_readers``);
    - ``reader_problem``: ``problem`` is a status or usage-error key
      (:data:`READER_PROBLEMS`), with ``info``;
    - ``tally_problem``: the row was not written (``problem``: why).
    """

    kind: EventKind
    reader: str | None = None
    report: CheckReport | None = None
    problem: str | None = None
    #: Facts for the event (read-only).
    info: Mapping[str, Any] = field(default_factory=dict)
    card: Card | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        freeze_mappings(self, "info")


class SessionCounts(Mapping[str, int]):
    """Checks in this session by status name (in the exit-code table's order)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, status: Status) -> None:
        self._counts[status.value] += 1

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    def __getitem__(self, status: str) -> int:
        return self._counts[status]

    def __iter__(self) -> Iterator[str]:
        order = [status.value for status in Status]
        return iter(sorted(self._counts, key=lambda s: order.index(s) if s in order else 99))

    def __len__(self) -> int:
        return len(self._counts)

    def __repr__(self) -> str:
        return f"SessionCounts({dict(self)!r})"


OnEvent = Callable[[CounterEvent], None]


class CounterLoop:
    """The card loop behind ``watch`` and both windows.

    ``reader``: as for :func:`open_card` (None: any reader). ``simulate``: scenario
    names checked in turn (then :meth:`run` returns by itself), or a
    :class:`SimulatedReader` to wait on instead of PC/SC. ``tally``: as from
    :func:`open_tally`; not closed here. ``once``: return after the first result.
    ``poll_seconds``: how long one wait for a card lasts before the loop looks
    again (0.05 to 0.9). ``pin``: a :class:`PinSource` to check the PIN and the
    key too (as :func:`check_card`); None for the PIN-less counter check. ``at``:
    evaluate as of this moment. ``watch_readers``: emit ``readers`` events.
    """

    def __init__(
        self,
        reader: int | str | None = None,
        *,
        trust_anchors: Iterable[AnchorLike] = (),
        tally: TallyLike | None = None,
        simulate: Sequence[str] | SimulatedReader = (),
        once: bool = False,
        poll_seconds: float = 0.5,
        pin: PinSource | None = None,
        at: datetime | date | None = None,
        watch_readers: bool = False,
    ) -> None:
        if isinstance(trust_anchors, (bytes, bytearray, str)):
            raise TypeError("trust_anchors takes an iterable of certificates or paths")
        if isinstance(simulate, str):
            raise TypeError("simulate takes a sequence of scenario names or a SimulatedReader")
        self.reader = reader
        # Read once, now: a bad anchor file is a usage error before the first card.
        self.trust_anchors = load_trust_anchors(trust_anchors)
        self.tally = tally
        self.simulate = simulate
        self.once = once
        self.poll_seconds = min(max(poll_seconds, 0.05), 0.9)
        self.pin = pin
        self.at = at
        self.watch_readers = watch_readers
        #: The checks of the current (or last) :meth:`run`, by status; kept after Ctrl-C.
        self.counts = SessionCounts()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._again = False
        if simulate and not isinstance(simulate, SimulatedReader):
            SimulatedReader.check_scenarios(simulate)

    # -- control, from any thread ---------------------------------------------------------

    def check_again(self) -> None:
        """Check the card in the reader once more (ends the wait for its removal)."""
        with self._lock:
            self._again = True
            self._wake.set()

    def choose_reader(self, reader: int | str | None) -> None:
        """Wait on another reader from now on (ends the current wait)."""
        with self._lock:
            if reader != self.reader:
                self.reader = reader
                self._wake.set()

    def run(self, on_event: OnEvent, stop: threading.Event) -> SessionCounts:
        """Check cards until ``stop`` is set (returns within 0.5 s), the named
        scenarios are done, or the first result with ``once``. Raises
        ``InputError`` when ``reader`` matches none of the readers there at start
        (``no_such_reader``). Ctrl-C (``KeyboardInterrupt``) on the thread that
        runs it ends it as promptly, and is raised again; :attr:`counts` still holds
        what the run counted."""
        counts = self.counts = SessionCounts()
        on_event = _logged(on_event)
        try:
            if isinstance(self.simulate, SimulatedReader) or not self.simulate:
                _Rounds(self, on_event, stop, counts).run()
            else:
                self._scenarios(self.simulate, on_event, stop, counts)
        except Cancelled:
            pass
        return counts

    # -- scenario names -------------------------------------------------------------------

    def _scenarios(
        self, names: Sequence[str], on_event: OnEvent, stop: threading.Event, counts: SessionCounts
    ) -> None:
        for name in names:
            if stop.is_set():
                return
            with open_card(simulate=name) as card:
                on_event(CounterEvent(kind="reading", reader=card.reader, card=card))
                report, _ = self._check(card)
            if report is not None:
                self._result(report, on_event, counts)
            if self.once:
                return

    # -- pieces ---------------------------------------------------------------------------

    def _check(self, card: Card) -> tuple[CheckReport | None, str | None]:
        """The check; ``(None, reason)`` when the PIN source gave up. A bug becomes
        ``internal_error`` and the loop goes on."""
        try:
            report = check_card(card, pin=self.pin, at=self.at, trust_anchors=self.trust_anchors)
        except Cancelled as error:
            return None, str(error.info.get("reason", "cancelled"))
        except Exception as error:  # a malformed PIN, a bug: a result, and go on
            return CheckReport.from_error(error, reader=card.reader, at=now_utc()), None
        return report, None

    def _result(self, report: CheckReport, on_event: OnEvent, counts: SessionCounts) -> None:
        if self.tally is not None:
            report = self.tally.record(report)
        counts.add(report.status)
        on_event(CounterEvent(kind="result", reader=report.reader, report=report))
        if Detail.TALLY_NOT_WRITTEN in report.details:
            why = str(report.info.get("tally_error"))
            on_event(CounterEvent(kind="tally_problem", reader=report.reader, problem=why))

    def _fresh_wake(self, stop: threading.Event) -> tuple[threading.Event, bool]:
        """A new event for this round's waits (set by stop, check_again, choose_reader),
        and whether "check again" was asked."""
        with self._lock:
            self._wake = _Wake(stop)
            again, self._again = self._again, False
            return self._wake, again


class _Wake(threading.Event):
    """An event that also counts as set once ``stop`` is: the cancel of one round."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self._stop = stop

    def is_set(self) -> bool:
        return super().is_set() or self._stop.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            left = (
                _WAKE_SLICE if deadline is None else min(_WAKE_SLICE, deadline - time.monotonic())
            )
            if left <= 0:
                return False
            super().wait(left)
        return True


#: How often a round's wait looks at the caller's ``stop`` (s).
_WAKE_SLICE = 0.05


class _Rounds:
    """One :meth:`CounterLoop.run` over readers (PC/SC or a :class:`SimulatedReader`)."""

    def __init__(
        self, loop: CounterLoop, on_event: OnEvent, stop: threading.Event, counts: SessionCounts
    ) -> None:
        self.loop = loop
        self.on_event = on_event
        self.stop = stop
        self.counts = counts
        self.simulated = loop.simulate if isinstance(loop.simulate, SimulatedReader) else None
        #: "waiting" is said once, until a card is read or a problem goes away.
        self.waiting_said = False
        #: The reader problem said last: each once, until it changes.
        self.problem_said: str | None = None
        #: The error met at connect (busy, mute) last reported: once per card.
        self.error_said: tuple[str, ...] = ()
        self.reader_names: list[str] | None = None
        self.first = True

    def run(self) -> None:
        while not self.stop.is_set():
            if self._round() == "done":
                return

    def _round(self) -> str | None:
        loop = self.loop
        wake, again = loop._fresh_wake(self.stop)
        if again:
            self.waiting_said, self.problem_said, self.error_said = False, None, ()
        selector = None if self.simulated is not None else loop.reader
        if loop.watch_readers and self.simulated is None and not self._list_readers(wake):
            return None
        if not self.waiting_said:
            self.waiting_said = True
            self.on_event(CounterEvent(kind="waiting", reader=self._waiting_name(selector)))
        try:
            with open_card(
                selector, simulate=self.simulated, wait=loop.poll_seconds, cancel=wake
            ) as card:
                self.waiting_said, self.problem_said, self.error_said = False, None, ()
                self.first = False
                self.on_event(CounterEvent(kind="reading", reader=card.reader, card=card))
                report, gave_up = loop._check(card)
        except NoCardError:
            self.error_said = ()  # the card that failed to connect is gone
            if self.problem_said is not None:  # the problem went away: say "waiting" again
                self.waiting_said, self.problem_said = False, None
            return None
        except Cancelled:
            return None  # stop, another reader chosen, or check again while waiting
        except (NoReaderError, PcscUnavailableError) as error:
            self._problem(error.status.value, {}, wake)
            return None
        except InputError as error:
            if error.key not in READER_PROBLEMS or (self.first and error.key == "no_such_reader"):
                raise  # a typo at start is the caller's mistake, said at once
            self._problem(error.key, dict(error.info), wake)
            return None
        except MynacheckError as error:
            # Busy, mute, pulled out while connecting: a result (once), then look again.
            self.first = False
            self._connect_error(error, wake)
            return "done" if loop.once else None
        # The card is unpowered and released here, before anything is shown.
        return self._after(card, report, gave_up, wake)

    def _after(
        self, card: Card, report: CheckReport | None, gave_up: str | None, wake: threading.Event
    ) -> str | None:
        if self.stop.is_set():
            return "done"
        if gave_up is not None:
            if gave_up == "removed":
                self.on_event(CounterEvent(kind="removed", reader=card.reader))
                return None
            self.on_event(CounterEvent(kind="cancelled", reader=card.reader, problem=gave_up))
        elif report is not None:
            self.loop._result(report, self.on_event, self.counts)
            if self.loop.once:
                return "done"
        self.on_event(CounterEvent(kind="remove_card", reader=card.reader))
        self._hold(card, wake)
        return None

    def _hold(self, card: Card, wake: threading.Event) -> None:
        """Until the card leaves (``removed``), or "check again", another reader, stop."""
        try:
            card.wait_for_removal(wake)
        except Cancelled:
            return
        except MynacheckError:
            wake.wait(self.loop.poll_seconds)  # the service went away: the next round says so
            return
        self.waiting_said = False
        self.on_event(CounterEvent(kind="removed", reader=card.reader))

    def _list_readers(self, wake: threading.Event) -> bool:
        """Emit ``readers`` when they change; False (after saying why) when none."""
        try:
            readers = list_readers(probe=False)
        except (PcscUnavailableError, NoReaderError) as error:
            self._problem(error.status.value, {}, wake)
            return False
        names = [reader.name for reader in readers]
        if names != self.reader_names:
            self.reader_names = names
            selector = self.loop.reader
            named = [] if selector is None else matching_readers(str(selector), readers)
            chosen = named[0].name if named else None
            self.on_event(CounterEvent(kind="readers", info={"readers": names, "chosen": chosen}))
        if not names:
            self._problem("no_reader", {}, wake)
            return False
        return True

    def _connect_error(self, error: MynacheckError, wake: threading.Event) -> None:
        key = (error.status.value, *(d.value for d in error.details))
        if self.error_said != key:
            self.error_said = key
            self.loop._result(
                CheckReport.from_error(error, at=now_utc()), self.on_event, self.counts
            )
        wake.wait(self.loop.poll_seconds * 2)

    def _problem(self, key: str, info: dict[str, Any], wake: threading.Event) -> None:
        if self.problem_said != key:  # each problem once, until it changes
            self.problem_said = key
            self.on_event(CounterEvent(kind="reader_problem", problem=key, info=info))
        wake.wait(self.loop.poll_seconds)

    def _waiting_name(self, selector: int | str | None) -> str | None:
        if self.simulated is not None:
            return self.simulated.name
        return None if selector is None else str(selector)


def _logged(on_event: OnEvent) -> OnEvent:
    """``on_event``, each event said first at INFO on ``mynacheck.counter``."""

    def said(event: CounterEvent) -> None:
        status = event.report.status.value if event.report is not None else None
        _LOG.info(
            "%s reader=%r status=%s problem=%s", event.kind, event.reader, status, event.problem
        )
        on_event(event)

    return said
