"""The public API: ``import mynacheck`` (documented in docs/api.md).

A library first: no click, no print, no exit codes chosen here, no signal
handling. The CLI, ``watch`` and the window are faces on top of these calls.
Every function says what card state it needs. Errors are
:class:`~mynacheck.errors.MynacheckError` subclasses.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .clock import JST
from .errors import InputError, MynacheckError, NotMyNumberCardError
from .pin import FixedPin, PinSource
from .report import CheckReport, KeyProof, PinReport
from .status import Detail, Status

if TYPE_CHECKING:
    from .card import Connection
    from .card.pcsc import ReaderInfo as PcscReaderInfo
    from .card.replay import RecordingConnection, ReplayConnection
    from .simcard.card import SimulatedCard
    from .tally.store import Tally

#: A file name: ``str`` or any ``os.PathLike``.
PathLike = Union[str, "os.PathLike[str]"]
#: A trust anchor: a certificate (DER or PEM bytes) or the path of a file holding one.
AnchorLike = Union[bytes, str, "os.PathLike[str]"]

_SIMULATED_READER_NAME = "mynacheck simulated reader"


# -- readers --------------------------------------------------------------------------


@dataclass(frozen=True)
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
    from .card import pcsc

    readers = []
    for info in pcsc.list_readers():
        mnc = _has_jpki_application(info) if probe and info.card_present else None
        readers.append(ReaderInfo(info.index, info.name, info.card_present, mnc, info.contactless))
    return readers


def _has_jpki_application(info: PcscReaderInfo) -> bool | None:
    from .card import pcsc
    from .card.apdu import ApduProtocol
    from .card.jpki import JpkiSession

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
    :func:`open_card`, :class:`CounterLoop` or the window. Thread-safe."""

    def __init__(self, name: str = _SIMULATED_READER_NAME) -> None:
        self.name = name
        self._changed = threading.Condition()
        self._card: SimulatedCard | None = None
        self._scenario: str | None = None

    def insert(self, scenario: str) -> None:
        """Put a fresh card of ``scenario`` in (replacing any card there)."""
        from .simcard.scenarios import SCENARIOS, make_card

        if scenario not in SCENARIOS:
            raise InputError("unknown_scenario", name=scenario)
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

    def _wait_for_card(
        self, timeout: float | None, cancel: threading.Event | None
    ) -> tuple[SimulatedCard, str]:
        from .errors import NoCardError

        deadline = None if timeout is None else _deadline(timeout)
        with self._changed:
            while self._card is None:
                _raise_if_cancelled(cancel)
                if deadline is not None and _remaining(deadline) <= 0:
                    raise NoCardError(info={"reader": self.name})
                self._changed.wait(_slice(deadline))
            return self._card, self._scenario or "custom"

    def _wait_for_removal(self, card: object, cancel: threading.Event | None) -> None:
        with self._changed:
            while self._card is card:
                _raise_if_cancelled(cancel)
                self._changed.wait(0.2)


# -- opening a card --------------------------------------------------------------------


class Card:
    """A card held open by :func:`open_card`: exclusively, and unpowered when the
    ``with`` block ends. ``reader`` names the reader; ``simulated`` is True for the
    simulator and for replayed transcripts; ``contactless`` guesses the reader kind."""

    def __init__(self, connection: Connection, replay: ReplayConnection | None = None) -> None:
        self._connection = connection
        self._replay = replay
        #: Set after the block for ``record=``: where the transcript went, or why not.
        self.transcript_path: Path | None = None
        self.transcript_error: str | None = None

    @property
    def reader(self) -> str:
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
        from .card.replay import check_record_target

        check_record_target(record_path)
    connection, replaying, removal = _connect(reader, wait, simulate, replay, cancel)
    recorder: RecordingConnection | None = None
    if record_path is not None:
        from .card.replay import RecordingConnection

        recorder = RecordingConnection(connection)
        connection = recorder
    card = Card(connection, replaying)
    card._wait_for_removal = removal  # type: ignore[attr-defined]
    try:
        yield card
    finally:
        connection.close()
        if recorder is not None and record_path is not None:
            try:
                recorder.save(record_path)
            except (OSError, MynacheckError) as error:
                card.transcript_error = getattr(error, "strerror", None) or str(error)
            else:
                card.transcript_path = record_path


