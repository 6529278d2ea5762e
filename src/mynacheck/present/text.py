"""Human text for a report, in Japanese or English. The result goes to stdout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..clock import JST
from ..status import Detail, Status
from .messages import DETAILS, HEADLINES, LABELS, NEXT_STEPS, Lang, text

if TYPE_CHECKING:
    from ..report import CheckReport

# Details already said by the headline or a labelled line: not repeated as notes.
_SAID_ELSEWHERE = frozenset(
    {
        Detail.PIN_NOT_CHECKED,
        Detail.KEY_NOT_PROVEN,
        Detail.REVOCATION_NOT_CHECKED,
        Detail.SIMULATED,
    }
)


def headline(report: CheckReport, lang: Lang) -> str:
    tries = report.pin.tries_left if report.pin.tries_left is not None else "?"
    return text(HEADLINES, report.status.value, lang, tries=tries)


def render_text(report: CheckReport, lang: Lang, *, check_lines: bool = True) -> str:
    """The whole human report: verdict first, then the facts, then what to do.

    ``check_lines=False`` (commands other than check and inspect that end in a
    problem: readers, pin-status) leaves out the PIN, key and revocation lines.
    """
    lines = []
    first = headline(report, lang)
    if report.simulated:
        first = f"{text(LABELS, 'simulated', lang)} {first}"
    lines.append(first)
    if report.reader:
        lines.append(f"  {text(LABELS, 'reader', lang)}: {report.reader}")
    cert = report.certificate
    if cert is not None:
        expiry = cert.not_after.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")
        if cert.days_left >= 0:
            left = text(LABELS, "days_left", lang, days=cert.days_left)
        else:
            left = text(LABELS, "days_ago", lang, days=-cert.days_left)
        lines.append(f"  {text(LABELS, 'expiry', lang)}: {expiry} ({left})")
        if report.status is Status.NOT_YET_VALID:
            start = cert.not_before.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")
            lines.append(f"  {text(LABELS, 'valid_from', lang)}: {start}")
        lines.append(f"  {text(LABELS, 'renewal_opens', lang)}: {cert.renewal_opens.isoformat()}")
        trust_key = f"trust.{cert.trust.value}" if cert.trust is not None else "trust.none"
        trust = text(LABELS, trust_key, lang, gen=cert.ca_generation or "?")
        lines.append(f"  {text(LABELS, 'issuer', lang)}: {trust}")
    if check_lines:
        lines.append(f"  {text(LABELS, 'pin', lang)}: {_pin_line(report, lang)}")
        lines.append(f"  {text(LABELS, 'key', lang)}: {_key_line(report, lang)}")
        revocation = text(LABELS, "revocation.value", lang)
        lines.append(f"  {text(LABELS, 'revocation', lang)}: {revocation}")
    notes = [text(DETAILS, d.value, lang) for d in report.details if d not in _SAID_ELSEWHERE]
    if report.contactless and report.status is Status.CARD_ERROR:
        notes.append(text(DETAILS, Detail.CONTACTLESS_READER.value, lang))
    for key in ("sw", "pcsc_error"):
        if key in report.info:
            notes.append(f"{text(LABELS, 'info.' + key, lang)}: {report.info[key]}")
    if notes:
        lines.append(f"{text(LABELS, 'notes', lang)}:")
        lines += [f"  - {note}" for note in notes]
    if report.status is not Status.VALID and report.status.value in NEXT_STEPS:
        lines.append(f"{text(LABELS, 'next', lang)}:")
        lines.append(f"  {text(NEXT_STEPS, report.status.value, lang)}")
    return "\n".join(lines)


def _pin_line(report: CheckReport, lang: Lang) -> str:
    pin = report.pin
    if pin.blocked:
        return text(LABELS, "pin.blocked", lang)
    if not pin.checked:
        return text(LABELS, "pin.not_checked", lang)
    parts = []
    if pin.verified:
        parts.append(text(LABELS, "pin.verified", lang))
    if pin.tries_left is not None:
        parts.append(text(LABELS, "pin.tries", lang, tries=pin.tries_left))
    return ("、" if lang == "ja" else ", ").join(parts) or text(LABELS, "pin.not_checked", lang)


def _key_line(report: CheckReport, lang: Lang) -> str:
    proof = report.key_proof
    if not proof.performed:
        return text(LABELS, "key.not", lang)
    return text(LABELS, "key.ok" if proof.ok else "key.bad", lang)
