"""The command line: ``mynacheck check | readers | inspect | pin-status``.

Parses options, picks the card source, runs the library, renders the report.
It never builds an APDU nor compares a status word. Prompts and errors go to
stderr; the result to stdout. Heavy imports happen inside commands so the
tool is quick to reach the reader.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..clock import JST
from ..errors import CheckError, UsageError
from ..present.messages import LABELS, Lang, detect_language, text, usage_text
from ..status import Detail, Status

if TYPE_CHECKING:
    from ..card import Connection
    from ..report import CheckReport

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Output:
    """How to speak to the user in this run."""

    lang: Lang
    json: bool
    verbose: bool = False

    def usage_error(self, error: UsageError) -> int:
        message = usage_text(error.key, self.lang, error.info)
        click.echo(f"mynacheck: {message}", err=True)
        if self.json:
            from ..report import CheckReport, report_json

            payload = report_json(CheckReport(status=Status.USAGE_ERROR), message)
            payload["details"] = [error.key]
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return Status.USAGE_ERROR.exit_code

    def report(self, report: CheckReport) -> int:
        from ..present.text import headline, render_text
        from ..report import report_json

        if self.json:
            payload = report_json(report, headline(report, self.lang))
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            click.echo(render_text(report, self.lang))
        return report.exit_code


def _common_options(func: F) -> F:
    func = click.option("--verbose", is_flag=True, help="Show a traceback on internal errors.")(
        func
    )
    func = click.option("--json", "json_output", is_flag=True, help="One JSON object on stdout.")(
        func
    )
    func = click.option(
        "--lang",
        type=click.Choice(["ja", "en"]),
        default=None,
        help="Language (default: Japanese unless the locale says otherwise).",
    )(func)
    return func


def _output(lang: str | None, json_output: bool, verbose: bool) -> Output:
    _make_stdout_safe()
    return Output(lang or detect_language(), json_output, verbose)


def _make_stdout_safe() -> None:
    """Never crash on a console that cannot show a character (cp932 and friends)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


@contextmanager
def _guard(output: Output) -> Iterator[None]:
    """One place that maps errors to messages and exit codes."""
    try:
        yield
    except UsageError as error:
        sys.exit(output.usage_error(error))
    except CheckError as error:
        from ..report import CheckReport

        reader = error.info.get("reader")
        report = CheckReport(
            status=error.status,
            details=error.details,
            info=error.info,
            reader=reader if isinstance(reader, str) else None,
        )
        sys.exit(output.report(report))
    except KeyboardInterrupt:
        click.echo("mynacheck: " + text(LABELS, "interrupted", output.lang), err=True)
        if output.json:
            from ..report import CheckReport

            output.report(CheckReport(status=Status.INTERNAL_ERROR, details=(Detail.INTERRUPTED,)))
        sys.exit(Status.INTERNAL_ERROR.exit_code)
    except (SystemExit, click.exceptions.Exit, click.ClickException):
        raise
    except Exception as error:  # the unexpected: a bug, said plainly
        if output.verbose:
            import traceback

            traceback.print_exc()
        from ..report import CheckReport

        report = CheckReport(status=Status.INTERNAL_ERROR, info={"error": type(error).__name__})
        sys.exit(output.report(report))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mynacheck")
def main() -> None:
    """Does the 利用者証明用電子証明書 on this My Number Card work?"""


def _log_options(func: F) -> F:
    func = click.option(
        "--key-file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Key for the card hashes (default: <log>.key beside the tally; share it "
        "between counters to count a card once).",
    )(func)
    func = click.option(
        "--log",
        "log",
        metavar="PATH|default",
        help="Append one row per check to this tally (SQLite); 'default' = user data dir.",
    )(func)
    return func


# -- check ----------------------------------------------------------------------


def _card_source_options(func: F) -> F:
    """Where the card is: a reader (``--reader``, ``--wait``), a transcript, the simulator."""
    for option in reversed(
        [
            click.option("--reader", help="Reader: 0-based index or part of its name."),
            click.option(
                "--wait",
                type=click.FloatRange(min=0),
                default=None,
                metavar="SECONDS",
                help="Wait for a card.",
            ),
            click.option(
                "--replay",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Replay a recorded transcript.",
            ),
            click.option(
                "--simulate", metavar="SCENARIO", help="Use the simulated card ('list' names them)."
            ),
        ]
    ):
        func = option(func)
    return func