def _connect(
    reader: int | str | None,
    wait: float | None,
    simulate: str | SimulatedReader | None,
    replay: PathLike | None,
    cancel: threading.Event | None,
) -> tuple[Connection, ReplayConnection | None, Any]:
    if isinstance(simulate, SimulatedReader):
        from .simcard.connection import SimulatedConnection

        card, scenario = simulate._wait_for_card(wait if wait is not None else 0, cancel)
        connection = SimulatedConnection(card, scenario)
        return connection, None, lambda: simulate._wait_for_removal(card, cancel)
    if simulate is not None:
        from .simcard.connection import SimulatedConnection
        from .simcard.scenarios import SCENARIOS, make_card

        if simulate not in SCENARIOS:
            raise InputError("unknown_scenario", name=simulate)
        return SimulatedConnection(make_card(simulate), simulate), None, None
    if replay is not None:
        from .card.replay import ReplayConnection

        try:
            replaying = ReplayConnection.from_file(Path(replay))
        except (OSError, ValueError) as error:
            raise InputError("bad_transcript", reason=str(error)) from error
        return replaying, replaying, None
    from .card import pcsc

    selector = str(reader) if reader is not None else None
    if wait is None:
        chosen = pcsc.choose_reader(selector, pcsc.list_readers())
    else:
        chosen = pcsc.wait_for_card(selector, wait, cancel=cancel)
    held = pcsc.PcscConnection.open(chosen, exclusive=True)
    return held, None, lambda: pcsc.wait_for_removal(chosen.name, cancel=cancel)


# -- the check -------------------------------------------------------------------------


def check_card(
    card: Card,
    *,
    pin: str | PinSource | None = None,
    allow_last_try: bool = False,
    at: datetime | date | None = None,
    trust_anchors: Iterable[AnchorLike] = (),
) -> CheckReport:
    """Check the card's 利用者証明用電子証明書; with ``pin``, the PIN and the key too.

    Card state: a card held by :func:`open_card`; no PIN verified. Reads EF 000A
    and EF 000B (3 APDUs without a PIN), evaluates, and only for a valid
    certificate asks the tries left, then the PIN (``str``: checked before the
    card; :class:`PinSource`: asked once the tries are known), then proves the
    key. A blocked PIN is never sent; the last try is refused (``pin_last_try``)
    unless ``allow_last_try`` or the source's ``confirm_last_try()`` says yes.
    Returns a report for every card outcome; raises ``InputError`` (malformed
    PIN string, unusable anchor file) or ``Cancelled`` (the source gave up),
    sending nothing in either case.
    """
    from .check import CheckOptions, run_check

    source: PinSource | None
    source = FixedPin(pin) if isinstance(pin, str) else pin
    anchors = _AnchorInputs(trust_anchors)
    _preload_in_background("mynacheck.evaluate")
    options = CheckOptions(
        at=_moment(at),
        use_pin=source is not None,
        allow_last_try=allow_last_try,
        anchor_loader=anchors.load,
        challenge_digest=card._replay.recorded_digest() if card._replay is not None else None,
    )
    report = run_check(card._connection, options, source)
    if card._replay is not None and report.status is not Status.INTERNAL_ERROR:
        left = card._replay.leftover()
        if left:
            report = _with(report, Status.INTERNAL_ERROR, Detail.TRANSCRIPT_LEFTOVER, leftover=left)
    return report


def wait_for_removal(card: Card, *, cancel: threading.Event | None = None) -> None:
    """Block until the card that ``card`` held leaves its reader (at once for a card
    from a transcript or a scenario name). ``cancel`` ends the wait with ``Cancelled``."""
    removal = getattr(card, "_wait_for_removal", None)
    if removal is not None:
        removal()


