#!/usr/bin/env python3
"""Build the one-folder bundle ``dist/mynacheck/`` with PyInstaller (Linux, Windows, macOS).

    python scripts/build_bundle.py [--find-links DIR] [--cache-dir DIR | --no-cache]

What it does:

1. Hashes the bundle's inputs: ``src/mynacheck``, ``packaging/`` (the spec and the lock
   of versions), this script, ``LICENSE`` and the notices, the Python version and the
   platform. A bundle built from the same inputs is taken from the cache
   (``~/.cache/mynacheck/bundle``, ``%LOCALAPPDATA%\\mynacheck\\Cache\\bundle`` on
   Windows, or ``MYNACHECK_CACHE``) instead of being rebuilt: with Qt a build takes
   minutes, and CI clones the repository afresh every time.
2. Otherwise it builds. Run outside a virtual environment, it makes its own build venv
   in the cache (one per lock and Python version) and installs
   ``packaging/bundle-lock.txt`` into it; run inside one, it installs the lock into that
   venv and builds there. ``--find-links DIR`` lets pip take wheels from DIR first
   (``.ci/run`` passes its wheelhouse, where pyscard is already built).
3. PyInstaller builds into a temporary folder, which is renamed into the cache only
   when complete, so a cached bundle is never half-built (one build at a time per
   cache: a lock file); then it is copied to ``dist/mynacheck``.

Prints the path of ``dist/mynacheck`` on the last line of stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "mynacheck.spec"
LOCK = ROOT / "packaging" / "bundle-lock.txt"
WINDOWS = sys.platform == "win32"
KEEP_BUNDLES = 3  # cached bundles kept (the newest)


def log(message: str) -> None:
    print(f"[build_bundle] {message}", file=sys.stderr, flush=True)


def default_cache_dir() -> Path:
    override = os.environ.get("MYNACHECK_CACHE")
    if override:
        return Path(override)
    if WINDOWS:
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "mynacheck" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "mynacheck"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mynacheck"


def input_files() -> list[Path]:
    """Everything whose change must give a new bundle."""
    files = [Path(__file__).resolve(), ROOT / "LICENSE", ROOT / "THIRD_PARTY_NOTICES.md"]
    for folder in (ROOT / "src" / "mynacheck", ROOT / "packaging"):
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append(path)
    return sorted(files)


def file_digest(paths: list[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for item in extra:
        digest.update(item.encode() + b"\0")
    for path in paths:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        # Text files hash the same with CRLF (a Windows checkout) and LF.
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:20]


def python_tag(python: str) -> str:
    return subprocess.run(
        [
            python,
            "-c",
            "import sys, sysconfig; print(sys.version.split()[0], sysconfig.get_platform())",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@contextlib.contextmanager
def cache_lock(cache: Path) -> Iterator[None]:
    """One build at a time per cache: two CI runs on one machine share the cache."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "a+b") as handle:
        if WINDOWS:
            import msvcrt

            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:  # LK_LOCK gives up after 10 s: keep waiting
                    continue
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if WINDOWS:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                fcntl.flock(handle, fcntl.LOCK_UN)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if WINDOWS else "bin/python")


def in_virtualenv() -> bool:
    return sys.prefix != getattr(sys, "base_prefix", sys.prefix)


def pip_install_lock(python: str, find_links: list[str]) -> None:
    command = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for folder in find_links:
        command += ["--find-links", folder]
    subprocess.run([*command, "-r", str(LOCK)], check=True)


def build_python(cache: Path, find_links: list[str]) -> str:
    """The interpreter that runs PyInstaller, with the lock installed."""
    if in_virtualenv():
        log(f"building in the current virtual environment ({sys.prefix})")
        pip_install_lock(sys.executable, find_links)
        return sys.executable
    lock_key = file_digest([LOCK], python_tag(sys.executable))
    venv = cache / f"venv-{lock_key}"
    stamp = venv / "mynacheck-lock-installed"
    if not stamp.is_file():
        if venv.exists():
            shutil.rmtree(venv)  # a venv whose install did not finish
        log(f"creating the build venv {venv}")
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip_install_lock(str(venv_python(venv)), find_links)
        stamp.write_text(lock_key + "\n", "utf-8")
    else:
        log(f"build venv up to date ({venv})")
    return str(venv_python(venv))


def run_pyinstaller(python: str, out: Path) -> Path:
    """Build into ``out`` (a fresh folder); returns the bundle folder."""
    started = time.monotonic()
    log("running PyInstaller (with Qt this takes minutes)")
    subprocess.run(
        [
            python,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "work"),
            str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )
    log(f"PyInstaller done in {time.monotonic() - started:.0f} s")
    return out / "dist" / "mynacheck"


def prune_cache(cache: Path, keep: Path) -> None:
    bundles = sorted(cache.glob("bundle-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in bundles[KEEP_BUNDLES:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def install_into_dist(bundle: Path, dist: Path) -> None:
    target = dist / "mynacheck"
    if target.exists():
        shutil.rmtree(target)
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".mynacheck-", dir=dist))
    shutil.copytree(bundle, staging / "mynacheck", symlinks=True)
    os.replace(staging / "mynacheck", target)
    staging.rmdir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="DIR",
        help="also take wheels from DIR (repeatable)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help=f"cache of bundles and build venvs (default: {default_cache_dir()})",
    )
    parser.add_argument("--no-cache", action="store_true", help="always build; cache nothing")
    parser.add_argument(
        "--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist)"
    )
    args = parser.parse_args(argv)

    cache = (args.cache_dir or default_cache_dir()).resolve()
    dist = args.dist.resolve()
    interpreter = sys.executable if in_virtualenv() else None
    key = file_digest(
        [*input_files()], python_tag(interpreter or sys.executable), platform.machine()
    )
    cached = cache / "bundle" / f"bundle-{key}"
    with cache_lock(cache):
        return build_or_reuse(args, cache, cached, dist)


def build_or_reuse(args: argparse.Namespace, cache: Path, cached: Path, dist: Path) -> int:
    if not args.no_cache and cached.is_dir():
        log(f"inputs unchanged: reusing {cached}")
        os.utime(cached)
    else:
        python = build_python(cache, args.find_links)
        (cache / "bundle").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="build-", dir=cache / "bundle") as tmp:
            built = run_pyinstaller(python, Path(tmp))
            if args.no_cache:
                install_into_dist(built, dist)
                print(dist / "mynacheck")
                return 0
            os.replace(built, cached)  # complete, or not there at all
        prune_cache(cache / "bundle", cached)
    install_into_dist(cached, dist)
    log(f"bundle ready: {dist / 'mynacheck'}")
    print(dist / "mynacheck")
    return 0


if __name__ == "__main__":
    sys.exit(main())
