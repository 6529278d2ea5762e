"""The shared tally on a PostgreSQL server: its SQL, connecting, checking, writing.

One database serves every counter of an organisation and the personnel office's
``report``. The rows are the SQLite tally's rows, made on the counter: the card
hash is computed there with the shared key; neither the key nor a serial ever
reaches the server. Each row carries an id made on the counter (from its
outbox's ``tally_id`` and the row's local number), so a row delivered twice is
stored once (``ON CONFLICT DO NOTHING``): see :mod:`.outbox` for the delivery.

Least privilege, as SQL the owner runs (:func:`setup_sql`, ``mynacheck tally
init-server``): the tables in schema ``mynacheck``; the group role
``mynacheck_counter`` may only add rows (INSERT on ``checks``; it reads only the
format and the verdict list), ``mynacheck_report`` may only read. A trigger
owned by the owner keeps, in the same transaction as each new row, each card's
latest check (``cards``), the checks per JST day, tag and verdict (``daily``) and
the key fingerprints seen (``keys``), so ``report`` reads small tables instead
of every row. CHECK constraints refuse a row whose status is no verdict, whose
expiry is no date, whose card hash is not 64 hex digits.

psycopg (3) is imported only here, and only when a server tally is used.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from .keys import TallyError
from .store import ROW_STATUSES, TAG_MAX_LENGTH, TallyRow

if TYPE_CHECKING:
    import psycopg

SERVER_SCHEMA_VERSION = 1
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

    def with_password(self, password: str | None) -> ServerTarget:
        return ServerTarget(self.conninfo, password)


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


# -- the SQL the owner runs -------------------------------------------------------------

_JST = "(({t}) AT TIME ZONE 'UTC' + interval '9 hours')"


def _tables_sql() -> str:
    tag_rule = (
        f"tag IS NULL OR (length(tag) BETWEEN 1 AND {TAG_MAX_LENGTH} AND tag !~ '[[:cntrl:]]')"
    )
    return f"""
CREATE SCHEMA IF NOT EXISTS mynacheck;
REVOKE ALL ON SCHEMA mynacheck FROM PUBLIC;
-- A server set up by a newer mynacheck is left as it is.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_tables
               WHERE schemaname = 'mynacheck' AND tablename = 'meta') THEN
        IF (SELECT value::integer FROM mynacheck.meta WHERE name = 'schema_version')
           > {SERVER_SCHEMA_VERSION} THEN
            RAISE EXCEPTION 'this tally server was set up by a newer mynacheck';
        END IF;
    END IF;
END $$;

