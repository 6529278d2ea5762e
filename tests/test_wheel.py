"""The sdist and the wheel, built from this tree and installed offline into a fresh venv.

Needs a wheelhouse with the dependencies and setuptools (``.ci/run`` fills
``~/.cache/mynacheck/wheelhouse``, or ``MYNACHECK_WHEELHOUSE``): pip runs with
``--no-index``, so nothing here depends on a registry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from .packaging_helpers import ROOT, cache_dir, missing, run, source_version, venv_bin


def _wheelhouse() -> Path:
    folder = Path(os.environ.get("MYNACHECK_WHEELHOUSE") or cache_dir() / "wheelhouse")
    if not any(folder.glob("setuptools-*.whl")) or not any(folder.glob("pyscard-*.whl")):
        missing(
            f"the wheelhouse {folder}",
            "run .ci/run, or: python -m pip wheel -w DIR . 'setuptools>=77' and set "
            "MYNACHECK_WHEELHOUSE=DIR",
        )
    return folder


def _tree_files() -> list[str]:
    """The files git would ship: tracked plus new, not ignored."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.fail("tests/test_wheel.py needs git to list the tree's files", pytrace=False)
    return [name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


def _make_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(path)
    return venv_bin(path, "python")


def _pip(python: Path, wheelhouse: Path, *args: str | Path, cwd: Path) -> None:
    result = run(
        [python, "-m", "pip", "install", "-q", "--no-index", "--find-links", wheelhouse, *args],
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(sdist, wheel): the sdist from a copy of the tree, the wheel from the unpacked sdist
    (as ``python -m build`` does), so the sdist is proven complete."""
    wheelhouse = _wheelhouse()
    base = tmp_path_factory.mktemp("build")
    tree = base / "tree"
    for name in _tree_files():
        target = tree / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    python = _make_venv(base / "buildenv")
    _pip(python, wheelhouse, "setuptools>=77", cwd=base)
    out = base / "out"
    out.mkdir()
    backend = "import sys, setuptools.build_meta as b; print(getattr(b, sys.argv[1])(sys.argv[2]))"
    sdist = run([python, "-c", backend, "build_sdist", out], cwd=tree)
    assert sdist.returncode == 0, sdist.stderr.decode(errors="replace")
    sdist_path = out / sdist.stdout.decode().strip().splitlines()[-1]
    with tarfile.open(sdist_path) as archive:
        archive.extractall(base / "unpacked", filter="data")
    (unpacked,) = (base / "unpacked").iterdir()
    wheel = run([python, "-c", backend, "build_wheel", out], cwd=unpacked)
    assert wheel.returncode == 0, wheel.stderr.decode(errors="replace")
    return sdist_path, out / wheel.stdout.decode().strip().splitlines()[-1]


def test_sdist_carries_the_tests_and_fixtures(built: tuple[Path, Path]) -> None:
    sdist, _ = built
    assert sdist.name == f"mynacheck-{source_version()}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in (
        "LICENSE",
        "THIRD_PARTY_NOTICES.md",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/integration/conftest.py",
        "tests/test_wheel.py",
        "fixtures/transcripts/valid_no_pin.txt",
        "packaging/mynacheck.spec",
        "packaging/bundle-lock.txt",
        "scripts/build_bundle.py",
        "src/mynacheck/simcard/data/ee-valid.der",
    ):
        assert needed in names, f"sdist lacks {needed}"
    assert not any("__pycache__" in name for name in names)
    # The whole tracked tree, so the sdist's tests run as they do here (they read
    # docs/, fixtures/, the workflow, the spec ...).
    left_out = sorted(set(_tree_files()) - names)
    assert not left_out, f"the sdist leaves out {left_out} (MANIFEST.in)"


def test_wheel_carries_what_runs_and_no_tests(built: tuple[Path, Path]) -> None:
    _, wheel = built
    version = source_version()
    assert wheel.name.startswith(f"mynacheck-{version}-py3-none-any")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"mynacheck-{version}.dist-info/METADATA").decode()
        entry_points = archive.read(f"mynacheck-{version}.dist-info/entry_points.txt").decode()
    # Every file of the package: the modules, the simulated card's certificates and
    # keys, the J-LIS roots and anything else added as package data.
    package = ROOT / "src" / "mynacheck"
    for file in package.rglob("*"):
        if file.is_file() and "__pycache__" not in file.parts:
            name = file.relative_to(package.parent).as_posix()
            assert name in names, f"the wheel lacks {name} (package data?)"
    assert "mynacheck/simcard/data/ee-valid.der" in names
    assert f"mynacheck-{version}.dist-info/licenses/LICENSE" in names
    assert not any(name.startswith(("tests/", "fixtures/")) for name in names)
    assert f"Version: {version}\n" in metadata
    assert "License-Expression: MIT" in metadata
    assert "mynacheck = mynacheck.cli:run" in entry_points
    gui_scripts = entry_points.split("[gui_scripts]", 1)[1].split("\n[", 1)[0]
    assert "mynacheck-gui = mynacheck.gui:main" in gui_scripts
    assert "Provides-Extra: gui\n" in metadata
    requires = metadata.lower().replace("'", '"').splitlines()
    assert any(
        line.startswith("requires-dist: pyside6-essentials") and 'extra == "gui"' in line
        for line in requires
    ), "the [gui] extra does not bring PySide6-Essentials"


def test_wheel_installs_offline_and_runs_outside_the_repo(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    _, wheel = built
    python = _make_venv(tmp_path / "venv")
    _pip(python, _wheelhouse(), wheel, cwd=tmp_path)
    mynacheck = venv_bin(tmp_path / "venv", "mynacheck")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    version = run([mynacheck, "--version"], cwd=elsewhere)
    assert version.returncode == 0, version.stderr
    assert version.stdout.decode().split()[-1] == source_version()

    check = run([mynacheck, "check", "--simulate", "valid", "--no-pin", "--json"], cwd=elsewhere)
    assert check.returncode == 0, check.stderr.decode(errors="replace")
    report = json.loads(check.stdout.decode("utf-8"))
    assert report["status"] == "valid" and report["simulated"] is True
    # The module came from the new venv, not from this tree.
    where = run([python, "-c", "import mynacheck; print(mynacheck.__file__)"], cwd=elsewhere)
    assert Path(where.stdout.decode().strip()).is_relative_to(tmp_path / "venv")
    assert sys.prefix not in where.stdout.decode()
