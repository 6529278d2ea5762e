"""Shared test helpers: synthetic certificate files and a fixed "now"."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings

# The server-tally tests' PostgreSQL cluster (started only when a test asks for it).
from .pg_cluster import pg_cluster as pg_cluster
from .pg_cluster import pg_tally as pg_tally

# CI's outcome must not depend on chance: `.ci/run` selects the derandomized
# profile (same examples every run, no example database). Locally the default
# profile explores new examples each run; `HYPOTHESIS_PROFILE=explore` digs deeper.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

DATA = Path(__file__).resolve().parents[1] / "src" / "mynacheck" / "simcard" / "data"
#: The repo's copies of the public J-LIS roots (package data; nothing outside the repo).
JLIS_CA = Path(__file__).resolve().parents[1] / "src" / "mynacheck" / "data" / "jlis"
#: The simulator's root, for a simulated card served through pcscd (a "real" card).
SIMULATOR_ROOT = DATA / "simulator-root.pem"
#: Every test evaluates as of this moment, never the clock.
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


def der(name: str) -> bytes:
    return (DATA / f"{name}.der").read_bytes()


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def world() -> Iterator[Path]:
    """A temporary folder every user may enter (pytest's own is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="mynacheck-world-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