-- What the server says about itself: its format, and an id for its tally.
CREATE TABLE IF NOT EXISTS mynacheck.meta (
    name  text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO mynacheck.meta (name, value) VALUES
    ('tally_id', md5(random()::text || clock_timestamp()::text)),
    ('card_hash', 'hmac-sha256(key, serial hex), made on the counter')
ON CONFLICT (name) DO NOTHING;
-- An older format is brought to this one by the statements above and below.
INSERT INTO mynacheck.meta (name, value) VALUES ('schema_version', '{SERVER_SCHEMA_VERSION}')
ON CONFLICT (name) DO UPDATE SET value = excluded.value;

-- The verdicts a row may hold (a newer mynacheck's are added by the owner).
CREATE TABLE IF NOT EXISTS mynacheck.verdicts (status text PRIMARY KEY);
INSERT INTO mynacheck.verdicts (status) VALUES
    {", ".join(f"('{status}')" for status in sorted(ROW_STATUSES))}
ON CONFLICT (status) DO NOTHING;

-- One row per check, made on a counter. row_id: made on the counter (a row sent
-- twice is stored once); counter, seq: the counter's outbox and its row number.
CREATE TABLE IF NOT EXISTS mynacheck.checks (
    row_id          uuid PRIMARY KEY,
    received        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    counter         uuid NOT NULL,
    seq             bigint NOT NULL CHECK (seq > 0),
    time            timestamptz NOT NULL,
    status          text NOT NULL REFERENCES mynacheck.verdicts (status),
    expiry          date,
    renewal_open    boolean,
    reader          text CHECK (length(reader) <= 400),
    card_hash       text CHECK (card_hash ~ '^[0-9a-f]{{64}}$'),
    tag             text CHECK ({tag_rule}),
    key_fingerprint text NOT NULL CHECK (key_fingerprint ~ '^[0-9a-f]{{16}}$')
);
CREATE INDEX IF NOT EXISTS checks_time ON mynacheck.checks (time);
CREATE INDEX IF NOT EXISTS checks_card ON mynacheck.checks (card_hash, time);
CREATE INDEX IF NOT EXISTS checks_tag ON mynacheck.checks (tag, time);

-- Kept by the trigger below, in the same transaction as each new row.
CREATE TABLE IF NOT EXISTS mynacheck.cards (
    card_hash   text PRIMARY KEY,
    time        timestamptz NOT NULL,
    received    bigint NOT NULL,
    status      text NOT NULL,
    expiry      date,
    tag         text,
    first_valid timestamptz,
    checks      bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS cards_status ON mynacheck.cards (status, expiry);
CREATE TABLE IF NOT EXISTS mynacheck.daily (
    day     date NOT NULL,
    tag     text NOT NULL,          -- '' for no tag
    status  text NOT NULL,
    checks  bigint NOT NULL,
    without bigint NOT NULL,        -- checks without a card hash
    PRIMARY KEY (day, tag, status)
);
CREATE TABLE IF NOT EXISTS mynacheck.keys (key_fingerprint text PRIMARY KEY);

CREATE OR REPLACE FUNCTION mynacheck.keep_summaries() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO mynacheck.daily (day, tag, status, checks, without)
    VALUES ({_JST.format(t="NEW.time")}::date, coalesce(NEW.tag, ''), NEW.status, 1,
            CASE WHEN NEW.card_hash IS NULL THEN 1 ELSE 0 END)
    ON CONFLICT (day, tag, status) DO UPDATE
        SET checks = mynacheck.daily.checks + 1,
            without = mynacheck.daily.without + excluded.without;
    INSERT INTO mynacheck.keys (key_fingerprint) VALUES (NEW.key_fingerprint)
    ON CONFLICT DO NOTHING;
    IF NEW.card_hash IS NOT NULL THEN
        INSERT INTO mynacheck.cards AS c
            (card_hash, time, received, status, expiry, tag, first_valid, checks)
        VALUES (NEW.card_hash, NEW.time, NEW.received, NEW.status, NEW.expiry, NEW.tag,
                CASE WHEN NEW.status = 'valid' THEN NEW.time END, 1)
        ON CONFLICT (card_hash) DO UPDATE SET
            time = CASE WHEN excluded.time >= c.time THEN excluded.time ELSE c.time END,
            received = CASE WHEN excluded.time >= c.time THEN excluded.received ELSE c.received END,
            status = CASE WHEN excluded.time >= c.time THEN excluded.status ELSE c.status END,
            expiry = CASE WHEN excluded.time >= c.time THEN excluded.expiry ELSE c.expiry END,
            tag = CASE WHEN excluded.time >= c.time THEN excluded.tag ELSE c.tag END,
            first_valid = CASE
                WHEN excluded.first_valid IS NOT NULL
                     AND (c.first_valid IS NULL OR excluded.first_valid < c.first_valid)
                THEN excluded.first_valid ELSE c.first_valid END,
            checks = c.checks + 1;
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION mynacheck.keep_summaries() FROM PUBLIC;
DROP TRIGGER IF EXISTS checks_keep_summaries ON mynacheck.checks;
CREATE TRIGGER checks_keep_summaries AFTER INSERT ON mynacheck.checks
    FOR EACH ROW EXECUTE FUNCTION mynacheck.keep_summaries();
"""


def _roles_sql() -> str:
    return f"""
-- Two group roles; the DBA grants them to login roles:
--   CREATE ROLE counter1 LOGIN PASSWORD '...' IN ROLE {COUNTER_ROLE};
--   CREATE ROLE office LOGIN PASSWORD '...' IN ROLE {REPORT_ROLE};
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{COUNTER_ROLE}') THEN
        CREATE ROLE {COUNTER_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{REPORT_ROLE}') THEN
        CREATE ROLE {REPORT_ROLE} NOLOGIN;
    END IF;
END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA mynacheck FROM PUBLIC, {COUNTER_ROLE}, {REPORT_ROLE};
GRANT USAGE ON SCHEMA mynacheck TO {COUNTER_ROLE}, {REPORT_ROLE};
-- A counter may add rows, and read only the format and the verdict list: no SELECT,
-- UPDATE or DELETE on any tally table.
GRANT SELECT ON mynacheck.meta, mynacheck.verdicts TO {COUNTER_ROLE};
GRANT INSERT ON mynacheck.checks TO {COUNTER_ROLE};
-- The office may only read.
GRANT SELECT ON ALL TABLES IN SCHEMA mynacheck TO {REPORT_ROLE};
"""


def setup_sql() -> str:
    """The SQL ``tally init-server`` prints and ``--apply`` runs as the owner: tables,
    the trigger, the two group roles and their grants. Safe to run again (it adds what
    a newer mynacheck needs and changes nothing else)."""
    return (
        f"-- mynacheck tally server, format {SERVER_SCHEMA_VERSION}: run as the role that will "
        "own the tables (it needs CREATEROLE for the two group roles).\nBEGIN;\n"
        + _tables_sql().strip()
        + "\n"
        + _roles_sql().strip()
        + "\nCOMMIT;\n"
    )


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


def apply_setup(target: ServerTarget) -> None:
    """Run :func:`setup_sql` as the connecting role, which must own the tables if they
    exist; a server of a newer format is refused and left as it was."""
    psycopg = import_psycopg()
    with connect(target) as connection:
        try:
            row = connection.execute(
                "SELECT pg_catalog.pg_get_userbyid(c.relowner), current_user"
                " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = 'mynacheck' AND c.relname = 'meta'"
            ).fetchone()
            if row is not None:
                owner, role = row
                if owner != role:
                    raise TallyError(
                        "server_not_owner", target=target.display, owner=owner, role=role
                    )
                (version,) = connection.execute(
                    "SELECT value FROM mynacheck.meta WHERE name = 'schema_version'"
                ).fetchone() or ("0",)
                if int(version) > SERVER_SCHEMA_VERSION:
                    raise TallyError(
                        "server_newer_schema", target=target.display, version=int(version)
                    )
            connection.rollback()
            connection.autocommit = True
            connection.execute(setup_sql().encode())
        except psycopg.Error as error:
            raise server_error(error, target) from None


# -- rows ---------------------------------------------------------------------------------

_INSERT = (
    "INSERT INTO mynacheck.checks (row_id, counter, seq, time, status, expiry, renewal_open,"
    " reader, card_hash, tag, key_fingerprint)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
_ROW_ID_LABEL = b"mynacheck row v1\x00"


def row_id(tally_id: str, seq: int) -> uuid.UUID:
    """The id a row keeps wherever it goes: from its tally's id and its number there."""
    digest = hashlib.sha256(_ROW_ID_LABEL + tally_id.encode() + b"\x00" + str(seq).encode())
    return uuid.UUID(bytes=digest.digest()[:16])


def counter_id(tally_id: str) -> uuid.UUID:
    return uuid.UUID(
        bytes=hashlib.sha256(b"mynacheck counter v1\x00" + tally_id.encode()).digest()[:16]
    )


@dataclass(frozen=True)
class NumberedRow:
    """A row of a SQLite tally with its number there."""

    seq: int
    row: TallyRow


def insert_rows(
    connection: psycopg.Connection[Any],
    tally_id: str,
    key_fingerprint: str,
    rows: Sequence[NumberedRow],
) -> int:
    """Send ``rows`` in one transaction (the caller's); returns how many were new."""
    counter = counter_id(tally_id)
    values = [
        (
            row_id(tally_id, item.seq),
            counter,
            item.seq,
            item.row.time,
            item.row.status,
            item.row.expiry,
            item.row.renewal_open,
            item.row.reader,
            item.row.card_hash,
            item.row.tag,
            key_fingerprint,
        )
        for item in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT, values)
        return max(cursor.rowcount, 0)


def rows_from_sqlite(records: Iterable[tuple[Any, ...]]) -> list[NumberedRow]:
    """``(id, time, status, expiry, renewal_open, reader, card_hash, tag)`` records of a
    SQLite tally as rows; ``TallyError("tally_bad_row")``-worthy values are kept as they
    are, for :func:`store.row_problem` to name."""
    rows = []
    for seq, time, status, expiry, renewal_open, reader, card_hash, tag in records:
        rows.append(
            NumberedRow(
                seq,
                TallyRow(
                    time=_parse_time(time),
                    status=status,
                    expiry=_parse_date(expiry),
                    renewal_open=None if renewal_open is None else bool(renewal_open),
                    reader=reader,
                    card_hash=card_hash,
                    tag=tag,
                ),
            )
        )
    return rows


def _parse_time(value: Any) -> Any:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return value  # row_problem: "time"


def _parse_date(value: Any) -> Any:
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value  # row_problem: "expiry"
    return parsed if parsed.isoformat() == value else value
