"""``mynacheck tally``: the shared server tally — ``init-server`` (its SQL, or ``--apply``)
and ``push`` (SQLite tallies up to the server). Also the one password prompt every
command uses for a server: never a password on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

import mynacheck
from mynacheck.present.messages import DELIVERY, text

from ._early import stdin_is_terminal
from .context import Group, Output, common_options, guard, make_output

if TYPE_CHECKING:
    from mynacheck import DeliveryState, ServerTally, Tally

_T = TypeVar("_T")


def with_server_password(output: Output, call: Callable[[str | None], _T]) -> _T:
    """``call(None)``; when the server asks for a password that neither PGPASSWORD nor
    ``~/.pgpass`` (PGPASSFILE) gave, ask for it once on the terminal and call again.
    Without a terminal the usage error stands (``server_password_needed``)."""
    try:
        return call(None)
    except mynacheck.InputError as error:
        if error.key != "server_password_needed" or not stdin_is_terminal():
            raise
        target = error.info.get("target", "")
        prompt = "パスワード" if output.lang == "ja" else "Password"
        password = click.prompt(
            f"{prompt} ({target})", hide_input=True, err=True, default="", show_default=False
        )
        return call(password or None)


def open_log(
    output: Output, log: str, key_file: Path | None, tag: str | None
) -> Tally | ServerTally:
    """``--log``: a SQLite tally, or a server tally (asking for its password if need be)."""
    return with_server_password(
        output,
        lambda password: mynacheck.open_tally(
            log, key_file=key_file, tag=tag, **({"password": password} if password else {})
        ),
    )


def close_log(output: Output, tally: Tally | ServerTally) -> None:
    """Close a ``--log`` tally; for a server tally, say how many rows still wait in the
    outbox (they go on the next run, or with ``tally push``)."""
    if isinstance(tally, mynacheck.Tally):
        tally.close()
        return
    waiting = tally.close().waiting
    if waiting:
        output.warn(text(DELIVERY, "left", output.lang, n=waiting, path=tally.outbox.path))


class DeliveryLines:
    """``watch``'s delivery line on stderr, said when it means something new: the state
    changes (but not the short ``waiting`` of every row on its way to a server that
    answers), or the rows waiting for an unreachable server grow."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.last: DeliveryState | None = None

    def __call__(self, state: DeliveryState) -> None:
        last, self.last = self.last, state
        if last is not None and state.state == last.state and state.state == "waiting":
            return
        if last is not None and state.state == "waiting" and last.state == "delivered":
            return
        if last is not None and (state.state, state.waiting) == (last.state, last.waiting):
            return
        from mynacheck.present.messages.server import delivery_text

        self.output.echo(delivery_text(state, self.output.lang), err=True)


@click.group(cls=Group, short_help="The shared server tally: init-server, push.")
def tally() -> None:
    """The tally that many counters share on a PostgreSQL server (README "The server
    tally"): prepare the server, upload existing SQLite tallies."""


@tally.command("init-server", short_help="The server's SQL: print it, or --apply it.")
@click.argument("target", metavar="URI", required=False)
@click.option("--apply", "apply_", is_flag=True, help="Run the SQL on URI as its owner.")
@common_options
def init_server(
    target: str | None, apply_: bool, lang: str | None, json_output: bool, verbose: bool
) -> None:
    """Print the SQL that prepares a PostgreSQL database for the tally (tables, the roles
    mynacheck_counter — may only add rows — and mynacheck_report — may only read),
    or with --apply run it on URI as the connecting role, which owns the tables. Run
    again with a newer mynacheck, it brings the server up to date (the owner only)."""
    output = make_output(lang, json_output, verbose)
    with guard(output):
        if not apply_:
            output.echo(mynacheck.server_setup_sql(), nl=False)
            return
        if target is None:
            raise click.UsageError("--apply needs the server's URI")
        _must_be_server(target)
        with_server_password(
            output, lambda password: mynacheck.setup_server(target, password=password)
        )
        if output.json:
            output.print_json({"event": "init_server", "target": target, "applied": True})
        else:
            output.echo(text(DELIVERY, "applied", output.lang, target=target), err=True)


@tally.command("push", short_help="Upload SQLite tallies to the server tally.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "target", required=True, metavar="URI", help="The server tally.")
@common_options
def push(
    files: tuple[Path, ...], target: str, lang: str | None, json_output: bool, verbose: bool
) -> None:
    """Upload existing SQLite tallies (old --log files, a counter's outbox) to the server
    tally. Each row keeps its id: a row already there is not stored again, so pushing
    twice is harmless. Every file is checked before anything is sent."""
    output = make_output(lang, json_output, verbose)
    with guard(output):
        _must_be_server(target)
        results = with_server_password(
            output, lambda password: mynacheck.push_tallies(files, target, password=password)
        )
        if output.json:
            output.print_json(
                {
                    "event": "push",
                    "target": target,
                    "files": [{"path": str(r.path), "rows": r.sent, "new": r.new} for r in results],
                }
            )
            return
        for result in results:
            output.echo(
                text(
                    DELIVERY,
                    "pushed",
                    output.lang,
                    path=result.path,
                    sent=result.sent,
                    new=result.new,
                    old=result.sent - result.new,
                )
            )


def _must_be_server(target: str) -> None:
    if not target.strip().lower().startswith(("postgresql://", "postgres://", "service=")):
        raise mynacheck.InputError("push_not_a_server", target=target)