@dataclass(frozen=True)
class PinInfo:
    """One PIN of the card: ``name`` as in ``pin-status --json`` (``jpki_auth``, ...)."""

    name: str
    available: bool
    tries_left: int | None
    max_tries: int | None
    blocked: bool
    verified: bool


def read_pin_statuses(card: Card) -> list[PinInfo]:
    """Tries left on every PIN the card has, spending none (VERIFY without data).

    Card state: a card held by :func:`open_card`. Raises
    ``NotMyNumberCardError`` without the JPKI application, ``CardError`` when
    the card stops answering.
    """
    from .card.apdu import ApduProtocol
    from .card.jpki import JpkiSession
    from .card.profile import MY_NUMBER_CARD
    from .pinstatus import all_pin_statuses

    rows = all_pin_statuses(JpkiSession(ApduProtocol(card._connection)), MY_NUMBER_CARD)
    return [
        PinInfo(
            name=row.reference.key,
            available=row.available,
            tries_left=row.tries_left,
            max_tries=row.reference.max_tries,
            blocked=row.blocked,
            verified=row.verified,
        )
        for row in rows
    ]


def inspect_certificate(
    cert: bytes | PathLike,
    *,
    ca: bytes | PathLike | None = None,
    at: datetime | date | None = None,
    trust_anchors: Iterable[AnchorLike] = (),
) -> CheckReport:
    """Evaluate a certificate file or its bytes (DER or PEM) as ``check`` would.

    With ``ca`` the chain and trust are checked; without it they are not, and a
    would-be ``valid`` is ``untrusted`` (``chain_not_checked``). Raises
    ``InputError`` for a file that cannot be read or holds no certificate.
    """
    from .evaluate import evaluate

    moment = _moment(at)
    anchors = _AnchorInputs(trust_anchors)
    evaluation = evaluate(
        _certificate_bytes(cert),
        at=moment,
        ca_der=_certificate_bytes(ca) if ca is not None else None,
        check_chain=ca is not None,
        anchors=anchors.load(),
    )
    status = evaluation.status
    if status is Status.VALID and ca is None:
        status = Status.UNTRUSTED  # nothing vouched for the issuer
    return CheckReport(
        status=status,
        certificate=evaluation.certificate,
        details=(
            *evaluation.details,
            Detail.PIN_NOT_CHECKED,
            Detail.KEY_NOT_PROVEN,
            *([Detail.REVOCATION_NOT_CHECKED] if evaluation.certificate else []),
        ),
        evaluated_at=moment,
        pin=PinReport(),
        key_proof=KeyProof(),
    )


def render_text(report: CheckReport, lang: str = "ja") -> str:
    """The report as ``check`` prints it, in ``"ja"`` or ``"en"`` (ValueError otherwise)."""
    from .present.messages import checked_lang
    from .present.text import render_text as render

    return render(report, checked_lang(lang))


def open_tally(
    path: PathLike, *, key_file: PathLike | None = None, tag: str | None = None
) -> Tally:
    """Open (creating if need be) the tally at ``path`` (or ``"default"``, the user data
    folder) for appending: ``.append(report, *, at=None)``, ``.close()``; a context
    manager. Everything is validated before it returns (``InputError`` otherwise)."""
    from .tally import open_tally as open_

    return open_(path, key_file=key_file, tag=tag)


class _UserAnchors:
    """The certificate files in the user's anchors folder, listed when iterated."""

    def __iter__(self) -> Iterator[Path]:
        from .trust import ANCHOR_SUFFIXES, anchors_folder

        folder = anchors_folder()
        if not folder.is_dir():
            return iter(())
        return iter(sorted(p for p in folder.iterdir() if p.suffix.lower() in ANCHOR_SUFFIXES))

    def __repr__(self) -> str:
        return "user_trust_anchors()"


