"""The real PC/SC stack (pcsc-lite, the Windows Smart Card service, macOS).

The only module of mynacheck that imports pyscard. It uses the low-level
``smartcard.scard`` API so every failure keeps its precise PC/SC return code,
and maps those codes to :mod:`mynacheck.errors`: no pyscard exception escapes.
pyscard is imported inside the functions, so importing this module is cheap
(the CLI imports it for ``--help`` too).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any, NoReturn

from ..errors import (
    Cancelled,
    CardBusyError,
    CardCommunicationError,
    CheckError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
    UsageError,
)
from ..status import Detail
from . import is_contactless, split_response

#: The pseudo reader whose state changes when a reader is plugged in or out
#: (pcsc-lite and Windows; macOS ignores it, and the loop below re-lists anyway).
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"

#: Longest single SCardGetStatusChange wait: Ctrl-C is handled between waits,
#: so this bounds how long an interrupt can take to be noticed.
_WAIT_SLICE_MS = 500

#: Reader-name fragments of contactless readers (Sony's PaSoRi is RC-S3xx).

_ON_WINDOWS = sys.platform == "win32"


def _scard() -> ModuleType:
    from smartcard import scard  # pyscard; imported lazily (about 30 ms)

    module: ModuleType = scard
    return module


# -- return codes ---------------------------------------------------------------


def _u32(code: int) -> int:
    """PC/SC codes are DWORDs; some builds hand them back as signed longs."""
    return code & 0xFFFFFFFF


_names_by_code: dict[int, str] = {}


def error_name(code: int) -> str:
    """``"SCARD_E_NO_SMARTCARD"`` for a PC/SC return code, hex if unknown."""
    if not _names_by_code:
        scard = _scard()
        for name in dir(scard):
            if name.startswith(("SCARD_E_", "SCARD_W_", "SCARD_F_", "SCARD_P_")):
                value = getattr(scard, name)
                if isinstance(value, int):
                    _names_by_code.setdefault(_u32(value), name)
    return _names_by_code.get(_u32(code), f"0x{_u32(code):08X}")


def _code(name: str) -> int:
    return _u32(int(getattr(_scard(), name)))


def _is(code: int, *names: str) -> bool:
    return _u32(code) in {_code(n) for n in names}


def _info(code: int, **extra: Any) -> dict[str, Any]:
    return {"pcsc_error": error_name(code), **extra}


def _service_error(code: int) -> CheckError:
    """The PC/SC service is not there.

    On Windows the Smart Card service stops when the last reader is unplugged,
    so "no service" there means "no reader"; elsewhere the daemon is not running.
    """
    if _ON_WINDOWS:
        return NoReaderError(info=_info(code))
    info = _info(code)
    if sys.platform.startswith("linux"):
        info["hint"] = "pcscd is not running: `systemctl start pcscd.socket` or run `pcscd`"
    return PcscUnavailableError(info=info)


def _raise_context_error(code: int) -> NoReturn:
    if _is(code, "SCARD_E_NO_READERS_AVAILABLE"):
        raise NoReaderError(info=_info(code))
    if _is(code, "SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED"):
        raise _service_error(code)
    if _is(code, "SCARD_E_UNKNOWN_READER", "SCARD_E_READER_UNAVAILABLE"):
        raise NoReaderError(info=_info(code))
    raise PcscUnavailableError(info=_info(code))


# -- context --------------------------------------------------------------------


class _Context:
    """An SCARDCONTEXT, released exactly once."""

    def __init__(self) -> None:
        scard = _scard()
        try:
            code, handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        except scard.error as error:  # pyscard raises when the library is missing
            raise PcscUnavailableError(info={"pcsc_error": str(error)}) from None
        if code != scard.SCARD_S_SUCCESS:
            raise _service_error(code)
        self.handle: Any = handle

    def release(self) -> None:
        if self.handle is not None:
            handle, self.handle = self.handle, None
            # Releasing a dead context must not mask the error that killed it.
            with contextlib.suppress(Exception):
                _scard().SCardReleaseContext(handle)

    def __enter__(self) -> _Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def reader_names(self) -> list[str]:
        """Reader names; empty when there are none."""
        scard = _scard()
        try:
            code, names = scard.SCardListReaders(self.handle, [])
        except scard.error as error:
            raise PcscUnavailableError(info={"pcsc_error": str(error)}) from None
        if _is(code, "SCARD_E_NO_READERS_AVAILABLE"):
            return []
        if code != scard.SCARD_S_SUCCESS:
            _raise_context_error(code)
        return list(names or [])

    def status_change(
        self, states: list[tuple[str, int]], timeout_ms: int
    ) -> tuple[int, list[tuple[str, int, bytes | None]]]:
        """SCardGetStatusChange: (code, [(reader, event_state, atr)])."""
        scard = _scard()
        try:
            code, new = scard.SCardGetStatusChange(self.handle, timeout_ms, states)
        except scard.error as error:
            raise PcscUnavailableError(info={"pcsc_error": str(error)}) from None
        out = [(name, int(state), bytes(atr) if atr else None) for name, state, atr in new or []]
        return _u32(code), out


# -- readers --------------------------------------------------------------------


@dataclass(frozen=True)
class ReaderInfo:
    """A reader as PC/SC sees it right now."""

    index: int
    name: str
    card_present: bool
    atr: bytes | None

    @property
    def contactless(self) -> bool:
        return is_contactless(self.name, self.atr)


def _reader_infos(context: _Context, names: list[str]) -> list[ReaderInfo]:
    if not names:
        return []
    scard = _scard()
    code, states = context.status_change([(name, scard.SCARD_STATE_UNAWARE) for name in names], 0)
    if code == _code("SCARD_E_TIMEOUT"):  # cannot happen with UNAWARE, but be safe
        states = [(name, 0, None) for name in names]
    elif code != scard.SCARD_S_SUCCESS:
        _raise_context_error(code)
    infos = []
    for index, (name, state, atr) in enumerate(states):
        present = bool(state & scard.SCARD_STATE_PRESENT)
        infos.append(ReaderInfo(index, name, present, atr if present else None))
    return infos


def list_readers() -> list[ReaderInfo]:
    """All readers with their card state, without waiting. No card access.

    Raises :class:`PcscUnavailableError` when the PC/SC service is missing
    (:class:`NoReaderError` on Windows, whose service stops with the last reader).
    An empty list means the service runs but no reader is plugged in.
    """
    with _Context() as context:
        return _reader_infos(context, context.reader_names())


def choose_reader(selector: str | None, readers: list[ReaderInfo]) -> ReaderInfo:
    """Pick the reader the user meant.

    ``selector`` is a 0-based index (``"1"``) or a case-insensitive part of the
    name; ``None`` means the one reader holding a card. Raises
    :class:`NoReaderError` (no readers), :class:`UsageError` (``no_such_reader``,
    ``several_cards``) or :class:`NoCardError` (the chosen reader is empty).
    """
    if not readers:
        raise NoReaderError()
    names = [r.name for r in readers]
    if selector is None:
        candidates = readers
    elif selector.strip().isdigit():
        index = int(selector)
        candidates = [r for r in readers if r.index == index]
    else:
        wanted = selector.strip().lower()
        exact = [r for r in readers if r.name.lower() == wanted]
        candidates = exact or [r for r in readers if wanted in r.name.lower()]
    if not candidates:
        raise UsageError("no_such_reader", selector=selector, readers=names)
    with_card = [r for r in candidates if r.card_present]
    if len(with_card) > 1:
        raise UsageError("several_cards", readers=[r.name for r in with_card])
    if with_card:
        return with_card[0]
    chosen = candidates[0] if len(candidates) == 1 else None
    raise NoCardError(info={"reader": chosen.name if chosen else None, "readers": names})


def wait_for_card(
    selector: str | None, timeout: float, *, cancel: threading.Event | None = None
) -> ReaderInfo:
    """Block until a card is in the reader ``selector`` names (any reader if None).

    Uses PC/SC status-change events (plus the PnP pseudo reader, so a reader
    plugged in while waiting counts), in slices of 500 ms so Ctrl-C
    (``KeyboardInterrupt``) gets through. Returns at once if a card is already
    there. On timeout raises :class:`NoCardError`, or :class:`NoReaderError` if
    no reader ever appeared, or ``UsageError("no_such_reader")`` if readers are
    there but none matches ``selector``. ``timeout`` may be ``math.inf``; a set
    ``cancel`` event ends the wait within one slice with :class:`Cancelled`.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    scard = _scard()
    context: _Context | None = None
    known: dict[str, int] = {}
    pnp_state = scard.SCARD_STATE_UNAWARE
    pnp_supported = True
    try:
        while True:
            _raise_if_cancelled(cancel)
            try:
                if context is None:
                    context = _Context()
                names = context.reader_names()
            except (NoReaderError, PcscUnavailableError) as error:
                # Windows: no service until a reader is plugged in; the context
                # may also have died with the service. Nothing to wait on: poll.
                if context is not None:
                    context.release()
                    context = None
                if not isinstance(error, NoReaderError):
                    raise
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(_WAIT_SLICE_MS / 1000, max(0.0, deadline - time.monotonic())))
                continue
            infos = _reader_infos(context, names) if names else []
            try:
                return choose_reader(selector, infos)
            except NoCardError:
                pass
            except UsageError as error:
                # "several_cards" is final: waiting will not make it one. A
                # reader matching the selector may still be plugged in.
                if error.key != "no_such_reader" or time.monotonic() >= deadline:
                    raise
            except NoReaderError:
                if time.monotonic() >= deadline:
                    raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NoCardError(info={"timeout": timeout, "readers": names})
            states = [(name, known.get(name, scard.SCARD_STATE_UNAWARE)) for name in names]
            if pnp_supported:
                states.append((PNP_NOTIFICATION, pnp_state))
            slice_ms = _slice_ms(remaining)
            if not states:  # no reader, and no PnP events on this platform
                time.sleep(slice_ms / 1000)
                continue
            code, new = context.status_change(states, slice_ms)
            if code in (_code("SCARD_E_TIMEOUT"), scard.SCARD_S_SUCCESS):
                for name, state, _atr in new:
                    # Acknowledge what we saw, so the next call waits for a change.
                    current = state & ~scard.SCARD_STATE_CHANGED
                    if name == PNP_NOTIFICATION:
                        pnp_state = current
                    else:
                        known[name] = current
                if code == scard.SCARD_S_SUCCESS and not new:
                    time.sleep(slice_ms / 1000)
            elif _is(code, "SCARD_E_UNKNOWN_READER", "SCARD_E_READER_UNAVAILABLE"):
                # A reader went away between listing and waiting, or the
                # platform (macOS) does not know the PnP pseudo reader.
                known.clear()
                if pnp_supported:
                    probe, _ = context.status_change(
                        [(PNP_NOTIFICATION, scard.SCARD_STATE_UNAWARE)], 0
                    )
                    if probe not in (_code("SCARD_E_TIMEOUT"), scard.SCARD_S_SUCCESS):
                        pnp_supported = False
            elif _is(
                code, "SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED", "SCARD_E_INVALID_HANDLE"
            ):
                context.release()
                context = None
                known.clear()
                if not _ON_WINDOWS:
                    raise _service_error(code)
            else:
                _raise_context_error(code)
    finally:
        if context is not None:
            context.release()


