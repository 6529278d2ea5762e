"""The shared tally on a PostgreSQL server: naming it, connecting, checking its format.

One database serves every counter of an organisation and the personnel office's
``report``. The rows are the SQLite tally's rows, made on the counter: the card
hash is computed there with the shared key; neither the key nor a serial ever
reaches the server. Each row carries an id made on the counter (from its
outbox's ``tally_id`` and the row's local number), so a row delivered twice is
stored once (``ON CONFLICT DO NOTHING``): see :mod:`.outbox` for the delivery.

The rest of the server tally, by what it does: :mod:`.server_setup` (the SQL the
owner runs: tables, trigger, roles and their least privilege), :mod:`.server_rows`
(rows and their ids, as sent), :mod:`.server_summary` (``report`` over the server).

psycopg (3) is imported only by these modules, and only when a server tally is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .keys import TallyError
from .store import ROW_STATUSES

if TYPE_CHECKING:
    import psycopg

#: 2: a row's id is made from its values too (:mod:`.server_rows`), so copies of one
#: tally keep each other's rows; 1's rows get their new ids when the owner migrates.
SERVER_SCHEMA_VERSION = 2
SERVER_PREFIXES = ("postgresql://", "postgres://", "service=")
COUNTER_ROLE = "mynacheck_counter"
REPORT_ROLE = "mynacheck_report"
CONNECT_TIMEOUT = 5


def is_server_target(value: object) -> bool:
    """``--log`` / ``report`` argument naming a server: ``postgresql://...``, ``service=NAME``."""
    return isinstance(value, str) and value.strip().lower().startswith(SERVER_PREFIXES)


@dataclass(frozen=True)
class ServerTarget:
    """A server tally as the user named it (never with a password in it)."""

    conninfo: str
    #: The password typed at a prompt, kept in memory only (never on argv or in a file).
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def display(self) -> str:
        return self.conninfo


def jst_sql(column: str) -> str:
    """PostgreSQL: the UTC ``timestamptz`` ``column`` as JST wall-clock time (a day, a
    week, a month are JST's, as in the SQLite tally and the README)."""
    return f"(({column}) AT TIME ZONE 'UTC' + interval '9 hours')"


class ServerUnreachable(TallyError):
    """The server did not answer (down, the network cut): worth trying again later."""


def import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise TallyError("server_needs_psycopg") from None
    return psycopg


def parse_target(text: str, password: str | None = None) -> ServerTarget:
    """A libpq URI or ``service=NAME``, refused when it carries a password."""
    psycopg = import_psycopg()
    conninfo = text.strip()
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error as error:
        raise TallyError("server_bad_target", target=text, reason=_first_line(error)) from None
    if params.get("password"):
        raise TallyError("server_password_in_uri", target=_without_password(conninfo))
    return ServerTarget(conninfo, password)


def _without_password(conninfo: str) -> str:
    if "://" in conninfo and "@" in conninfo.split("://", 1)[1].split("/", 1)[0]:
        scheme, rest = conninfo.split("://", 1)
        userinfo, host = rest.split("@", 1)
        return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"
    return "(a connection string with a password)"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


#: Unless the URI or service says otherwise: a name in pg_stat_activity, and a network
#: cut noticed within about half a minute (keepalives while waiting for an answer,
#: tcp_user_timeout while data stays unacknowledged) instead of a delivery that waits
#: for ever; the checks never wait for it either way.
_CONNECTION_DEFAULTS: dict[str, Any] = {
    "application_name": "mynacheck",
    "keepalives": 1,
    "keepalives_idle": 15,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}


