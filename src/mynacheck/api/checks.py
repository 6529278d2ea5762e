"""The public API, part 2: the check, PIN tries, a certificate file, the words."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import JST
from ..pin import FixedPin, PinSource
from ..report import CheckReport, KeyProof, PinReport
from ..status import Detail, Status
from ._types import AnchorLike, PathLike
from .cards import Card

if TYPE_CHECKING:
    from ..present.messages import Lang

# -- the check -------------------------------------------------------------------------


def check_card(
    card: Card,
    *,
    pin: str | PinSource | None = None,
    allow_last_try: bool = False,
    at: datetime | date | None = None,
    trust_anchors: Iterable[AnchorLike] = (),
) -> CheckReport:
    """Check the card's 利用者証明用電子証明書; with ``pin``, the PIN and the key too.

    Card state: a card held by :func:`open_card`; no PIN verified. Reads EF 000A
    and EF 000B (3 APDUs without a PIN), evaluates, and only for a valid
    certificate asks the tries left, then the PIN (``str``: checked before the
    card; :class:`PinSource`: asked once the tries are known), then proves the
    key. A blocked PIN is never sent; the last try is refused (``pin_last_try``)
    unless ``allow_last_try`` or the source's ``confirm_last_try()`` says yes.
    Returns a report for every card outcome; raises ``InputError`` (malformed
    PIN string, unusable anchor file) or ``Cancelled`` (the source gave up),
    sending nothing in either case.
    """
    from ..check import CheckOptions, run_check

    source: PinSource | None
    source = FixedPin(pin) if isinstance(pin, str) else pin
    anchors = _AnchorInputs(trust_anchors)
    _preload_in_background(
        "mynacheck.evaluate", "platformdirs", "mynacheck.present.text", "mynacheck.present.json"
    )
    options = CheckOptions(
        at=_moment(at),
        use_pin=source is not None,
        allow_last_try=allow_last_try,
        anchor_loader=anchors.load,
        challenge_digest=card.replay.recorded_digest() if card.replay is not None else None,
    )
    report = run_check(card.connection, options, source)
    if card.replay is not None and report.status is not Status.INTERNAL_ERROR:
        left = card.replay.leftover()
        if left:
            report = _with(report, Status.INTERNAL_ERROR, Detail.TRANSCRIPT_LEFTOVER, leftover=left)
    return report


@dataclass(frozen=True, kw_only=True)
class PinInfo:
    """One PIN of the card: ``name`` as in ``pin-status --json`` (``jpki_auth``, ...)."""

    name: str
    available: bool
    tries_left: int | None
    max_tries: int | None
    blocked: bool
    verified: bool


def read_pin_statuses(card: Card) -> list[PinInfo]:
    """Tries left on every PIN the card has, spending none (VERIFY without data).

    Card state: a card held by :func:`open_card`. Raises
    ``NotMyNumberCardError`` without the JPKI application, ``CardError`` when
    the card stops answering.
    """
    from ..card.apdu import ApduProtocol
    from ..card.jpki import JpkiSession
    from ..card.profile import MY_NUMBER_CARD
    from ..pinstatus import all_pin_statuses

    rows = all_pin_statuses(JpkiSession(ApduProtocol(card.connection)), MY_NUMBER_CARD)
    return [
        PinInfo(
            name=row.reference.key,
            available=row.available,
            tries_left=row.tries_left,
            max_tries=row.reference.max_tries,
            blocked=row.blocked,
            verified=row.verified,
        )
        for row in rows
    ]


def inspect_certificate(
    cert: bytes | PathLike,
    *,
    ca: bytes | PathLike | None = None,
    at: datetime | date | None = None,
    trust_anchors: Iterable[AnchorLike] = (),
) -> CheckReport:
    """Evaluate a certificate file or its bytes (DER or PEM) as ``check`` would.

    With ``ca`` the chain and trust are checked; without it they are not, and a
    would-be ``valid`` is ``untrusted`` (``chain_not_checked``). Raises
    ``InputError`` for a file that cannot be read or holds no certificate.
    """
    from ..evaluate import evaluate

    moment = _moment(at)
    anchors = _AnchorInputs(trust_anchors)
    evaluation = evaluate(
        _certificate_bytes(cert),
        at=moment,
        ca_der=_certificate_bytes(ca) if ca is not None else None,
        check_chain=ca is not None,
        anchors=anchors.load(),
    )
    status = evaluation.status
    if status is Status.VALID and ca is None:
        status = Status.UNTRUSTED  # nothing vouched for the issuer
    return CheckReport(
        status=status,
        certificate=evaluation.certificate,
        details=(
            *evaluation.details,
            Detail.PIN_NOT_CHECKED,
            Detail.KEY_NOT_PROVEN,
            *([Detail.REVOCATION_NOT_CHECKED] if evaluation.certificate else []),
        ),
        evaluated_at=moment,
        pin=PinReport(),
        key_proof=KeyProof(),
    )


def render_text(report: CheckReport, lang: str = "ja") -> str:
    """The report as ``check`` prints it, in ``"ja"`` or ``"en"`` (ValueError otherwise)."""
    from ..present.messages import checked_lang
    from ..present.text import render_text as render

    return render(report, checked_lang(lang))


def render_json(report: CheckReport, lang: str = "ja") -> dict[str, Any]:
    """The object ``check --json --lang LANG`` prints for ``report`` (README "JSON
    fields"), ``message`` in ``"ja"`` or ``"en"`` (ValueError otherwise)."""
    from ..present.json import report_json
    from ..present.messages import checked_lang
    from ..present.text import headline

    return report_json(report, headline(report, checked_lang(lang)))


class _UserAnchors:
    """The certificate files in the user's anchors folder, listed when iterated."""

    def __iter__(self) -> Iterator[Path]:
        from ..userfiles import ANCHOR_SUFFIXES, anchors_folder

        folder = anchors_folder()
        if not folder.is_dir():
            return iter(())
        return iter(sorted(p for p in folder.iterdir() if p.suffix.lower() in ANCHOR_SUFFIXES))

    def __repr__(self) -> str:
        return "user_trust_anchors()"


def user_trust_anchors() -> Iterable[Path]:
    """The anchors folder's certificate files (for private test roots), for
    ``trust_anchors=``. Listed lazily, when the check needs them."""
    return _UserAnchors()


def simulated_scenarios(lang: Lang = "en") -> dict[str, str]:
    """The simulated card's scenarios: name -> one line in ``lang`` (English unless
    told). A scenario whose root must be given as a trust anchor names the file where
    it really is."""
    from ..present.messages import LABELS, SCENARIOS_JA, checked_lang, text
    from ..simcard.fixtures import data_file
    from ..simcard.scenarios import SCENARIOS

    lang = checked_lang(lang)
    described = {}
    for name, scenario in SCENARIOS.items():
        line = scenario.description if lang == "en" else SCENARIOS_JA[name]
        if scenario.trust_anchor:
            root = text(LABELS, "scenario.root", lang, path=data_file(scenario.trust_anchor))
            line += (" " if lang == "en" else "") + root
        described[name] = line
    return described


# -- helpers ---------------------------------------------------------------------------


def load_trust_anchors(trust_anchors: Iterable[AnchorLike]) -> tuple[bytes, ...]:
    """Read every trust anchor now (``bytes`` or files, DER or PEM) and return their
    DER: for a program that checks many cards with the same anchors. Raises
    ``InputError`` for a file that is missing, too large, not a regular file or
    holds no certificate."""
    return _AnchorInputs(trust_anchors).load()


class _AnchorInputs:
    """``trust_anchors`` checked now (types, and that named files exist), read later:
    after the card, so reading files and importing cryptography stay off its path."""

    def __init__(self, anchors: Iterable[AnchorLike]) -> None:
        if isinstance(anchors, (bytes, bytearray, str, os.PathLike)):
            raise TypeError("trust_anchors takes an iterable of certificates or paths")
        self._eager: list[AnchorLike] = []
        self._lazy: Iterable[AnchorLike] | None = None
        if isinstance(anchors, (list, tuple)):
            for item in anchors:
                self._eager.append(_checked_anchor(item))
        else:
            self._lazy = anchors

    def load(self) -> tuple[bytes, ...]:
        items = list(self._eager)
        if self._lazy is not None:
            items += [_checked_anchor(item) for item in self._lazy]
        if not items:
            return ()  # and cryptography stays unloaded: the window shows sooner
        from ..trust import certificates_in

        loaded: list[bytes] = []
        for item in items:
            if isinstance(item, bytes):
                loaded += certificates_in(item, "trust_anchor")
            else:
                loaded += _certificates_from_file(Path(item))
        return tuple(loaded)


def _checked_anchor(item: object) -> AnchorLike:
    if isinstance(item, (bytes, bytearray)):
        return bytes(item)
    if isinstance(item, (str, os.PathLike)):
        from ..userfiles import check_user_file

        path = Path(item)
        check_user_file(path, "certificate")  # missing, a FIFO, too large: now, not later
        return path
    raise TypeError(f"a trust anchor is bytes or a path, not {type(item).__name__}")


def _certificates_from_file(path: Path) -> list[bytes]:
    from ..trust import load_certificates_file

    return load_certificates_file(path)


def _certificate_bytes(value: bytes | PathLike) -> bytes:
    from ..trust import certificates_in

    if isinstance(value, (bytes, bytearray)):
        return certificates_in(bytes(value), "certificate")[0]
    if isinstance(value, (str, os.PathLike)):
        return _certificates_from_file(Path(value))[0]
    raise TypeError(f"a certificate is bytes or a path, not {type(value).__name__}")


def _moment(at: datetime | date | None) -> datetime:
    """``at`` as an aware datetime: naive means JST, a date means 00:00 JST."""
    if at is None:
        return datetime.now(timezone.utc)
    if isinstance(at, datetime):
        return at if at.tzinfo is not None else at.replace(tzinfo=JST)
    if isinstance(at, date):
        return datetime(at.year, at.month, at.day, tzinfo=JST)
    raise TypeError(f"at is a datetime or a date, not {type(at).__name__}")


def _with(report: CheckReport, status: Status, detail: Detail, **info: Any) -> CheckReport:
    from dataclasses import replace

    return replace(
        report, status=status, details=(*report.details, detail), info={**report.info, **info}
    )


def _preload_in_background(*modules: str) -> None:
    """Import ``modules`` on a thread while this one talks to the card.

    The certificate code needs ``cryptography`` (50-100 ms of imports), the user's
    anchors folder platformdirs, the verdict its words; card I/O mostly waits on the
    reader, so the two overlap instead of adding up. Having loaded the certificate
    code, the thread also runs its first-time costs (:func:`evaluate.warm_up`), which
    would otherwise come after the card's last answer.
    """
    import importlib
    import sys

    missing = [module for module in modules if module not in sys.modules]
    if not missing:
        return

    def load() -> None:
        for module in missing:
            try:
                importlib.import_module(module)
            except Exception:  # the main thread's own import will report it
                pass
        if "mynacheck.evaluate" in missing:
            from ..evaluate import warm_up

            warm_up()

    threading.Thread(target=load, name="preload", daemon=True).start()
