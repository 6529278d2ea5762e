"""userfiles: bounded reads of the files users name, and --record's careful write.

The permission cases run as an unprivileged user (CI is root, and root writes
anywhere): they FAIL, not skip, when no such user can be had.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mynacheck.errors import InputError
from mynacheck.userfiles import (
    LIMITS,
    TRANSCRIPT_HEADER,
    check_record_target,
    check_user_file,
    display_path,
    excerpt,
    read_user_file,
    write_transcript_atomically,
)

SRC = Path(__file__).resolve().parents[1] / "src"
TRANSCRIPT = f"# pin: none\n{TRANSCRIPT_HEADER}\n> 00 A4 04 0C\n< 90 00\n"


def _usage_key(call: object) -> str:
    assert callable(call)
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.key


def _snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """name -> (sha256, mtime_ns, mode) of everything in ``folder`` (links not followed)."""
    shot: dict[str, tuple[str, int, int]] = {}
    for entry in sorted(folder.iterdir()):
        info = entry.lstat()
        digest = ""
        if stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(entry.read_bytes()).hexdigest()
        shot[entry.name] = (digest, info.st_mtime_ns, info.st_mode)
    return shot


# -- reading --------------------------------------------------------------------


def test_reads_a_small_file_and_a_symlink_to_it(tmp_path: Path) -> None:
    cert = tmp_path / "ca.pem"
    cert.write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    link = tmp_path / "link.pem"
    link.symlink_to(cert)
    assert read_user_file(cert, "certificate") == cert.read_bytes()
    assert read_user_file(link, "certificate") == cert.read_bytes()


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_the_limit_is_inclusive(tmp_path: Path, kind: str) -> None:
    limit = LIMITS[kind]
    exact = tmp_path / "exact"
    exact.write_bytes(b"a" * limit)
    assert len(read_user_file(exact, kind)) == limit  # type: ignore[arg-type]
    over = tmp_path / "over"
    over.write_bytes(b"a" * (limit + 1))
    assert _usage_key(lambda: read_user_file(over, kind)) == "file_too_large"  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_a_huge_sparse_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    huge = tmp_path / "huge"
    with open(huge, "wb") as handle:
        handle.truncate(8 * 1024**3)  # 8 GiB that take no disk
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_user_file(huge, kind)  # type: ignore[arg-type]
    assert time.monotonic() - started < 1
    assert caught.value.key == "file_too_large"
    assert caught.value.info["limit"] in ("64 KiB", "1 KiB", "1 MiB")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_a_file_whose_size_the_system_does_not_report_is_still_bounded() -> None:
    # /proc files say st_size 0; reading limit + 1 bytes still catches them.
    assert os.stat("/proc/self/maps").st_size == 0
    assert _usage_key(lambda: read_user_file("/proc/self/maps", "key")) == "file_too_large"


def test_missing_file_says_so_with_its_errno(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_user_file(tmp_path / "nope.pem", "certificate")
    assert caught.value.key == "file_unreadable"
    assert caught.value.info["errno"] == errno.ENOENT


def test_a_folder_is_not_a_regular_file(tmp_path: Path) -> None:
    assert _usage_key(lambda: read_user_file(tmp_path, "certificate")) == "not_a_regular_file"
    assert _usage_key(lambda: check_user_file(tmp_path, "certificate")) == "not_a_regular_file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_without_writer_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.pem"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert _usage_key(lambda: read_user_file(fifo, "transcript")) == "not_a_regular_file"
    assert _usage_key(lambda: check_user_file(fifo, "certificate")) == "not_a_regular_file"
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", os.devnull])
def test_devices_are_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.fail(f"{device} is missing on this test machine")
    assert _usage_key(lambda: read_user_file(device, "key")) == "not_a_regular_file"


def test_dash_reads_standard_input_only_where_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"abc")))
    assert read_user_file("-", "certificate", allow_stdin=True) == b"abc"
    monkeypatch.chdir(tmp_path)  # without allow_stdin, "-" is a file name
    assert _usage_key(lambda: read_user_file("-", "certificate")) == "file_unreadable"
    endless = io.TextIOWrapper(io.BytesIO(b"0" * (LIMITS["certificate"] + 1)))
    monkeypatch.setattr(sys, "stdin", endless)
    key = _usage_key(lambda: read_user_file("-", "certificate", allow_stdin=True))
    assert key == "file_too_large"
    monkeypatch.setattr(sys, "stdin", None)  # closed (`<&-`)
    key = _usage_key(lambda: read_user_file("-", "certificate", allow_stdin=True))
    assert key == "file_unreadable"


def test_paths_and_excerpts_are_printable() -> None:
    assert display_path("a\x1b[2Jb\nc") == "a\\x1b[2Jb\\x0ac"
    assert excerpt("root:$y$j9T$secret-hash:19000", 6) == "root:$..."
    assert excerpt(b"\x00\xff", 8) == "\\x00\\xff"  # undecodable bytes shown as escapes
    assert len(display_path("x" * 1000)) == 203


# -- --record -------------------------------------------------------------------


def test_record_into_a_new_file_leaves_nothing_behind_until_written(tmp_path: Path) -> None:
    target = tmp_path / "new.txt"
    check_record_target(target)
    assert list(tmp_path.iterdir()) == []  # the probe file is gone
    write_transcript_atomically(target, TRANSCRIPT)
    assert target.read_text(encoding="utf-8") == TRANSCRIPT
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]


def test_record_replaces_a_transcript_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "old.txt"
    target.write_text(TRANSCRIPT + "# old\n", encoding="utf-8")
    target.chmod(0o640)
    check_record_target(target)
    write_transcript_atomically(target, TRANSCRIPT)
    assert target.read_text(encoding="utf-8") == TRANSCRIPT
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


@pytest.mark.parametrize(
    "content",
    [
        b"SQLite format 3\x00" + bytes(100),  # a tally
        b"",
        b"hello\n",
        b"# a comment\n> 00 A4\n" + TRANSCRIPT_HEADER.encode() + b"\n",  # header too late
        bytes(range(256)),
    ],
)
def test_record_never_replaces_another_file(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "precious"
    target.write_bytes(content)
    before = _snapshot(tmp_path)
    assert _usage_key(lambda: check_record_target(target)) == "record_not_transcript"
    with pytest.raises(OSError):
        write_transcript_atomically(target, TRANSCRIPT)
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("dangling", [False, True])
def test_record_never_follows_a_symlink(tmp_path: Path, dangling: bool) -> None:
    real = tmp_path / "real.txt"
    if not dangling:
        real.write_text(TRANSCRIPT, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    before = _snapshot(tmp_path)
    assert _usage_key(lambda: check_record_target(link)) == "record_symlink"
    with pytest.raises(OSError):
        write_transcript_atomically(link, TRANSCRIPT)
    assert _snapshot(tmp_path) == before
    assert not dangling or not real.exists()


def test_a_transcript_that_became_something_else_is_not_replaced(tmp_path: Path) -> None:
    """Checked before the card, then replaced by a tally during the session."""
    target = tmp_path / "t.txt"
    check_record_target(target)
    target.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(FileExistsError):
        write_transcript_atomically(target, TRANSCRIPT)
    assert target.read_bytes() == b"SQLite format 3\x00"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("folder", "not_a_regular_file"),
        ("/dev/full", "not_a_regular_file"),
        ("missing/x.txt", "record_unwritable"),
        ("file/x.txt", "record_unwritable"),
    ],
)
def test_record_targets_that_cannot_be_written(tmp_path: Path, where: str, key: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_bytes(b"x")
    target = Path(where) if where.startswith("/") else tmp_path / where
    before = _snapshot(tmp_path)
    assert _usage_key(lambda: check_record_target(target)) == key
    assert _snapshot(tmp_path) == before


# -- as an unprivileged user ------------------------------------------------------

_UNPRIVILEGED = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]


@pytest.fixture
def unprivileged_copy() -> Iterator[tuple[Path, list[str]]]:
    """A world-readable copy of the package in a temp folder, and a command prefix that
    runs Python as uid/gid 65534 with it on the path. Fails when that is impossible."""
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("setpriv (util-linux) is needed to test permissions as another user")
    work = Path(tempfile.mkdtemp(prefix="mynacheck-perm-"))
    try:
        shutil.copytree(SRC / "mynacheck", work / "src" / "mynacheck")
        for root, _dirs, files in os.walk(work):
            os.chmod(root, 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
        candidates = [os.path.realpath(sys.executable), "/usr/bin/python3"]
        prefix = [*_UNPRIVILEGED, "env", f"PYTHONPATH={work / 'src'}"]
        for python in candidates:
            probe = subprocess.run(
                [*prefix, python, "-c", "import os, mynacheck.userfiles; print(os.getuid())"],
                capture_output=True,
                text=True,
                timeout=30,
            )
            if probe.returncode == 0 and probe.stdout.strip() == "65534":
                yield work, [*prefix, python]
                return
        pytest.fail(f"cannot run Python as uid 65534: {probe.stderr.strip()[-300:]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _record_check_as_nobody(prefix: list[str], target: Path) -> str:
    code = (
        "import sys\nfrom mynacheck.errors import InputError\n"
        "from mynacheck.userfiles import check_record_target\n"
        "try:\n    check_record_target(sys.argv[1])\nexcept InputError as e:\n"
        "    print(e.key)\nelse:\n    print('ok')\n"
    )
    result = subprocess.run(
        [*prefix, "-c", code, str(target)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_record_permissions_as_an_unprivileged_user(
    unprivileged_copy: tuple[Path, list[str]],
) -> None:
    work, prefix = unprivileged_copy
    own = work / "own"
    own.mkdir()
    os.chown(own, 65534, 65534)
    read_only = work / "read-only"
    read_only.mkdir(mode=0o555)
    os.chown(read_only, 65534, 65534)
    os.chmod(read_only, 0o555)
    others = work / "root-owned"
    others.mkdir()
    os.chmod(others, 0o755)
    locked = own / "locked.txt"
    locked.write_text(TRANSCRIPT, encoding="utf-8")
    os.chown(locked, 65534, 65534)
    os.chmod(locked, 0o444)

    assert _record_check_as_nobody(prefix, own / "new.txt") == "ok"
    assert _record_check_as_nobody(prefix, read_only / "new.txt") == "record_unwritable"
    assert _record_check_as_nobody(prefix, others / "new.txt") == "record_unwritable"
    assert _record_check_as_nobody(prefix, locked) == "record_unwritable"
    assert sorted(p.name for p in own.iterdir()) == ["locked.txt"]
    assert list(read_only.iterdir()) == [] and list(others.iterdir()) == []
