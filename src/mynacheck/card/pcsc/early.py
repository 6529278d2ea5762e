"""The head start's side of PC/SC: pyscard loaded, a reader chosen, the card connected —
with nothing else loaded, so a command line reaches the card within milliseconds.

Light on purpose: only ``sys`` and pyscard's ``smartcard.scard`` (no dataclasses, no
error classes: a failure here is silent, and the check, connecting itself, says what
is wrong). :class:`RawCard` keeps each command's raw return code and answer, so the
check can hand them to :meth:`PcscConnection.answer` and read them exactly as if it had
sent the command itself. The reader is chosen as :func:`readers.choose_reader` would
choose it, or not at all (several cards, no match): :func:`mynacheck.card.early.take`
checks the choice again before the check uses the card.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # no typing at run time: see load_scard
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


#: Set to anything but "" or "0": mynacheck keeps off PC/SC altogether, as if the smart
#: card service were not running (docs/api.md "Keeping off PC/SC"); a simulated card
#: and a replayed transcript still work.
NO_PCSC = "MYNACHECK_NO_PCSC"


def pcsc_switched_off() -> bool:
    """True when :data:`NO_PCSC` is set: no PC/SC call is made, no reader touched."""
    return os.environ.get(NO_PCSC, "") not in ("", "0")


def load_scard() -> ModuleType:
    """pyscard's ``smartcard.scard``, without running ``smartcard/__init__.py`` first.

    That file imports pyscard's high-level API (sessions, readers, observers), which
    mynacheck never uses. The package is made from its own spec, its ``__init__`` run
    only when something asks it for a name it does not have yet; on any surprise
    (an unusual installer), the plain import. ``ImportError`` when PC/SC is switched
    off (:data:`NO_PCSC`): nothing of pyscard is loaded.
    """
    if pcsc_switched_off():
        raise ImportError(f"{NO_PCSC} is set", name="smartcard")
    module = sys.modules.get("smartcard.scard")
    if module is not None:
        return module
    if "smartcard" not in sys.modules:
        try:
            return _import_scard_alone()
        except (ImportError, ValueError, AttributeError):
            for name in [n for n in sys.modules if n.partition(".")[0] == "smartcard"]:
                del sys.modules[name]
    from smartcard import scard  # pyscard, the plain way

    plain: ModuleType = scard
    return plain


def _import_scard_alone() -> ModuleType:
    import importlib

    # The import system's own functions (importlib.util loads contextlib and more).
    bootstrap = sys.modules["importlib._bootstrap"]
    spec = bootstrap._find_spec("smartcard", None)
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        raise ImportError("smartcard")
    package = bootstrap.module_from_spec(spec)
    loader = spec.loader

    def complete(name: str) -> Any:
        del package.__getattr__
        loader.exec_module(package)  # the real __init__, into the same module
        return getattr(package, name)

    setattr(package, "__getattr__", complete)  # noqa: B010 - the module's PEP 562 hook
    sys.modules["smartcard"] = package
    # pyscard's SWIG wrapper (2.x) imports typing and uses nothing from it; typing
    # costs more than the rest of the way to the card, and click loads it anyway a
    # moment later. A stand-in while the wrapper loads, then the real one on demand;
    # a wrapper that does use it fails here, and is loaded the plain way.
    stand_in = None
    if "typing" not in sys.modules:
        stand_in = type(sys)("typing")
        sys.modules["typing"] = stand_in
    try:
        importlib.import_module("smartcard.scard")
    finally:
        if stand_in is not None and sys.modules.get("typing") is stand_in:
            del sys.modules["typing"]
    return sys.modules["smartcard.scard"]


class RawCard:
    """A card connected exclusively, before the rest of mynacheck has loaded."""

    def __init__(
        self, scard: Any, context: Any, handle: Any, protocol: int, reader: str, atr: bytes
    ) -> None:
        self.scard = scard
        self.context = context
        self.handle = handle
        self.protocol = protocol
        self.reader = reader
        self.atr = atr

    def transmit(self, apdu: bytes) -> tuple[int | None, bytes]:
        """Send one APDU: (PC/SC return code, raw answer); when pyscard raises, (None,
        its message), as :meth:`PcscConnection.answer` takes them."""
        try:
            code, response = self.scard.SCardTransmit(self.handle, self.protocol, list(apdu))
        except self.scard.error as error:
            return None, str(error).encode()
        return code, bytes(response or b"")

    def close(self) -> None:
        """Unpower the card and release the context (a head start nobody took)."""
        scard = self.scard
        try:
            scard.SCardDisconnect(self.handle, scard.SCARD_UNPOWER_CARD)
        finally:
            scard.SCardReleaseContext(self.context)


def connect(selector: str | None) -> RawCard | None:
    """Connect exclusively to the card in the reader ``selector`` names; None when
    that is not plainly one present card, or anything fails (nothing is said)."""
    scard = load_scard()
    code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if code != scard.SCARD_S_SUCCESS:
        return None
    try:
        chosen = _choose(scard, context, selector)
        if chosen is not None:
            reader, atr = chosen
            code, handle, protocol = scard.SCardConnect(
                context,
                reader,
                scard.SCARD_SHARE_EXCLUSIVE,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
            )
            if code == scard.SCARD_S_SUCCESS:
                return RawCard(scard, context, handle, int(protocol), reader, atr)
    except scard.error:
        pass
    scard.SCardReleaseContext(context)
    return None


def _choose(scard: Any, context: Any, selector: str | None) -> tuple[str, bytes] | None:
    """The reader :func:`readers.choose_reader` picks for ``selector`` if it picks one,
    and its card's ATR."""
    code, names = scard.SCardListReaders(context, [])
    if code != scard.SCARD_S_SUCCESS or not names:
        return None
    if selector is None:
        candidates = list(names)
    elif selector.strip().isdigit():
        index = int(selector)
        candidates = [names[index]] if index < len(names) else []
    else:
        wanted = selector.strip().lower()
        exact = [n for n in names if n.lower() == wanted]
        candidates = exact or [n for n in names if wanted in n.lower()]
    if not candidates:
        return None
    unaware = scard.SCARD_STATE_UNAWARE
    code, states = scard.SCardGetStatusChange(context, 0, [(n, unaware) for n in candidates])
    if code != scard.SCARD_S_SUCCESS:
        return None
    present = scard.SCARD_STATE_PRESENT
    with_card = [(name, bytes(atr or b"")) for name, state, atr in states if state & present]
    return with_card[0] if len(with_card) == 1 else None
