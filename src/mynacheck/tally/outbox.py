"""A counter's rows on their way to the server tally: the outbox, and its delivery.

Every row goes first into a local SQLite tally, the *outbox* (the tally you
know: same rows, same key, same crash safety), and only then to the server, by
a thread of its own: the verdict never waits on the network. Rows are sent in
the outbox's order, a batch per transaction; the outbox remembers (in its
``meta``) up to which row the server has committed. A row's id on the server is
made from the outbox's ``tally_id`` and the row's number, so a batch sent again
(the counter was killed after the server's commit and before the outbox's) is
stored once. Server down, network cut, a laptop offline for a day: the rows
wait in the outbox and go when the server answers, exactly once, in order.

Each server has one outbox per user on a PC, in the user's data folder
(``outbox/<server>.sqlite3``, with its ``.key`` unless ``--key-file``): a
counter restarted after a crash delivers what its last run left. ``tally push
OUTBOX --to URI`` delivers an outbox (or any tally) by hand, by the same ids
(:mod:`.push`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import now_utc
from ..userfiles import os_error_reason
from . import schema
from .keys import TallyError, key_fingerprint
from .server import (
    ServerMeta,
    ServerTarget,
    ServerUnreachable,
    check_counter,
    connect,
    import_psycopg,
    parse_target,
    server_error,
)
from .server_rows import insert_rows, rows_from_sqlite
from .store import (
    Tally,
    TallyRow,
    check_tag,
    default_db_path,
    open_tally,
    record_report,
    row_problem,
)

if TYPE_CHECKING:
    from ..report import CheckReport

BATCH = 500
#: Waits between attempts while the server does not answer (seconds): short, since a
#: counter that retries costs the server nothing, and rows should flow soon after.
RETRY_SECONDS = (0.5, 1.0, 2.0, 3.0)
#: After the server refused (a role without INSERT, an older format): try again now and then.
REFUSED_RETRY_SECONDS = 10.0
_SELECT_ROWS = (
    "SELECT id, time, status, expiry, renewal_open, reader, card_hash, tag FROM checks"
    " WHERE id > ? ORDER BY id LIMIT ?"
)


@dataclass(frozen=True, kw_only=True)
class DeliveryState:
    """Where the counter's rows stand: ``delivered`` (nothing waiting), ``waiting`` (rows
    on their way), ``unreachable`` (since ``since``), ``refused`` (``reason``)."""

    state: str
    waiting: int
    since: datetime | None = None
    reason: str | None = None


def outbox_path(target: ServerTarget) -> Path:
    """The outbox for ``target`` in the user's data folder."""
    name = hashlib.sha256(target.conninfo.encode()).hexdigest()[:16]
    return default_db_path().parent / "outbox" / f"{name}.sqlite3"


