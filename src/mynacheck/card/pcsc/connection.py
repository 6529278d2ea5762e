"""A card held through PC/SC: connect, transmit, reset, unpower."""

from __future__ import annotations

import contextlib
import time
from types import TracebackType
from typing import Any, NoReturn

from ...errors import (
    CardBusyError,
    CardRemovedError,
    CardUnresponsiveError,
    MynacheckError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
)
from ...log import Log
from .. import is_contactless, split_response
from . import _base
from ._base import _code, _Context, _info, _is, _service_error, error_name
from .readers import ReaderInfo, _slice_ms

# -- connection -----------------------------------------------------------------

_REMOVED_DURING_TRANSMIT = (
    "SCARD_W_REMOVED_CARD",
    "SCARD_E_NO_SMARTCARD",
    "SCARD_E_READER_UNAVAILABLE",
    "SCARD_E_UNKNOWN_READER",
)


#: How a connect fails when the card left a moment ago and PC/SC has not polled the
#: reader since: it still says "present", so pcscd tries to power the card up
#: (SCARD_W_UNPOWERED_CARD) or talk to it (UNRESPONSIVE, NOT_TRANSACTED, F_COMM_ERROR).
_MAYBE_JUST_PULLED_OUT = (
    "SCARD_W_UNPOWERED_CARD",
    "SCARD_W_UNRESPONSIVE_CARD",
    "SCARD_E_NOT_TRANSACTED",
    "SCARD_F_COMM_ERROR",
)


#: What a card's first command meets when another program's unpowering disconnect came
#: just before our connect: pcscd may carry out that power-down *after* our connect
#: (seen through vpcd, about 1 connect in 20 when timed so): the card, unpowered under
#: us, gives no answer. A cold reset (power off and on) and the command once more
#: bring it back.
_UNPOWERED_UNDER_US = (
    "SCARD_E_NOT_TRANSACTED",
    "SCARD_E_PROTO_MISMATCH",
    "SCARD_W_UNPOWERED_CARD",
    "SCARD_W_UNRESPONSIVE_CARD",
    "SCARD_F_COMM_ERROR",
    "SCARD_W_RESET_CARD",
)
#: The commands that may be sent again after that cold reset: SELECT and READ BINARY
#: only read. Never VERIFY, nor any other command that touches a PIN or a key.
_REPEATABLE_INS = frozenset({0xA4, 0xB0, 0xB1})
_LOG = Log("card")


#: A connect that fails so is tried once more at once (see PcscConnection.open).
_CONNECT_AGAIN = (*_MAYBE_JUST_PULLED_OUT, "SCARD_E_PROTO_MISMATCH")


#: pcscd polls a reader without card-change interrupts every 400 ms (measured through
#: vpcd: the pulled card shows gone 0.40 s after the failed connect); the rest is
#: room for a loaded machine.
_SECOND_LOOK = 0.6


def _card_left(context: _Context, reader: str, timeout: float = _SECOND_LOOK) -> bool:
    """After a failed connect: does the reader turn out empty within one reader poll?

    A card pulled out just before the connect shows as gone within ``timeout``;
    a card that stays present is really mute: False.
    """
    scard = _base._scard()
    gone = scard.SCARD_STATE_EMPTY | scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_UNKNOWN
    deadline = time.monotonic() + timeout
    known = scard.SCARD_STATE_UNAWARE
    wait_ms = 0  # the first look answers at once with the current state
    while True:
        try:
            code, states = context.status_change([(reader, known)], wait_ms)
        except MynacheckError:
            return False
        if _is(code, "SCARD_E_UNKNOWN_READER", "SCARD_E_READER_UNAVAILABLE"):
            return True  # the reader went away, and the card with it
        if code == scard.SCARD_S_SUCCESS and states:
            event = states[0][1]
            if event & gone:
                return True
            known = event & ~scard.SCARD_STATE_CHANGED
        elif code != _code("SCARD_E_TIMEOUT") or known == scard.SCARD_STATE_UNAWARE:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        wait_ms = _slice_ms(remaining)


