"""Counter mode without a screen: :class:`CounterLoop`, card after card, no PIN.

The loop: wait for a card, run the PIN-less check (no PIN is ever asked or
sent), hand the report to the caller, append it to the tally if one is open,
wait for the card to leave, start again. A card pulled out mid-read, an
unreadable card or a card that is not a My Number Card is a result like any
other; a reader that goes away, or a PC/SC service that stops (Windows stops it
with the last reader), is a ``reader_problem`` event and the loop carries on,
opening a new PC/SC context each time it looks again. ``watch`` and the
window's counter mode render its events.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from .api import (
    AnchorLike,
    SimulatedReader,
    check_card,
    list_readers,
    load_trust_anchors,
    open_card,
    wait_for_removal,
)
from .errors import (
    Cancelled,
    InputError,
    MynacheckError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
)
from .report import CheckReport
from .status import Detail, Status

if TYPE_CHECKING:
    from .tally.store import Tally

EventKind = Literal[
    "waiting", "reading", "result", "remove_card", "reader_problem", "tally_problem"
]


@dataclass(frozen=True)
class CounterEvent:
    """What the loop is doing. ``report`` is set on ``result`` events only;
    ``problem`` on ``reader_problem`` (a status or usage-error key: ``no_reader``,
    ``pcsc_unavailable``, ``several_cards``, ``no_such_reader``) and
    ``tally_problem`` (why the row was not written) events, with ``info``."""

    kind: EventKind
    reader: str | None = None
    report: CheckReport | None = None
    problem: str | None = None
    info: Mapping[str, Any] = field(default_factory=dict)


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


class CounterLoop:
    """``watch`` without the screen.

    ``reader``: as for :func:`open_card` (None: any reader). ``simulate``: scenario
    names checked in turn (then :meth:`run` returns by itself), or a
    :class:`SimulatedReader` to wait on instead of PC/SC. ``tally``: as from
    :func:`open_tally`; not closed here. ``once``: return after the first result.
    """

    def __init__(
        self,
        reader: int | str | None = None,
        *,
        trust_anchors: Iterable[AnchorLike] = (),
        tally: Tally | None = None,
        simulate: Sequence[str] | SimulatedReader = (),
        once: bool = False,
        poll_seconds: float = 0.5,
    ) -> None:
        if isinstance(trust_anchors, (bytes, bytearray, str)):
            raise TypeError("trust_anchors takes an iterable of certificates or paths")
        self.reader = reader
        # Read once, now: a bad anchor file is a usage error before the first card.
        self.trust_anchors = load_trust_anchors(trust_anchors)
        self.tally = tally
        self.simulate = simulate
        self.once = once
        self.poll_seconds = min(max(poll_seconds, 0.05), 0.9)
        if isinstance(simulate, str):
            raise TypeError("simulate takes a sequence of scenario names or a SimulatedReader")
        if not isinstance(simulate, SimulatedReader):
            from .api import simulated_scenarios

            known = simulated_scenarios()
            for name in simulate:
                if name not in known:
                    raise InputError("unknown_scenario", name=name)

    def run(self, on_event: Callable[[CounterEvent], None], stop: threading.Event) -> SessionCounts:
        """Check cards until ``stop`` is set (returns within 1 s), the named
        scenarios are done, or the first result with ``once``. Raises
        ``InputError`` when ``reader`` matches none of the readers there at start."""
        counts = SessionCounts()
        try:
            if isinstance(self.simulate, SimulatedReader) or not self.simulate:
                self._loop(on_event, stop, counts)
            else:
                self._scenarios(self.simulate, on_event, stop, counts)
        except Cancelled:
            pass
        return counts

    # -- the two loops ---------------------------------------------------------------

    def _scenarios(
        self,
        names: Sequence[str],
        on_event: Callable[[CounterEvent], None],
        stop: threading.Event,
        counts: SessionCounts,
    ) -> None:
        for name in names:
            if stop.is_set():
                return
            with open_card(simulate=name) as card:
                on_event(CounterEvent("reading", card.reader))
                report = self._check(card)
            self._result(report, on_event, counts)
            if self.once:
                return

    def _loop(
        self, on_event: Callable[[CounterEvent], None], stop: threading.Event, counts: SessionCounts
    ) -> None:
        simulated = self.simulate if isinstance(self.simulate, SimulatedReader) else None
        if simulated is None and self.reader is not None:
            self._reader_must_exist()
        waiting_said = False
        problem_said: str | None = None

        def problem(event: CounterEvent) -> None:
            nonlocal problem_said
            if problem_said != event.problem:  # each problem once, until it changes
                on_event(event)
                problem_said = event.problem

        while not stop.is_set():
            if not waiting_said:
                on_event(CounterEvent("waiting", self._reader_name(simulated)))
                waiting_said = True
            try:
                with open_card(
                    None if simulated else self.reader,
                    simulate=simulated,
                    wait=self.poll_seconds,
                    cancel=stop,
                ) as card:
                    waiting_said, problem_said = False, None
                    on_event(CounterEvent("reading", card.reader))
                    report = self._check(card)
                # The card is unpowered and released before anything is shown.
                self._result(report, on_event, counts)
                if self.once:
                    return
                on_event(CounterEvent("remove_card", card.reader))
                self._wait_for_removal(card, stop)
            except NoCardError:
                if problem_said is not None:  # the problem went away: say "waiting" again
                    waiting_said, problem_said = False, None
                continue
            except (NoReaderError, PcscUnavailableError) as error:
                problem(CounterEvent("reader_problem", problem=error.status.value))
                stop.wait(self.poll_seconds)
            except InputError as error:
                if error.key not in ("several_cards", "no_such_reader"):
                    raise
                problem(CounterEvent("reader_problem", problem=error.key, info=dict(error.info)))
                stop.wait(self.poll_seconds)
            except (Cancelled, KeyboardInterrupt):
                raise
            except MynacheckError as error:
                # Pulled out before the connect, busy, mute: a result, then go on.
                report = CheckReport.from_error(error, at=datetime.now(timezone.utc))
                self._result(report, on_event, counts)
                if self.once:
                    return
                stop.wait(self.poll_seconds)

    # -- pieces ---------------------------------------------------------------------------

    def _reader_must_exist(self) -> None:
        """A reader name matching none of the readers there now is a typo, not a wait."""
        try:
            readers = list_readers(probe=False)
        except MynacheckError:
            return  # no service yet: wait for it
        if not readers:
            return  # nothing plugged in yet: wait
        selector = str(self.reader)
        if selector.strip().isdigit():
            if any(r.index == int(selector) for r in readers):
                return
        elif any(selector.strip().lower() in r.name.lower() for r in readers):
            return
        raise InputError("no_such_reader", selector=selector, readers=[r.name for r in readers])

    def _reader_name(self, simulated: SimulatedReader | None) -> str | None:
        if simulated is not None:
            return simulated.name
        return None if self.reader is None else str(self.reader)

    def _check(self, card: Any) -> CheckReport:
        """The PIN-less check; a bug becomes ``internal_error`` and the loop goes on."""
        try:
            return check_card(card, trust_anchors=self.trust_anchors)
        except Exception as error:  # a bug too: keep the counter running, say what it was
            return CheckReport.from_error(error, reader=card.reader, at=datetime.now(timezone.utc))

    def _result(
        self, report: CheckReport, on_event: Callable[[CounterEvent], None], counts: SessionCounts
    ) -> None:
        counts.add(report.status)
        on_event(CounterEvent("result", report.reader, report))
        if self.tally is not None:
            recorded = self.tally.record(report)
            if Detail.TALLY_NOT_WRITTEN in recorded.details:
                why = str(recorded.info.get("tally_error"))
                on_event(CounterEvent("tally_problem", report.reader, problem=why))

    def _wait_for_removal(self, card: Any, stop: threading.Event) -> None:
        try:
            wait_for_removal(card, cancel=stop)
        except (Cancelled, KeyboardInterrupt):
            raise
        except MynacheckError:
            stop.wait(self.poll_seconds)  # service gone: the wait for a card will say so
