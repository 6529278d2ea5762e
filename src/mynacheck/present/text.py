"""Human text for a report, in Japanese or English. The result goes to stdout."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..clock import JST, iso_utc
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
        Detail.JPKI_AP_NOT_FOUND,  # the not_mynumber_card headline says it
    }
)


def headline(report: CheckReport, lang: Lang) -> str:
    tries = report.pin.tries_left if report.pin.tries_left is not None else "?"
    key = report.status.value
    for detail in _HEADLINE_BY_DETAIL:
        if detail in report.details:
            key = detail.value
    return text(HEADLINES, key, lang, tries=tries)


#: Details that say more than their status's headline (a 住基カード is a JPKI card).
_HEADLINE_BY_DETAIL = (Detail.TOKEN_JUKI_CARD,)


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
        lines += _certificate_lines(report, lang)
    if check_lines:
        lines.append(f"  {text(LABELS, 'pin', lang)}: {pin_line(report, lang)}")
        lines.append(f"  {text(LABELS, 'key', lang)}: {key_line(report, lang)}")
        revocation = text(LABELS, "revocation.value", lang)
        lines.append(f"  {text(LABELS, 'revocation', lang)}: {revocation}")
    notes = [text(DETAILS, d.value, lang) for d in report.details if d not in _SAID_ELSEWHERE]
    if report.contactless and report.status is Status.CARD_ERROR:
        notes.append(text(DETAILS, Detail.CONTACTLESS_READER.value, lang))
    notes += info_notes(report, lang)
    if notes:
        lines.append(f"{text(LABELS, 'notes', lang)}:")
        lines += [f"  - {note}" for note in notes]
    step = next_step_key(report)
    if step is not None:
        lines.append(f"{text(LABELS, 'next', lang)}:")
        lines.append(f"  {text(NEXT_STEPS, step, lang)}")
    return "\n".join(lines)


def info_notes(report: CheckReport, lang: Lang) -> list[str]:
    """The ``info`` entries worth a note: the card's answer, the PC/SC error, and the
    token label of whatever is not a My Number Card (an unknown card's own words)."""
    keys: tuple[str, ...] = ("token", "sw", "token_sw", "pcsc_error")
    if report.status is Status.MISSING:
        keys = keys[1:]  # JPKIAPICCTOKEN2: the My Number Card it was assumed to be
    return [
        f"{text(LABELS, 'info.' + key, lang)}: {report.info[key]}"
        for key in keys
        if key in report.info
    ]


# A detail that explains the verdict better than the status does picks the next step.
_STEP_BY_DETAIL = (
    (Detail.CA_UNREADABLE, "ca_unreadable"),
    (Detail.CA_UNPARSEABLE, "ca_unreadable"),
    (Detail.TRUST_TEST_CARD, "trust_test_card"),
    (Detail.TRUST_SIMULATOR_ROOT, "trust_simulator_root"),
)


def next_step_key(report: CheckReport) -> str | None:
    """The NEXT_STEPS key of what to do after ``report``; None for ``valid``."""
    if report.status is Status.VALID:
        return None
    if Detail.TOKEN_JUKI_CARD in report.details:
        return Detail.TOKEN_JUKI_CARD.value
    if report.status is Status.UNTRUSTED:
        for detail, key in _STEP_BY_DETAIL:
            if detail in report.details:
                return key
    return report.status.value if report.status.value in NEXT_STEPS else None


def _certificate_lines(report: CheckReport, lang: Lang) -> list[str]:
    """Expiry, start (when not yet valid), renewal and issuer. Any date RFC 5280
    allows prints: "no expiry" without a JST expiry date, ISO 8601 UTC for a
    moment JST cannot show (after 9999-12-31 15:00 UTC), four-digit years always."""
    cert = report.certificate
    assert cert is not None
    lines = []
    expiry_day = cert.expiry_date
    if expiry_day is None:
        lines.append(f"  {text(LABELS, 'no_expiry', lang, utc=iso_utc(cert.not_after))}")
    else:
        expiry = _jst_minute(cert.not_after)
        if cert.days_left is None:
            lines.append(f"  {text(LABELS, 'expiry', lang)}: {expiry}")
        else:
            if cert.days_left >= 0:
                left = text(LABELS, "days_left", lang, days=cert.days_left)
            else:
                left = text(LABELS, "days_ago", lang, days=-cert.days_left)
            lines.append(f"  {text(LABELS, 'expiry', lang)}: {expiry} ({left})")
    if report.status is Status.NOT_YET_VALID:
        lines.append(f"  {text(LABELS, 'valid_from', lang)}: {_jst_minute(cert.not_before)}")
    if cert.renewal_opens is not None:
        opens = cert.renewal_opens
        day = f"{opens.year:04d}-{opens.month:02d}-{opens.day:02d}"
        lines.append(f"  {text(LABELS, 'renewal_opens', lang)}: {day}")
    trust_key = f"trust.{cert.trust.value}" if cert.trust is not None else "trust.none"
    trust = text(LABELS, trust_key, lang, gen=cert.ca_generation or "?")
    lines.append(f"  {text(LABELS, 'issuer', lang)}: {trust}")
    return lines


def _jst_minute(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM JST``; ISO 8601 UTC when JST would be past year 9999."""
    try:
        local = moment.astimezone(JST)
    except (OverflowError, ValueError):
        return iso_utc(moment)
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d} "
        f"{local.hour:02d}:{local.minute:02d} JST"
    )


def pin_line(report: CheckReport, lang: Lang) -> str:
    """What the PIN line says: blocked, not checked, verified, tries left."""
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


def key_line(report: CheckReport, lang: Lang) -> str:
    """What the key line says: not proven, proven, or does not match."""
    proof = report.key_proof
    if not proof.performed:
        return text(LABELS, "key.not", lang)
    return text(LABELS, "key.ok" if proof.ok else "key.bad", lang)
