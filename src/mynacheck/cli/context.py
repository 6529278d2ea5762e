"""What every command shares: the typed context, the common options, and the one
map from errors to messages and exit codes.

The CLI holds no card or verdict logic: commands parse options, call the public
``mynacheck`` API, and render with ``mynacheck.present``. Prompts and errors go
to stderr; the result to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

import mynacheck
from mynacheck.clock import JST
from mynacheck.log import Log
from mynacheck.present.messages import LABELS, Lang, detect_language, os_reason, text, usage_text

from ._early import DEBUG_LOG
from .helptext import HelpContext, key_path, lang_in_command_line, localized

F = TypeVar("F", bound=Callable[..., Any])
_LOG = Log("cli")


# Exit codes beyond a verdict's own (README "Statuses and exit codes").
EXIT_INTERNAL = 1
EXIT_USAGE = 2


#: Why stdout could not take the output (closed, full, a broken pipe), once known.
#: The verdict's exit code stands; ``run`` says it in one line on stderr.
OUTPUT_LOST: list[str] = []


#: The language this run speaks (set by :func:`make_output`), for the last words.
_SPOKEN: list[Lang] = []


def note_output_lost(error: BaseException) -> None:
    """Remember why stdout failed (its first failure only counts)."""
    OUTPUT_LOST.append(getattr(error, "strerror", None) or type(error).__name__)


def output_lost() -> str:
    """Why the output was lost, in the run's language (see ``run``)."""
    lang = _SPOKEN[-1] if _SPOKEN else detect_language()
    return text(LABELS, "output_lost", lang, reason=OUTPUT_LOST[0])


def out(value: str, *, nl: bool = True) -> None:
    """Write to stdout; a stdout that cannot take it is noted, never raised."""
    if OUTPUT_LOST:
        return
    if sys.stdout is None:  # started with stdout closed (>&-)
        OUTPUT_LOST.append("stdout is closed")
        return
    try:
        click.echo(value, nl=nl)
    except (OSError, ValueError) as error:  # ENOSPC, EPIPE, I/O on a closed file
        note_output_lost(error)


def say(value: str) -> None:
    """Write a line to stderr; a closed stderr loses it quietly."""
    try:
        click.echo(value, err=True)
    except (OSError, ValueError, AttributeError):
        pass


@dataclass
class Output:
    """How this run speaks to the user: the typed context every command gets."""

    lang: Lang
    json: bool
    verbose: bool = False
    #: False for commands that are not a check (readers, pin-status): a problem
    #: is said without check's PIN, key and revocation lines.
    check_lines: bool = True
    #: ``--debug-log``'s handler while the file is written.
    debug_log: Any = None

    def echo(self, value: str, *, err: bool = False, nl: bool = True) -> None:
        if err:
            say(value)
        else:
            out(value, nl=nl)

    def warn(self, message: str) -> None:
        say(f"mynacheck: {message}")

    def print_json(self, payload: dict[str, Any]) -> None:
        out(json.dumps(payload, ensure_ascii=False, indent=2))

    def report(self, report: mynacheck.CheckReport) -> int:
        """Print a check's report; return its exit code."""
        if self.json:
            self.print_json(mynacheck.render_json(report, self.lang))
        elif self.check_lines:
            out(mynacheck.render_text(report, self.lang))
        else:
            from mynacheck.present.text import render_text

            out(render_text(report, self.lang, check_lines=False))
        return report.exit_code

    def usage_error(self, error: mynacheck.InputError) -> int:
        from mynacheck.present.json import usage_error_json

        # The log (--verbose, --debug-log) keeps the OS's own words the message may not
        # (the reason only: a malformed server address in the rest may hold a password).
        reason = error.info.get("reason")
        if reason is not None:
            _LOG.info("usage error %s: %s (errno %s)", error.key, reason, error.info.get("errno"))

        message = usage_text(error.key, self.lang, error.info)
        self.warn(message)
        if self.json:
            self.print_json(usage_error_json(error.key, message))
        return EXIT_USAGE