@main.command()
@_card_source_options
@click.option("--at", "at_text", metavar="DATE|DATETIME", help="Evaluate as of this moment.")
@click.option("--pin-stdin", is_flag=True, help="Read the PIN from one line of standard input.")
@click.option("--no-pin", is_flag=True, help="Do not ask for the PIN (counter use).")
@click.option("--allow-last-try", is_flag=True, help="Allow spending the last PIN try.")
@click.option(
    "--trust-anchor",
    "trust_anchors",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Trust this root certificate (PEM or DER); repeatable.",
)
@click.option(
    "--record", type=click.Path(path_type=Path, dir_okay=False), help="Write a transcript."
)
@_common_options
@_log_options
def check(
    reader: str | None,
    wait: float | None,
    replay: Path | None,
    simulate: str | None,
    at_text: str | None,
    pin_stdin: bool,
    no_pin: bool,
    allow_last_try: bool,
    trust_anchors: tuple[Path, ...],
    record: Path | None,
    lang: str | None,
    json_output: bool,
    verbose: bool,
    log: str | None = None,
    key_file: Path | None = None,
) -> None:
    """Check the card's user-authentication certificate (and the PIN, unless --no-pin)."""
    output = _output(lang, json_output, verbose)
    with _guard(output):
        if _listed_scenarios(output, simulate, replay, reader):
            return
        if pin_stdin and no_pin:
            raise UsageError("pin_options_conflict")
        if not pin_stdin and not no_pin and not sys.stdin.isatty():
            raise UsageError("pin_source_needed")
        at = parse_moment(at_text) if at_text is not None else datetime.now(timezone.utc)
        pin_source = None if no_pin else _pin_source(output, pin_stdin)
        for path in trust_anchors:  # a missing file is a usage error before the card
            if not path.is_file():
                raise UsageError("file_unreadable", path=str(path), reason="not found")
        if record is not None:
            _check_writable(record)
        source = _open_source(simulate, replay, reader, wait, exclusive=True)
        with _card_session(source, record, output.lang) as connection:
            from ..check import CheckOptions, run_check

            # Only now, so it does not compete with the imports on the way to the card.
            _preload_in_background("mynacheck.evaluate", "platformdirs")
            options = CheckOptions(
                at=at,
                use_pin=not no_pin,
                allow_last_try=allow_last_try,
                anchor_loader=lambda: _anchors(trust_anchors),
            )
            recorded_digest = getattr(source, "recorded_digest", None)
            if recorded_digest is not None:
                options = replace(options, challenge_digest=recorded_digest())
            report = run_check(connection, options, pin_source)
        report = _check_replay_leftover(source, report)
        if log is not None:
            _append_to_tally(log, key_file, report, output.lang)
        sys.exit(output.report(report))


@contextmanager
def _card_session(connection: Connection, record: Path | None, lang: Lang) -> Iterator[Connection]:
    """Own an open connection: wrap it for ``--record``; on the way out, however the
    command ends, unpower the card (``close``) and write the transcript."""
    recorder = None
    try:
        if record is not None:
            from ..card.replay import RecordingConnection

            recorder = RecordingConnection(connection)
            connection = recorder
        yield connection
    finally:
        connection.close()
        if recorder is not None and record is not None:
            try:
                recorder.save(record)
            except OSError as error:  # the verdict still stands; say what was lost
                click.echo(f"mynacheck: {record}: {error.strerror}", err=True)
            else:
                click.echo(text(LABELS, "record_notice", lang, path=record), err=True)


def _preload_in_background(*modules: str) -> None:
    """Import ``modules`` on a thread while the main thread talks to the card.

    The certificate code needs ``cryptography`` (about 50-100 ms of imports);
    card I/O mostly waits on the reader, so the two overlap instead of adding up.
    """
    import importlib
    import threading

    def load() -> None:
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:  # the main thread's own import will report it
                pass

    threading.Thread(target=load, name="preload", daemon=True).start()