def wait_for_removal(
    reader: str, timeout: float | None = None, *, cancel: threading.Event | None = None
) -> None:
    """Block until the card leaves ``reader`` (or the reader goes away).

    Needs no connection to the card. Returns at once if the reader is empty.
    Ctrl-C gets through within 500 ms. When ``timeout`` (seconds) runs out,
    raises the built-in :class:`TimeoutError`: whether that matters is the
    caller's call.
    """
    scard = _scard()
    deadline = None if timeout is None else time.monotonic() + timeout
    state = scard.SCARD_STATE_UNAWARE
    with _Context() as context:
        while True:
            _raise_if_cancelled(cancel)
            if deadline is None:
                slice_ms = _WAIT_SLICE_MS
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"card still in {reader!r}")
                slice_ms = _slice_ms(remaining)
            code, new = context.status_change([(reader, state)], slice_ms)
            if _is(code, "SCARD_E_UNKNOWN_READER", "SCARD_E_READER_UNAVAILABLE"):
                return  # reader unplugged: the card is gone with it
            if code == _code("SCARD_E_TIMEOUT"):
                continue
            if code != scard.SCARD_S_SUCCESS:
                _raise_context_error(code)
            event = new[0][1] if new else 0
            if event & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                return
            if not event & scard.SCARD_STATE_PRESENT:
                return
            state = event & ~scard.SCARD_STATE_CHANGED


