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
    """A usage error's message, lists in ``info`` (reader names, ...) joined."""
    flat = {
        k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in info.items()
    }
    from .usage import USAGE

    return text(USAGE, key, lang, **flat)


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