def make_output(
    lang: str | None, json_output: bool, verbose: bool, *, check_lines: bool = True
) -> Output:
    make_streams_safe()
    if json_output:
        _json_is_utf8()
    chosen: Lang = "en" if lang == "en" else "ja" if lang == "ja" else detect_language()
    if lang is None and chosen == "ja" and not _can_show_japanese(sys.stdout):
        chosen = "en"  # an ASCII-only console would print '?' and break watch's frame
    _say_library_warnings(chosen)
    if verbose:
        _log_to_stderr()
    output = Output(chosen, json_output, verbose, check_lines)
    _SPOKEN.append(chosen)
    context = click.get_current_context(silent=True)
    debug_log = context.meta.get(_DEBUG_LOG_KEY) if context is not None else None
    if context is not None and debug_log is not None:
        _log_to_file(output, debug_log, key_path(context))
        context.call_on_close(output.debug_log.close)  # a program running main() twice
    return output


def _log_to_file(output: Output, path: str, command: str) -> None:
    """``--debug-log FILE``: the diagnostic log (as ``--verbose`` prints it) into a new
    UTF-8 file, from before the card on; a file it cannot create is a usage error."""

    def stopped(error: BaseException | None) -> None:
        reason = os_reason(error, output.lang)
        output.warn(text(LABELS, "debug_log_stopped", output.lang, path=path, reason=reason))

    try:
        output.debug_log = start_debug_log(path, command, stopped)
    except mynacheck.InputError as error:
        sys.exit(output.usage_error(error))


def start_debug_log(
    path: str, command: str, stopped: Callable[[BaseException | None], None]
) -> Any:
    """The diagnostic log into ``path`` from now on (DEBUG, PIN bytes redacted; the
    CLI's ``--debug-log`` and the window's): its handler, or an :class:`InputError`
    (``debug_log_symlink``, ``debug_log_not_ours``, ``not_a_regular_file``,
    ``debug_log_unwritable``). ``stopped(error)`` when a later write fails."""
    from mynacheck.log import LogFileRefused, log_to_file

    about = f"{command} {mynacheck.__version__}, {sys.platform}; PIN bytes are never in it"
    try:
        return log_to_file(path, about, on_error=stopped)
    except LogFileRefused as refused:
        key = {"symlink": "debug_log_symlink", "not_regular": "not_a_regular_file"}
        raise mynacheck.InputError(key.get(refused.why, "debug_log_not_ours"), path=path) from None
    except OSError as failed:
        raise mynacheck.InputError(
            "debug_log_unwritable", path=path, reason=failed.strerror, errno=failed.errno
        ) from None


def _log_to_stderr() -> None:
    """``--verbose``: the library's diagnostic log on stderr (every APDU, PIN bytes
    redacted; the card, the readers, the tally)."""
    import logging

    from mynacheck.log import enable

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mynacheck: %(name)s %(levelname)s %(message)s"))
    enable(handler)


def _say_library_warnings(lang: Lang) -> None:
    """A library warning that names its message (``key``, ``info``: a tally key file
    others can read) is said on stderr in the user's language; others as Python does."""
    import warnings

    shown = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        key, info = getattr(message, "key", None), getattr(message, "info", None)
        if isinstance(key, str) and isinstance(info, dict):
            say(f"mynacheck: {usage_text(key, lang, info)}")
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show


def _can_show_japanese(stream: Any) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        "有効期限切れ".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _json_is_utf8() -> None:
    """JSON is UTF-8 (README): a pipe or file on Windows would otherwise get the
    system code page (cp932, cp1252). A console keeps its own encoding."""
    stream = sys.stdout
    try:
        if stream is None or stream.isatty():
            return
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure(encoding="utf-8")
    except (ValueError, OSError):
        pass