def _check_writable(path: Path) -> None:
    """``--record``: a usage error now, not a lost transcript after the card session."""
    import os

    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise UsageError("file_unwritable", path=str(path))


def _check_replay_leftover(connection: Connection, report: CheckReport) -> CheckReport:
    from ..card.replay import ReplayConnection

    if isinstance(connection, ReplayConnection) and report.status is not Status.INTERNAL_ERROR:
        left = connection.leftover()
        if left:
            return replace(
                report,
                status=Status.INTERNAL_ERROR,
                details=(*report.details, Detail.TRANSCRIPT_LEFTOVER),
                info={**report.info, "leftover": left},
            )
    return report


def _anchors(files: tuple[Path, ...]) -> tuple[bytes, ...]:
    from ..trust import anchors_folder, load_anchors

    return tuple(load_anchors(files, anchors_folder()))


def _listed_scenarios(
    output: Output, simulate: str | None, replay: Path | None, reader: str | None
) -> bool:
    """True once ``--simulate list`` has printed the scenarios; otherwise checks that at
    most one card source is named."""
    if simulate == "list":
        _print_scenarios(output)
        return True
    if sum(x is not None for x in (simulate, replay, reader)) > 1:
        raise UsageError("source_conflict")
    return False


def _open_source(
    simulate: str | None,
    replay: Path | None,
    reader: str | None,
    wait: float | None,
    *,
    exclusive: bool,
) -> Connection:
    if simulate is not None:
        from ..simcard.connection import SimulatedConnection
        from ..simcard.scenarios import SCENARIOS, make_card

        if simulate not in SCENARIOS:
            raise UsageError("unknown_scenario", name=simulate)
        return SimulatedConnection(make_card(simulate), simulate)
    if replay is not None:
        from ..card.replay import ReplayConnection

        try:
            return ReplayConnection.from_file(replay)
        except (OSError, ValueError) as error:
            raise UsageError("bad_transcript", reason=str(error)) from error
    from ..card import pcsc

    if wait is not None:
        chosen = pcsc.wait_for_card(reader, wait)
    else:
        chosen = pcsc.choose_reader(reader, pcsc.list_readers())
    return pcsc.PcscConnection.open(chosen, exclusive=exclusive)


def _print_scenarios(output: Output) -> None:
    from ..simcard.scenarios import DEMO_PIN, SCENARIOS

    if output.json:
        names = {name: s.description for name, s in SCENARIOS.items()}
        click.echo(json.dumps({"scenarios": names, "demo_pin": DEMO_PIN}, ensure_ascii=False))
        return
    for name, scenario in SCENARIOS.items():
        click.echo(f"{name:28} {scenario.description}")


def parse_moment(value: str) -> datetime:
    """``--at``: a date (00:00 JST), or a date and time (JST unless it names a zone)."""
    raw = value.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError("bad_date", value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=JST)
    if not 1950 <= moment.year <= 9000:  # keeps JST/UTC arithmetic inside datetime's range
        raise UsageError("bad_date", value=value)
    return moment


# -- PIN entry --------------------------------------------------------------------


class _ClickTerminal:
    def hidden_input(self, prompt: str) -> str | None:
        import getpass

        try:
            return getpass.getpass(prompt, stream=sys.stderr)
        except EOFError:
            return None

    def confirm(self, question: str) -> bool:
        try:
            return click.confirm(question, default=False, err=True)
        except click.Abort:
            return False

    def warn(self, message: str) -> None:
        click.echo(message, err=True)


@dataclass(frozen=True)
class _PromptTexts:
    lang: Lang

    def prompt(self, reference: Any) -> str:
        return text(LABELS, "pin.prompt", self.lang)

    def reask(self, shape: Any, reference: Any) -> str:
        return text(LABELS, "pin.reask", self.lang, min=reference.min_length)

    def last_try_warning(self) -> str:
        return text(LABELS, "pin.last_try_warning", self.lang)

    def last_try_question(self) -> str:
        return text(LABELS, "pin.last_try_question", self.lang)


