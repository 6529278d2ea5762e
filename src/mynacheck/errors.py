"""Errors that end a check with a documented status.

Every error the user can meet is a :class:`CheckError`: it carries the
:class:`~mynacheck.status.Status` (hence the exit code) and reason codes, and
the report layer turns it into words in the user's language. Anything else
that escapes is a bug and is reported as an internal error.
"""

from __future__ import annotations

from typing import Any

from .status import Detail, Status


class CheckError(Exception):
    """An outcome that ends the check early: no card, card pulled out, ..."""

    status: Status = Status.INTERNAL_ERROR

    def __init__(self, *details: Detail, info: dict[str, Any] | None = None) -> None:
        self.details = tuple(details)
        self.info = dict(info or {})
        super().__init__(self.status.value, *[d.value for d in details])

    def __str__(self) -> str:
        reasons = ", ".join(d.value for d in self.details)
        return f"{self.status.value}" + (f" ({reasons})" if reasons else "")


class UsageError(CheckError):
    """The command line or a typed input is wrong; nothing was sent to the card."""

    status = Status.USAGE_ERROR

    def __init__(self, key: str, **info: Any) -> None:
        #: Message key for the i18n table (``messages.py``); ``info`` fills it in.
        self.key = key
        super().__init__(info=info)

    def __str__(self) -> str:
        return f"usage_error: {self.key}"


class PcscUnavailableError(CheckError):
    status = Status.PCSC_UNAVAILABLE


class NoReaderError(CheckError):
    status = Status.NO_READER


class NoCardError(CheckError):
    status = Status.NO_CARD


class CardBusyError(CheckError):
    status = Status.CARD_BUSY


class CardCommunicationError(CheckError):
    """The card stopped answering: pulled out, reader unplugged, or garbage."""

    status = Status.CARD_ERROR


class NotMyNumberCardError(CheckError):
    status = Status.NOT_MYNUMBER_CARD
