"""Counter mode (``mynacheck watch``): card after card, verdict large, no personal data.

The loop: wait for a card, run the PIN-less check on it (no PIN is ever asked
or sent), show the verdict as a framed block, append a row to the tally if
one is open, wait for the card to leave, and start again. A card pulled out
mid-read, an unreadable card or a card that is not a My Number Card gives a
clear message and the loop goes on. Ctrl-C (or SIGTERM) ends the session
with a summary of the verdicts; that is the normal end, exit code 0.
``--once`` ends after one card with that check's exit code.

What is shown: the verdict, the certificate's expiry date (JST), days left and
the renewal hint. Never the serial, the subject, the certificate fingerprint
or anything else that tells one card holder from another.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TextIO

from .clock import JST
from .errors import CheckError, NoCardError, NoReaderError, PcscUnavailableError, UsageError
from .present.messages import NEXT_STEPS, WATCH, Lang, text, usage_text
from .report import JSON_SCHEMA_VERSION, CheckReport, certificate_json, iso_utc
from .status import CERTIFICATE_STATUSES, Detail, Status

if TYPE_CHECKING:
    from .card import Connection
    from .tally.store import Tally

#: Inner width of the verdict frame, in terminal cells.
FRAME_WIDTH = 68
#: Checks that reached the card and said something about it: these go to the tally.
TALLIED_STATUSES = CERTIFICATE_STATUSES | {Status.NOT_MYNUMBER_CARD, Status.CARD_ERROR}

_RESET = "\x1b[0m"
_GREEN = ("\x1b[32m", "\x1b[1;97;42m")
_RED = ("\x1b[31m", "\x1b[1;97;41m")
_YELLOW = ("\x1b[33m", "\x1b[1;30;43m")
_CLEAR = "\x1b[2J\x1b[H"
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


@dataclass(frozen=True)
class WatchOptions:
    """How a counter session runs."""

    lang: Lang
    anchors: tuple[bytes, ...] = ()
    reader: str | None = None
    json: bool = False
    once: bool = False
    #: ANSI colour (stdout is a terminal and NO_COLOR is unset).
    color: bool = False
    #: Clear the screen when the card leaves, so the last verdict is not read
    #: as the next person's (only on a terminal).
    clear_screen: bool = False
    #: Simulated cards to check in turn instead of PC/SC (demo and tests).
    simulate: tuple[str, ...] = ()
    verbose: bool = False
    #: Seconds per wait_for_card slice (Ctrl-C is handled between slices anyway).
    poll_seconds: float = 1.0


@dataclass
class SessionCounts:
    """Verdicts seen in this session."""

    by_status: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


# -- the screen --------------------------------------------------------------------


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
    if status is Status.CARD_ERROR and removed:
        key = "line.card_removed"
    else:
        key = f"line.{status.value}" if f"line.{status.value}" in WATCH else "line.other"
    lines = [text(WATCH, key, lang)]
    cert = report.certificate
    if cert is not None and status in CERTIFICATE_STATUSES:
        expiry = cert.not_after.astimezone(JST).date().isoformat()
        if status is Status.NOT_YET_VALID:
            start = cert.not_before.astimezone(JST).date().isoformat()
            lines.append(text(WATCH, "valid_from", lang, date=start))
        if cert.days_left >= 0:
            lines.append(text(WATCH, "expiry", lang, date=expiry, days=cert.days_left))
        else:
            lines.append(text(WATCH, "expired_on", lang, date=expiry, days=-cert.days_left))
        if cert.renewal_open and status is Status.VALID:
            lines.append(text(WATCH, "renewal", lang))
    action = f"action.{status.value}"
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


_WATCH_CERTIFICATE_FIELDS = (
    "not_before",
    "not_after",
    "days_left",
    "renewal_open",
    "renewal_opens",
    "trust",
    "ca_generation",
)


def check_json(report: CheckReport, lang: Lang) -> dict[str, Any]:
    """One ``watch --json`` line: the verdict, dates and reasons; no serial, no subject."""
    cert = report.certificate
    certificate = None
    if cert is not None:
        # A whitelist of check's certificate fields: never the serial, subject or hash.
        full = certificate_json(cert)
        assert full is not None
        certificate = {key: full[key] for key in _WATCH_CERTIFICATE_FIELDS}
        certificate["expiry_date"] = cert.not_after.astimezone(JST).date().isoformat()
    return {
        "schema": JSON_SCHEMA_VERSION,
        "event": "check",
        "time": iso_utc(report.evaluated_at or datetime.now(timezone.utc)),
        "status": report.status.value,
        "exit_code": report.exit_code,
        "verdict": verdict_word(report.status.value, lang),
        "message": verdict_lines(report, lang)[0],
        "simulated": report.simulated,
        "reader": report.reader,
        "certificate": certificate,
        "details": [detail.value for detail in report.details],
        "info": {k: str(v) for k, v in report.info.items() if k in ("sw", "pcsc_error")},
        "apdu_count": report.apdu_count,
    }


def render_summary(counts: SessionCounts, lang: Lang) -> str:
    """The end-of-session summary: checks by verdict."""
    if not counts.total:
        return text(WATCH, "summary.none", lang)
    lines = [text(WATCH, "summary", lang, n=counts.total)]
    words = {status: verdict_word(status, lang) for status in counts.by_status}
    width = max(display_width(word) for word in words.values())
    for status, n in _in_order(counts.by_status):
        word = words[status]
        lines.append(f"  {word}{' ' * (width - display_width(word))}  {n:>5}")
    return "\n".join(lines)


def _in_order(counts: Counter[str]) -> list[tuple[str, int]]:
    order = [status.value for status in Status]
    return sorted(counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)


# -- the session ---------------------------------------------------------------------


class WatchSession:
    """One counter session: the loop, the screen, the tally and the counts."""

    def __init__(
        self,
        options: WatchOptions,
        out: TextIO,
        err: TextIO,
        *,
        tally: Tally | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.options = options
        self.out = out
        self.err = err
        self.tally = tally
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.counts = SessionCounts()
        self._said: str | None = None

    # output ---------------------------------------------------------------------

    def _say(self, message: str) -> None:
        """A prompt or notice: stderr, so stdout holds only the verdicts."""
        print(message, file=self.err, flush=True)

    def _say_once(self, key: str, message: str) -> None:
        if self._said != key:
            self._say(message)
            self._said = key

    def _emit(self, value: str) -> None:
        print(value, file=self.out, flush=True)

    def show(self, report: CheckReport) -> None:
        """Show one verdict, record it, count it."""
        lang = self.options.lang
        self.counts.by_status[report.status.value] += 1
        if self.options.json:
            self._emit(json.dumps(check_json(report, lang), ensure_ascii=False))
        else:
            self._emit(render_verdict(report, lang, color=self.options.color))
        if self.tally is not None and report.status in TALLIED_STATUSES:
            try:
                self.tally.append(report)
            except UsageError as error:
                reason = error.info.get("reason", error.key)
                self._say(text(WATCH, "tally_failed", lang, reason=reason))

    def summary(self) -> None:
        """The end-of-session counts, on stdout (one JSON line with --json)."""
        if self.options.json:
            payload = {
                "schema": JSON_SCHEMA_VERSION,
                "event": "summary",
                "checks": self.counts.total,
                "by_status": dict(_in_order(self.counts.by_status)),
            }
            self._emit(json.dumps(payload, ensure_ascii=False))
        else:
            self._emit(render_summary(self.counts, self.options.lang))

    # the loop -------------------------------------------------------------------

    def run(self) -> int:
        """Run until Ctrl-C / SIGTERM (exit 0), the simulated cards run out (0),
        or after one card with ``--once`` (that check's exit code)."""
        code = 0
        try:
            if self.options.simulate:
                code = self._run_simulated(self.options.simulate)
            else:
                code = self._run_pcsc()
        except KeyboardInterrupt:
            code = 0
            self._say("")
        if self.tally is not None:
            self.tally.close()
        if not self.options.once:
            self.summary()
        return code

    def _options(self) -> Any:
        from .check import CheckOptions

        return CheckOptions(at=self.clock(), use_pin=False, anchors=self.options.anchors)

    def check_connection(self, connection: Connection) -> CheckReport:
        """The PIN-less check on an open connection, which this closes.

        Never raises for a card problem; a bug becomes ``internal_error`` and
        the loop goes on (with ``--verbose`` its traceback goes to stderr).
        """
        from .check import run_check

        options = self._options()
        try:
            return run_check(connection, options)
        except Exception as error:  # a bug: say it, keep the counter running
            if self.options.verbose:
                import traceback

                traceback.print_exc(file=self.err)
            return CheckReport(
                status=Status.INTERNAL_ERROR,
                reader=connection.reader,
                evaluated_at=options.at,
                info={"error": type(error).__name__},
            )
        finally:
            connection.close()

    def _run_simulated(self, scenarios: Sequence[str]) -> int:
        from .simcard.connection import SimulatedConnection
        from .simcard.scenarios import make_card

        report: CheckReport | None = None
        for name in scenarios:
            report = self.check_connection(SimulatedConnection(make_card(name), name))
            self.show(report)
            if self.options.once:
                break
        return report.exit_code if self.options.once and report is not None else 0

    def _run_pcsc(self) -> int:
        from .card import pcsc

        lang = self.options.lang
        while True:
            self._say_once("waiting", text(WATCH, "waiting", lang))
            try:
                reader = pcsc.wait_for_card(self.options.reader, self.options.poll_seconds)
            except NoCardError:
                continue
            except (NoReaderError, PcscUnavailableError) as error:
                self._say_once(error.status.value, text(WATCH, error.status.value, lang))
                time.sleep(self.options.poll_seconds)
                continue
            except UsageError as error:
                if error.key not in ("several_cards", "no_such_reader"):
                    raise
                message = usage_text(error.key, lang, error.info)
                self._say_once(error.key, message)
                time.sleep(self.options.poll_seconds)
                continue
            self._said = None
            self._say(text(WATCH, "reading", lang))
            report = self._check_reader(reader)
            self.show(report)
            if self.options.once:
                return report.exit_code
            self._say(text(WATCH, "remove", lang))
            self._wait_for_removal(reader.name)
            if self.options.clear_screen and not self.options.json:
                print(_CLEAR, end="", file=self.out, flush=True)

    def _check_reader(self, reader: Any) -> CheckReport:
        from .card import pcsc

        try:
            connection = pcsc.PcscConnection.open(reader, exclusive=True)
        except CheckError as error:
            # Pulled out before we could connect, busy, or mute: say so, go on.
            return CheckReport(
                status=error.status,
                reader=reader.name,
                details=error.details,
                info=error.info,
                evaluated_at=self.clock(),
            )
        return self.check_connection(connection)

    def _wait_for_removal(self, reader_name: str) -> None:
        from .card import pcsc

        try:
            pcsc.wait_for_removal(reader_name)
        except CheckError:
            time.sleep(self.options.poll_seconds)  # service gone: the wait loop will say so