def _pin_source(output: Output, pin_stdin: bool) -> Any:
    from ..pin import PromptPinSource, StdinPinSource

    if pin_stdin:
        return StdinPinSource(sys.stdin)
    return PromptPinSource(_ClickTerminal(), _PromptTexts(output.lang))


# -- inspect ----------------------------------------------------------------------


@main.command()
@click.argument("certificate", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--ca", type=click.Path(path_type=Path, dir_okay=False), help="Its CA certificate.")
@click.option("--at", "at_text", metavar="DATE|DATETIME", help="Evaluate as of this moment.")
@click.option(
    "--trust-anchor",
    "trust_anchors",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
)
@_common_options
def inspect(
    certificate: Path,
    ca: Path | None,
    at_text: str | None,
    trust_anchors: tuple[Path, ...],
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Evaluate a certificate file as check would (without --ca: no chain check)."""
    output = _output(lang, json_output, verbose)
    with _guard(output):
        from ..evaluate import evaluate
        from ..report import CheckReport
        from ..trust import load_certificates_file

        at = parse_moment(at_text) if at_text is not None else datetime.now(timezone.utc)
        cert_der = load_certificates_file(certificate)[0]
        ca_der = load_certificates_file(ca)[0] if ca is not None else None
        evaluation = evaluate(
            cert_der,
            at=at,
            ca_der=ca_der,
            check_chain=ca is not None,
            anchors=_anchors(trust_anchors),
        )
        report = CheckReport(
            status=evaluation.status,
            certificate=evaluation.certificate,
            details=(
                *evaluation.details,
                Detail.PIN_NOT_CHECKED,
                Detail.KEY_NOT_PROVEN,
                *([Detail.REVOCATION_NOT_CHECKED] if evaluation.certificate else []),
            ),
            evaluated_at=at,
        )
        sys.exit(output.report(report))


# -- pin-status -------------------------------------------------------------------


@main.command("pin-status")
@_card_source_options
@click.option(
    "--record", type=click.Path(path_type=Path, dir_okay=False), help="Write a transcript."
)
@_common_options
def pin_status(
    reader: str | None,
    wait: float | None,
    replay: Path | None,
    simulate: str | None,
    record: Path | None,
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Tries left on every PIN of the card, without spending any."""
    output = _output(lang, json_output, verbose)
    with _guard(output):
        from ..card.apdu import ApduProtocol
        from ..card.jpki import JpkiSession
        from ..card.profile import MY_NUMBER_CARD
        from ..pinstatus import all_pin_statuses

        if _listed_scenarios(output, simulate, replay, reader):
            return
        if record is not None:
            _check_writable(record)
        source = _open_source(simulate, replay, reader, wait, exclusive=True)
        with _card_session(source, record, output.lang) as connection:
            rows = all_pin_statuses(JpkiSession(ApduProtocol(connection)), MY_NUMBER_CARD)
        blocked = any(row.blocked for row in rows)
        status = Status.PIN_BLOCKED if blocked else Status.VALID
        if output.json:
            payload = {
                "status": "pin_blocked" if blocked else "ok",
                "exit_code": status.exit_code,
                "simulated": connection.simulated,
                "reader": connection.reader,
                "pins": [
                    {
                        "name": row.reference.key,
                        "label": text(LABELS, "pinname." + row.reference.key, output.lang),
                        "available": row.available,
                        "tries_left": row.tries_left,
                        "max_tries": row.reference.max_tries,
                        "blocked": row.blocked,
                        "verified": row.verified,
                        "advice": _reset_advice(row, output.lang) if row.blocked else None,
                    }
                    for row in rows
                ],
            }
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            if connection.simulated:
                click.echo(text(LABELS, "simulated", output.lang))
            for row in rows:
                click.echo(
                    f"{text(LABELS, 'pinname.' + row.reference.key, output.lang)}: "
                    f"{_pin_row_state(row, output.lang)}"
                )
                if row.blocked:
                    click.echo(f"  -> {_reset_advice(row, output.lang)}")
            if any(row.tries_left == 1 and not row.blocked for row in rows):
                click.echo(text(LABELS, "pin.last_try_left", output.lang))
            if not blocked:
                click.echo(text(LABELS, "pin.none_blocked", output.lang))
        sys.exit(status.exit_code)


def _reset_advice(row: Any, lang: Lang) -> str:
    key = f"pinreset.{row.reference.key}"
    return text(LABELS, key if key in LABELS else "pinreset.other", lang)


def _pin_row_state(row: Any, lang: Lang) -> str:
    if not row.available:
        return text(LABELS, "pinstate.unavailable", lang)
    if row.blocked:
        return text(LABELS, "pinstate.blocked", lang)
    if row.verified:
        return text(LABELS, "pinstate.verified", lang)
    if row.reference.max_tries:
        return text(
            LABELS, "pinstate.tries_of", lang, tries=row.tries_left, max=row.reference.max_tries
        )
    return text(LABELS, "pinstate.tries", lang, tries=row.tries_left)


# -- readers ----------------------------------------------------------------------


@main.command()
@_common_options
def readers(lang: str | None, json_output: bool, verbose: bool) -> None:
    """List readers: index, name, card present, My Number Card or not."""
    output = _output(lang, json_output, verbose)
    with _guard(output):
        from ..card import pcsc

        rows = []
        for info in pcsc.list_readers():
            rows.append(
                {
                    "index": info.index,
                    "name": info.name,
                    "card_present": info.card_present,
                    "my_number_card": _is_my_number_card(info) if info.card_present else None,
                    "contactless": info.contactless,
                }
            )
        if output.json:
            click.echo(json.dumps({"readers": rows}, ensure_ascii=False, indent=2))
        elif not rows:
            click.echo(text(LABELS, "readers.none", output.lang))
        else:
            for row in rows:
                click.echo(_reader_line(row, output.lang))
        sys.exit(0 if rows else Status.NO_READER.exit_code)


def _reader_line(row: dict[str, Any], lang: Lang) -> str:
    if not row["card_present"]:
        key = "readers.empty"
    elif row["my_number_card"] is None:
        key = "readers.busy"
    else:
        key = "readers.mynumber" if row["my_number_card"] else "readers.other"
    return f"{row['index']}: {row['name']}  [{text(LABELS, key, lang)}]"


def _is_my_number_card(info: Any) -> bool | None:
    from ..card import pcsc
    from ..card.apdu import ApduProtocol
    from ..card.jpki import JpkiSession
    from ..errors import NotMyNumberCardError

    try:
        connection = pcsc.PcscConnection.open(info, exclusive=False)
    except CheckError:
        return None
    try:
        JpkiSession(ApduProtocol(connection)).select_application()
    except NotMyNumberCardError:
        return False
    except CheckError:
        return None
    finally:
        connection.close()
    return True


# -- watch and report (counter mode and the tally, issue 5) -------------------------


def _open_tally(log: str | None, key_file: Path | None) -> Any:
    if log is None:
        return None
    from ..tally.store import Tally

    return Tally.open(log, key_file)


def _append_to_tally(log: str, key_file: Path | None, report: CheckReport, lang: Lang) -> None:
    """``check --log``: the report is already made; a tally problem is only warned about."""
    from ..counter import TALLIED_STATUSES
    from ..tally.store import Tally

    if report.status not in TALLIED_STATUSES:
        return  # PIN and reader outcomes say nothing about the certificate
    try:
        with Tally.open(log, key_file) as tally:
            tally.append(report, at=datetime.now(timezone.utc))  # not --at: when it happened
    except UsageError as error:
        message = usage_text(error.key, lang, error.info)
        click.echo(f"mynacheck: {message}", err=True)


def _stdout_wants_color() -> bool:
    import os

    return (
        sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM", "") != "dumb"
    )


@main.command()
@click.option("--reader", help="Reader: 0-based index or part of its name (default: any).")
@click.option(
    "--trust-anchor",
    "trust_anchors",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Trust this root certificate (PEM or DER); repeatable.",
)
@_log_options
@click.option("--once", is_flag=True, help="Check one card, then exit with its exit code.")
@click.option(
    "--simulate",
    metavar="SCENARIO[,SCENARIO...]",
    help="Check these simulated cards in turn, then exit (demo; no PC/SC).",
)
@_common_options
def watch(
    reader: str | None,
    trust_anchors: tuple[Path, ...],
    log: str | None,
    key_file: Path | None,
    once: bool,
    simulate: str | None,
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Counter mode: check card after card without the PIN; Ctrl-C ends with a summary.

    Shows the verdict large, the expiry date and the renewal hint; never the
    serial nor personal data. The normal end (Ctrl-C, SIGTERM, simulated cards
    done) exits 0; with --once the exit code is that of the one check.
    """
    output = _output(lang, json_output, verbose)
    with _guard(output):
        from ..counter import WatchOptions, WatchSession

        scenarios: tuple[str, ...] = ()
        if simulate is not None:
            from ..simcard.scenarios import SCENARIOS

            if simulate == "list":
                _print_scenarios(output)
                return
            scenarios = tuple(name.strip() for name in simulate.split(",") if name.strip())
            for name in scenarios:
                if name not in SCENARIOS:
                    raise UsageError("unknown_scenario", name=name)
            if reader is not None:
                raise UsageError("source_conflict")
        options = WatchOptions(
            lang=output.lang,
            anchors=_anchors(trust_anchors),
            reader=reader,
            json=json_output,
            once=once,
            color=_stdout_wants_color(),
            clear_screen=sys.stdout.isatty(),
            simulate=scenarios,
            verbose=verbose,
        )
        tally = _open_tally(log, key_file)
        if tally is not None:
            from ..present.messages import WATCH

            click.echo(text(WATCH, "logging", output.lang, path=tally.path), err=True)
        _terminate_as_interrupt()
        session = WatchSession(options, sys.stdout, sys.stderr, tally=tally)
        sys.exit(session.run())


def _terminate_as_interrupt() -> None:
    """SIGTERM ends a counter session like Ctrl-C: summary printed, tally closed."""
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except (ValueError, OSError):  # not the main thread, or no SIGTERM here
        pass


@main.command()
@click.argument("databases", nargs=-1, metavar="[DB ...]")
@click.option("--from", "from_text", metavar="DATE", help="First day (JST), inclusive.")
@click.option("--to", "to_text", metavar="DATE", help="Last day (JST), inclusive.")
@click.option("--csv", "csv_output", is_flag=True, help="CSV on stdout.")
@_common_options
def report(
    databases: tuple[str, ...],
    from_text: str | None,
    to_text: str | None,
    csv_output: bool,
    lang: str | None,
    json_output: bool,
    verbose: bool,
) -> None:
    """Counts from one or more tallies: checks by verdict, distinct cards, renewal window.

    With no DB reads the default tally (the one `--log default` writes).
    """
    output = _output(lang, json_output, verbose)
    with _guard(output):
        from ..present.messages import TALLY
        from ..tally.store import (
            day_range,
            render_summary_text,
            report_tallies,
            summary_csv,
            summary_json,
        )

        if json_output and csv_output:
            raise UsageError("report_format_conflict")
        start = parse_moment(from_text).date() if from_text else None
        end = parse_moment(to_text).date() if to_text else None
        since, until = day_range(start, end)
        summary = report_tallies(databases or ("default",), since, until)
        if summary.mixed_keys:
            click.echo(f"mynacheck: {text(TALLY, 'mixed_keys', output.lang)}", err=True)
        if json_output:
            click.echo(json.dumps(summary_json(summary), ensure_ascii=False, indent=2))
        elif csv_output:
            click.echo(summary_csv(summary), nl=False)
        else:
            click.echo(render_summary_text(summary, output.lang))


def run() -> None:
    """The console-script entry: :func:`main`, then exit without interpreter teardown.

    By the time ``main`` returns, everything the command owns is closed (the card
    unpowered, the tally committed, the transcript written) and the output is
    flushed below; tearing down cryptography, pyscard and click module by module
    would only add 15-20 ms to every check (measured), so the process ends here.
    """
    import os

    try:
        main()
        code = 0
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            code = exit_.code or 0
        else:  # sys.exit("message"): Python would print it and exit 1
            print(exit_.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
