"""Types of the public API that no one module defines: what a call takes (file
names, trust anchors) and what :func:`~mynacheck.open_tally` returns."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol, Union

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from ..report import CheckReport
    from ..tally.store import TallyRow

#: A file name: ``str`` or any ``os.PathLike``.
PathLike = Union[str, "os.PathLike[str]"]
#: A trust anchor: a certificate (DER or PEM bytes) or the path of a file holding one.
AnchorLike = Union[bytes, str, "os.PathLike[str]"]


class TallyLike(Protocol):
    """A tally open for appending, as :func:`~mynacheck.open_tally` returns it: a
    :class:`~mynacheck.Tally` (an SQLite file) or a :class:`~mynacheck.ServerTally`
    (a PostgreSQL server, through a local outbox; it also has ``state()``,
    ``on_state`` and ``flush(seconds)``). What :class:`~mynacheck.CounterLoop` and
    the faces take."""

    @property
    def path(self) -> Path | str:
        """Where the rows go: the SQLite file, or the server (as it is shown)."""
        ...

    def append(self, report: CheckReport, *, at: datetime | None = None) -> TallyRow | None:
        """Write the report's row (None: a status the tally does not count); raises
        :class:`~mynacheck.TallyError` when it cannot."""
        ...

    def record(self, report: CheckReport, *, at: datetime | None = None) -> CheckReport:
        """:meth:`append`, and the report back: with ``tally_not_written`` and
        ``info["tally_error"]`` when the row could not be written."""
        ...

    def close(self) -> object:
        """Close it (a server tally: after up to 3 s of delivery)."""
        ...

    def __enter__(self) -> TallyLike: ...

    def __exit__(self, *exc: object) -> None: ...
