"""The real PC/SC stack (pcsc-lite, the Windows Smart Card service, macOS).

The only module of mynacheck that imports pyscard. It uses the low-level
``smartcard.scard`` API so every failure keeps its precise PC/SC return code,
and maps those codes to :mod:`mynacheck.errors`: no pyscard exception escapes.
pyscard is imported inside the functions, so importing this module is cheap
(the CLI imports it for ``--help`` too).
"""

from __future__ import annotations

from ._base import PNP_NOTIFICATION as PNP_NOTIFICATION
from ._base import error_name as error_name
from .connection import PcscConnection as PcscConnection
from .readers import ReaderInfo as ReaderInfo
from .readers import choose_reader as choose_reader
from .readers import list_readers as list_readers
from .readers import wait_for_card as wait_for_card
from .readers import wait_for_removal as wait_for_removal

__all__ = [
    "PNP_NOTIFICATION",
    "PcscConnection",
    "ReaderInfo",
    "choose_reader",
    "error_name",
    "list_readers",
    "wait_for_card",
    "wait_for_removal",
]
