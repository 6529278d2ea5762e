"""Files and paths the user hands us: bounded reads and a transcript write that
never replaces anything but a transcript.

Every file option of every command reads through :func:`read_user_file`: one
open file descriptor, looked at with ``fstat`` before a byte is read (no
check-then-open race), refused unless it is a regular file (a FIFO is opened
non-blocking, so looking at it never hangs), and never read past its kind's
limit (a huge or endless file ends at once, never in ``MemoryError``).

``--record`` writes through :func:`check_record_target` (before the card is
touched) and :func:`write_transcript_atomically` (after): a new file, or the
replacement of a regular file that already holds a mynacheck transcript;
never through a symbolic link, never over a tally or any other file.

Every problem is a :class:`~mynacheck.errors.InputError` whose message names
the path (control characters escaped) and never quotes the file's content.
This module sits at the bottom of the layers: it imports only ``errors``.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Literal

from .errors import InputError

FileKind = Literal["certificate", "key", "transcript"]

#: Largest file accepted, by kind. A JPKI certificate is under 2 KiB and a CA
#: file with a few roots under 10 KiB; a key is 32 bytes (65 as hex text); the
#: longest recorded session is a few KiB.
LIMITS: dict[str, int] = {
    "certificate": 64 * 1024,
    "key": 1024,
    "transcript": 1024 * 1024,
}

#: The line that marks a mynacheck transcript (``card/replay.py`` writes it);
#: ``--record`` replaces only a file that holds it.
TRANSCRIPT_HEADER = "# mynacheck transcript 1"
_TRANSCRIPT_MARK = b"# mynacheck transcript "
#: How much of an existing file ``--record`` reads to find the header line.
_HEAD_SIZE = 4096

STDIN_PATH = "-"

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes ours
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CHUNK = 64 * 1024


def display_path(path: str | os.PathLike[str], limit: int = 200) -> str:
    """``path`` fit to print: control characters escaped, at most ``limit`` characters."""
    return excerpt(os.fspath(path), limit)


def excerpt(value: str | bytes, limit: int = 16) -> str:
    """At most ``limit`` characters of ``value``, every non-printable one escaped.

    Errors about a file's content quote only this much, so a message about a
    file that was not ours (``--replay /etc/shadow``) shows no more of it than
    its first few characters, and a terminal escape in it is printed as text.
    """
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    shown: list[str] = []
    for char in value[:limit]:
        if char == "\\" or char.isprintable():
            shown.append(char)
        elif ord(char) < 0x100:
            shown.append(f"\\x{ord(char):02x}")
        else:
            shown.append(f"\\u{ord(char):04x}")
    return "".join(shown) + ("..." if len(value) > limit else "")


def size_text(size: int) -> str:
    """``65536`` -> ``"64 KiB"``: a limit as the messages show it."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


def os_error_reason(error: OSError) -> str:
    """Why an OS call failed, in the system's few words (``strerror``), or the error's
    kind: what every ``reason=`` of a file error says (the words render it, with
    ``errno`` where given, in the user's language)."""
    return error.strerror or type(error).__name__


def read_user_file(
    path: str | os.PathLike[str], kind: FileKind, *, allow_stdin: bool = False
) -> bytes:
    """The bytes of a file the user named, at most ``LIMITS[kind]`` of them.

    With ``allow_stdin`` (only where the command documents ``-``), ``"-"``
    reads standard input, bounded the same way; otherwise ``-`` is a file name.

    Raises :class:`InputError`: ``file_too_large`` (``path``, ``limit`` as text),
    ``not_a_regular_file`` (a folder, FIFO, device, socket) or
    ``file_unreadable`` (``path``, ``reason``; ``info["errno"]`` is the OS
    error number, ``errno.ENOENT`` for a missing file).
    """
    limit = LIMITS[kind]
    if allow_stdin and os.fspath(path) == STDIN_PATH:
        return read_user_stdin(kind)
    return _with_checked_file(path, limit, lambda fd: _read_at_most(fd, limit + 1))


def check_user_file(path: str | os.PathLike[str], kind: FileKind) -> None:
    """What :func:`read_user_file` would refuse, found out now without reading a byte
    (for files read only later, after the card: ``--trust-anchor``)."""
    _with_checked_file(path, LIMITS[kind], lambda fd: b"")


def _with_checked_file(
    path: str | os.PathLike[str], limit: int, read: Callable[[int], bytes]
) -> bytes:
    shown = display_path(path)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as error:
        raise _open_error(path, shown, error) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not_a_regular_file", path=shown)
        if info.st_size > limit:
            raise InputError("file_too_large", path=shown, limit=size_text(limit))
        data = read(fd)
    except OSError as error:
        raise InputError(
            "file_unreadable", path=shown, reason=os_error_reason(error), errno=error.errno
        ) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while we looked, or a size the OS does not report
        raise InputError("file_too_large", path=shown, limit=size_text(limit))
    return data


def read_user_stdin(kind: FileKind, stdin: BinaryIO | None = None) -> bytes:
    """Standard input for a documented ``-``, at most ``LIMITS[kind]`` bytes."""
    if stdin is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError("file_unreadable", path=STDIN_PATH, reason="no standard input")
        stdin = stream
    return _read_stream(stdin, LIMITS[kind])


