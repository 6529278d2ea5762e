"""A finished report in the window's words: no Qt here, and no decisions.

The verdict is the report's ``status`` as the library gave it; this module only
chooses the words (from :mod:`mynacheck.present`), the tone (colour and icon)
and the order of the lines. Never the serial, the subject or anything else that
tells one holder from another.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mynacheck import Status
from mynacheck.clock import iso_utc
from mynacheck.present.gui_messages import DETAILS_GUI, GUI, NEXT_STEPS_GUI
from mynacheck.present.messages import DETAILS, LABELS, NEXT_STEPS, WATCH, Lang, text
from mynacheck.present.text import headline, info_notes, key_line, next_step_key, pin_line
from mynacheck.present.watchview import verdict_lines, verdict_word

if TYPE_CHECKING:
    from mynacheck import CheckReport

Tone = Literal["ok", "bad", "warn", "info"]
_log = logging.getLogger(__name__)

_BAD = frozenset(
    {
        Status.MISSING,
        Status.EXPIRED,
        Status.INVALID,
        Status.UNTRUSTED,
        Status.PIN_BLOCKED,
        Status.NOT_MYNUMBER_CARD,
    }
)
# Said by the verdict or by a labelled row: not repeated as a note.
_SAID_ELSEWHERE = frozenset(
    {
        "pin_not_checked",
        "key_not_proven",
        "revocation_not_checked",
        "simulated",
        "renewal_open",
        "pin_skipped_certificate_not_valid",
        "jpki_ap_not_found",  # the not_mynumber_card sentence says it
        "cert_file_not_found",  # the missing sentence says it
    }
)


def tone(status: Status) -> Tone:
    """Green with a tick, red with a cross, amber with "!": never colour alone."""
    if status is Status.VALID:
        return "ok"
    if status in _BAD:
        return "bad"
    return "warn"


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    #: Drawn with an amber mark: the renewal window, few tries left.
    attention: bool = False


@dataclass(frozen=True)
class Verdict:
    """Everything the window shows for one finished check."""

    status: str
    tone: Tone
    word: str
    sentence: str
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    next_step: str | None
    simulated: bool

    def spoken(self) -> str:
        """One line for a screen reader: the word, then the sentence."""
        return f"{self.word}. {self.sentence}"


def describe(report: CheckReport, lang: Lang, *, with_pin: bool = True) -> Verdict:
    """The words for ``report``; ``with_pin`` False for the counter (no PIN rows)."""
    status = report.status
    rows: list[Row] = []
    cert = report.certificate
    if cert is not None:
        rows += _certificate_rows(report, lang)
    if with_pin:
        rows.append(Row(text(LABELS, "pin", lang), pin_line(report, lang), _few_tries(report)))
        rows.append(Row(text(LABELS, "key", lang), key_line(report, lang)))
    if cert is not None:
        rows.append(Row(text(LABELS, "revocation", lang), text(LABELS, "revocation.value", lang)))
    notes = [
        text(DETAILS_GUI if d.value in DETAILS_GUI else DETAILS, d.value, lang)
        for d in report.details
        if d.value not in _SAID_ELSEWHERE
    ]
    # The card's status words, a PC/SC error, a token label: for the help desk, not
    # the screen (plain words there); they go to the diagnostic log.
    sentence = _sentence(report, lang)
    notes = [note for note in notes if _bare(note) != _bare(sentence)]  # said once
    technical = info_notes(report, "en")
    if technical:
        _log.info("check %s: %s", status.value, "; ".join(technical))
    return Verdict(
        status=status.value,
        tone=tone(status),
        word=verdict_word(status.value, lang),
        sentence=sentence,
        rows=tuple(rows),
        notes=tuple(notes),
        next_step=next_step(report, lang),
        simulated=report.simulated,
    )


def _bare(words: str) -> str:
    return words.strip().rstrip("。.").lower()


def _sentence(report: CheckReport, lang: Lang) -> str:
    """One sentence under the verdict word: the counter's line where it has one (it
    does not repeat the word), else the CLI's headline."""
    lines = verdict_lines(report, lang)
    status = report.status.value
    if lines and (f"line.{status}" in WATCH or status == "card_error"):
        return lines[0]
    return headline(report, lang)


def next_step(report: CheckReport, lang: Lang) -> str | None:
    """What to do next (as ``check`` chooses it), worded for the window; None for valid."""
    key = next_step_key(report)
    if key is None:
        return None
    return text(NEXT_STEPS_GUI if key in NEXT_STEPS_GUI else NEXT_STEPS, key, lang)


def _certificate_rows(report: CheckReport, lang: Lang) -> list[Row]:
    """Expiry (JST date, days), start when not yet valid, renewal, issuer: any date
    RFC 5280 allows shows (no expiry; ISO 8601 UTC where JST has no date)."""
    cert = report.certificate
    assert cert is not None
    status = report.status
    rows = []
    expiry = cert.expiry_date
    if expiry is None:
        value = text(LABELS, "no_expiry", lang, utc=iso_utc(cert.not_after))
    elif cert.days_left is None:
        value = expiry.isoformat()
    elif cert.days_left >= 0:
        value = f"{expiry.isoformat()} ({text(LABELS, 'days_left', lang, days=cert.days_left)})"
    else:
        value = f"{expiry.isoformat()} ({text(LABELS, 'days_ago', lang, days=-cert.days_left)})"
    rows.append(Row(text(LABELS, "expiry", lang), value))
    if status is Status.NOT_YET_VALID:
        start = cert.valid_from_date
        start_text = start.isoformat() if start else iso_utc(cert.not_before)
        rows.append(Row(text(LABELS, "valid_from", lang), start_text))
    if cert.renewal_opens is not None:
        opens = cert.renewal_opens
        renewal = f"{opens.year:04d}-{opens.month:02d}-{opens.day:02d}"
        attention = bool(cert.renewal_open and status is Status.VALID)
        if attention:
            renewal = f"{renewal} - {text(WATCH, 'renewal', lang)}"
        rows.append(Row(text(LABELS, "renewal_opens", lang), renewal, attention))
    trust_key = f"trust.{cert.trust.value}" if cert.trust is not None else "trust.none"
    issuer = text(LABELS, trust_key, lang, gen=cert.ca_generation or "?")
    rows.append(Row(text(LABELS, "issuer", lang), issuer))
    return rows


def tries_text(tries_left: int | None, lang: Lang) -> str:
    if tries_left is None:
        return text(GUI, "tries.unknown", lang)
    if tries_left == 1:
        return text(GUI, "tries.last", lang)
    return text(GUI, "tries.value", lang, tries=tries_left)


def _few_tries(report: CheckReport) -> bool:
    tries = report.pin.tries_left
    return report.pin.blocked or (tries is not None and tries < 3 and not report.pin.verified)
