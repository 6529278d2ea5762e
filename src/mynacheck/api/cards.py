"""The public API, part 1: readers, a simulated reader, and holding a card.

No click, no print, no exit codes chosen here, no signal handling.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from ..errors import (
    Cancelled,
    InputError,
    MynacheckError,
    NoCardError,
    NoReaderError,
    NotMyNumberCardError,
    PcscUnavailableError,
)
from ..log import Log
from ..pin import DEMO_PIN
from ._types import PathLike

if TYPE_CHECKING:
    from ..card import Connection
    from ..card.pcsc import ReaderInfo as PcscReaderInfo
    from ..card.replay import RecordingConnection, ReplayConnection
    from ..simcard.card import SimulatedCard

_SIMULATED_READER_NAME = "mynacheck simulated reader"
_LOG = Log("card")


# -- readers --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReaderInfo:
    """A reader as PC/SC sees it now. ``my_number_card`` is None without a probe,
    without a card, or when the card could not be asked (busy, mute)."""

    index: int
    name: str
    card_present: bool
    my_number_card: bool | None
    contactless: bool


def list_readers(probe: bool = True) -> list[ReaderInfo]:
    """All PC/SC readers and their card state.

    With ``probe`` each present card is asked, in shared mode, whether it has
    the JPKI application (one SELECT; no PIN, nothing read). Raises
    :class:`PcscUnavailableError` when the service is down. An empty list means
    no reader is plugged in.
    """
    from ..card import pcsc

    readers = []
    for info in pcsc.list_readers():
        mnc = _has_jpki_application(info) if probe and info.card_present else None
        readers.append(
            ReaderInfo(
                index=info.index,
                name=info.name,
                card_present=info.card_present,
                my_number_card=mnc,
                contactless=info.contactless,
            )
        )
    return readers


def _has_jpki_application(info: PcscReaderInfo) -> bool | None:
    from ..card import pcsc
    from ..card.apdu import ApduProtocol
    from ..card.jpki import JpkiSession

    try:
        connection = pcsc.PcscConnection.open(info, exclusive=False)
    except MynacheckError:
        return None
    try:
        JpkiSession(ApduProtocol(connection)).select_application()
    except NotMyNumberCardError:
        return False
    except MynacheckError:
        return None
    finally:
        connection.close()
    return True


# -- a simulated reader ----------------------------------------------------------------


class SimulatedReader:
    """A reader of simulated cards that a program or a test fills and empties:
    ``insert("valid")``, ``remove()``. Pass it as ``simulate=`` to
    :func:`open_card`, :class:`CounterLoop` or the window. Thread-safe.
    ``DEMO_PIN`` is the auth PIN of every simulated card."""

    DEMO_PIN: ClassVar[str] = DEMO_PIN

    def __init__(self, name: str = _SIMULATED_READER_NAME) -> None:
        self.name = name
        self._changed = threading.Condition()
        self._card: SimulatedCard | None = None
        self._scenario: str | None = None
        self._problem: str | None = None

    @staticmethod
    def check_scenarios(names: Iterable[str]) -> list[str]:
        """``names``, each a scenario :func:`simulated_scenarios` knows; else
        ``InputError("unknown_scenario")`` for the first that is not (``info["close"]``:
        the nearest name, when one is near). The one check of a scenario name, for the
        API and every face."""
        from ..simcard.scenarios import SCENARIOS

        checked = list(names)
        for name in checked:
            if name not in SCENARIOS:
                raise InputError.unknown_choice("unknown_scenario", name, SCENARIOS, name=name)
        return checked

    def insert(self, scenario: str) -> None:
        """Put a fresh card of ``scenario`` in (replacing any card there)."""
        from ..simcard.scenarios import make_card

        self.check_scenarios([scenario])
        card = make_card(scenario)
        with self._changed:
            if self._card is not None:
                self._card.remove()
            self._card, self._scenario = card, scenario
            self._changed.notify_all()

    def remove(self) -> None:
        """Take the card out; a read under way fails as with a real card pulled out."""
        with self._changed:
            if self._card is not None:
                self._card.remove()
            self._card, self._scenario = None, None
            self._changed.notify_all()

    @property
    def card_present(self) -> bool:
        with self._changed:
            return self._card is not None

    def fail(self, problem: str | None) -> None:
        """Make the waits for a card fail as PC/SC would: ``"pcsc_unavailable"``
        (the smart card service stopped) or ``"no_reader"`` (the reader was
        unplugged); None: working again. For testing a loop's way through them."""
        if problem not in (None, "pcsc_unavailable", "no_reader"):
            raise ValueError(f"not a reader problem: {problem!r}")
        with self._changed:
            self._problem = problem
            self._changed.notify_all()

    def _wait_for_card(
        self, timeout: float | None, cancel: threading.Event | None
    ) -> tuple[SimulatedCard, str]:
        deadline = None if timeout is None else _deadline(timeout)
        with self._changed:
            while True:
                # As PC/SC's wait: a set cancel wins over a card that came meanwhile
                # (a stopped loop never takes the card meant for the next one).
                Cancelled.raise_if_set(cancel)
                if self._problem == "pcsc_unavailable":
                    raise PcscUnavailableError(info={"reader": self.name})
                if self._problem == "no_reader":
                    raise NoReaderError(info={"reader": self.name})
                if self._card is not None:
                    return self._card, self._scenario or "custom"
                if deadline is not None and _remaining(deadline) <= 0:
                    raise NoCardError(info={"reader": self.name})
                self._changed.wait(_slice(deadline))

    def _holds(self, card: object) -> bool:
        with self._changed:
            return self._card is card

    def _wait_for_removal(self, card: object, cancel: threading.Event | None) -> None:
        with self._changed:
            while self._card is card:
                Cancelled.raise_if_set(cancel)
                self._changed.wait(0.2)


