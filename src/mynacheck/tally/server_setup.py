"""The SQL the owner of a server tally runs (``mynacheck tally init-server``), and running it.

Least privilege, as SQL the owner runs (:func:`setup_sql`): the tables in schema
``mynacheck``; the group role ``mynacheck_counter`` may only add rows (INSERT on
``checks``; it reads only the format and the verdict list), ``mynacheck_report``
may only read. A trigger owned by the owner keeps, in the same transaction as each
new row, each card's latest check (``cards``), the checks per JST day, tag and
verdict (``daily``) and the key fingerprints seen (``keys``), so ``report`` reads
small tables instead of every row. CHECK constraints refuse a row whose status is
no verdict, whose expiry is no date, whose card hash is not 64 hex digits.
"""

from __future__ import annotations

from .keys import TallyError
from .schema import later_check_wins
from .server import (
    COUNTER_ROLE,
    REPORT_ROLE,
    SERVER_SCHEMA_VERSION,
    ServerTarget,
    connect,
    import_psycopg,
    jst_sql,
    server_error,
)
from .server_rows import ROW_ID_SQL
from .store import ROW_STATUSES, TAG_MAX_LENGTH

#: A server's ``cards`` row: what the later check brings (with when it was received).
_CARD_WINS = ("time", "received", "status", "expiry", "tag")


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
    VALUES ({jst_sql("NEW.time")}::date, coalesce(NEW.tag, ''), NEW.status, 1,
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
            {later_check_wins("c", _CARD_WINS, "            ")};
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION mynacheck.keep_summaries() FROM PUBLIC;
DROP TRIGGER IF EXISTS checks_keep_summaries ON mynacheck.checks;
CREATE TRIGGER checks_keep_summaries AFTER INSERT ON mynacheck.checks
    FOR EACH ROW EXECUTE FUNCTION mynacheck.keep_summaries();

-- The id a row is stored under, as the counter makes it: from its tally, its number
-- there and its values, so that copies of one tally each written again keep each
-- other's rows. Format 1 made it from the tally and the number alone: its rows get
-- their new ids here (a row sent again is then still stored once).
{ROW_ID_SQL.strip()}
REVOKE ALL ON FUNCTION mynacheck.row_id(uuid, bigint, timestamptz, text, date, boolean, text,
    text, text) FROM PUBLIC;
DO $$
BEGIN
    IF (SELECT value::integer FROM mynacheck.meta WHERE name = 'schema_version') < 2 THEN
        UPDATE mynacheck.checks SET row_id = mynacheck.row_id(counter, seq, time, status,
            expiry, renewal_open, reader, card_hash, tag);
    END IF;
END $$;
-- An older format is brought to this one by the statements above.
INSERT INTO mynacheck.meta (name, value) VALUES ('schema_version', '{SERVER_SCHEMA_VERSION}')
ON CONFLICT (name) DO UPDATE SET value = excluded.value;
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
