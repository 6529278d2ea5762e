"""A head start for a command line: the card first, the rest while it answers.

A command line spends most of its start importing code the card does not need
(click, the words, cryptography) while the reader sits idle. :func:`head_start`
loads pyscard alone and connects on a thread (:mod:`.pcsc.early`). With
``read_ahead`` the thread also sends a PIN-less check's reads, as far as they are
certain: SELECT of the JPKI AP, READ BINARY of EF 000A by short file identifier with
an extended Le and, when that answered 9000 with a whole certificate, the same of
EF 000B — what :meth:`JpkiSession.read_auth_certificates` sends first on every card
and reader (tests/test_early.py holds the two together). A caller asks for
read-ahead only once it knows the check will run: nothing is sent for a command
that will be refused.

:func:`take` hands the card to :func:`mynacheck.open_card`: a :class:`ReadAheadConnection`
that answers the check's commands from what was read ahead while they are the same
commands in the same order (each answer read by :meth:`PcscConnection.answer`, as if
the check had sent it), waits for an answer still on its way, and sends the rest
itself. The card sees each command once. :func:`release_head_start` unpowers a card
nobody took.

Light on purpose (no dataclasses, no ``threading``): this runs before anything else.
"""

from __future__ import annotations

import _thread
import sys

TYPE_CHECKING = False  # no typing at run time: this runs before anything else
if TYPE_CHECKING:
    from typing import Any

    from . import Connection
    from .pcsc.connection import PcscConnection
    from .pcsc.early import RawCard

#: The JPKI AP's DF name (profile.MY_NUMBER_CARD.jpki_aid).
JPKI_AID = bytes.fromhex("D392F000260100000001")
SELECT_JPKI_AP = bytes.fromhex("00A4040C0A") + JPKI_AID
#: READ BINARY by short file identifier (P1 = 0x80 | SFI), offset 0, extended Le 0000.
READ_AUTH_CERTIFICATE = bytes.fromhex("00B08A0000" + "0000")
READ_AUTH_CA_CERTIFICATE = bytes.fromhex("00B08B0000" + "0000")
_MAX_DER = 0x8000  # READ BINARY offsets are 15 bits

#: While the thread reads ahead, the one loading code hands it the interpreter this
#: often (seconds) instead of every 5 ms, so each answer is acted on at once.
_SWITCH_INTERVAL = 0.0005


def der_total_length(header: bytes) -> int | None:
    """Total length (tag + length + content) of the DER object starting ``header``.

    None when the length field is indefinite, too long, or cut off.
    """
    if len(header) < 2:
        return None
    first = header[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 3 or len(header) < 2 + count:
        return None
    return 2 + count + int.from_bytes(header[2 : 2 + count], "big")


def read_ahead(transmit: Any) -> None:
    """A PIN-less check's first commands, while each answer leaves no doubt about the
    next: ``transmit(apdu) -> (return code, raw answer)``."""
    if not _ok(transmit(SELECT_JPKI_AP)):
        return
    code, raw = transmit(READ_AUTH_CERTIFICATE)
    if not _ok((code, raw)) or not _whole_certificate(raw[:-2]):
        return  # missing, short reads, continuation: the check decides, live
    transmit(READ_AUTH_CA_CERTIFICATE)


def _ok(result: tuple[int | None, bytes]) -> bool:
    code, raw = result
    return code == 0 and raw[-2:] == b"\x90\x00"  # SCARD_S_SUCCESS, 9000


def _whole_certificate(data: bytes) -> bool:
    """The certificate is all there: the check reads the CA next, and nothing else."""
    if not data or data[0] != 0x30:
        return False
    total = der_total_length(data)
    return total is not None and total <= _MAX_DER and len(data) >= total


class HeadStart:
    """The card being connected (and read ahead) on a thread."""

    def __init__(self, selector: str | None, read_ahead: bool) -> None:
        self.selector = selector
        self.read_ahead = read_ahead
        self.card: RawCard | None = None
        #: (command, return code, raw answer), in the order sent.
        self.steps: list[tuple[bytes, int | None, bytes]] = []
        self._changed = _thread.allocate_lock()  # released whenever a step is added
        self._changed.acquire()
        self._done = _thread.allocate_lock()  # held until the thread has ended
        self._done.acquire()
        self.finished = False

    def begin(self) -> None:
        try:
            from .pcsc import early

            early.load_scard()  # here, before the thread: the first thing the card needs
        except Exception:  # no pyscard, a broken one: open_card says so, not this
            self.finished = True
            self._done.release()
            return
        if self.read_ahead:
            interval = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, _SWITCH_INTERVAL))
        else:
            interval = None
        _thread.start_new_thread(self._run, (early, interval))

    def _run(self, early: Any, interval: float | None) -> None:
        try:
            card = self.card = early.connect(self.selector)
            self._signal()
            if card is not None and self.read_ahead:
                # This thread's own reference: take() hands self.card over meanwhile.
                read_ahead(lambda apdu: self._transmit(card, apdu))
        except BaseException:  # whatever it was, the check meets it again, live
            pass
        finally:
            if interval is not None:
                sys.setswitchinterval(interval)
            self.finished = True
            self._signal()
            self._done.release()

    def _transmit(self, card: RawCard, apdu: bytes) -> tuple[int | None, bytes]:
        code, raw = card.transmit(apdu)
        self.steps.append((apdu, code, raw))
        self._signal()
        return code, raw

    def _signal(self) -> None:
        if self._changed.locked():
            self._changed.release()

    def wait(self, seen: int) -> None:
        """Until there are more than ``seen`` steps, or the thread has ended."""
        while len(self.steps) <= seen and not self.finished:
            self._changed.acquire(True, 0.05)

    def wait_connected(self) -> RawCard | None:
        """Until the card is connected (or that failed)."""
        while self.card is None and not self.finished:
            self._changed.acquire(True, 0.05)
        return self.card

    def join(self) -> None:
        with self._done:
            pass

    def release(self) -> None:
        """Wait for the thread, then unpower and let go of the card."""
        self.join()
        if self.card is not None:
            card, self.card = self.card, None
            card.close()