def make_streams_safe() -> None:
    """Never crash on a console that cannot show a character (cp932 and friends)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


@contextmanager
def guard(output: Output) -> Iterator[None]:
    """The one place that maps errors to messages and exit codes."""
    try:
        yield
    except mynacheck.InputError as error:
        sys.exit(output.usage_error(error))
    except mynacheck.Cancelled:
        _interrupted(output)
    except mynacheck.MynacheckError as error:
        sys.exit(output.report(mynacheck.CheckReport.from_error(error)))
    except KeyboardInterrupt:
        _interrupted(output)
    except (SystemExit, click.exceptions.Exit, click.ClickException):
        raise
    except Exception as error:  # the unexpected: a bug, said plainly
        if output.verbose:
            import traceback

            traceback.print_exc()
        if output.debug_log is not None:
            import logging

            logging.getLogger("mynacheck.cli").error("internal error", exc_info=True)
        sys.exit(output.report(mynacheck.CheckReport.from_error(error)))


def _interrupted(output: Output) -> NoReturn:
    output.warn(text(LABELS, "interrupted", output.lang))
    if output.json:
        from mynacheck.present.json import interrupted_json

        output.print_json(interrupted_json(text(LABELS, "interrupted", output.lang)))
    sys.exit(EXIT_INTERNAL)


# -- options ---------------------------------------------------------------------------


# The options are defined here once; ``mynacheck-gui`` (gui/app.py) uses them too.


class Choice(click.Choice):  # type: ignore[type-arg]
    """click's Choice, refused in the user's language with "did you mean ...?"."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value in self.choices:
            return value
        option = param.opts[0] if param is not None and param.opts else "--?"
        raise click.UsageError(
            choice_problem("bad_choice", str(value), self.choices, ctx, option=option), ctx
        )


def choice_problem(
    key: str,
    value: str,
    choices: Any,
    ctx: click.Context | None,
    args: list[str] | None = None,
    **info: Any,
) -> str:
    """The message for ``value``, none of ``choices``, in the language the command line
    asks for (``--lang`` seen so far, or in ``args``), else the system's."""
    known = [str(choice) for choice in choices]
    error = mynacheck.InputError.unknown_choice(key, value, known, value=value, **info)
    return usage_text(key, lang_in_command_line(ctx, args), {**error.info, "choices": known})


def refuse_unknown_command(group: click.Group, ctx: click.Context, args: list[str]) -> None:
    """A command name ``group`` does not have: a usage error with the nearest one."""
    name = args[0] if args else ""
    known = group.list_commands(ctx)
    if name and name not in known and not name.startswith("-"):
        message = choice_problem("unknown_command", name, known, ctx, args, name=name)
        raise click.UsageError(message, ctx)


class Group(click.Group):
    """click's Group, with :func:`refuse_unknown_command` ("did you mean ...?") and
    help in the run's language."""

    context_class = HelpContext

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        return localized(command) if command is not None else None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        refuse_unknown_command(self, ctx, args)
        return super().resolve_command(ctx, args)


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=Choice(["ja", "en"]),
        default=None,
        help="Language (default: Japanese unless the locale says otherwise).",
    )(func)


def reader_option(func: F) -> F:
    return click.option("--reader", help="Reader: 0-based index or part of its name.")(func)


def scenarios_option(func: F) -> F:
    """``--simulate`` for card after card (``watch``, the window): names, in turn."""
    return click.option(
        "--simulate",
        metavar="SCENARIO[,SCENARIO...]",
        help="Simulated cards instead of a reader, in turn ('list' names them).",
    )(func)


_DEBUG_LOG_KEY = "mynacheck.debug_log"


def _note_debug_log(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_DEBUG_LOG_KEY] = value


