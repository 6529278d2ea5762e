"""Serve a simulated card to the real PC/SC stack through vsmartcard's vpcd.

vpcd is a pcscd reader driver (Debian: ``vsmartcard-vpcd``) showing the readers
``Virtual PCD 00 00`` and ``Virtual PCD 00 01``; each listens on TCP
127.0.0.1:35963 and :35964 for a card program. We are that program: a TCP
client, speaking vpcd's messages (:mod:`.vpcd_wire`).

- Inserting the card = connecting; removing it = closing the socket. pcscd
  polls vpcd for the card about every 400 ms, so it sees an insertion or a
  removal up to 400 ms late, and a card swapped faster than that not at all.
- A command the card does not answer must fail on the host the way a real
  reader fails it: ``SCARD_E_NOT_TRANSACTED``. vpcd reports that only when
  reading the answer fails with an error: a plain close reads as an empty
  answer, which pcscd passes up as a *successful* transmit of 0 bytes, and a
  0-byte message makes vpcd drop the card. So we announce a 2-byte answer and
  reset the TCP connection (``SO_LINGER`` 0): vpcd's read of the body fails.
  (vpcd's ``recvFromVICC``, vsmartcard-vpcd 3.3 here, compares a signed -1 with ``sizeof``, so a
  reset before the length header would also end in a 0-byte "success".)
  - ``CardRemoved`` (the card pulled out during the command): transfer error,
    and the card stays out. Until pcscd's next poll further commands fail
    with ``SCARD_E_NOT_TRANSACTED``, then with ``SCARD_W_REMOVED_CARD``.
  - ``CardUnresponsive`` / ``CardReset`` (the ``short_apdu_reset`` quirk: a
    reader that resets the card rather than carry an extended APDU):
    transfer error on a line connected again *beforehand*, so vpcd's next
    presence check (pcscd runs one before any power action) takes it at
    once: pcscd never sees the card leave, and the card stays mute until the
    host resets it, as the simulated card wants.
    ``reset_emulation="short_answer"`` answers a single byte instead (a
    successful transmit with no status word: ``MALFORMED_RESPONSE`` on the host).
  Nothing the card side sends makes pcscd report ``SCARD_W_RESET_CARD``: that
  code only comes from another PC/SC handle resetting the card.

Speed: vpcd sends the length and the APDU in two writes. With the card side
delaying its ACK of the first (Linux: 40 ms), Nagle holds back the second,
and every APDU took about 44 ms. We ACK at once (``TCP_QUICKACK``), and an
APDU round trip through pcscd + vpcd takes about 0.2 ms. ``latency`` (or
``mynacheck-sim --latency-ms``) adds a delay per APDU, to stand in for a real
reader.

``mynacheck-sim --scenario valid`` prints ``ready`` once the card is inserted,
then serves until the card is removed by the scenario, vpcd goes away, or
SIGTERM / Ctrl-C.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from types import TracebackType
from typing import Protocol

from .vpcd_wire import GET_ATR, POWER_OFF, POWER_ON, RESET, receive, send

DEFAULT_HOST = "127.0.0.1"
#: vpcd's first reader; reader ``Virtual PCD 00 0n`` listens on DEFAULT_PORT + n.
DEFAULT_PORT = 35963

#: pcscd asks vpcd whether a card is there about every 400 ms. A card put back
#: sooner after the last one left is never seen gone, and the new one never seen
#: arriving (see :meth:`VirtualCard.insert`).
_PCSCD_POLL_PERIOD = 0.5
_last_out: dict[tuple[str, int], float] = {}
_last_out_lock = threading.Lock()


class Card(Protocol):
    """What a simulated card offers (``mynacheck.simcard.card.SimulatedCard``)."""

    @property
    def atr(self) -> bytes: ...

    def power_on(self) -> None: ...

    def power_off(self) -> None: ...

    def reset(self) -> None: ...

    def process(self, apdu: bytes) -> bytes: ...


class VirtualCard:
    """A simulated card inserted into a vpcd reader, served from a thread.

    ``with VirtualCard(card, reader_index=0) as inserted:`` inserts the card
    (connects to vpcd) and removes it (closes the socket) at the end. Each
    command APDU the host sent is in :attr:`apdus`, each control event in
    :attr:`events`.
    """

    def __init__(
        self,
        card: Card,
        *,
        host: str = DEFAULT_HOST,
        port: int | None = None,
        reader_index: int = 0,
        connect_timeout: float = 5.0,
        reset_emulation: str = "transfer_error",
        latency: float = 0.0,
        relink_delay: float = 0.0,
    ) -> None:
        if reset_emulation not in ("transfer_error", "short_answer"):
            raise ValueError(f"unknown reset_emulation {reset_emulation!r}")
        self.reset_emulation = reset_emulation
        #: Seconds added to every command APDU, to stand in for a real reader
        #: (the bridge itself answers in well under a millisecond).
        self.latency = latency
        #: Seconds the card side waits before serving its new line after a failed
        #: transfer (tests: the host must not depend on the card side's speed).
        self.relink_delay = relink_delay
        self.card = card
        self.host = host
        self.port = DEFAULT_PORT + reader_index if port is None else port
        self.connect_timeout = connect_timeout
        #: Command APDUs received, in order (what the host paid round trips for).
        self.apdus: list[bytes] = []
        #: Control events: "power_on", "power_off", "reset", "atr", and
        #: "reset_by_reader" / "mute" when the card did not answer a command.
        self.events: list[str] = []
        #: Why serving ended: "removed" (by us or the card), "host_closed", "error: ...".
        self.end_reason: str | None = None
        #: Set when the card is out of the reader, whatever the reason.
        self.finished = threading.Event()
        #: Set at vpcd's first message: vpcd took this connection as its card. A
        #: connection vpcd has not taken (another card program holds the reader)
        #: waits in its accept queue, connected but never spoken to.
        self.taken = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    # -- insertion ---------------------------------------------------------------

    def insert(self) -> VirtualCard:
        """Connect to vpcd (the card is then "in the reader") and start serving."""
        if self._thread is not None:
            raise RuntimeError("card already inserted")
        self._stopping.clear()
        self.finished.clear()
        self.taken.clear()
        self.end_reason = None
        put_back = getattr(self.card, "insert", None)
        if callable(put_back):  # a SimulatedCard pulled out earlier
            put_back()
        self._wait_for_pcscd_to_see_the_reader_empty()
        self._sock = self._connect()
        self._thread = threading.Thread(
            target=self._run, name=f"vpcd-card:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def remove(self, timeout: float = 5.0) -> None:
        """Pull the card out (close the socket) and wait for the server thread."""
        self._stopping.set()
        self._close_socket()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        if self.end_reason is None:
            self.end_reason = "removed"
        pull_out = getattr(self.card, "remove", None)
        if callable(pull_out):
            pull_out()
        self.finished.set()

    @property
    def apdu_count(self) -> int:
        """Command APDUs the host sent to this card (round trips paid)."""
        return len(self.apdus)

    def __enter__(self) -> VirtualCard:
        return self.insert()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()

    # -- serving -----------------------------------------------------------------

    def _wait_for_pcscd_to_see_the_reader_empty(self) -> None:
        """Let one pcscd presence poll pass since the last card left this reader.

        Otherwise vpcd hands the poll our new connection, pcscd's event thread
        sees "present" as before and reports nothing. Worse after a failed
        transfer: pcscd's ``SCardDisconnect`` then marks the reader empty on its
        own, and the new card stays invisible until it is removed again.
        """
        with _last_out_lock:
            left = _last_out.get((self.host, self.port))
        if left is not None:
            delay = left + _PCSCD_POLL_PERIOD - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def _mark_out(self) -> None:
        with _last_out_lock:
            _last_out[(self.host, self.port)] = time.monotonic()

    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + self.connect_timeout
        while True:
            attempt = min(2.0, max(0.05, deadline - time.monotonic()))
            try:
                sock = socket.create_connection((self.host, self.port), timeout=attempt)
            except OSError as error:
                # vpcd listens only while pcscd has the driver loaded; pcscd may
                # be starting up.
                if time.monotonic() >= deadline:
                    raise ConnectionError(
                        _why_not_connected(self.host, self.port, error)
                    ) from error
                time.sleep(0.05)
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock

    def _close_socket(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            self._mark_out()

    def _run(self) -> None:
        from .model import CardRemoved, CardReset, CardUnresponsive

        try:
            while not self._stopping.is_set():
                sock = self._sock
                if sock is None:
                    break
                message = receive(sock)
                if message is None:
                    if not self._stopping.is_set():
                        self.end_reason = "host_closed"
                    break
                self.taken.set()
                if not message:
                    continue
                try:
                    answer = self._handle(message)
                except CardRemoved:
                    self.end_reason = "removed"
                    self._fail_transfer(sock)
                    break
                except CardUnresponsive as error:
                    # Mute, or reset by the reader (CardReset): the card stays
                    # mute until the host powers or resets it.
                    self.events.append(
                        "reset_by_reader" if isinstance(error, CardReset) else "mute"
                    )
                    if self.reset_emulation == "short_answer":
                        answer = b"\x00"  # no status word: a broken transfer
                    else:
                        # Dial the new line before failing this one, so it waits
                        # in vpcd's accept queue (see _take_line).
                        spare = self._connect()
                        self._fail_transfer(sock)
                        self._take_line(spare)
                        continue

                if answer is not None:
                    send(sock, answer)
        except OSError as error:
            if not self._stopping.is_set():
                self.end_reason = f"error: {error}"
        finally:
            self._close_socket()
            self.finished.set()

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            code = message[0]
            if code == POWER_OFF:
                self.events.append("power_off")
                self.card.power_off()
            elif code == POWER_ON:
                self.events.append("power_on")
                self.card.power_on()
            elif code == RESET:
                self.events.append("reset")
                self.card.reset()
            elif code == GET_ATR:
                self.events.append("atr")
                return bytes(self.card.atr)
            return None
        self.apdus.append(bytes(message))
        if self.latency > 0:
            time.sleep(self.latency)
        return bytes(self.card.process(bytes(message)))

    def _fail_transfer(self, sock: socket.socket) -> None:
        """Make vpcd fail the pending transmit (``SCARD_E_NOT_TRANSACTED``).

        Announce a 2-byte answer, then reset the TCP connection instead of
        sending it: vpcd's read of the body fails with ECONNRESET.
        """
        with self._lock:
            if self._sock is sock:
                self._sock = None
        with contextlib.suppress(OSError):
            sock.sendall(b"\x00\x02")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        self._mark_out()

    def _take_line(self, sock: socket.socket) -> None:
        """Serve on ``sock`` after a failed transfer: the card is still in the reader.

        vpcd drops its card connection when a transfer fails and takes a new one
        only inside its presence check (``vicc_present``: a non-blocking
        ``accept``), which pcscd runs before every power action and every
        400 ms. ``sock`` was connected *before* the transfer failed, so it is
        already queued: whichever check comes first finds the card. Connecting
        only afterwards raced the host's ``SCardReconnect`` (its presence
        check came first about one time in thirty: ``SCARD_E_NO_SMARTCARD``,
        the check said ``card_error``).
        """
        if self.relink_delay > 0:
            time.sleep(self.relink_delay)
        with self._lock:
            if self._stopping.is_set():
                sock.close()
                return
            self._sock = sock


def _why_not_connected(host: str, port: int, error: OSError) -> str:
    """What a failed connection to vpcd says, in words that are true of it.

    vpcd listens with a backlog of 0 and takes one card program at a time: while
    another one holds the reader, one more connection waits in the accept queue and
    any after it time out. Refused means nothing listens at all.
    """
    if isinstance(error, ConnectionRefusedError):
        return (
            f"nothing listens on {host}:{port}: pcscd is not running, or runs without "
            "vsmartcard-vpcd's driver (vpcd listens only while pcscd has it loaded; "
            "install vsmartcard-vpcd, then start pcscd)"
        )
    if isinstance(error, TimeoutError):
        return (
            f"{host}:{port} takes no more connections: another program holds this vpcd "
            "reader (a test, the demo, another mynacheck-sim); wait for it to end, or "
            "use the other vpcd reader"
        )
    return f"could not connect to vpcd at {host}:{port}: {error}"