# -- opening a card --------------------------------------------------------------------


#: How a card waits for its own removal: blocks until it left, ``Cancelled`` on ``cancel``.
RemovalWait = Callable[[threading.Event | None], None]
#: Whether the card is still in its reader (no card access).
Presence = Callable[[], bool]


class _Source(NamedTuple):
    """What :func:`_connect` found: the connection and how to watch the card."""

    connection: Connection
    replay: ReplayConnection | None = None
    removal: RemovalWait | None = None
    presence: Presence | None = None


class Card:
    """A card held open by :func:`open_card`: exclusively, and unpowered when the
    ``with`` block ends.

    ``reader`` names the reader it sits in (for a simulated card or a transcript,
    the name it was given); ``simulated`` is True for the simulator and for
    replayed transcripts; ``contactless`` guesses the reader kind; ``apdu_count``
    counts the commands sent so far. ``connection`` and ``replay`` are for the
    library's own layers (the check, the PIN query)."""

    def __init__(
        self,
        connection: Connection,
        *,
        replay: ReplayConnection | None = None,
        removal: RemovalWait | None = None,
        presence: Presence | None = None,
    ) -> None:
        self._connection = connection
        self._replay = replay
        self._removal = removal
        self._presence = presence
        #: Set after the block for ``record=``: where the transcript went, or why not.
        self.transcript_path: Path | None = None
        self.transcript_error: str | None = None
        #: The OS error number behind ``transcript_error``, when there is one.
        self.transcript_errno: int | None = None

    @property
    def connection(self) -> Connection:
        """The APDU connection (``send_and_receive``) the card is held by."""
        return self._connection

    @property
    def replay(self) -> ReplayConnection | None:
        """The transcript being replayed, when the card is one (else None)."""
        return self._replay

    @property
    def reader(self) -> str:
        """The reader's name as PC/SC gives it ("Sony FeliCa Port/PaSoRi 4.0 0")."""
        return self._connection.reader

    @property
    def simulated(self) -> bool:
        return self._connection.simulated

    @property
    def contactless(self) -> bool:
        return self._connection.contactless

    @property
    def apdu_count(self) -> int:
        """Commands sent to the card so far (GET RESPONSE and resends included)."""
        return self._connection.apdu_count

    def wait_for_removal(self, cancel: threading.Event | None = None) -> None:
        """Block until this card leaves its reader (at once for a transcript or a
        scenario name). ``cancel`` ends the wait with ``Cancelled``; a PC/SC service
        that goes away raises ``PcscUnavailableError``. Works after the ``with`` block."""
        if self._removal is not None:
            self._removal(cancel)

    def is_present(self) -> bool:
        """True while this card is in its reader (always for a transcript or a
        scenario name). Asks PC/SC, not the card; ``PcscUnavailableError`` when the
        service went away. For a prompt that should end when the card is pulled."""
        return self._presence() if self._presence is not None else True

    def __repr__(self) -> str:
        return f"Card(reader={self.reader!r}, simulated={self.simulated})"


