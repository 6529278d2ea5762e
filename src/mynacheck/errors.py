"""Domain errors: what happened to the card or to the caller's input.

Everything the library raises on purpose is a :class:`MynacheckError`; its
``status`` is one of the documented :class:`~mynacheck.status.Status` values and
its ``details`` the reason codes. The errors say *what happened*; which exit
code and which sentence go with it is decided by the faces on top (the CLI's one
error map, the window). Anything else that escapes is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .status import Detail, Status

if TYPE_CHECKING:
    import threading


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

    @classmethod
    def unknown_choice(
        cls, key: str, given: str, choices: Iterable[str], /, **info: Any
    ) -> InputError:
        """``given``, none of ``choices`` (a scenario name, a language): ``key``
        with ``info``, and ``close`` = the nearest choice when one is near enough
        (the messages then ask "did you mean ...?")."""
        import difflib

        close = difflib.get_close_matches(given, list(choices), n=1, cutoff=0.5)
        if close:
            info["close"] = close[0]
        return cls(key, **info)


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
    """The card stopped answering: pulled out, reader unplugged, or garbage.

    The subclasses below say which; catch them, never compare ``details``."""

    status = Status.CARD_ERROR
    #: The reason code a subclass stands for (used when none is given).
    reason: Detail | None = None

    def __init__(self, *details: Detail, info: dict[str, Any] | None = None) -> None:
        if not details and self.reason is not None:
            details = (self.reason,)
        super().__init__(*details, info=info)


class CardRemovedError(CardError):
    """The card left the reader (or the reader went away) during the exchange."""

    reason = Detail.CARD_REMOVED


class CardUnresponsiveError(CardError):
    """The card is there but gave no answer (mute, reset, a failed transfer)."""

    reason = Detail.CARD_UNRESPONSIVE


class MalformedResponseError(CardError):
    """The answer was not a response APDU (too short, or "more data" without end)."""

    reason = Detail.MALFORMED_RESPONSE


class UnexpectedStatusError(CardError):
    """The JPKI session met a status word no step expects; ``info["sw"]`` names it.

    Raised by the session (``card/jpki.py``) only: above it nobody reads status words.
    """

    reason = Detail.UNEXPECTED_STATUS_WORD


class PinTriesUnreadableError(UnexpectedStatusError):
    """The PIN status query's answer says nothing about the tries: send no PIN."""

    reason = Detail.PIN_TRIES_UNREADABLE


class SignatureRefusedError(UnexpectedStatusError):
    """The card refused to sign with the auth key (after the PIN was verified)."""

    reason = Detail.KEY_PROOF_FAILED


class NotMyNumberCardError(MynacheckError):
    """The card has no JPKI application."""

    status = Status.NOT_MYNUMBER_CARD


class Cancelled(MynacheckError):
    """The caller's ``cancel`` event was set, or a PIN prompt was given up."""

    status = Status.INTERNAL_ERROR

    def __init__(self, *details: Detail, info: dict[str, Any] | None = None) -> None:
        super().__init__(*(details or (Detail.INTERRUPTED,)), info=info)

    @classmethod
    def raise_if_set(cls, cancel: threading.Event | None) -> None:
        """Raise :class:`Cancelled` when ``cancel`` is given and set (for wait loops)."""
        if cancel is not None and cancel.is_set():
            raise cls()
