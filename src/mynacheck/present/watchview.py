"""The counter screen (``watch``): the framed verdict block, the summary, and the
width rules that keep it straight on any console, cp932 ones included.

What is shown: the verdict, the certificate's expiry date (JST), days left and
the renewal hint. Never the serial, the subject, the certificate fingerprint or
anything else that tells one card holder from another.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..clock import iso_utc
from ..status import CERTIFICATE_STATUSES, Detail, Status
from .messages import NEXT_STEPS, WATCH, Lang, text

if TYPE_CHECKING:
    from ..report import CheckReport

CLEAR_SCREEN = "\x1b[2J\x1b[H"
#: Inner width of the verdict frame, in terminal cells.
FRAME_WIDTH = 68

_RESET = "\x1b[0m"
_GREEN = ("\x1b[32m", "\x1b[1;97;42m")
_RED = ("\x1b[31m", "\x1b[1;97;41m")
_YELLOW = ("\x1b[33m", "\x1b[1;30;43m")
#: Never start a line with these (Japanese line-breaking rules, kinsoku).
_NO_BREAK_BEFORE = frozenset("。、」』)）・ー")

# Frame colour, verdict-line colour and an ASCII mark that says it without colour.
_LOOK: dict[Status, tuple[tuple[str, str], str]] = {
    Status.VALID: (_GREEN, "[OK]"),
    Status.MISSING: (_RED, "[NG]"),
    Status.EXPIRED: (_RED, "[NG]"),
    Status.NOT_YET_VALID: (_YELLOW, "[NG]"),
    Status.INVALID: (_RED, "[NG]"),
    Status.UNTRUSTED: (_RED, "[NG]"),
}
_PROBLEM_LOOK = (_YELLOW, "[??]")


def display_width(value: str) -> int:
    """Terminal cells ``value`` takes: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in value)


def wrap(value: str, width: int) -> list[str]:
    """Wrap to ``width`` cells: at spaces when possible, anywhere in Japanese text."""
    lines: list[str] = []
    current = ""
    for word in _words(value):
        candidate = current + word
        if current and display_width(candidate.rstrip()) > width:
            lines.append(current.rstrip())
            current = word.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def _words(value: str) -> list[str]:
    """Break points: after a space, or between two wide characters."""
    words: list[str] = []
    current = ""
    for ch in value:
        wide = display_width(ch) == 2
        breakable = wide or display_width(current[-1:]) == 2
        if current and breakable and not current.endswith(" ") and ch not in _NO_BREAK_BEFORE:
            words.append(current)
            current = ""
        current += ch
        if ch == " ":
            words.append(current)
            current = ""
    if current:
        words.append(current)
    return words


def spread(word: str) -> str:
    """``VALID`` -> ``V A L I D``, ``有効`` -> ``有 効``: bigger on a plain terminal."""
    return " ".join(word.replace(" ", "  "))


def verdict_word(status: str, lang: Lang) -> str:
    """The short verdict word: 有効 / 証明書なし / ... or VALID / MISSING / ..."""
    key = f"word.{status}"
    return text(WATCH, key if key in WATCH else "word.other", lang)


def _look(status: Status) -> tuple[tuple[str, str], str]:
    return _LOOK.get(status, _PROBLEM_LOOK)


def verdict_lines(report: CheckReport, lang: Lang) -> list[str]:
    """What the block says under the verdict word (no serial, no subject)."""
    status = report.status
    removed = Detail.CARD_REMOVED in report.details
    juki = Detail.TOKEN_JUKI_CARD in report.details
    if status is Status.CARD_ERROR and removed:
        key = "line.card_removed"
    elif juki:
        key = "line.token_juki_card"
    else:
        key = f"line.{status.value}" if f"line.{status.value}" in WATCH else "line.other"
    lines = [text(WATCH, key, lang)]
    cert = report.certificate
    if cert is not None and status in CERTIFICATE_STATUSES:
        expiry = cert.expiry_date  # None: no expiry date on the JST calendar
        if status is Status.NOT_YET_VALID:
            start = cert.valid_from_date
            start_text = start.isoformat() if start else iso_utc(cert.not_before)
            lines.append(text(WATCH, "valid_from", lang, date=start_text))
        if expiry is None:
            lines.append(text(WATCH, "no_expiry", lang))
        elif cert.days_left is None:
            lines.append(text(WATCH, "expiry_date", lang, date=expiry.isoformat()))
        elif cert.days_left >= 0:
            lines.append(text(WATCH, "expiry", lang, date=expiry, days=cert.days_left))
        else:
            lines.append(text(WATCH, "expired_on", lang, date=expiry, days=-cert.days_left))
        if cert.renewal_open and status is Status.VALID:
            lines.append(text(WATCH, "renewal", lang))
    action = f"action.{status.value}"
    if {Detail.CA_UNREADABLE, Detail.CA_UNPARSEABLE} & set(report.details):
        action = "action.ca_unreadable"  # not "is it a test card?"
    if juki:
        action = "action.token_juki_card"
    if status in (Status.CARD_ERROR, Status.NO_CARD, Status.CARD_BUSY):
        lines.append(text(WATCH, "action.retry", lang))
    elif action in WATCH:
        lines.append(text(WATCH, action, lang))
    elif status is Status.INTERNAL_ERROR:
        lines.append(text(NEXT_STEPS, "internal_error", lang))
    return lines


def render_verdict(report: CheckReport, lang: Lang, *, color: bool = False) -> str:
    """The framed verdict block of one card (ASCII frame; colour optional).

    The frame is ASCII and widths count East Asian wide characters as two
    cells, so it lines up on any terminal, cp932 consoles included.
    """
    (frame_color, banner_color), mark = _look(report.status)
    banner = f"{mark}   {spread(verdict_word(report.status.value, lang))}"
    if report.simulated:
        banner += "   " + text(WATCH, "simulated", lang)
    inner = max(FRAME_WIDTH, display_width(banner) + 6)
    renewal = text(WATCH, "renewal", lang)
    body: list[tuple[str, str]] = []  # (text, colour)
    for line in verdict_lines(report, lang):
        tone = _YELLOW[0] if line == renewal else ""
        body += [(part, tone) for part in wrap(line, inner - 6)]

    def row(content: str, tone: str = "") -> str:
        padded = "   " + content + " " * (inner - 3 - display_width(content))
        if not color:
            return f"|{padded}|"
        side = f"{frame_color}|{_RESET}"
        middle = f"{tone}{padded}{_RESET}" if tone else padded
        return f"{side}{middle}{side}"

    edge = "+" + "-" * inner + "+"
    if color:
        edge = f"{frame_color}{edge}{_RESET}"
    lines = [edge, row("", banner_color), row(banner, banner_color), row("", banner_color)]
    lines += [row(part, tone) for part, tone in body] + [row(""), edge]
    return "\n".join(lines)


def render_summary(counts: Mapping[str, int], lang: Lang) -> str:
    """The end-of-session summary: checks by verdict."""
    total = sum(counts.values())
    if not total:
        return text(WATCH, "summary.none", lang)
    lines = [text(WATCH, "summary", lang, n=total)]
    words = {status: verdict_word(status, lang) for status in counts}
    width = max(display_width(word) for word in words.values())
    for status, n in _in_order(counts):
        word = words[status]
        lines.append(f"  {word}{' ' * (width - display_width(word))}  {n:>5}")
    return "\n".join(lines)


def _in_order(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    order = [status.value for status in Status]
    return sorted(counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)
