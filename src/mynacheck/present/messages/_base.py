"""The shared helpers of :mod:`mynacheck.present.messages` (languages, ``text()``).

A leaf: it imports none of the area modules at load, so the area modules may
import from it while another thread loads a sibling.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, Literal

Lang = Literal["ja", "en"]


def checked_lang(value: str) -> Lang:
    """``value`` as a :data:`Lang`; ValueError for anything but "ja" and "en"."""
    if value == "ja":
        return "ja"
    if value == "en":
        return "en"
    raise ValueError(f"unknown language {value!r}: use 'ja' or 'en'")


def text(table: dict[str, tuple[str, str]], key: str, lang: Lang, **values: Any) -> str:
    """The ``lang`` text for ``key``, filled in; the key itself if unknown (never crashes)."""
    pair = table.get(key)
    if pair is None:
        return key
    template = pair[0] if lang == "ja" else pair[1]
    if lang == "ja" and "reason" in values:  # never the OS's English in Japanese
        values["reason"] = reason_text(values["reason"], values.get("errno"), lang)
    try:
        return _PLURAL.sub(lambda m: _plural(m, values), template).format(**values)
    except (KeyError, IndexError, ValueError):
        return template


#: ``{n:check|checks}``: the singular for 1, the plural otherwise, so English never
#: says "1 tries left"; every other field formats as usual.
_PLURAL = re.compile(r"\{(\w+):([^{}|]*)\|([^{}]*)\}")


def _plural(match: re.Match[str], values: dict[str, Any]) -> str:
    return match.group(2) if values.get(match.group(1)) == 1 else match.group(3)


def usage_text(key: str, lang: Lang, info: dict[str, Any]) -> str:
    """A usage error's message, lists in ``info`` (reader names, ...) joined; with
    ``info["close"]`` (the nearest of the choices) the ``KEY.close`` wording, which
    asks "did you mean ...?"."""
    flat = {
        k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in info.items()
    }
    from .usage import USAGE

    if "close" in flat and f"{key}.close" in USAGE:
        key = f"{key}.close"
    return text(USAGE, key, lang, **flat)


#: Japanese words for the OS errors a user meets with files and folders. English
#: output keeps the OS's own text (``strerror``), which is also what the log shows.
OS_ERRORS_JA: dict[str, str] = {
    "ENOENT": "ファイルかフォルダーがありません",
    "EACCES": "アクセスする権限がありません",
    "EPERM": "この操作は許可されていません",
    "EISDIR": "ファイルではなくフォルダーです",
    "ENOTDIR": "途中にフォルダーではないものがあります",
    "ENOSPC": "ディスクの空きがありません",
    "EDQUOT": "使えるディスク容量の上限を超えました",
    "EROFS": "読み取り専用の場所です",
    "ELOOP": "シンボリックリンクが多すぎるか、循環しています",
    "ENAMETOOLONG": "名前が長すぎます",
    "EEXIST": "同じ名前のものがすでにあります",
    "EBUSY": "使用中です",
    "ETXTBSY": "使用中です",
    "EIO": "読み書きの途中で装置のエラーが起きました",
    "ENXIO": "装置がありません",
    "ENODEV": "装置がありません",
    "EMFILE": "開いているファイルが多すぎます",
    "ENFILE": "開いているファイルが多すぎます",
    "EINVAL": "名前か操作が正しくありません",
    "EFBIG": "ファイルが大きすぎます",
    "EXDEV": "別のドライブには移せません",
    "EAGAIN": "一時的に使えません",
    "EPIPE": "出力先が閉じられました",
    "EBADF": "閉じられています",
    "ETIMEDOUT": "時間切れです",
    "ECONNREFUSED": "接続を拒否されました",
    "ENETUNREACH": "ネットワークに届きません",
    "EHOSTUNREACH": "相手に届きません",
}


#: Reasons the tool and SQLite give in English words (no error number), in Japanese.
REASONS_JA: dict[str, str] = {
    "not found": "ファイルかフォルダーがありません",
    "closed": "閉じられています",
    "stdout is closed": "標準出力が閉じられています",
    "no standard input": "標準入力がありません",
    "it vanished": "作った直後に消えました",
    "database is locked": "他のプログラムが使用中です",
    "database table is locked": "他のプログラムが使用中です",
    "disk I/O error": "読み書きの途中で装置のエラーが起きました",
    "database or disk is full": "ディスクの空きがありません",
    "attempt to write a readonly database": "読み取り専用です",
    "unable to open database file": "ファイルを開けません",
    "file is not a database": "データベースのファイルではありません",
    "database disk image is malformed": "ファイルが壊れています",
}


def reason_text(reason: Any, code: Any, lang: Lang) -> str:
    """Why something failed, as a message's ``{reason}``. English: as given (the OS's
    own text). Japanese: words for the OS error (``code``: its number or name; else
    the number or the OS's text found in ``reason``: ``OS_ERRORS_JA``, or the error's
    name), or for a known English reason (``REASONS_JA``); other text as given."""
    if lang != "ja":
        return str(reason)
    name = errno_name(code) if code is not None else errno_name(str(reason))
    if name is not None:
        return OS_ERRORS_JA.get(name) or f"OS のエラー ({name})"
    said = str(reason).strip()
    return REASONS_JA.get(said, said)


_ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\]")


def errno_name(code: Any) -> str | None:
    """``ENOENT`` for 2, ``"ENOENT"``, ``"[Errno 2] ..."`` or the OS's text for it
    (``"No such file or directory"``); None for anything else."""
    import errno

    if isinstance(code, int):
        return errno.errorcode.get(code)
    if not isinstance(code, str) or not code:
        return None
    if code in errno.__dict__ and code.startswith("E"):
        return code
    found = _ERRNO_IN_TEXT.search(code)
    if found:
        return errno.errorcode.get(int(found.group(1)))
    for name in OS_ERRORS_JA:  # the OS's own text, as strerror gave it
        number = getattr(errno, name, None)
        if number is not None and os.strerror(number) == code:
            return name
    return None


def os_reason(error: BaseException | None, lang: Lang) -> str:
    """:func:`reason_text` for an exception: an :class:`OSError`'s number and text,
    else the exception's kind."""
    if isinstance(error, OSError):
        return reason_text(error.strerror or type(error).__name__, error.errno, lang)
    if lang == "ja":
        return "予期しないエラー"
    return type(error).__name__ if error is not None else "unknown error"


def detect_language(environ: dict[str, str] | None = None) -> Lang:
    """Japanese when the locale or Windows UI language is Japanese or unknown, else English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(name, "")
        if value:
            code = value.split(":")[0].split(".")[0].split("_")[0].lower()
            if code in ("c", "posix", ""):
                continue
            return "ja" if code == "ja" else "en"
    if sys.platform == "win32" and environ is None:
        try:
            import ctypes

            lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return "ja"
        return "ja" if lang_id & 0x3FF == 0x11 else "en"
    return "ja"