def debug_log_option(func: F, *, expose_value: bool = False) -> F:
    """``--debug-log FILE``. The commands leave it to :func:`make_output` (their
    signatures do not change); the window takes its value (``expose_value``)."""
    return click.option(
        DEBUG_LOG,
        "debug_log",
        metavar="FILE",
        expose_value=expose_value,
        callback=None if expose_value else _note_debug_log,
        help="Also write the diagnostic log (as --verbose: every APDU, PIN bytes redacted) "
        "into FILE, UTF-8, for a support request. A new file, or one this option wrote "
        "before; never any other file.",
    )(func)


def common_options(func: F) -> F:
    """--lang, --json, --verbose, --debug-log."""
    func = debug_log_option(func)
    func = click.option(
        "--verbose",
        is_flag=True,
        help="A diagnostic log on stderr (APDUs, PIN redacted); a traceback on internal errors.",
    )(func)
    func = click.option("--json", "json_output", is_flag=True, help="JSON on stdout (see README).")(
        func
    )
    return lang_option(func)


def card_source_options(func: F) -> F:
    """Where the card is: a reader (--reader, --wait), a transcript, the simulator."""
    func = _card_source_rest(func)
    return reader_option(func)


def _card_source_rest(func: F) -> F:
    for option in reversed(
        [
            click.option(
                "--wait",
                type=click.FloatRange(min=0),
                default=None,
                metavar="SECONDS",
                help="Wait this long for a card.",
            ),
            click.option(
                "--replay",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Replay a recorded transcript instead of a reader.",
            ),
            click.option(
                "--simulate",
                metavar="SCENARIO",
                help="Use the simulated card ('list' names the scenarios).",
            ),
            click.option(
                "--record",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Write the card exchange to a transcript (PIN redacted).",
            ),
        ]
    ):
        func = option(func)
    return func


def trust_anchor_option(func: F) -> F:
    return click.option(
        "--trust-anchor",
        "trust_anchors",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="Also trust this root certificate (PEM or DER); repeatable.",
    )(func)


def log_options(func: F) -> F:
    """--log, --key-file, --tag: the tally each check is appended to."""
    func = click.option(
        "--tag", metavar="TEXT", help="With --log: a group label such as a section."
    )(func)
    func = click.option(
        "--key-file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Key for the card hashes (default: <log>.key beside the tally; share it "
        "between counters to count a card once).",
    )(func)
    func = click.option(
        "--log",
        "log",
        metavar="PATH|default|URI",
        help="Append one row per check to this tally (SQLite); 'default' = user data folder; "
        "postgresql://... or service=NAME: the shared server tally (through a local outbox).",
    )(func)
    return func


def at_option(func: F) -> F:
    return click.option(
        "--at", "at_text", metavar="DATE|DATETIME", help="Evaluate as of this moment (JST)."
    )(func)


# -- shared bits -------------------------------------------------------------------------


def parse_moment(value: str) -> datetime:
    """``--at``: a date (00:00 JST), or a date and time (JST unless it names a zone)."""
    raw = value.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise mynacheck.InputError("bad_date", value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=JST)
    if not 1950 <= moment.year <= 9000:  # keeps JST/UTC arithmetic inside datetime's range
        raise mynacheck.InputError("bad_date", value=value)
    return moment


def print_scenarios(output: Output) -> None:
    scenarios = mynacheck.simulated_scenarios(output.lang)
    if output.json:
        from mynacheck.present.json import scenarios_json

        out(
            json.dumps(
                scenarios_json(scenarios, mynacheck.SimulatedReader.DEMO_PIN), ensure_ascii=False
            )
        )
        return
    for name, description in scenarios.items():
        out(f"{name:28} {description}")


def note_transcript(output: Output, card: mynacheck.Card) -> None:
    """After ``--record``: where the transcript went, or why it did not."""
    if card.transcript_path is not None:
        output.echo(text(LABELS, "record_notice", output.lang, path=card.transcript_path), err=True)
    elif card.transcript_error is not None:
        reason, code = card.transcript_error, card.transcript_errno
        output.warn(text(LABELS, "record_failed", output.lang, reason=reason, errno=code))
