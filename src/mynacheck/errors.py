"""Domain errors: what happened to the card or to the caller's input.

Everything the library raises on purpose is a :class:`MynacheckError`; its
``status`` is one of the documented :class:`~mynacheck.status.Status` values and
its ``details`` the reason codes. The errors say *what happened*; which exit
code and which sentence go with it is decided by the faces on top (the CLI's one
error map, the window). Anything else that escapes is a bug.
"""

from __future__ import annotations

from typing import Any

from .status import Detail, Status


class MynacheckError(Exception):
    """An outcome that ends an operation early: no card, card pulled out, ..."""

    status: Status = Status.INTERNAL_ERROR

    def __init__(self, *details: Detail, info: dict[str, Any] | None = None) -> None:
        self.details = tuple(details)
        self.info = dict(info or {})
        super().__init__(self.status.value, *[d.value for d in details])

    def __str__(self) -> str:
        reasons = ", ".join(d.value for d in self.details)
        return f"{self.status.value}" + (f" ({reasons})" if reasons else "")


class InputError(MynacheckError):
    """The caller's mistake (a malformed PIN string, an unknown scenario, a reader
    name matching nothing, several cards, an unusable file): nothing was sent to
    the card. ``key`` names the mistake (a message key); ``info`` fills it in."""

    status = Status.USAGE_ERROR

    def __init__(self, key: str, **info: Any) -> None:
        self.key = key
        super().__init__(info=info)

    def __str__(self) -> str:
        return f"usage_error: {self.key}"


class PcscUnavailableError(MynacheckError):
    """The PC/SC service (pcscd, the Windows Smart Card service) cannot be reached."""

    status = Status.PCSC_UNAVAILABLE


class NoReaderError(MynacheckError):
    """No card reader is connected."""

    status = Status.NO_READER


class NoCardError(MynacheckError):
    """The reader holds no card (or the wait for one ran out)."""

    status = Status.NO_CARD


class CardBusyError(MynacheckError):
    """Another program holds the card exclusively."""

    status = Status.CARD_BUSY


class CardError(MynacheckError):
    """The card stopped answering: pulled out, reader unplugged, or garbage."""

    status = Status.CARD_ERROR


class NotMyNumberCardError(MynacheckError):
    """The card has no JPKI application."""

    status = Status.NOT_MYNUMBER_CARD


class Cancelled(MynacheckError):
    """The caller's ``cancel`` event was set, or a PIN prompt was given up."""

    status = Status.INTERNAL_ERROR

    def __init__(self, *details: Detail, info: dict[str, Any] | None = None) -> None:
        super().__init__(*(details or (Detail.INTERRUPTED,)), info=info)


# The names the card and policy layers grew up with.
CheckError = MynacheckError
UsageError = InputError
CardCommunicationError = CardError
