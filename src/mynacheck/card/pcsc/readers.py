"""PC/SC readers: listing, choosing, and waiting for a card to come or go."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ...errors import (
    Cancelled,
    InputError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
)
from ...log import Log
from .. import is_contactless
from . import _base
from ._base import (
    _ON_WINDOWS,
    _WAIT_SLICE_MS,
    PNP_NOTIFICATION,
    _code,
    _Context,
    _is,
    _raise_context_error,
    _service_error,
)

_LOG = Log("card")

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
    scard = _base._scard()
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
    :class:`NoReaderError` (no readers), :class:`InputError` (``no_such_reader``,
    ``several_cards``) or :class:`NoCardError` (the chosen reader is empty).
    """
    if not readers:
        raise NoReaderError()
    names = [r.name for r in readers]
    candidates = matching_readers(selector, readers)
    if not candidates:
        raise InputError("no_such_reader", selector=selector, readers=names)
    with_card = [r for r in candidates if r.card_present]
    if len(with_card) > 1:
        raise InputError("several_cards", readers=[r.name for r in with_card])
    if with_card:
        return with_card[0]
    chosen = candidates[0] if len(candidates) == 1 else None
    raise NoCardError(info={"reader": chosen.name if chosen else None, "readers": names})


class _Named(Protocol):
    @property
    def index(self) -> int: ...

    @property
    def name(self) -> str: ...


_R = TypeVar("_R", bound=_Named)


def matching_readers(selector: str | None, readers: list[_R]) -> list[_R]:
    """The readers ``selector`` names: all for None, the one at a 0-based index for
    digits, else those whose name holds it (case-insensitive; an exact name wins).
    The one rule for ``--reader``, ``open_card(reader)`` and the window's picker
    (through the counter loop's ``readers`` event)."""
    if selector is None:
        return list(readers)
    if selector.strip().isdigit():
        index = int(selector)
        return [r for r in readers if r.index == index]
    wanted = selector.strip().lower()
    exact = [r for r in readers if r.name.lower() == wanted]
    return exact or [r for r in readers if wanted in r.name.lower()]


def wait_for_card(
    selector: str | None, timeout: float, *, cancel: threading.Event | None = None
) -> ReaderInfo:
    """Block until a card is in the reader ``selector`` names (any reader if None).

    Uses PC/SC status-change events (plus the PnP pseudo reader, so a reader
    plugged in while waiting counts), in slices of 500 ms so Ctrl-C
    (``KeyboardInterrupt``) gets through. Returns at once if a card is already
    there. Raises ``InputError("no_such_reader")`` at once when readers are
    there but none matches ``selector`` (a typo is not worth waiting for), and
    ``InputError("several_cards")`` at once. On timeout raises
    :class:`NoCardError`, or :class:`NoReaderError` if no reader ever appeared.
    ``timeout`` may be ``math.inf``; a set ``cancel`` event ends the wait within
    one slice with :class:`Cancelled`.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    _LOG.info("waiting up to %s s for a card in %s", timeout, selector or "any reader")
    with _CardWaiter() as waiter:
        while True:
            Cancelled.raise_if_set(cancel)
            names = waiter.reader_names(deadline)
            if names is None:
                continue  # no service yet (Windows without a reader): looked again
            try:
                return choose_reader(selector, waiter.infos(names))
            except (NoCardError, NoReaderError) as error:
                if time.monotonic() >= deadline:
                    if isinstance(error, NoReaderError):
                        raise
                    raise NoCardError(info={"timeout": timeout, "readers": names}) from None
            waiter.wait_for_change(names, deadline)


class _CardWaiter:
    """:func:`wait_for_card`'s PC/SC context and what it has seen of each reader."""

    def __init__(self) -> None:
        self._scard = _base._scard()
        self._context: _Context | None = None
        self._known: dict[str, int] = {}
        self._pnp_state = self._scard.SCARD_STATE_UNAWARE
        self._pnp_supported = True

    def __enter__(self) -> _CardWaiter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop_context()

    def reader_names(self, deadline: float) -> list[str] | None:
        """The readers now; None after a slice spent waiting for the service (Windows
        has none until a reader is plugged in; the context may die with it)."""
        try:
            if self._context is None:
                self._context = _Context()
            return self._context.reader_names()
        except (NoReaderError, PcscUnavailableError) as error:
            self._drop_context()
            if not isinstance(error, NoReaderError) or time.monotonic() >= deadline:
                raise
            time.sleep(min(_WAIT_SLICE_MS / 1000, max(0.0, deadline - time.monotonic())))
            return None

    def infos(self, names: list[str]) -> list[ReaderInfo]:
        assert self._context is not None
        return _reader_infos(self._context, names) if names else []

    def wait_for_change(self, names: list[str], deadline: float) -> None:
        """One slice (at most 500 ms) of waiting for a card, a reader or the service."""
        scard = self._scard
        states = [(name, self._known.get(name, scard.SCARD_STATE_UNAWARE)) for name in names]
        if self._pnp_supported:
            states.append((PNP_NOTIFICATION, self._pnp_state))
        slice_ms = _slice_ms(deadline - time.monotonic())
        if not states or self._context is None:  # no reader, and no PnP events here
            time.sleep(slice_ms / 1000)
            return
        code, new = self._context.status_change(states, slice_ms)
        if code in (_code("SCARD_E_TIMEOUT"), scard.SCARD_S_SUCCESS):
            self._acknowledge(new)
            if code == scard.SCARD_S_SUCCESS and not new:
                time.sleep(slice_ms / 1000)
        elif _is(code, "SCARD_E_UNKNOWN_READER", "SCARD_E_READER_UNAVAILABLE"):
            # A reader went away between listing and waiting, or the
            # platform (macOS) does not know the PnP pseudo reader.
            self._known.clear()
            if self._pnp_supported:
                probe, _ = self._context.status_change(
                    [(PNP_NOTIFICATION, scard.SCARD_STATE_UNAWARE)], 0
                )
                if probe not in (_code("SCARD_E_TIMEOUT"), scard.SCARD_S_SUCCESS):
                    self._pnp_supported = False
        elif _is(code, "SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED", "SCARD_E_INVALID_HANDLE"):
            self._drop_context()
            if not _ON_WINDOWS:
                raise _service_error(code)
        else:
            _raise_context_error(code)

    def _acknowledge(self, new: list[tuple[str, int, bytes | None]]) -> None:
        """Remember what was seen, so the next call waits for a change."""
        for name, state, _atr in new:
            current = state & ~self._scard.SCARD_STATE_CHANGED
            if name == PNP_NOTIFICATION:
                self._pnp_state = current
            else:
                self._known[name] = current

    def _drop_context(self) -> None:
        if self._context is not None:
            self._context.release()
            self._context = None
        self._known.clear()


def wait_for_removal(
    reader: str, timeout: float | None = None, *, cancel: threading.Event | None = None
) -> None:
    """Block until the card leaves ``reader`` (or the reader goes away).

    Needs no connection to the card. Returns at once if the reader is empty.
    Ctrl-C gets through within 500 ms. When ``timeout`` (seconds) runs out,
    raises the built-in :class:`TimeoutError`: whether that matters is the
    caller's call.
    """
    scard = _base._scard()
    deadline = None if timeout is None else time.monotonic() + timeout
    state = scard.SCARD_STATE_UNAWARE
    with _Context() as context:
        while True:
            Cancelled.raise_if_set(cancel)
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
