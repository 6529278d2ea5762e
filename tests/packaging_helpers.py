"""Shared by the packaging tests (wheel, bundle, workflow): where things are, and
the rule that a missing build product FAILS under CI and skips only on a desk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"


def source_version() -> str:
    """The literal ``__version__`` line: the one version source."""
    text = (ROOT / "src" / "mynacheck" / "__init__.py").read_text("utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    assert match, "src/mynacheck/__init__.py lost its literal __version__ line"
    return match.group(1)


def cache_dir() -> Path:
    override = os.environ.get("MYNACHECK_CACHE")
    if override:
        return Path(override)
    if WINDOWS:
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "mynacheck" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mynacheck"


def missing(what: str, how: str) -> None:
    """Fail under CI (the product must be there), skip elsewhere."""
    message = f"{what} is missing: {how}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if WINDOWS else "bin") / (name + (".exe" if WINDOWS else ""))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this test run's venv, PYTHON* variables and pip config
    that could let a test pass for the wrong reason."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_"))
    }
    env.update(extra)
    return env


def run(
    command: list[str | Path], cwd: Path, timeout: float = 300, **extra_env: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_env(**extra_env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )
