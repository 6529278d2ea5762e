"""The server tally on a real PostgreSQL server (tests/pg_cluster.py): init-server and
its roles, delivery through the outbox (exactly once, in order), the server's
format rules, bad data refused, TLS, passwords, and ``tally push``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest

import mynacheck
from mynacheck.tally import row_from_report
from mynacheck.tally.server import SERVER_SCHEMA_VERSION

from .helpers import run_on_a_terminal
from .pg_cluster import Tally
from .tally_helpers import log, simulated

JST = timezone(timedelta(hours=9))
CLI = [sys.executable, "-m", "mynacheck"]


def jst(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 4, day, hour, tzinfo=JST)


def cli(
    *args: str, env: dict[str, str] | None = None, **kw: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args, "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        **kw,
    )


def server_rows(tally: Tally) -> list[tuple[Any, ...]]:
    return tally.rows(
        "SELECT seq, status, tag, to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
        " FROM mynacheck.checks ORDER BY received"
    )


def append(
    target: str, outbox: Path, key: Path, scenarios: Sequence[tuple[str, int]], **kw: Any
) -> Any:
    with mynacheck.open_tally(target, key_file=key, outbox=outbox, **kw) as tally:
        for scenario, day in scenarios:
            tally.append(simulated(scenario), at=jst(day))
        assert tally.flush(20), tally.state()
        return tally.state()


# -- init-server and the roles --------------------------------------------------------------


def test_init_server_prints_the_least_privilege_sql() -> None:
    result = cli("tally", "init-server")
    assert result.returncode == 0, result.stderr
    sql = result.stdout
    assert "GRANT INSERT ON mynacheck.checks TO mynacheck_counter;" in sql
    assert "GRANT SELECT ON mynacheck.meta, mynacheck.verdicts TO mynacheck_counter;" in sql
    assert "GRANT SELECT ON ALL TABLES IN SCHEMA mynacheck TO mynacheck_report;" in sql
    assert "UPDATE" not in sql.split("GRANT", 1)[1].split("\n")[0]
    assert sql.strip().startswith("--") and sql.strip().endswith("COMMIT;")


def test_the_roles_keep_a_counter_from_reading_and_the_office_from_writing(
    pg_tally: Tally, tmp_path: Path
) -> None:
    append(pg_tally.uri("counter1"), tmp_path / "o.sqlite3", tmp_path / "k", [("valid", 1)])
    for table in ("checks", "cards", "daily", "keys"):
        column = "key_fingerprint" if table == "keys" else "status"
        for statement in (
            f"SELECT count(*) FROM mynacheck.{table}",
            f"UPDATE mynacheck.{table} SET {column} = ''",
            f"DELETE FROM mynacheck.{table}",
        ):
            with (
                psycopg.connect(pg_tally.uri("counter1")) as connection,
                pytest.raises(psycopg.errors.InsufficientPrivilege),
            ):
                connection.execute(statement)
    with psycopg.connect(pg_tally.uri("office")) as connection:
        assert connection.execute("SELECT count(*) FROM mynacheck.checks").fetchone() == (1,)
        for statement in (
            "DELETE FROM mynacheck.checks",
            "UPDATE mynacheck.cards SET status = 'valid'",
            "INSERT INTO mynacheck.keys VALUES ('0123456789abcdef')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
            connection.rollback()
    assert len(server_rows(pg_tally)) == 1


def test_init_server_apply_is_for_the_owner_and_runs_again(pg_tally: Tally) -> None:
    refused = cli("tally", "init-server", "--apply", pg_tally.uri("counter1"))
    assert refused.returncode == 2
    assert "only the tables' owner (owner)" in refused.stderr and "counter1" in refused.stderr
    again = cli("tally", "init-server", "--apply", pg_tally.uri("owner"))
    assert again.returncode == 0, again.stderr


# -- delivery --------------------------------------------------------------------------------


def test_rows_reach_the_server_once_and_in_order(pg_tally: Tally, tmp_path: Path) -> None:
    outbox, key = tmp_path / "o.sqlite3", tmp_path / "shared.key"
    state = append(
        pg_tally.uri("counter1"),
        outbox,
        key,
        [("valid", 1), ("expired", 2), ("missing_not_found", 3)],
        tag="総務課",
    )
    assert (state.state, state.waiting) == ("delivered", 0)
    expected = [
        (1, "valid", "総務課", "2026-04-01 01:00"),
        (2, "expired", "総務課", "2026-04-02 01:00"),
        (3, "missing", "総務課", "2026-04-03 01:00"),
    ]
    assert server_rows(pg_tally) == expected
    # The same rows pushed again (the outbox is a tally): each already there.
    pushed = cli("tally", "push", str(outbox), "--to", pg_tally.uri("counter2"), "--json")
    assert pushed.returncode == 0, pushed.stderr
    assert json.loads(pushed.stdout)["files"] == [{"path": str(outbox), "rows": 3, "new": 0}]
    # A restarted counter on the same outbox goes on from row 4.
    append(pg_tally.uri("counter1"), outbox, key, [("valid", 4)], tag="総務課")
    assert [row[0] for row in server_rows(pg_tally)] == [1, 2, 3, 4]


def test_the_key_and_the_serial_never_reach_the_server(pg_tally: Tally, tmp_path: Path) -> None:
    key = tmp_path / "shared.key"
    append(pg_tally.uri("counter1"), tmp_path / "o.sqlite3", key, [("valid", 1)])
    report = simulated("valid")
    assert report.certificate is not None
    serial = report.certificate.serial.lower().replace(":", "").lstrip("0")
    key_hex = key.read_text().strip()
    dump = json.dumps(pg_tally.rows("SELECT row_to_json(c)::text FROM mynacheck.checks c"))
    dump += json.dumps(pg_tally.rows("SELECT row_to_json(c)::text FROM mynacheck.cards c"))
    assert serial not in dump.lower() and key_hex not in dump.lower()
    expected = mynacheck.tally.card_hash(bytes.fromhex(key_hex), report.certificate.serial)  # type: ignore[attr-defined]
    assert pg_tally.rows("SELECT card_hash FROM mynacheck.checks") == [(expected,)]


def test_check_log_to_a_server_through_the_cli(pg_tally: Tally, tmp_path: Path) -> None:
    key = tmp_path / "shared.key"
    for scenario, code in (("valid", 0), ("expired", 11)):
        result = cli(
            "check", "--simulate", scenario, "--no-pin", "--log", pg_tally.uri("counter1"),
            "--key-file", str(key), "--tag", "窓口1",
            env={"XDG_DATA_HOME": str(tmp_path / "data")},
        )  # fmt: skip
        assert result.returncode == code, result.stderr
        assert "wait in the outbox" not in result.stderr
    assert [(r[0], r[1], r[2]) for r in server_rows(pg_tally)] == [
        (1, "valid", "窓口1"),
        (2, "expired", "窓口1"),
    ]


# -- what the server refuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "'bogus'"),
        ("status", "'pin_incorrect'"),
        ("card_hash", "'ABC'"),
        ("card_hash", "repeat('g', 64)"),
        ("tag", "''"),
        ("key_fingerprint", "'key'"),
    ],
)
def test_the_server_refuses_bad_data(pg_tally: Tally, column: str, value: str) -> None:
    """Even the owner cannot store a row that is no check (constraints, not the client)."""
    values = {
        "status": "'valid'",
        "card_hash": "NULL",
        "tag": "NULL",
        "key_fingerprint": "'0123456789abcdef'",
        column: value,
    }
    with (
        psycopg.connect(pg_tally.uri("owner")) as connection,
        pytest.raises((psycopg.errors.CheckViolation, psycopg.errors.ForeignKeyViolation)),
    ):
        connection.execute(
            "INSERT INTO mynacheck.checks (row_id, counter, seq, time, status, card_hash, tag,"
            " key_fingerprint) SELECT gen_random_uuid(), gen_random_uuid(), 1, now(), "
            + ", ".join(values[name] for name in ("status", "card_hash", "tag", "key_fingerprint"))
        )
    with (
        psycopg.connect(pg_tally.uri("owner")) as connection,
        pytest.raises(psycopg.errors.DatetimeFieldOverflow),
    ):
        connection.execute("SELECT '2026-02-30'::date")
    assert server_rows(pg_tally) == []


def test_push_refuses_a_file_with_bad_data_and_sends_nothing(
    pg_tally: Tally, tmp_path: Path
) -> None:
    good, bad = tmp_path / "good.sqlite3", tmp_path / "bad.sqlite3"
    log(good, [("valid", jst(1))])
    log(bad, [("valid", jst(1)), ("expired", jst(2))])
    connection = sqlite3.connect(bad)
    with connection:
        connection.execute("UPDATE checks SET status = 'bogus' WHERE id = 2")
    connection.close()
    result = cli("tally", "push", str(good), str(bad), "--to", pg_tally.uri("counter1"))
    assert result.returncode == 2
    assert f"the tally {bad} has a row it cannot read (row 2)" in result.stderr
    assert server_rows(pg_tally) == []


def test_a_newer_server_is_refused_by_everyone(pg_tally: Tally, tmp_path: Path) -> None:
    pg_tally.rows("UPDATE mynacheck.meta SET value = '3' WHERE name = 'schema_version'")
    for args in (
        ["report", pg_tally.uri("office")],
        ["tally", "init-server", "--apply", pg_tally.uri("owner")],
        ["check", "--simulate", "valid", "--no-pin", "--log", pg_tally.uri("counter1"),
         "--key-file", str(tmp_path / "k")],
    ):  # fmt: skip
        result = cli(*args, env={"XDG_DATA_HOME": str(tmp_path / "data")})
        assert result.returncode == 2, (args, result.stderr)
        assert "was set up by a newer mynacheck (format 3)" in result.stderr
    assert server_rows(pg_tally) == []


def test_an_older_server_waits_for_its_owner(pg_tally: Tally, tmp_path: Path) -> None:
    """A server set up before a verdict existed (the verdict list is the format's moving
    part): a counter refuses it, a counter role cannot migrate it, the owner can."""
    pg_tally.rows("DELETE FROM mynacheck.verdicts WHERE status = 'not_mynumber_card'")
    with pytest.raises(mynacheck.InputError) as error:
        mynacheck.open_tally(
            pg_tally.uri("counter1"), key_file=tmp_path / "k", outbox=tmp_path / "o"
        )
    assert error.value.key == "server_older_schema"
    assert cli("tally", "init-server", "--apply", pg_tally.uri("counter1")).returncode == 2
    assert cli("tally", "init-server", "--apply", pg_tally.uri("owner")).returncode == 0
    append(pg_tally.uri("counter1"), tmp_path / "o", tmp_path / "k", [("not_mynumber_card", 1)])
    assert [r[1] for r in server_rows(pg_tally)] == ["not_mynumber_card"]


def test_an_older_format_is_migrated_by_the_owner_only(pg_tally: Tally, tmp_path: Path) -> None:
    pg_tally.rows("UPDATE mynacheck.meta SET value = '0' WHERE name = 'schema_version'")
    for args in (
        ["report", pg_tally.uri("office")],
        ["check", "--simulate", "valid", "--no-pin", "--log", pg_tally.uri("counter1"),
         "--key-file", str(tmp_path / "k")],
        ["tally", "init-server", "--apply", pg_tally.uri("counter1")],
    ):  # fmt: skip
        result = cli(*args, env={"XDG_DATA_HOME": str(tmp_path / "data")})
        assert result.returncode == 2, (args, result.stderr)
    assert cli("tally", "init-server", "--apply", pg_tally.uri("owner")).returncode == 0
    assert pg_tally.rows("SELECT value FROM mynacheck.meta WHERE name = 'schema_version'") == [
        (str(SERVER_SCHEMA_VERSION),)
    ]
    assert cli("report", pg_tally.uri("office")).returncode == 0


def test_the_printed_sql_leaves_a_newer_server_alone(pg_tally: Tally) -> None:
    pg_tally.rows("UPDATE mynacheck.meta SET value = '7' WHERE name = 'schema_version'")
    sql = cli("tally", "init-server").stdout
    with pytest.raises(psycopg.errors.RaiseException):
        pg_tally.rows(sql)
    assert pg_tally.rows("SELECT value FROM mynacheck.meta WHERE name = 'schema_version'") == [
        ("7",)
    ]


# -- who may connect, and how ------------------------------------------------------------------


def test_wrong_password_and_a_role_without_insert_are_usage_errors(
    pg_tally: Tally, tmp_path: Path
) -> None:
    wrong = tmp_path / "pgpass"
    wrong.write_text(
        f"*:*:*:counter1:not-the-password\n*:*:*:stranger:{pg_tally.cluster.passwords['stranger']}\n"
    )
    wrong.chmod(0o600)
    env = {"PGPASSFILE": str(wrong), "XDG_DATA_HOME": str(tmp_path / "data")}
    base = ["check", "--simulate", "valid", "--no-pin", "--key-file", str(tmp_path / "k")]
    result = cli(*base, "--log", pg_tally.uri("counter1"), env=env)
    assert result.returncode == 2
    assert "refused" in result.stderr and "password authentication failed" in result.stderr
    office = {**env, "PGPASSFILE": str(pg_tally.cluster.pgpass)}
    result = cli(*base, "--log", pg_tally.uri("office"), env=office)
    assert result.returncode == 2
    assert "the role office may not add rows: grant it mynacheck_counter" in result.stderr
    result = cli(*base, "--log", pg_tally.uri("stranger"), env=env)
    assert result.returncode == 2 and "permission denied for schema mynacheck" in result.stderr
    no_file = cli(
        *base, "--log", pg_tally.uri("counter1"), env={**env, "PGPASSFILE": str(tmp_path / "none")}
    )
    assert no_file.returncode == 2 and "needs a password" in no_file.stderr
    assert server_rows(pg_tally) == []


def test_a_password_on_the_command_line_is_refused(pg_tally: Tally) -> None:
    uri = pg_tally.uri("counter1").replace("counter1@", "counter1:secret@")
    result = cli("report", uri)
    assert result.returncode == 2
    assert "never put a password on the command line" in result.stderr
    assert "secret" not in result.stderr + result.stdout


def test_tls_verify_full_with_the_office_ca(pg_tally: Tally, tmp_path: Path) -> None:
    cluster = pg_tally.cluster
    good = pg_tally.uri("office", sslmode="verify-full", sslrootcert=str(cluster.ca)).replace(
        "127.0.0.1", "localhost"
    )
    result = cli("report", good, "--json")
    assert result.returncode == 0, result.stderr
    with psycopg.connect(good) as connection:
        assert connection.info.pgconn.ssl_in_use
    other_ca = good.replace(str(cluster.ca), str(cluster.other_ca))
    wrong_name = pg_tally.uri("office", sslmode="verify-full", sslrootcert=str(cluster.ca))
    for refused in (other_ca, wrong_name):
        result = cli("report", refused)
        assert result.returncode == 2, result.stderr
        assert "refused" in result.stderr and "certificate" in result.stderr


def test_report_and_push_name_what_they_refuse(pg_tally: Tally, tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    log(db, [("valid", jst(1))])
    mixed = cli("report", str(db), pg_tally.uri("office"))
    assert mixed.returncode == 2 and "cannot be merged with files" in mixed.stderr
    not_server = cli("tally", "push", str(db), "--to", str(db))
    assert not_server.returncode == 2 and "--to takes a tally server" in not_server.stderr
    missing_db = cli("report", pg_tally.uri("office").rsplit("/", 1)[0] + "/nosuchdb")
    assert missing_db.returncode == 2 and "does not exist" in missing_db.stderr


def test_row_ids_are_the_same_for_the_same_row(tmp_path: Path) -> None:
    from mynacheck.tally.server_rows import counter_id, row_id

    row = row_from_report(simulated("valid"), b"k" * 32, jst(1))
    other = replace(row, time=row.time + timedelta(microseconds=1))
    assert (
        row_id(counter_id("abc"), 1, row)
        == row_id(counter_id("abc"), 1, row)
        != row_id(counter_id("abc"), 2, row)
    )
    assert row_id(counter_id("abc"), 2, row) != row_id(counter_id("abd"), 2, row)
    assert row_id(counter_id("abc"), 1, row) != row_id(
        counter_id("abc"), 1, other
    )  # a copy's own row 1
    # An old tally without an id gets one from its first row, the same whoever asks.
    db = tmp_path / "t.sqlite3"
    log(db, [("valid", jst(1))])
    connection = sqlite3.connect(db)
    with connection:
        (stored,) = connection.execute("SELECT value FROM meta WHERE name = 'tally_id'").fetchone()
        connection.execute("DELETE FROM meta WHERE name = 'tally_id'")
    connection.close()
    from mynacheck.tally.push import TallyFile

    derived = TallyFile(db).tally_id
    assert derived != stored and len(derived) == 32
    mynacheck.open_tally(db).close()
    assert TallyFile(db).tally_id == derived


def test_writers_refuse_bad_rows_before_the_outbox(pg_tally: Tally, tmp_path: Path) -> None:
    with mynacheck.open_tally(
        pg_tally.uri("counter1"), key_file=tmp_path / "k", outbox=tmp_path / "o"
    ) as tally:
        row = row_from_report(simulated("valid"), tally.key, jst(1))
        with pytest.raises(mynacheck.InputError):
            tally.append_rows([replace(row, status="bogus")])
    assert server_rows(pg_tally) == []


def test_a_service_name_works_where_a_uri_does(pg_tally: Tally, tmp_path: Path) -> None:
    cluster = pg_tally.cluster
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[tally]\nhost=127.0.0.1\nport={cluster.port}\ndbname={pg_tally.dbname}\nuser=counter1\n"
        f"[office]\nhost=127.0.0.1\nport={cluster.port}\ndbname={pg_tally.dbname}\nuser=office\n"
    )
    env = {"PGSERVICEFILE": str(services), "XDG_DATA_HOME": str(tmp_path / "data")}
    logged = cli(
        "check", "--simulate", "valid", "--no-pin", "--log", "service=tally",
        "--key-file", str(tmp_path / "k"), env=env,
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    result = cli("report", "service=office", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["checks"] == 1
    assert json.loads(result.stdout)["databases"] == ["service=office"]


def test_the_password_is_asked_on_a_terminal_and_never_shown(
    pg_tally: Tally, tmp_path: Path
) -> None:
    """No pgpass entry: ``report`` on a terminal asks once (hidden), and connects."""
    password = pg_tally.cluster.passwords["office"]
    env = {**os.environ, "PGPASSFILE": str(tmp_path / "none"), "COLUMNS": "200"}
    code, text = run_on_a_terminal(
        [*CLI, "report", pg_tally.uri("office"), "--json", "--lang", "en"],
        [(b"Password (", password.encode() + b"\r")],
        env=env,
        timeout=60,
    )
    assert "<answered>" in text, text
    assert code == 0, text
    assert '"checks": 0' in text
    assert password not in text  # the terminal did not echo it


def test_psycopg_loads_only_for_a_server_tally(tmp_path: Path) -> None:
    """A check with a file tally (or none) never imports psycopg: the check's start-up
    path stays as it was."""
    db = str(tmp_path / "t.sqlite3")
    code = (
        "import sys; from mynacheck.cli import main\n"
        "try:\n"
        f"    main(['check', '--simulate', 'valid', '--no-pin', '--log', {db!r}])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "print('psycopg' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr
