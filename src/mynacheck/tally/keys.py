"""The tally's key: 32 random bytes that turn a certificate serial into a card hash.

The key lives in a file beside the database (``<db>.key``, hex) or wherever
``--key-file`` says; counters that share one key file count a card once across
their databases. The database keeps only a *fingerprint* of the key (a hash of
it), so a tally is never written with two keys and a report can tell when
merged tallies used different ones.

A key file is created with mode 0600 on POSIX, only once everything else about
the tally has been checked, and atomically (written to a temporary file, then
hard-linked into place), so two counters starting at once agree on one key.
A key file that other users can read is used, with a :class:`KeyFileExposed`
warning: with the key and a card, anyone can tell whether that card is in the
tally.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import os
import secrets
import stat
import warnings
from pathlib import Path

from ..errors import InputError
from ..userfiles import os_error_reason, read_user_file

KEY_SIZE = 32
_FINGERPRINT_LABEL = b"mynacheck tally key fingerprint v1\x00"


class TallyError(InputError):
    """The tally or its key cannot be opened, read or written; ``key`` names the message."""


class KeyFileExposed(UserWarning):
    """A key file that users other than its owner can read (POSIX mode bits)."""

    key = "tally_key_exposed"

    def __init__(self, path: Path, mode: int) -> None:
        self.path = path
        self.mode = mode
        self.info = {"path": str(path), "mode": f"{mode:03o}"}
        super().__init__(f"the key file {path} can be read by other users (mode {mode:03o})")


def key_path_for(db_path: Path) -> Path:
    """The key file beside a database: ``<db>.key``."""
    return db_path.with_name(db_path.name + ".key")


def key_fingerprint(key: bytes) -> str:
    """A short hash of the key (not the key): equal for equal keys, nothing more."""
    return hashlib.sha256(_FINGERPRINT_LABEL + key).hexdigest()[:16]


def card_hash(key: bytes, serial: str) -> str:
    """HMAC-SHA256(key, serial) in hex; ``serial`` as the report gives it (hex)."""
    normalized = serial.strip().lower().replace(":", "").lstrip("0") or "0"
    return hmac.new(key, normalized.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def read_key(path: Path) -> bytes | None:
    """The key in ``path`` (64 hex digits or 32 raw bytes); ``None`` when there is no file.

    Read as every file the user names is (:func:`userfiles.read_user_file`): a
    folder, a FIFO or a device is refused without waiting, and no more than a
    kilobyte is read. Anything but a key is a :class:`TallyError`.
    """
    try:
        raw = read_user_file(path, "key")
    except InputError as error:
        if error.key == "file_unreadable" and error.info.get("errno") == errno.ENOENT:
            return None
        if error.key == "file_unreadable":
            reason = error.info.get("reason", "")
            raise TallyError("tally_key_unreadable", path=str(path), reason=reason) from None
        raise TallyError(error.key, **error.info) from None
    key = _parse_key(raw)
    if key is None:
        raise TallyError(
            "tally_key_unreadable", path=str(path), reason=f"not a {KEY_SIZE}-byte key"
        )
    with contextlib.suppress(OSError):
        _warn_if_exposed(path, path.stat().st_mode)
    return key


def _parse_key(raw: bytes) -> bytes | None:
    text = raw.strip()
    if len(text) == 2 * KEY_SIZE:
        try:
            return bytes.fromhex(text.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            pass
    if len(raw) == KEY_SIZE:
        return raw
    return None


def _warn_if_exposed(path: Path, mode: int) -> None:
    if os.name == "posix" and mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.warn(KeyFileExposed(path, stat.S_IMODE(mode)), stacklevel=4)


def new_key() -> bytes:
    """A fresh random key (not yet written anywhere)."""
    return secrets.token_bytes(KEY_SIZE)


def create_key_file(path: Path, key: bytes) -> bytes:
    """Write ``key`` to ``path`` (mode 0600) unless a key file appeared there meanwhile.

    Returns the key that is in the file afterwards: ``key``, or the one another
    process wrote first. The folder must exist; nothing else is created.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key.hex() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process won the race: use its key
            except (AttributeError, NotImplementedError, PermissionError):
                # No hard links on this file system: an exclusive rename instead.
                if not path.exists():
                    os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink()
    except OSError as error:
        raise TallyError(
            "tally_key_unreadable", path=str(path), reason=os_error_reason(error)
        ) from None
    written = read_key(path)
    if written is None:
        raise TallyError("tally_key_unreadable", path=str(path), reason="it vanished")
    return written
