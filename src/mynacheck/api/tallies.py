"""The public API, part 3: the tally (``--log``) and the report over tallies."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from ..errors import InputError
from ._types import PathLike

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..summary import TallySummary
    from ..tally.outbox import ServerTally
    from ..tally.push import PushResult
    from ..tally.store import Tally


def open_tally(
    path: PathLike,
    *,
    key_file: PathLike | None = None,
    tag: str | None = None,
    outbox: PathLike | None = None,
    password: str | None = None,
) -> Tally | ServerTally:
    """Open (creating if need be) the tally at ``path`` (or ``"default"``, the user data
    folder) for appending: ``.append(report, *, at=None)``, ``.close()``; a context
    manager. ``tag`` (at most 64 characters, never a person's name) is stored with
    every row. Everything is validated before it returns, and nothing is created
    before that (``InputError`` otherwise).

    ``path`` may name a PostgreSQL server tally (``postgresql://...`` or
    ``service=NAME``; psycopg needed, ``mynacheck[server]``): rows then go to a local
    outbox (``outbox``, default in the user data folder) and from there to the server
    on a thread of their own (``.state()``, ``.on_state``, ``.close(timeout)``).
    ``password``: one typed at a prompt (never on a command line)."""
    from ..tally.server import is_server_target

    if is_server_target(path):
        from ..tally.outbox import open_server_tally

        return open_server_tally(
            str(path), key_file=key_file, tag=tag, outbox=outbox, password=password
        )
    from ..tally import open_tally as open_

    return open_(path, key_file=key_file, tag=tag)


def summarize_tallies(
    databases: Iterable[PathLike],
    *,
    first_day: date | None = None,
    last_day: date | None = None,
    by: str | None = None,
    latest: bool = False,
    at: date | None = None,
    cumulative: bool = False,
    password: str | None = None,
    tags: Iterable[str] | None = None,
) -> TallySummary:
    """``mynacheck report``'s counts over one or more tallies (read only, never written):
    checks and distinct cards by verdict, per ``by`` group (``day``, ``week``,
    ``month``, ``tag``), with each card only in its latest group when ``latest``, and
    the renewal forecast from ``at`` (default today, JST), overall and per group.
    ``first_day`` and ``last_day`` (JST, inclusive) bound the period; reversed is an
    ``InputError``. ``tags`` limits the report to the rows of those tags (sections).

    One server tally (``postgresql://...``, ``service=NAME``) instead of files: the same
    answers, computed on the server (it cannot be merged with files in one report)."""
    from ..tally import day_range
    from ..tally import summarize_tallies as summarize
    from ..tally.server import is_server_target

    since, until = day_range(first_day, last_day)
    sources = list(databases)
    servers = [source for source in sources if is_server_target(source)]
    count = partial(summarize, sources)
    if servers:
        if len(sources) != 1:
            raise InputError("report_server_alone", target=str(servers[0]))
        from ..tally.server import parse_target
        from ..tally.server_summary import summarize_server

        count = partial(summarize_server, parse_target(str(servers[0]), password))
    return count(
        since=since, until=until, by=by, latest=latest, at=at, cumulative=cumulative, tags=tags
    )


def server_setup_sql() -> str:
    """The SQL that prepares a PostgreSQL server for a shared tally (``tally init-server``):
    tables, the group roles ``mynacheck_counter`` (may only add rows) and
    ``mynacheck_report`` (may only read), their grants."""
    from ..tally.server_setup import setup_sql

    return setup_sql()


def setup_server(target: str, *, password: str | None = None) -> None:
    """Run :func:`server_setup_sql` on ``target`` as the connecting role (the owner);
    migrates an older format, refuses a newer one (``InputError``)."""
    from ..tally.server import parse_target
    from ..tally.server_setup import apply_setup

    apply_setup(parse_target(target, password))


def push_tallies(
    files: Iterable[PathLike], target: str, *, password: str | None = None
) -> list[PushResult]:
    """Upload SQLite tallies (a counter's outbox, old ``--log`` files) to the server
    tally ``target``; each row keeps its id, so pushing twice stores it once."""
    from ..tally.push import push_tallies as push

    return push(list(files), target, password=password)