class ServerTally:
    """A tally on a server, written through a local outbox. Made by :func:`open_server_tally`.

    ``append`` returns once the row is in the outbox (durable); delivery happens on a
    thread. ``on_state`` (if set) is called from that thread with each new
    :class:`DeliveryState`; ``state()`` reads it any time. ``close(timeout)`` gives
    the rows waiting up to ``timeout`` seconds to go, then leaves the rest in the
    outbox for the next run (or ``tally push``)."""

    def __init__(self, target: ServerTarget, outbox: Tally, fingerprint: str) -> None:
        self.target = target
        self.outbox = outbox
        self.path: Path | str = target.display
        self.key = outbox.key
        self.tag = outbox.tag
        self.on_state: Callable[[DeliveryState], None] | None = None
        self._fingerprint = fingerprint
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._connection: Any = None
        self._meta: ServerMeta | None = None
        self._reader = schema.connect_writer(outbox.path)
        self._local_id = _outbox_id(self._reader, fingerprint)
        self._state = DeliveryState(state="waiting", waiting=self._count_waiting(None))
        self._appended = 0  # rows appended by this process
        self._seen = 0  # of those, how many the delivery thread had seen at its last look
        self._thread = threading.Thread(target=self._run, name="mynacheck-delivery", daemon=True)
        self._thread.start()

    # -- the counter's side ------------------------------------------------------------

    def append(self, report: CheckReport, *, at: datetime | None = None) -> TallyRow | None:
        row = self.outbox.append(report, at=at)
        if row is not None:
            self._added(1)
        return row

    def record(self, report: CheckReport, *, at: datetime | None = None) -> CheckReport:
        """As :meth:`Tally.record`: the verdict stands whatever happens to the row."""
        return record_report(self, report, at=at)

    def append_rows(self, rows: Iterable[TallyRow]) -> int:
        written = self.outbox.append_rows(rows)
        self._added(written)
        return written

    def _added(self, count: int) -> None:
        with self._lock:
            self._appended += count
            state = self._state
            if state.state == "delivered":  # until the thread has looked again
                state = replace(state, state="waiting", waiting=count)
            else:
                state = replace(state, waiting=state.waiting + count)
        self._set(state)
        self._wake.set()

    def state(self) -> DeliveryState:
        with self._lock:
            return self._state

    def flush(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every row appended so far to be delivered."""
        deadline = time.monotonic() + timeout
        self._wake.set()
        while time.monotonic() < deadline:
            with self._lock:
                if self._state.state == "delivered" and self._seen >= self._appended:
                    return True
            time.sleep(0.02)
        return False

    def close(self, timeout: float = 3.0) -> DeliveryState:
        """Deliver what can go within ``timeout`` seconds, stop, close. Idempotent."""
        if not self._stop.is_set():
            if self.state().state not in ("unreachable", "refused"):
                self.flush(timeout)
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=max(timeout, 0.1))
        state = self.state()
        self.outbox.close()
        return state

    def __enter__(self) -> ServerTally:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the delivery thread -------------------------------------------------------------

    def _run(self) -> None:
        attempt = 0
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    more = self._deliver_batch()
                except ServerUnreachable as error:
                    self._drop_connection()
                    self._problem("unreachable", error)
                    wait = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                    attempt += 1
                    self._wake.wait(wait)
                    continue
                except TallyError as error:
                    self._drop_connection()
                    self._problem("refused", error)
                    self._wake.wait(REFUSED_RETRY_SECONDS)  # or a new row: try then
                    continue
                attempt = 0
                if not more:
                    self._wake.wait(30.0)
        finally:
            self._drop_connection()
            with contextlib.suppress(sqlite3.Error):
                self._reader.close()

    def _problem(self, kind: str, error: TallyError) -> None:
        reason = str(error.info.get("reason") or error.key)
        with self._lock:
            previous = self._state
            since = previous.since if previous.state == kind and previous.since else now_utc()
        self._set(
            DeliveryState(
                state=kind, waiting=self._count_waiting(self._meta), since=since, reason=reason
            )
        )

    def _set(self, state: DeliveryState) -> None:
        with self._lock:
            changed = state != self._state
            self._state = state
        if changed and self.on_state is not None:
            with contextlib.suppress(Exception):  # a display problem never stops delivery
                self.on_state(state)

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()

    def _server(self) -> tuple[Any, ServerMeta]:
        if self._connection is None or self._connection.closed or self._meta is None:
            self._drop_connection()
            connection = connect(self.target)
            try:
                meta = check_counter(connection, self.target)
            except BaseException:
                connection.close()
                raise
            self._connection, self._meta = connection, meta
        return self._connection, self._meta

    def _deliver_batch(self) -> bool:
        """Send the next batch; True when more rows wait."""
        with self._lock:
            appended = self._appended  # rows committed to the outbox before this look
        if self._meta is not None and self._count_waiting(self._meta) == 0:
            self._delivered(appended)
            return False
        connection, meta = self._server()
        done = _delivered_upto(self._reader, meta.tally_id)
        records = self._reader.execute(_SELECT_ROWS, (done, BATCH)).fetchall()
        if not records:
            self._delivered(appended)
            return False
        rows = rows_from_sqlite(records)
        for item in rows:
            problem = row_problem(item.row)
            if problem is not None:
                raise TallyError(
                    "tally_bad_row", path=str(self.outbox.path), row=item.seq, field=problem
                )
        psycopg = import_psycopg()
        try:
            with connection.transaction():
                insert_rows(connection, self._local_id, self._fingerprint, rows)
        except psycopg.Error as error:
            raise server_error(error, self.target) from None
        # Committed on the server: now in the outbox. A crash between the two sends
        # this batch again, and the server keeps each row once.
        _set_delivered_upto(self._reader, meta.tally_id, rows[-1].seq)
        waiting = self._count_waiting(meta)
        if waiting == 0:
            self._delivered(appended)
        else:
            self._set(DeliveryState(state="waiting", waiting=waiting))
        return waiting > 0

    def _delivered(self, appended: int) -> None:
        with self._lock:
            self._seen = max(self._seen, appended)
            fresh = self._appended > appended  # appended meanwhile: still on their way
        if not fresh:
            self._set(DeliveryState(state="delivered", waiting=0))

    def _count_waiting(self, meta: ServerMeta | None) -> int:
        done = _delivered_upto(self._reader, meta.tally_id) if meta is not None else None
        if done is None:
            done = _max_delivered(self._reader)
        (count,) = self._reader.execute(
            "SELECT count(*) FROM checks WHERE id > ?", (done,)
        ).fetchone()
        return int(count)


def _outbox_id(connection: sqlite3.Connection, fingerprint: str) -> str:
    value = schema.tally_id(connection, fingerprint)
    if not value:
        raise TallyError("tally_write_failed", path="outbox", reason="no tally id")
    return value


def _delivered_upto(connection: sqlite3.Connection, server_id: str) -> int:
    row = connection.execute(
        "SELECT value FROM meta WHERE name = ?", (f"delivered {server_id}",)
    ).fetchone()
    return int(row[0]) if row is not None else 0


def _max_delivered(connection: sqlite3.Connection) -> int:
    """Before the server has answered: what the outbox last knew was delivered."""
    row = connection.execute(
        "SELECT max(CAST(value AS INTEGER)) FROM meta WHERE name LIKE 'delivered %'"
    ).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0


def _set_delivered_upto(connection: sqlite3.Connection, server_id: str, seq: int) -> None:
    name = f"delivered {server_id}"
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(
                "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE"
                " SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
                (name, str(seq)),
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        raise TallyError("tally_write_failed", path="outbox", reason=str(error)) from None


def open_server_tally(
    target_text: str,
    *,
    key_file: str | os.PathLike[str] | None = None,
    tag: str | None = None,
    outbox: str | os.PathLike[str] | None = None,
    password: str | None = None,
) -> ServerTally:
    """Open the server tally ``target_text`` for a counter, through its outbox.

    Checked first: the tag, the target (no password in it), then the outbox and key
    (as :func:`open_tally`). Then one attempt to reach the server: a wrong password,
    a role that may not add rows, a server of another format are usage errors now;
    a server that does not answer is not (the rows wait in the outbox)."""
    tag = check_tag(tag)
    target = parse_target(target_text, password)
    path = Path(outbox) if outbox is not None else outbox_path(target)
    if outbox is None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = os_error_reason(error)
            raise TallyError("tally_write_failed", path=str(path.parent), reason=reason) from None
    local = open_tally(path, key_file=key_file, tag=tag)
    try:
        try:
            with connect(target) as connection:
                check_counter(connection, target)
        except ServerUnreachable:
            pass  # the rows wait in the outbox: delivered when the server answers
        return ServerTally(target, local, key_fingerprint(local.key))
    except BaseException:
        local.close()
        raise