def _slice_ms(remaining: float) -> int:
    """One wait slice in ms: at most 500, so Ctrl-C and ``cancel`` get through (and
    ``remaining`` may be infinite)."""
    return max(1, int(min(float(_WAIT_SLICE_MS), remaining * 1000)))


def _raise_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


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


#: pcscd polls a reader without card-change interrupts every 400 ms (measured through
#: vpcd: the pulled card shows gone 0.40 s after the failed connect); the rest is
#: room for a loaded machine.
_SECOND_LOOK = 0.6


def _card_left(context: _Context, reader: str, timeout: float = _SECOND_LOOK) -> bool:
    """After a failed connect: does the reader turn out empty within one reader poll?

    A card pulled out just before the connect shows as gone within ``timeout``;
    a card that stays present is really mute: False.
    """
    scard = _scard()
    gone = scard.SCARD_STATE_EMPTY | scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_UNKNOWN
    deadline = time.monotonic() + timeout
    known = scard.SCARD_STATE_UNAWARE
    wait_ms = 0  # the first look answers at once with the current state
    while True:
        try:
            code, states = context.status_change([(reader, known)], wait_ms)
        except CheckError:
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

    @classmethod
    def open(cls, reader: ReaderInfo, *, exclusive: bool) -> PcscConnection:
        """Connect to the card in ``reader`` (T=1 or T=0). Needs a card present.

        ``exclusive`` keeps other programs off the card for the whole check
        (use it around VERIFY). Raises :class:`NoCardError` (also when the
        connect fails because the card was just pulled out, which PC/SC may not
        have noticed yet: the reader is looked at again for up to 0.6 s),
        :class:`CardBusyError`, :class:`NoReaderError` or
        :class:`CardCommunicationError` (the card does not answer reset).
        """
        scard = _scard()
        share = scard.SCARD_SHARE_EXCLUSIVE if exclusive else scard.SCARD_SHARE_SHARED
        context = _Context()
        try:
            try:
                code, handle, protocol = scard.SCardConnect(
                    context.handle,
                    reader.name,
                    share,
                    scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
                )
            except scard.error as error:
                raise PcscUnavailableError(info={"pcsc_error": str(error)}) from None
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

    # Connection protocol -------------------------------------------------------

    @property
    def contactless(self) -> bool:
        """Heuristic: the card sits on a contactless reader (ATR or reader name)."""
        return is_contactless(self.reader, self.atr)

    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one APDU (short or extended) and return (data, SW)."""
        scard = _scard()
        handle = self._require_handle()
        self.apdu_count += 1
        try:
            code, response = scard.SCardTransmit(handle, self._protocol, list(apdu))
        except scard.error as error:
            raise CardCommunicationError(
                Detail.CARD_UNRESPONSIVE, info={"pcsc_error": str(error)}
            ) from None
        if code == scard.SCARD_S_SUCCESS:
            raw = bytes(response)
            if len(raw) < 2 and self._card_gone():
                # Some drivers (vpcd among them) report a transfer cut short by
                # the card leaving as a successful transmit of nothing.
                raise CardCommunicationError(Detail.CARD_REMOVED, info={"response": raw.hex()})
            return split_response(raw)
        if _is(code, *_REMOVED_DURING_TRANSMIT):
            raise CardCommunicationError(Detail.CARD_REMOVED, info=_info(code))
        if _is(code, "SCARD_W_RESET_CARD"):
            # Someone (another program, the reader) reset the card: any selected
            # application is gone. Acknowledge with a cold reset, so the session
            # starts from a known state with no verified PIN, and make it reselect.
            self._reconnect("SCARD_UNPOWER_CARD")
            raise CardCommunicationError(Detail.CARD_UNRESPONSIVE, info=_info(code))
        if _is(code, "SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED"):
            raise CardCommunicationError(Detail.CARD_REMOVED, info=_info(code))
        # NOT_TRANSACTED, COMM_ERROR, ...: a card pulled out mid-command often
        # shows up like this first; say "removed" when the reader agrees.
        detail = Detail.CARD_REMOVED if self._card_gone() else Detail.CARD_UNRESPONSIVE
        raise CardCommunicationError(detail, info=_info(code))

    def reset(self) -> None:
        """Cold reset: unpower and power the card (clears a verified PIN).

        The caller must SELECT the application again afterwards.
        """
        self._reconnect("SCARD_UNPOWER_CARD")

    def close(self) -> None:
        """Disconnect unpowering the card, and release the context. Idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            scard = _scard()
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
        scard = _scard()
        handle = self._require_handle()
        try:
            code, protocol = scard.SCardReconnect(
                handle,
                self._share,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
                getattr(scard, disposition),
            )
        except scard.error as error:
            raise CardCommunicationError(
                Detail.CARD_UNRESPONSIVE, info={"pcsc_error": str(error)}
            ) from None
        if code != scard.SCARD_S_SUCCESS:
            if _is(code, *_REMOVED_DURING_TRANSMIT):
                raise CardCommunicationError(Detail.CARD_REMOVED, info=_info(code))
            raise CardCommunicationError(Detail.CARD_UNRESPONSIVE, info=_info(code))
        self._protocol = int(protocol)
        self.atr = self._current_atr() or self.atr

    def _card_gone(self) -> bool:
        """After a failed transfer: does PC/SC already say the card is out?"""
        scard = _scard()
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
        except CheckError:
            return False
        if code != scard.SCARD_S_SUCCESS or not states:
            return False
        return bool(states[0][1] & (scard.SCARD_STATE_EMPTY | scard.SCARD_STATE_UNAVAILABLE))

    def _current_atr(self) -> bytes | None:
        scard = _scard()
        try:
            code, _reader, _state, _protocol, atr = scard.SCardStatus(self._handle)
        except scard.error:
            return None
        if code != scard.SCARD_S_SUCCESS or not atr:
            return None
        return bytes(atr)


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
    raise CardCommunicationError(Detail.CARD_UNRESPONSIVE, info=info)


__all__ = [
    "PNP_NOTIFICATION",
    "PcscConnection",
    "ReaderInfo",
    "choose_reader",
    "error_name",
    "is_contactless",
    "list_readers",
    "wait_for_card",
    "wait_for_removal",
]
