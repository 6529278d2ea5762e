"""The report's files (``report --csv FILE``, ``--xlsx FILE``, ``--html FILE``): checked
before any tally is read, written whole.

One rule for every report file (``--chart``'s pictures included, :mod:`.chart`): a new
file, or the replacement of a file of the same kind (a CSV text, an Excel workbook, an
HTML page, a PNG or SVG picture, or an empty file); never any other file, never through
a symbolic link, never anything but a regular file. The file is written beside its
place and renamed over it, so that nobody (Excel with the old file open included) ever
sees half of one.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib
import os
import secrets
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

_HEAD_SIZE = 4096


@dataclass(frozen=True)
class FileKind:
    """One kind of report file: its option, the suffixes it takes, how to tell an
    earlier file of the same kind, and the optional extra that writes it."""

    option: str
    suffixes: tuple[str, ...]
    looks_like: Callable[[Path, bytes], bool]
    #: ``(module, usage error key)``: the library that writes this kind, when it is an
    #: optional extra; missing, it is said before any tally is read.
    needs: tuple[str, str] | None = None
    #: The usage errors' keys (``--chart`` keeps its own: ``chart_bad_suffix``, ...).
    bad_suffix: str = "output_bad_suffix"
    not_replaced: str = "output_not_replaced"
    write_failed: str = "output_write_failed"


def _is_text(path: Path, head: bytes) -> bool:
    """UTF-8 text (a BOM allowed) without NUL bytes: never a tally, a workbook, a picture."""
    if b"\0" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _is_workbook(path: Path, head: bytes) -> bool:
    """A zip holding ``xl/workbook.xml``: an Excel workbook (ours or anyone's)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _is_page(path: Path, head: bytes) -> bool:
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) and _is_text(path, head)


CSV = FileKind("--csv", (".csv",), _is_text)
XLSX = FileKind("--xlsx", (".xlsx",), _is_workbook, ("xlsxwriter", "xlsx_needs_xlsxwriter"))
HTML = FileKind("--html", (".html", ".htm"), _is_page)


def has_suffix(path: Path, kind: FileKind) -> bool:
    return path.suffix.lower() in kind.suffixes


def check_target(path: Path, kind: FileKind) -> None:
    """Before any work: ``path`` takes ``kind``'s suffix, the extra that writes ``kind`` is
    installed, the folder exists, and ``path`` is new or an earlier file of that kind
    (``kind``'s ``bad_suffix``, its ``needs`` key, ``tally_folder_missing``, ``kind``'s
    ``not_replaced``, ``not_a_regular_file``, ``kind``'s ``write_failed``)."""
    if not has_suffix(path, kind):
        suffixes = " / ".join(kind.suffixes)
        raise InputError(kind.bad_suffix, option=kind.option, path=str(path), suffixes=suffixes)
    if kind.needs is not None:
        module, key = kind.needs
        try:
            importlib.import_module(module)
        except ImportError:
            raise InputError(key) from None
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("tally_folder_missing", path=str(path), folder=str(folder))
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise InputError(kind.write_failed, path=str(path), reason=str(error)) from None
    if stat.S_ISLNK(info.st_mode):
        raise InputError(kind.not_replaced, option=kind.option, path=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not_a_regular_file", path=str(path))
    if info.st_size == 0:
        return
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_SIZE)
    except OSError as error:
        raise InputError(kind.write_failed, path=str(path), reason=str(error)) from None
    if not kind.looks_like(path, head):
        raise InputError(kind.not_replaced, option=kind.option, path=str(path))


def write_whole(
    path: Path, data: bytes | Callable[[Path], None], kind: FileKind | None = None
) -> None:
    """Write ``data`` (bytes, or a function that writes the file it is given) beside
    ``path`` and rename it over ``path``; a failure is ``kind``'s ``write_failed``."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        if isinstance(data, bytes):
            with open(temporary, "xb") as handle:
                handle.write(data)
        else:
            data(temporary)
        os.replace(temporary, path)
    except OSError as error:
        key = kind.write_failed if kind else "output_write_failed"
        raise InputError(key, path=str(path), reason=str(error)) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