def connect(target: ServerTarget, *, timeout: float = CONNECT_TIMEOUT) -> psycopg.Connection[Any]:
    """A connection to the server, or a :class:`TallyError` saying why not:
    ``server_password_needed``, ``server_refused`` (a wrong password, TLS that cannot be
    verified, an unknown role or database), :class:`ServerUnreachable` otherwise."""
    pg = import_psycopg()
    given = pg.conninfo.conninfo_to_dict(target.conninfo)
    options: dict[str, Any] = {
        key: value for key, value in _CONNECTION_DEFAULTS.items() if key not in given
    }
    options["connect_timeout"] = given.get("connect_timeout") or max(1, round(timeout))
    if target.password is not None:
        options["password"] = target.password
    try:
        connection: psycopg.Connection[Any] = pg.connect(target.conninfo, **options)
        return connection
    except pg.OperationalError as error:
        raise classify(error, target) from None
    except pg.Error as error:
        raise TallyError(
            "server_refused", target=target.display, reason=_first_line(error)
        ) from None


_REFUSALS = (
    "authentication failed",
    "certificate",
    "ssl",
    "does not exist",
    "no pg_hba.conf entry",
    "permission denied",
    "server does not support",
    "sslmode",
)


def classify(error: BaseException, target: ServerTarget) -> TallyError:
    reason = _first_line(error)
    lower = str(error).lower()
    if "no password supplied" in lower or "password is required" in lower:
        return TallyError("server_password_needed", target=target.display)
    if any(word in lower for word in _REFUSALS) and "timeout" not in lower:
        return TallyError("server_refused", target=target.display, reason=reason)
    return ServerUnreachable("server_unreachable", target=target.display, reason=reason)


def server_error(error: BaseException, target: ServerTarget) -> TallyError:
    """A psycopg error met after connecting, as a :class:`TallyError`."""
    psycopg = import_psycopg()
    errors = psycopg.errors
    if isinstance(error, (errors.UndefinedTable, errors.InvalidSchemaName)):
        return TallyError("server_not_a_tally", target=target.display)
    if isinstance(error, psycopg.OperationalError) and not isinstance(
        error, errors.InsufficientPrivilege
    ):
        return ServerUnreachable(
            "server_unreachable", target=target.display, reason=_first_line(error)
        )
    return TallyError("server_refused", target=target.display, reason=_first_line(error))


@dataclass(frozen=True)
class ServerMeta:
    version: int
    tally_id: str
    verdicts: frozenset[str]


def read_meta(connection: psycopg.Connection[Any], target: ServerTarget) -> ServerMeta:
    """The server's format, checked: a newer one is refused, an older one too (the
    owner migrates it with ``init-server --apply``)."""
    psycopg = import_psycopg()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, value FROM mynacheck.meta")
            meta = dict(cursor.fetchall())
            cursor.execute("SELECT status FROM mynacheck.verdicts")
            verdicts = frozenset(status for (status,) in cursor.fetchall())
    except psycopg.Error as error:
        connection.rollback()
        raise server_error(error, target) from None
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise TallyError("server_not_a_tally", target=target.display) from None
    if version > SERVER_SCHEMA_VERSION:
        raise TallyError("server_newer_schema", target=target.display, version=version)
    if version < SERVER_SCHEMA_VERSION:
        raise TallyError("server_older_schema", target=target.display, version=version)
    return ServerMeta(version, str(meta.get("tally_id", "")), verdicts)


def check_counter(connection: psycopg.Connection[Any], target: ServerTarget) -> ServerMeta:
    """Before a counter relies on the server: its format, its verdicts, and that this role
    may add rows."""
    meta = read_meta(connection, target)
    missing = ROW_STATUSES - meta.verdicts
    if missing:
        raise TallyError(
            "server_older_schema",
            target=target.display,
            version=f"{meta.version}, without {', '.join(sorted(missing))}",
        )
    (allowed, role) = connection.execute(
        "SELECT has_table_privilege('mynacheck.checks', 'INSERT'), current_user"
    ).fetchone() or (False, "?")
    connection.rollback()
    if not allowed:
        raise TallyError(
            "server_refused",
            target=target.display,
            reason=f"the role {role} may not add rows: grant it {COUNTER_ROLE}",
        )
    return meta
