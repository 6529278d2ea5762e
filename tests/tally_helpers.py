"""Helpers for the tally tests: real simulated checks logged through ``open_tally``,
folder snapshots, and running the CLI as an unprivileged user."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from mynacheck.check import CheckOptions, run_check
from mynacheck.report import CheckReport
from mynacheck.simcard import SimulatedConnection, make_card
from mynacheck.tally import open_tally

from .conftest import NOW

SRC = Path(__file__).resolve().parents[1] / "src"


def simulated(scenario: str, at: datetime = NOW) -> CheckReport:
    """A real PIN-less check of the simulated card ``scenario``, evaluated as of ``at``."""
    return run_check(SimulatedConnection(make_card(scenario), scenario), CheckOptions(at=at))


def log(
    db: Path,
    entries: Iterable[tuple[str, datetime] | tuple[str, datetime, datetime]],
    *,
    key_file: Path | None = None,
    tag: str | None = None,
) -> None:
    """Append ``(scenario, when)`` checks (or ``(scenario, when, evaluated_at)``) to ``db``."""
    with open_tally(db, key_file=key_file, tag=tag) as tally:
        for entry in entries:
            scenario, when = entry[0], entry[1]
            evaluated = entry[2] if len(entry) == 3 else when
            tally.append(simulated(scenario, evaluated), at=when)


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under ``folder``: sha256, size and mtime (ns)."""
    state = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        state[str(path.relative_to(folder))] = (digest, info.st_size, info.st_mtime_ns)
    return state


def unprivileged_python(workdir: Path) -> list[str]:
    """``setpriv`` as nobody (65534) with a world-readable copy of mynacheck and the
    pure-Python packages the CLI needs, in ``workdir`` (inside the ``world`` fixture). Raises
    (the test fails) when this cannot be done: a test about permissions must not pass
    for the wrong reason."""
    if os.name != "posix" or os.geteuid() != 0:
        raise AssertionError("this test must run as root (it drops to user 65534 with setpriv)")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise AssertionError("setpriv (util-linux) is needed for this test")
    import click
    import platformdirs

    site = workdir / "site"
    site.mkdir(parents=True)
    shutil.copytree(SRC / "mynacheck", site / "mynacheck")
    for module in (click, platformdirs):
        assert module.__file__ is not None
        package = Path(module.__file__).parent
        shutil.copytree(package, site / package.name)
    for path in [workdir, *workdir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    python = _python_for_nobody(setpriv)
    return [
        setpriv,
        "--reuid",
        "65534",
        "--regid",
        "65534",
        "--clear-groups",
        "env",
        f"PYTHONPATH={site}",
        "HOME=/nonexistent",
        f"XDG_DATA_HOME={workdir / 'xdg'}",
        python,
        "-B",
        "-m",
        "mynacheck.cli",
    ]


def _python_for_nobody(setpriv: str) -> str:
    """This Python if user 65534 may run it (it may live under /root), else the system's."""
    drop = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    for python in (getattr(sys, "_base_executable", sys.executable), "/usr/bin/python3"):
        code = "import sys, sqlite3, csv, hmac, unicodedata; assert sys.version_info >= (3, 10)"
        probe = [*drop, "env", python, "-c", code]
        if subprocess.run(probe, capture_output=True, timeout=60).returncode == 0:
            return python
    raise AssertionError("no Python that user 65534 may run (>= 3.10)")


def run_as_nobody(
    command: Sequence[str], args: Sequence[str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


#: The tally format of version 1 (issue 5), verbatim: to make an older tally from rows
#: written by ``open_tally``.
V1_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checks (
    id           INTEGER PRIMARY KEY,
    time         TEXT NOT NULL,     -- UTC, ISO 8601 with microseconds and Z
    status       TEXT NOT NULL,     -- the verdict (Status value)
    expiry       TEXT,              -- certificate expiry, JST date, or NULL
    renewal_open INTEGER,           -- 0/1, NULL without a certificate
    reader       TEXT,              -- reader name
    card_hash    TEXT               -- HMAC-SHA256(key, serial) hex, NULL without one
);
CREATE INDEX IF NOT EXISTS checks_time ON checks (time);
"""


def as_version_1(tally: Path, old: Path) -> None:
    """Write ``old``: the rows and meta of ``tally`` in the version-1 format (WAL)."""
    import sqlite3

    connection = sqlite3.connect(old)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.executescript(V1_SCHEMA)
    connection.execute("ATTACH DATABASE ? AS new", (str(tally),))
    with connection:
        connection.execute("INSERT INTO meta SELECT name, value FROM new.meta")
        connection.execute("UPDATE meta SET value = '1' WHERE name = 'schema_version'")
        connection.execute(
            "INSERT INTO checks SELECT id, time, status, expiry, renewal_open, reader,"
            " card_hash FROM new.checks"
        )
    connection.execute("DETACH DATABASE new")
    connection.close()


def assert_report_names_the_row(db: Path, folder: Path, row: int, *, whole: bool) -> None:
    """``report`` over all of ``db`` (``whole``) or a period of it is a usage error that
    names the unreadable ``row``, and no file under ``folder`` changes."""
    import json

    from click.testing import CliRunner

    from mynacheck.cli import main

    before = snapshot(folder)
    period = [] if whole else ["--from", "2026-01-01"]
    result = CliRunner().invoke(main, ["report", str(db), *period, "--lang", "en", "--json"])
    assert result.exit_code == 2, result.output
    assert f"the tally {db} has a row it cannot read (row {row})" in result.stderr
    assert json.loads(result.stdout)["details"] == ["tally_bad_row"]
    assert snapshot(folder) == before
