"""The pyscard loader, PC/SC return codes and their names, and contexts
(see the package's docstring for what the package as a whole does)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any, NoReturn, cast

from ...errors import (
    MynacheckError,
    NoReaderError,
    PcscUnavailableError,
)

#: The pseudo reader whose state changes when a reader is plugged in or out
#: (pcsc-lite and Windows; macOS ignores it, and readers.wait_for_card re-lists anyway).
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"

#: Longest single SCardGetStatusChange wait: Ctrl-C is handled between waits,
#: so this bounds how long an interrupt can take to be noticed.
_WAIT_SLICE_MS = 500

#: On Windows the Smart Card service stops with the last reader (see _service_error).
_ON_WINDOWS = sys.platform == "win32"


#: What :func:`use_scard_layer` put in pyscard's place, or None (pyscard itself).
_stand_in: ModuleType | None = None


def _scard() -> ModuleType:
    """pyscard's ``smartcard.scard``, loaded on first use (see :func:`.early.load_scard`).
    Every PC/SC call of this package comes through here: with ``MYNACHECK_NO_PCSC`` set
    there is none (:class:`PcscUnavailableError`) and pyscard is not loaded."""
    if _stand_in is not None:
        return _stand_in
    from .early import NO_PCSC, pcsc_switched_off

    if pcsc_switched_off():
        raise PcscUnavailableError(info={"pcsc_error": f"{NO_PCSC} is set"})
    module = sys.modules.get("smartcard.scard")
    if module is None:
        from .early import load_scard

        module = load_scard()
    return module


@contextlib.contextmanager
def use_scard_layer(layer: object) -> Iterator[None]:
    """Inside the block, every PC/SC call of this package goes to ``layer`` instead of
    pyscard's ``smartcard.scard``: an object with the same ``SCard*`` functions and
    ``SCARD_*`` constants, each answer chosen by its maker (a test scripting a
    reader's timing). Not for threads that outlive the block; the head start
    (:mod:`.early`) keeps to pyscard."""
    global _stand_in
    before, _stand_in = _stand_in, cast(ModuleType, layer)
    try:
        yield
    finally:
        _stand_in = before


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


def _service_error(code: int) -> MynacheckError:
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

    @classmethod
    def adopt(cls, handle: Any) -> _Context:
        """A context established elsewhere (the head start), released by this object."""
        context = cls.__new__(cls)
        context.handle = handle
        return context

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
