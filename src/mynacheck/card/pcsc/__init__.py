"""The real PC/SC stack (pcsc-lite, the Windows Smart Card service, macOS).

The only module of mynacheck that imports pyscard. It uses the low-level
``smartcard.scard`` API so every failure keeps its precise PC/SC return code,
and maps those codes to :mod:`mynacheck.errors`: no pyscard exception escapes.
pyscard is imported inside the functions, so importing this module is cheap
(the CLI imports it for ``--help`` too).
"""

from __future__ import annotations

from ...lazy import lazy_getattr

TYPE_CHECKING = False  # no typing at run time: the head start (.early) comes through here
if TYPE_CHECKING:
    from ._base import PNP_NOTIFICATION as PNP_NOTIFICATION
    from ._base import error_name as error_name
    from ._base import use_scard_layer as use_scard_layer
    from .connection import PcscConnection as PcscConnection
    from .readers import ReaderInfo as ReaderInfo
    from .readers import choose_reader as choose_reader
    from .readers import list_readers as list_readers
    from .readers import wait_for_card as wait_for_card
    from .readers import wait_for_removal as wait_for_removal

#: name -> module: loaded when first asked for, so that the head start
#: (:mod:`.early`) reaches the card before the rest of this package has loaded.
_EXPORTS = {
    "PNP_NOTIFICATION": "._base",
    "error_name": "._base",
    "use_scard_layer": "._base",
    "PcscConnection": ".connection",
    "ReaderInfo": ".readers",
    "choose_reader": ".readers",
    "list_readers": ".readers",
    "wait_for_card": ".readers",
    "wait_for_removal": ".readers",
}


__getattr__ = lazy_getattr(__name__, _EXPORTS)

__all__ = sorted(_EXPORTS)
