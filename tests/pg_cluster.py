"""A throwaway PostgreSQL cluster for the server-tally tests: Debian's ``postgresql``
binaries, ``initdb`` in a temporary folder, started as an unprivileged user
(PostgreSQL refuses root; under root the commands run as ``nobody`` via
``setpriv``), listening on a free loopback port with TLS (a CA the tests make)
and on a Unix socket in that folder. Stopped and removed at the end.

Roles: ``dba`` (superuser, Unix socket only), ``owner`` (owns each test's
database, CREATEROLE: it runs ``init-server --apply``), ``counter1``/``counter2``
(in ``mynacheck_counter``), ``office`` (in ``mynacheck_report``), ``stranger``
(no group). Passwords live in a ``.pgpass`` file (``PGPASSFILE``), never in a URI.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROLES = ("owner", "counter1", "counter2", "office", "stranger")
NOBODY = 65534


def _bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        pytest.fail(
            "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)",
            pytrace=False,
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_ca(folder: Path, name: str = "ca") -> tuple[Path, Any, Any]:
    """A CA certificate (PEM) and its key, made here for the tests."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"mynacheck test {name}")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{name}.crt"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, cert, key


def _server_cert(folder: Path, ca_cert: Any, ca_key: Any) -> tuple[Path, Path]:
    """The server's certificate for DNS name ``localhost`` only (not 127.0.0.1)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    crt, pem = folder / "server.crt", folder / "server.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return crt, pem


class Cluster:
    """One running cluster (see the module)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.socket_dir = folder / "run"
        self.port = _free_port()
        self.bindir = _bindir()
        self.as_root = os.name == "posix" and os.geteuid() == 0
        self.passwords = {role: secrets.token_hex(12) for role in ROLES}
        self.pgpass = folder / "pgpass"
        self.ca, ca_cert, ca_key = make_ca(folder)
        self.other_ca, _, _ = make_ca(folder, "other-ca")
        self._cert = _server_cert(folder, ca_cert, ca_key)
        self.log = folder / "server.log"

    # -- running commands as the cluster's user ----------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = [
                "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command,
            ]  # fmt: skip
        return subprocess.run(
            command, capture_output=True, text=True, check=check, timeout=120, cwd=self.folder
        )

    def _own(self, path: Path) -> None:
        if self.as_root:
            os.chown(path, NOBODY, NOBODY)

    def init(self) -> None:
        self.folder.chmod(0o755)
        self.socket_dir.mkdir()
        self._own(self.socket_dir)
        self._own(self.folder)
        result = self._run(
            "initdb", "-D", str(self.data), "-U", "dba", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        crt, key = self._cert
        for source in (crt, key):
            target = self.data / source.name
            shutil.copy(source, target)
            self._own(target)
            target.chmod(0o600)
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                "fsync = off\nsynchronous_commit = on\nmax_connections = 100\n"
                "shared_buffers = 128MB\n"
            )
        (self.data / "pg_hba.conf").write_text(
            "local all dba trust\n"
            "host all dba 0.0.0.0/0 reject\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
        )
        lines = [f"*:{self.port}:*:{role}:{password}" for role, password in self.passwords.items()]
        self.pgpass.write_text("\n".join(lines) + "\n")
        self.pgpass.chmod(0o600)

    def start(self) -> None:
        result = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start",
            check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr + self._log_tail()

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text()[-2000:]
        return ""

    # -- SQL as the superuser --------------------------------------------------------------

    def admin(self, sql: str, dbname: str = "postgres") -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user="dba", dbname=dbname, autocommit=True
        ) as connection:
            cursor = connection.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []

    def create_roles(self) -> None:
        for role in ROLES:
            extra = " CREATEROLE" if role == "owner" else ""
            self.admin(f"CREATE ROLE {role} LOGIN{extra} PASSWORD '{self.passwords[role]}'")

    def uri(self, role: str, dbname: str, **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"postgresql://{role}@127.0.0.1:{self.port}/{dbname}" + (
            f"?{query}" if query else ""
        )


@contextlib.contextmanager
def running_cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="mynacheck-pg-"))
    cluster = Cluster(folder)
    try:
        cluster.init()
        cluster.start()
        cluster.create_roles()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


class Tally:
    """One test's database, prepared with ``init-server --apply`` as ``owner``, and
    its login roles granted the two group roles."""

    def __init__(self, cluster: Cluster, dbname: str) -> None:
        self.cluster = cluster
        self.dbname = dbname

    def uri(self, role: str, **params: str) -> str:
        return self.cluster.uri(role, self.dbname, **params)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.cluster.admin(sql, self.dbname)


def wait_until(predicate: Any, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL cluster (started on first use)."""
    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_tally(
    pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Tally]:
    """A fresh database prepared by ``mynacheck tally init-server --apply`` as its owner;
    PGPASSFILE holds the roles' passwords; the user data folder (outboxes) is the test's."""
    from mynacheck.tally.server import parse_target
    from mynacheck.tally.server_setup import apply_setup

    if not pg_cluster.running():
        pg_cluster.start()
    monkeypatch.setenv("PGPASSFILE", str(pg_cluster.pgpass))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    dbname = f"t{secrets.token_hex(6)}"
    pg_cluster.admin(f"CREATE DATABASE {dbname} OWNER owner")
    apply_setup(parse_target(pg_cluster.uri("owner", dbname)))
    pg_cluster.admin(
        "DO $$ BEGIN"
        " GRANT mynacheck_counter TO counter1, counter2; GRANT mynacheck_report TO office;"
        " END $$"
    )
    yield Tally(pg_cluster, dbname)
    if pg_cluster.running():
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