@contextmanager
def open_card(
    reader: int | str | None = None,
    *,
    wait: float | None = None,
    simulate: str | SimulatedReader | None = None,
    replay: PathLike | None = None,
    record: PathLike | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[Card]:
    """Hold a card: from a PC/SC reader, the simulator, or a recorded transcript.

    ``reader``: None (the one reader holding a card), an index, or part of the
    name (a digits-only string is an index). ``wait``: None (do not wait),
    seconds, or ``math.inf``; ``cancel`` ends any wait within 1 s with
    :class:`Cancelled`. Spends no APDU of its own. Raises ``NoReaderError``,
    ``NoCardError``, ``CardBusyError``, ``PcscUnavailableError`` or
    ``InputError`` (a reader name matching nothing, several cards, an unknown
    scenario, an unusable transcript or ``record`` path) — the last before the
    card is touched. On exit the card is unpowered and ``record``'s transcript
    written (``card.transcript_path``, or ``card.transcript_error``).
    """
    named = [simulate is not None, replay is not None, reader is not None]
    if sum(named) > 1:
        raise InputError("source_conflict")
    if wait is not None and not (isinstance(wait, (int, float)) and wait >= 0):
        raise InputError("bad_wait", value=str(wait))
    record_path = Path(record) if record is not None else None
    if record_path is not None:
        from ..userfiles import check_record_target

        check_record_target(record_path)
    try:
        source = _connect(reader, wait, simulate, replay, cancel)
    except MynacheckError as error:
        _LOG.info("no card held (reader %s): %s", reader, error)
        raise
    connection = source.connection
    _LOG.info(
        "card held in %r (simulated %s, contactless %s)",
        connection.reader,
        connection.simulated,
        connection.contactless,
    )
    recorder: RecordingConnection | None = None
    if record_path is not None:
        from ..card.replay import RecordingConnection

        recorder = RecordingConnection(connection)
        connection = recorder
    card = Card(connection, replay=source.replay, removal=source.removal, presence=source.presence)
    try:
        yield card
    finally:
        connection.close()
        _LOG.info("card released from %r after %d APDUs", card.reader, card.apdu_count)
        if recorder is not None and record_path is not None:
            try:
                recorder.save(record_path)
            except (OSError, MynacheckError) as error:
                card.transcript_error = getattr(error, "strerror", None) or str(error)
                card.transcript_errno = getattr(error, "errno", None)
            else:
                card.transcript_path = record_path


def _connect(
    reader: int | str | None,
    wait: float | None,
    simulate: str | SimulatedReader | None,
    replay: PathLike | None,
    cancel: threading.Event | None,
) -> _Source:
    if isinstance(simulate, SimulatedReader):
        from ..simcard.connection import SimulatedConnection

        card, scenario = simulate._wait_for_card(wait if wait is not None else 0, cancel)
        return _Source(
            SimulatedConnection(card, scenario),
            removal=lambda stop: simulate._wait_for_removal(card, stop),
            presence=lambda: simulate._holds(card),
        )
    if simulate is not None:
        from ..simcard.connection import SimulatedConnection
        from ..simcard.scenarios import make_card

        SimulatedReader.check_scenarios([simulate])
        return _Source(SimulatedConnection(make_card(simulate), simulate))
    if replay is not None:
        from ..card.replay import ReplayConnection

        try:
            replaying = ReplayConnection.from_file(Path(replay))
        except (OSError, ValueError) as error:
            raise InputError("bad_transcript", reason=str(error)) from error
        return _Source(replaying, replay=replaying)
    from ..card import early, pcsc

    selector = str(reader) if reader is not None else None
    held = early.take(selector)  # the command line's head start, if any
    if held is not None:
        name = held.reader
        return _Source(
            held,
            removal=lambda stop: pcsc.wait_for_removal(name, cancel=stop),
            presence=lambda: any(r.name == name and r.card_present for r in pcsc.list_readers()),
        )
    if wait is None:
        chosen = pcsc.choose_reader(selector, pcsc.list_readers())
    else:
        chosen = pcsc.wait_for_card(selector, wait, cancel=cancel)
    held = pcsc.PcscConnection.open(chosen, exclusive=True)

    def present() -> bool:
        return any(r.name == chosen.name and r.card_present for r in pcsc.list_readers())

    return _Source(
        held,
        removal=lambda stop: pcsc.wait_for_removal(chosen.name, cancel=stop),
        presence=present,
    )


def wait_for_removal(card: Card, *, cancel: threading.Event | None = None) -> None:
    """Block until the card that ``card`` held leaves its reader (at once for a card
    from a transcript or a scenario name). ``cancel`` ends the wait with ``Cancelled``.
    The same as ``card.wait_for_removal(cancel)``."""
    card.wait_for_removal(cancel)


# -- waiting in slices ---------------------------------------------------------------


def _deadline(timeout: float) -> float:
    import time

    return math.inf if math.isinf(timeout) else time.monotonic() + max(0.0, timeout)


def _remaining(deadline: float) -> float:
    import time

    return deadline - time.monotonic()


def _slice(deadline: float | None) -> float:
    if deadline is None:
        return 0.2
    return max(0.0, min(0.2, _remaining(deadline)))