def _read_stream(stream: BinaryIO, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            chunk = stream.read(min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (OSError, ValueError) as error:  # ValueError: the stream is closed
        reason = os_error_reason(error) if isinstance(error, OSError) else "closed"
        raise InputError("file_unreadable", path=STDIN_PATH, reason=reason) from None
    if size > limit:
        raise InputError("file_too_large", path=STDIN_PATH, limit=size_text(limit))
    return b"".join(chunks)


def _read_at_most(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left > 0:
        try:
            chunk = os.read(fd, min(_CHUNK, left))
        except BlockingIOError:  # cannot happen on a regular file; never spin on it
            break
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _open_error(path: str | os.PathLike[str], shown: str, error: OSError) -> InputError:
    # Windows cannot open a folder as a file (EACCES); a UNIX socket gives ENXIO.
    if isinstance(error, IsADirectoryError) or error.errno == errno.ENXIO:
        return InputError("not_a_regular_file", path=shown)
    if isinstance(error, PermissionError) and os.path.isdir(path):
        return InputError("not_a_regular_file", path=shown)
    return InputError(
        "file_unreadable", path=shown, reason=os_error_reason(error), errno=error.errno
    )


# -- --record ---------------------------------------------------------------------


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_record_target(path: str | os.PathLike[str]) -> None:
    """``--record PATH``, before the card is touched: may we write the transcript there?

    Yes for a new file in a folder we can create files in, or for a regular file
    (not a symbolic link) that already holds a mynacheck transcript and that we
    may write. Anything else is a :class:`InputError`: ``record_symlink``,
    ``not_a_regular_file``, ``record_not_transcript`` or ``record_unwritable``
    (``reason``). The folder is probed by creating and removing a temporary file
    in it, so a read-only folder or file system, a folder owned by someone else
    or a full disk is found out now, not after the card session.
    """
    target = Path(path)
    shown = display_path(target)
    existing = _existing_target(target, shown)
    if existing and not os.access(target, os.W_OK):
        raise InputError("record_unwritable", path=shown, reason=os.strerror(errno.EACCES))
    try:
        fd, probe = tempfile.mkstemp(prefix=".mynacheck-", suffix=".tmp", dir=_folder(target))
    except OSError as error:
        raise InputError("record_unwritable", path=shown, reason=os_error_reason(error)) from None
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass


def _existing_target(target: Path, shown: str) -> bool:
    """True when ``target`` is a transcript we may replace, False when it does not
    exist; a :class:`InputError` for anything else there."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return False
    except OSError as error:  # a parent that is a file, a loop, a name too long
        raise InputError("record_unwritable", path=shown, reason=os_error_reason(error)) from None
    if stat.S_ISLNK(info.st_mode):
        raise InputError("record_symlink", path=shown)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not_a_regular_file", path=shown)
    try:
        head = _read_head(target)
    except OSError as error:
        raise InputError("record_unwritable", path=shown, reason=os_error_reason(error)) from None
    if not _holds_transcript(head):
        raise InputError("record_not_transcript", path=shown)
    return True


def _read_head(target: Path) -> bytes:
    fd = os.open(target, _READ_FLAGS | _NOFOLLOW)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return _read_at_most(fd, _HEAD_SIZE)
    finally:
        os.close(fd)


def _holds_transcript(head: bytes) -> bool:
    """A header line among the leading ``#`` lines of the file's first bytes."""
    for line in head.removeprefix(b"\xef\xbb\xbf").splitlines():
        line = line.strip()
        if line.startswith(_TRANSCRIPT_MARK):
            return True
        if line and not line.startswith(b"#"):
            return False
    return False


def write_transcript_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path``: a temporary file in the same folder, then renamed.

    Checks the target again first (it may have changed during the card
    session). A new file is linked into place, which fails rather than replace
    something created meanwhile; an existing transcript is replaced atomically,
    so a reader never sees half a file. Raises :class:`OSError` (with
    ``strerror`` saying why) and leaves no temporary file behind.
    """
    target = Path(path)
    try:
        existing = _existing_target(target, display_path(target))
    except InputError as error:
        raise FileExistsError(errno.EEXIST, f"not replaced ({error.key})") from None
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=_folder(target))
    try:
        if existing:  # keep the permissions the user gave the file
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if existing:
            os.replace(temporary, target)
        else:
            _link_new(temporary, target)
    finally:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass


def _link_new(temporary: str, target: Path) -> None:
    """Put ``temporary`` at ``target`` unless something is there by now."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise FileExistsError(
            errno.EEXIST, "appeared during the card session; not replaced"
        ) from None
    except OSError:
        # No hard links here (FAT, some network shares): rename, checking first.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "appeared during the card session") from None
        os.replace(temporary, target)


# -- the user's trust anchors ------------------------------------------------------------

#: File name endings of certificate files in the anchors folder.
ANCHOR_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def anchors_folder() -> Path:
    """``anchors`` in the user's configuration directory (platformdirs)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("mynacheck", appauthor=False)) / "anchors"