class ReadAheadConnection:
    """The card a head start connected, answering from what was read ahead.

    A command that is the next one read ahead gets that answer, read by
    :meth:`PcscConnection.answer`; the first that differs, and every one after the
    read-ahead, goes to the card once the read-ahead thread has ended.
    """

    def __init__(self, head: HeadStart, connection: PcscConnection) -> None:
        self._head = head
        self._connection = connection
        self._next = 0
        self._live = not head.read_ahead

    @property
    def reader(self) -> str:
        return self._connection.reader

    @property
    def simulated(self) -> bool:
        return self._connection.simulated

    @property
    def atr(self) -> bytes:
        return self._connection.atr

    @property
    def contactless(self) -> bool:
        return self._connection.contactless

    @property
    def apdu_count(self) -> int:
        """Commands the card received: read ahead (used or not), then sent live."""
        return len(self._head.steps) + self._connection.apdu_count

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        if not self._live:
            head = self._head
            head.wait(self._next)
            if self._next < len(head.steps) and head.steps[self._next][0] == bytes(apdu):
                _, code, raw = head.steps[self._next]
                self._next += 1
                return self._connection.answer(code, raw, apdu)
            self._live = True  # past the read-ahead, or away from it: the card from now on
            head.join()
        return self._connection.send_and_receive(apdu)

    def reset(self) -> None:
        self._stop_reading_ahead()
        self._connection.reset()

    def close(self) -> None:
        self._stop_reading_ahead()
        self._connection.close()

    def _stop_reading_ahead(self) -> None:
        self._live = True
        self._head.join()


_current: HeadStart | None = None


def head_start(reader: str | None = None, *, read_ahead: bool = False) -> None:
    """Start connecting, exclusively and on a thread, to the card in ``reader`` (as
    :func:`mynacheck.open_card` reads it: None, an index or part of a name, as text);
    with ``read_ahead`` also send a PIN-less check's reads (3 APDUs on most readers).
    Ask for read-ahead only once the check is sure to run. A later ``open_card``
    with the same ``reader`` and no other source takes the card as it is.

    Any failure (no card, several, busy, no service) is kept quiet: ``open_card``
    then connects itself and says what is wrong. Replaces a head start not taken.
    """
    global _current
    release_head_start()
    _current = HeadStart(reader, read_ahead)
    _current.begin()


def take(selector: str | None) -> Connection | None:
    """The head start's card, if it was made for ``selector`` and is the card
    :func:`pcsc.choose_reader` picks now; else None (and the card let go)."""
    global _current
    head, _current = _current, None
    if head is None:
        return None
    card = head.wait_connected()
    if card is None or head.selector != selector:
        head.release()
        return None
    from . import pcsc

    try:
        chosen = pcsc.choose_reader(selector, pcsc.list_readers())
    except Exception:
        chosen = None
    if chosen is None or chosen.name != card.reader:
        head.release()
        return None
    connection = pcsc.PcscConnection.adopt(
        card.context, card.handle, card.protocol, card.reader, card.atr
    )
    head.card = None  # the connection owns it now
    return ReadAheadConnection(head, connection)


def release_head_start() -> None:
    """Unpower and let go of a head start's card nobody took (nothing if none)."""
    global _current
    head, _current = _current, None
    if head is not None:
        try:
            head.release()
        except Exception:
            pass
