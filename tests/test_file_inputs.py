"""Every file option of every command, handed every kind of file.

For each example: a fresh folder with ordinary files in it (a certificate, the
transcripts, a tally and its key), one *subject* path of a generated kind, size
and content, and the real ``mynacheck`` command line run on it: in this process
(click's runner), or in a child process where the input needs one (a FIFO or a
device must not hang the test run, ``timeout``; a huge file or /dev/zero read to
its end must meet a memory limit, not this run's memory; one child runs those
examples in turn, replaced when one overruns). It must end with the exit code
documented for that input, print no traceback, and leave every file in the
folder as it was (sha256 and mtime) — except what the option exists to write
(``--record``'s transcript, ``--log``'s tally), and then only on success.

Every (option, kind) pair runs as an explicit example, in CI too; Hypothesis
adds generated ones (garbage content, sizes past each limit) on top.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mynacheck.cli import main
from mynacheck.status import EXIT_CODES

from .conftest import DATA

if sys.platform == "win32":  # FIFOs, devices and symlinks as POSIX has them
    pytest.skip("POSIX file kinds", allow_module_level=True)

#: Seconds an example may take (a normal run takes 0.3 s; a FIFO opened for reading
#: without O_NONBLOCK waits for ever).
TIMEOUT = 10
AT = "2026-11-27"
DOCUMENTED = frozenset(EXIT_CODES.values())
CERTIFICATE_VERDICTS = frozenset({0, 10, 11, 12, 13, 14})
LIMITS = {"certificate": 64 * 1024, "key": 1024, "transcript": 1024 * 1024, "tally": 1024 * 1024}
SUBJECT = "subject.dat"
NEW_TALLY = "new.sqlite3"

KINDS = (
    "missing",
    "empty",
    "garbage",
    "huge",
    "directory",
    "symlink",
    "fifo",
    "device",
    "certificate",
    "transcript",
    "tally",
    "key",
)
#: Kinds run in a process of their own: a FIFO blocks its reader, a device or a huge
#: (sparse) file read to the end must meet the child's memory limit.
OWN_PROCESS = frozenset({"fifo", "device", "huge"})
#: What a symlink subject points at (files of the folder).
LINK_TARGETS = ("root.pem", "check.txt", "pins.txt", "tally.sqlite3")


@dataclass(frozen=True)
class Option:
    """One file option: its command line around the subject, and its file's role."""

    name: str
    role: str  # certificate | transcript-check | transcript-pins | record | log | key | report
    argv: Callable[[str, Path], list[str]]


def _check(*extra: str) -> list[str]:
    return ["check", "--simulate", "valid", "--no-pin", "--at", AT, "--json", *extra]


def _watch(*extra: str) -> list[str]:
    return ["watch", "--simulate", "valid", "--json", *extra]


OPTIONS = (
    Option("check --replay", "transcript-check",
           lambda x, d: ["check", "--replay", x, "--no-pin", "--at", AT, "--json"]),
    Option("check --record", "record", lambda x, d: _check("--record", x)),
    Option("check --trust-anchor", "certificate", lambda x, d: _check("--trust-anchor", x)),
    Option("check --log", "log", lambda x, d: _check("--log", x)),
    Option("check --key-file", "key",
           lambda x, d: _check("--log", str(d / NEW_TALLY), "--key-file", x)),
    Option("inspect CERT", "certificate", lambda x, d: ["inspect", x, "--at", AT, "--json"]),
    Option("inspect --ca", "certificate",
           lambda x, d: ["inspect", str(d / "ee.der"), "--ca", x, "--at", AT, "--json"]),
    Option("inspect --trust-anchor", "certificate",
           lambda x, d: ["inspect", str(d / "ee.der"), "--ca", str(d / "root.der"),
                         "--trust-anchor", x, "--at", AT, "--json"]),
    Option("pin-status --replay", "transcript-pins",
           lambda x, d: ["pin-status", "--replay", x, "--json"]),
    Option("pin-status --record", "record",
           lambda x, d: ["pin-status", "--simulate", "valid", "--record", x, "--json"]),
    Option("watch --trust-anchor", "certificate", lambda x, d: _watch("--trust-anchor", x)),
    Option("watch --log", "log", lambda x, d: _watch("--log", x)),
    Option("watch --key-file", "key",
           lambda x, d: _watch("--log", str(d / NEW_TALLY), "--key-file", x)),
    Option("report DB", "report", lambda x, d: ["report", x, "--json"]),
)  # fmt: skip
BY_NAME = {option.name: option for option in OPTIONS}