class PcscConnection:
    """A card in a PC/SC reader; implements :class:`mynacheck.card.Connection`.

    Every disconnect and reconnect names its disposition: the card is always
    unpowered on the way out so a verified PIN does not outlive the check
    (docs/card-facts.md "PINs": pyscard's ``reconnect()`` would warm-reset instead).
    """

    simulated = False

    def __init__(
        self, context: _Context, handle: Any, protocol: int, reader: str, share: int
    ) -> None:
        self._context: _Context | None = context
        self._handle: Any = handle
        self._protocol = protocol
        self._share = share
        self.reader = reader
        self.atr = b""
        #: Command APDUs sent (GET RESPONSE included): what the user waits for.
        self.apdu_count = 0
        #: The first command has been answered (or has failed): no cold reset after it.
        self._first_done = False

    @classmethod
    def open(cls, reader: ReaderInfo, *, exclusive: bool) -> PcscConnection:
        """Connect to the card in ``reader`` (T=1 or T=0). Needs a card present.

        ``exclusive`` keeps other programs off the card for the whole check
        (use it around VERIFY). Raises :class:`NoCardError` (also when the
        connect fails because the card was just pulled out, which PC/SC may not
        have noticed yet: the reader is looked at again for up to 0.6 s),
        :class:`CardBusyError`, :class:`NoReaderError` or
        :class:`CardError` (the card does not answer reset).
        """
        scard = _base._scard()
        share = scard.SCARD_SHARE_EXCLUSIVE if exclusive else scard.SCARD_SHARE_SHARED
        context = _Context()
        try:
            code, handle, protocol = _connect(context, reader.name, share)
            if _is(code, *_CONNECT_AGAIN):
                # Another program's unpowering disconnect meeting this connect fails it
                # too (SCARD_E_PROTO_MISMATCH through vpcd): connecting sends nothing
                # to the card, so once more at once.
                _LOG.info("connect to %s: %s; once more", reader.name, error_name(code))
                code, handle, protocol = _connect(context, reader.name, share)
            if code != scard.SCARD_S_SUCCESS:
                if _is(code, *_MAYBE_JUST_PULLED_OUT) and _card_left(context, reader.name):
                    raise NoCardError(info=_info(code, reader=reader.name))
                _raise_connect_error(code, reader.name)
            try:
                connection = cls(context, handle, int(protocol), reader.name, share)
                connection.atr = connection._current_atr() or (reader.atr or b"")
            except BaseException:
                # Connected but interrupted before the object could own the
                # handle: unpower explicitly rather than leave it to pcscd.
                with contextlib.suppress(Exception):
                    scard.SCardDisconnect(handle, scard.SCARD_UNPOWER_CARD)
                raise
            return connection
        except BaseException:
            context.release()
            raise

    @classmethod
    def adopt(
        cls, context: Any, handle: Any, protocol: int, reader: str, atr: bytes
    ) -> PcscConnection:
        """The card the head start connected (:mod:`.early`), exclusively: closed, and
        unpowered, like any other. ``apdu_count`` counts only what is sent from here."""
        share = _base._scard().SCARD_SHARE_EXCLUSIVE
        connection = cls(_Context.adopt(context), handle, protocol, reader, share)
        connection.atr = atr
        return connection

    # Connection protocol -------------------------------------------------------

    @property
    def contactless(self) -> bool:
        """Heuristic: the card sits on a contactless reader (ATR or reader name)."""
        return is_contactless(self.reader, self.atr)

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        """Send one APDU (short or extended) and return (data, SW).

        pyscard takes a list of ints (small ints are shared objects: the list holds no
        copy of a PIN); its C layer copies the list into a buffer it frees unzeroed,
        and pcsc-lite copies it into its messages: the copies below ours."""
        code, raw = self._transmit(apdu)
        return self.answer(code, raw, apdu)

    def _transmit(self, apdu: bytes | bytearray) -> tuple[int | None, bytes]:
        scard = _base._scard()
        handle = self._require_handle()
        self.apdu_count += 1
        try:
            code, response = scard.SCardTransmit(handle, self._protocol, list(apdu))
        except scard.error as error:
            return None, str(error).encode()
        return code, bytes(response or b"")

    def answer(
        self, code: int | None, raw: bytes, command: bytes | bytearray | None = None
    ) -> tuple[bytes, int]:
        """What a transmit came back with, as (data, SW) or the error it means.

        ``code`` is SCardTransmit's return code (None: pyscard raised, ``raw`` then
        holds its message). Used for every command this connection sends, and for
        the ones the head start sent before the connection was handed over.

        ``command`` (the command answered, if known): when it is the connection's
        first and the card gave no answer (see ``_UNPOWERED_UNDER_US``), the card is
        cold-reset and that command sent once more — only a SELECT or READ BINARY,
        never a VERIFY; the log says so at INFO.
        """
        first, self._first_done = not self._first_done, True
        if first and command is not None and self._powered_again(code, command):
            code, raw = self._transmit(command)
        scard = _base._scard()
        if code is None:  # pyscard raised: removed when the reader agrees
            gone = CardRemovedError if self._card_gone() else CardUnresponsiveError
            raise gone(info={"pcsc_error": raw.decode(errors="replace")})
        if code == scard.SCARD_S_SUCCESS:
            if len(raw) < 2 and self._card_gone():
                # Some drivers (vpcd among them) report a transfer cut short by
                # the card leaving as a successful transmit of nothing.
                raise CardRemovedError(info={"response": raw.hex()})
            return split_response(raw)
        if _is(code, *_REMOVED_DURING_TRANSMIT):
            raise CardRemovedError(info=_info(code))
        if _is(code, "SCARD_W_RESET_CARD"):
            # Someone (another program, the reader) reset the card: any selected
            # application is gone. Acknowledge with a cold reset, so the session
            # starts from a known state with no verified PIN, and make it reselect.
            self._reconnect("SCARD_UNPOWER_CARD")
            raise CardUnresponsiveError(info=_info(code))
        if _is(code, "SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED"):
            raise CardRemovedError(info=_info(code))
        # NOT_TRANSACTED, COMM_ERROR, ...: a card pulled out mid-command often
        # shows up like this first; say "removed" when the reader agrees.
        gone = CardRemovedError if self._card_gone() else CardUnresponsiveError
        raise gone(info=_info(code))

    def reset(self) -> None:
        """Cold reset: unpower and power the card (clears a verified PIN).

        The caller must SELECT the application again afterwards.
        """
        self._reconnect("SCARD_UNPOWER_CARD")

    def close(self) -> None:
        """Disconnect unpowering the card, and release the context. Idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            scard = _base._scard()
            # Card or service already gone: nothing left to release.
            with contextlib.suppress(Exception):
                scard.SCardDisconnect(handle, scard.SCARD_UNPOWER_CARD)
        if self._context is not None:
            context, self._context = self._context, None
            context.release()

    def __enter__(self) -> PcscConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:  # last resort; close() is the contract
        with contextlib.suppress(Exception):
            self.close()

    # internals -------------------------------------------------------------------

    def _require_handle(self) -> Any:
        if self._handle is None:
            raise RuntimeError("PcscConnection used after close()")
        return self._handle

    def _reconnect(self, disposition: str) -> None:
        scard = _base._scard()
        handle = self._require_handle()
        try:
            code, protocol = scard.SCardReconnect(
                handle,
                self._share,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
                getattr(scard, disposition),
            )
        except scard.error as error:
            gone = CardRemovedError if self._card_gone() else CardUnresponsiveError
            raise gone(info={"pcsc_error": str(error)}) from None
        if code != scard.SCARD_S_SUCCESS:
            if _is(code, *_REMOVED_DURING_TRANSMIT) or self._card_gone():
                raise CardRemovedError(info=_info(code))
            raise CardUnresponsiveError(info=_info(code))
        self._protocol = int(protocol)
        self.atr = self._current_atr() or self.atr

    def _powered_again(self, code: int | None, command: bytes | bytearray) -> bool:
        """After the first command got no answer: cold-reset the card if sending it
        again is safe (see ``_UNPOWERED_UNDER_US``); True when it should be sent again."""
        if code is None or not _is(code, *_UNPOWERED_UNDER_US):
            return False
        if len(command) < 4 or command[1] not in _REPEATABLE_INS or self._card_gone():
            return False
        _LOG.info(
            "the card gave no answer to its first command (%s), as when another program's"
            " unpowering disconnect came just before this connect: cold reset, and the"
            " command (INS %02X) once more",
            error_name(code),
            command[1],
        )
        self.reset()
        return True

    def _card_gone(self) -> bool:
        """After a failed transfer: does PC/SC already say the card is out?"""
        scard = _base._scard()
        try:
            code, *_status = scard.SCardStatus(self._handle)
        except scard.error:
            return False
        if _is(code, *_REMOVED_DURING_TRANSMIT):
            return True
        if self._context is None:
            return False
        # SCardStatus's state value differs between Windows and pcsc-lite; the
        # reader-state flags of SCardGetStatusChange mean the same everywhere.
        try:
            code, states = self._context.status_change(
                [(self.reader, scard.SCARD_STATE_UNAWARE)], 0
            )
        except MynacheckError:
            return False
        if code != scard.SCARD_S_SUCCESS or not states:
            return False
        return bool(states[0][1] & (scard.SCARD_STATE_EMPTY | scard.SCARD_STATE_UNAVAILABLE))

    def _current_atr(self) -> bytes | None:
        scard = _base._scard()
        try:
            code, _reader, _state, _protocol, atr = scard.SCardStatus(self._handle)
        except scard.error:
            return None
        if code != scard.SCARD_S_SUCCESS or not atr:
            return None
        return bytes(atr)


def _connect(context: _Context, reader: str, share: int) -> tuple[int, Any, Any]:
    """SCardConnect (T=0 or T=1): (return code, handle, protocol)."""
    scard = _base._scard()
    try:
        code, handle, protocol = scard.SCardConnect(
            context.handle, reader, share, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        )
    except scard.error as error:
        raise PcscUnavailableError(info={"pcsc_error": str(error)}) from None
    return code, handle, protocol


def _raise_connect_error(code: int, reader: str) -> NoReturn:
    info = _info(code, reader=reader)
    if _is(code, "SCARD_E_NO_SMARTCARD", "SCARD_W_REMOVED_CARD"):
        raise NoCardError(info=info)
    if _is(code, "SCARD_E_SHARING_VIOLATION"):
        raise CardBusyError(info=info)
    if _is(code, "SCARD_E_UNKNOWN_READER", "SCARD_E_READER_UNAVAILABLE"):
        raise NoReaderError(info=info)
    if _is(code, "SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED"):
        raise _service_error(code)
    # Mute card, unsupported protocol, card that does not answer reset.
    raise CardUnresponsiveError(info=info)