def user_trust_anchors() -> Iterable[Path]:
    """The anchors folder's certificate files (for private test roots), for
    ``trust_anchors=``. Listed lazily, when the check needs them."""
    return _UserAnchors()


def simulated_scenarios() -> dict[str, str]:
    """The simulated card's scenarios: name -> one line of English."""
    from .simcard.scenarios import SCENARIOS

    return {name: scenario.description for name, scenario in SCENARIOS.items()}


#: The demo PIN of every simulated card.
DEMO_PIN = "1234"


# -- helpers ---------------------------------------------------------------------------


class _AnchorInputs:
    """``trust_anchors`` checked now (types, and that named files exist), read later:
    after the card, so reading files and importing cryptography stay off its path."""

    def __init__(self, anchors: Iterable[AnchorLike]) -> None:
        if isinstance(anchors, (bytes, bytearray, str, os.PathLike)):
            raise TypeError("trust_anchors takes an iterable of certificates or paths")
        self._eager: list[AnchorLike] = []
        self._lazy: Iterable[AnchorLike] | None = None
        if isinstance(anchors, (list, tuple)):
            for item in anchors:
                self._eager.append(_checked_anchor(item))
        else:
            self._lazy = anchors

    def load(self) -> tuple[bytes, ...]:
        from .trust import certificates_in

        items = list(self._eager)
        if self._lazy is not None:
            items += [_checked_anchor(item) for item in self._lazy]
        loaded: list[bytes] = []
        for item in items:
            if isinstance(item, bytes):
                loaded += certificates_in(item, "trust_anchor")
            else:
                loaded += _certificates_from_file(Path(item))
        return tuple(loaded)


def _checked_anchor(item: object) -> AnchorLike:
    if isinstance(item, (bytes, bytearray)):
        return bytes(item)
    if isinstance(item, (str, os.PathLike)):
        path = Path(item)
        if not path.exists():
            raise InputError("file_unreadable", path=str(path), reason="not found")
        return path
    raise TypeError(f"a trust anchor is bytes or a path, not {type(item).__name__}")


def _certificates_from_file(path: Path) -> list[bytes]:
    from .trust import load_certificates_file

    return load_certificates_file(path)


def _certificate_bytes(value: bytes | PathLike) -> bytes:
    from .trust import certificates_in

    if isinstance(value, (bytes, bytearray)):
        return certificates_in(bytes(value), "certificate")[0]
    if isinstance(value, (str, os.PathLike)):
        return _certificates_from_file(Path(value))[0]
    raise TypeError(f"a certificate is bytes or a path, not {type(value).__name__}")


def _moment(at: datetime | date | None) -> datetime:
    """``at`` as an aware datetime: naive means JST, a date means 00:00 JST."""
    if at is None:
        return datetime.now(timezone.utc)
    if isinstance(at, datetime):
        return at if at.tzinfo is not None else at.replace(tzinfo=JST)
    if isinstance(at, date):
        return datetime(at.year, at.month, at.day, tzinfo=JST)
    raise TypeError(f"at is a datetime or a date, not {type(at).__name__}")


def _with(report: CheckReport, status: Status, detail: Detail, **info: Any) -> CheckReport:
    from dataclasses import replace

    return replace(
        report, status=status, details=(*report.details, detail), info={**report.info, **info}
    )


def _preload_in_background(module: str) -> None:
    """Import ``module`` on a thread while this one talks to the card.

    The certificate code needs ``cryptography`` (50-100 ms of imports); card I/O
    mostly waits on the reader, so the two overlap instead of adding up.
    """
    import importlib
    import sys

    if module in sys.modules:
        return

    def load() -> None:
        try:
            importlib.import_module(module)
        except Exception:  # the main thread's own import will report it
            pass

    threading.Thread(target=load, name="preload", daemon=True).start()


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


def _raise_if_cancelled(cancel: threading.Event | None) -> None:
    from .errors import Cancelled

    if cancel is not None and cancel.is_set():
        raise Cancelled()