@dataclass(frozen=True)
class Case:
    option: str
    kind: str
    content: bytes = b""
    size: int = 0  # for "huge": how far past the limit
    target: str = "root.pem"  # for "symlink"
    device: str = "/dev/zero"  # for "device"

    def __repr__(self) -> str:  # short, for Hypothesis' falsifying example
        return (
            f"Case({self.option!r}, {self.kind!r}, content={self.content[:24]!r}"
            f"{'...' if len(self.content) > 24 else ''}, size={self.size}, "
            f"target={self.target!r}, device={self.device!r})"
        )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    return Case(
        option=draw(st.sampled_from([o.name for o in OPTIONS])),
        kind=draw(st.sampled_from(KINDS)),
        content=draw(st.binary(min_size=1, max_size=3000)),
        size=draw(st.one_of(st.integers(1, 4096), st.integers(1, 8 * 1024**3))),
        target=draw(st.sampled_from(LINK_TARGETS)),
        device=draw(st.sampled_from(["/dev/zero", os.devnull])),
    )


# -- the ordinary files every folder holds -------------------------------------------


@pytest.fixture(scope="module")
def ordinary_files() -> Iterator[Path]:
    """Made once with the product itself: transcripts of both commands, a tally."""
    folder = Path(tempfile.mkdtemp(prefix="mynacheck-inputs-"))
    try:
        shutil.copy(DATA / "private-root.pem", folder / "root.pem")
        shutil.copy(DATA / "private-root.der", folder / "root.der")
        shutil.copy(DATA / "ee-private.der", folder / "ee.der")
        for argv in (
            _check("--record", str(folder / "check.txt")),
            ["pin-status", "--simulate", "valid", "--record", str(folder / "pins.txt")],
            _check("--log", str(folder / "tally.sqlite3")),
        ):
            code, said = _in_process(argv, folder)
            assert code == 0, said
        (folder / "key.hex").write_text(os.urandom(32).hex() + "\n")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _bounded_memory() -> None:
    """In the child: 1.5 GiB of address space, so reading /dev/zero to the end fails
    at once with MemoryError (a traceback the test reports) instead of eating the
    machine's memory for the whole timeout."""
    import resource

    limit = 3 * 512 * 1024**2
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _environment(folder: Path) -> dict[str, str]:
    """No user anchors, no user tally, a fixed language: only the example's files count."""
    home = folder / ".home"
    home.mkdir(exist_ok=True)
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "LANG": "en_US.UTF-8",
    }


def _populate(folder: Path, ordinary: Path, case: Case, option: Option) -> str:
    """Copy the ordinary files in and make the subject; return its path."""
    for name in ("root.pem", "root.der", "ee.der", "check.txt", "pins.txt", "key.hex"):
        shutil.copy(ordinary / name, folder / name)
    for name in ("tally.sqlite3", "tally.sqlite3.key"):
        shutil.copy(ordinary / name, folder / name)
    subject = folder / SUBJECT
    kind = case.kind
    if kind == "missing":
        pass
    elif kind == "empty":
        subject.write_bytes(b"")
    elif kind == "garbage":
        subject.write_bytes(case.content)
    elif kind == "huge":
        with open(subject, "wb") as handle:  # sparse: no real bytes
            handle.truncate(LIMITS.get(_limit_of(option), 1024**2) + case.size)
    elif kind == "directory":
        subject.mkdir()
    elif kind == "symlink":
        subject.symlink_to(folder / case.target)
    elif kind == "fifo":
        os.mkfifo(subject)
    elif kind == "device":
        return case.device
    elif kind == "certificate":
        shutil.copy(ordinary / "root.pem", subject)
    elif kind == "transcript":
        shutil.copy(ordinary / ("pins.txt" if option.role == "transcript-pins" else "check.txt"),
                    subject)  # fmt: skip
    elif kind == "tally":
        shutil.copy(ordinary / "tally.sqlite3", subject)
        shutil.copy(ordinary / "tally.sqlite3.key", folder / (SUBJECT + ".key"))
    elif kind == "key":
        shutil.copy(ordinary / "key.hex", subject)
    else:  # pragma: no cover
        raise AssertionError(kind)
    return str(subject)


def _limit_of(option: Option) -> str:
    if option.role.startswith("transcript") or option.role == "record":
        return "transcript"
    if option.role in ("log", "report"):
        return "tally"
    return option.role


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry (recursively, links not followed): sha256 of regular files, mtime."""
    shot: dict[str, tuple[str, int]] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".home"]
        for name in dirs + files:
            path = Path(root) / name
            info = path.lstat()
            digest = "-"
            if stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            shot[str(path.relative_to(folder))] = (digest, info.st_mtime_ns)
    return shot


# -- what each input must give --------------------------------------------------------


def _effective_kind(case: Case) -> str:
    """A symlink reads as what it points at (except where links are refused)."""
    if case.kind != "symlink":
        return case.kind
    return {
        "root.pem": "certificate",
        "check.txt": "transcript-check",
        "pins.txt": "transcript-pins",
        "tally.sqlite3": "tally",
    }[case.target]


def _is_key(content: bytes) -> bool:
    text = content.strip()
    if len(text) == 64:
        try:
            bytes.fromhex(text.decode("ascii"))
            return True
        except (UnicodeDecodeError, ValueError):
            pass
    return len(content) == 32


@dataclass(frozen=True)
class Expected:
    codes: frozenset[int]
    #: Entries that may change or appear, if the command succeeded (exit 0).
    writes: frozenset[str] = frozenset()


_TALLY_FILES = ("", "-wal", "-shm", "-journal")


def expected(case: Case, option: Option) -> Expected:
    kind = _effective_kind(case)
    usage = Expected(frozenset({2}))
    role = option.role
    if role == "certificate":
        if kind != "certificate":
            return usage
        if option.name in ("inspect CERT", "inspect --ca"):  # a CA alone: untrusted (14)
            return Expected(CERTIFICATE_VERDICTS)
        return Expected(frozenset({0}))
    if role.startswith("transcript"):
        own = "transcript-check" if role == "transcript-check" else "transcript-pins"
        if case.kind == "transcript" or kind == own:
            return Expected(frozenset({0}))
        if kind.startswith("transcript-"):  # the other command's: a mismatch (exit 1)
            return Expected(frozenset({1}))
        return usage
    if role == "record":
        if case.kind == "missing":
            return Expected(frozenset({0}), frozenset({SUBJECT}))
        if case.kind == "transcript":
            return Expected(frozenset({0}), frozenset({SUBJECT}))
        return usage  # a link, a device, a folder, anything not a transcript
    if role == "log":
        if case.kind in ("missing", "tally"):
            written = {SUBJECT + suffix for suffix in _TALLY_FILES} | {SUBJECT + ".key"}
            return Expected(frozenset({0}), frozenset(written))
        if kind == "tally":  # a link to a tally: followed, or refused
            written = {"tally.sqlite3" + suffix for suffix in _TALLY_FILES}
            return Expected(frozenset({0, 2}), frozenset(written))
        return usage
    if role == "key":
        new_tally = {NEW_TALLY + suffix for suffix in _TALLY_FILES}
        if case.kind == "missing":
            return Expected(frozenset({0}), frozenset(new_tally | {SUBJECT}))
        if case.kind == "key" or (case.kind == "garbage" and _is_key(case.content)):
            return Expected(frozenset({0}), frozenset(new_tally))
        return usage
    if role == "report":
        return Expected(frozenset({0})) if kind == "tally" else usage
    raise AssertionError(role)  # pragma: no cover


# -- the property ---------------------------------------------------------------------

_PROFILE_EXAMPLES = settings().max_examples  # the profile conftest loaded (ci, explore...)


def _every_pair(test: Callable[..., None]) -> Callable[..., None]:
    for option in OPTIONS:
        for kind in KINDS:
            case = Case(option.name, kind, content=b"\x00\xffnot a file we know")
            test = example(case=case)(test)
    return test


@settings(
    # On top of the 168 pairs (126 in this process, 42 in a child): a few generated ones;
    # more when exploring.
    max_examples=10 if _PROFILE_EXAMPLES <= 100 else _PROFILE_EXAMPLES // 10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
@_every_pair
def test_every_file_option_with_every_kind_of_file(
    ordinary_files: Path, child: Child, case: Case
) -> None:
    _run_and_check(ordinary_files, child, case)


def _run_and_check(ordinary_files: Path, child: Child, case: Case) -> None:
    option = BY_NAME[case.option]
    folder = Path(tempfile.mkdtemp(prefix="mynacheck-input-"))
    try:
        subject = _populate(folder, ordinary_files, case, option)
        before = _snapshot(folder)
        argv = option.argv(subject, folder)
        if case.kind in OWN_PROCESS:
            code, output = child.run(argv, folder)
        else:
            code, output = _in_process(argv, folder)
        after = _snapshot(folder)
        want = expected(case, option)
        said = f"{case}\nexit {code}\n{output[-1500:]}"
        assert "Traceback" not in output, said
        assert code in DOCUMENTED, said
        assert code in want.codes, said
        writable = want.writes if code == 0 else frozenset()
        changed = {
            name
            for name in before.keys() | after.keys()
            if before.get(name) != after.get(name) and name not in writable
        }
        assert changed == set(), f"{said}\nchanged: {sorted(changed)}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _in_process(argv: list[str], folder: Path) -> tuple[int, str]:
    """``mynacheck ARGV`` in this process (the folder's environment, an empty stdin):
    its exit code, and stdout, stderr and the traceback of anything it let escape."""
    ran: list[Result] = []
    worker = threading.Thread(
        target=lambda: ran.append(CliRunner().invoke(main, argv, env=_environment(folder))),
        daemon=True,
    )
    worker.start()
    worker.join(TIMEOUT)
    if not ran:
        pytest.fail(f"mynacheck {argv}: still running after {TIMEOUT} s")
    (result,) = ran
    output = result.stdout + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += "".join(traceback.format_exception(result.exception))
    return result.exit_code, output


#: The child's loop: a command line (and the folder's environment) per line in, its exit
#: code and output per line out, run as _in_process runs it here.
_CHILD = """
import json, sys, traceback
from click.testing import CliRunner
from mynacheck.cli import main
for line in sys.stdin:
    argv, env = json.loads(line)
    result = CliRunner().invoke(main, argv, env=env)
    output = result.stdout + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += "".join(traceback.format_exception(result.exception))
    print("\\x1e" + json.dumps([result.exit_code, output]), flush=True)
"""


class Child:
    """A child process (memory-limited) that runs the examples a FIFO could hang or a
    huge read could bloat; one that overruns ``TIMEOUT`` is killed, the next example
    gets a new one."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[str | None] = queue.Queue()

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._answers = answers = queue.Queue()
            process = subprocess.Popen(
                [sys.executable, "-c", _CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                preexec_fn=_bounded_memory,
            )
            threading.Thread(target=_read_answers, args=(process, answers), daemon=True).start()
            self._process = process
        return self._process

    def run(self, argv: list[str], folder: Path) -> tuple[int, str]:
        """``mynacheck ARGV`` in the child: its exit code and output."""
        process = self._started()
        assert process.stdin is not None
        overrides = {k: v for k, v in _environment(folder).items() if os.environ.get(k) != v}
        process.stdin.write(json.dumps([argv, overrides]) + "\n")
        process.stdin.flush()
        said = ""  # anything else the child wrote (a warning, or why it died)
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                line = self._answers.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.close()
                pytest.fail(f"mynacheck {argv}: still running after {TIMEOUT} s\n{said}")
            if line is None:
                self.close()
                pytest.fail(f"mynacheck {argv}: the child process ended\n{said}")
            if line.startswith("\x1e"):
                code, output = json.loads(line[1:])
                return int(code), said + str(output)
            said += line

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(TIMEOUT)
            if self._process.stdin is not None:
                self._process.stdin.close()
            self._process = None


def _read_answers(process: subprocess.Popen[str], answers: queue.Queue[str | None]) -> None:
    """The child's lines into ``answers``, then None at its end."""
    assert process.stdout is not None
    with process.stdout:
        for line in process.stdout:
            answers.put(line)
    answers.put(None)


@pytest.fixture(scope="module")
def child() -> Iterator[Child]:
    runner = Child()
    yield runner
    runner.close()
