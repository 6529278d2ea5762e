"""The command line: ``mynacheck check | readers | inspect | pin-status | watch | report | tally``.

One face of the ``mynacheck`` library: each command (one module each) parses its
options, calls the public API and renders with ``mynacheck.present``; the one
map from errors to exit codes is in :mod:`.context`. Heavy imports happen inside
commands so the tool is quick to reach the reader.
"""

from __future__ import annotations

import sys

import click

import mynacheck

from .context import OUTPUT_LOST

#: command name -> (module, function): each loaded only when it runs (or for --help),
#: so `mynacheck check` imports no other command's code on its way to the card.
_COMMANDS = {
    "check": ("check", "check"),
    "inspect": ("inspect", "inspect"),
    "pin-status": ("pin_status", "pin_status"),
    "readers": ("readers", "readers"),
    "report": ("report", "report"),
    "tally": ("tally", "tally"),
    "watch": ("watch", "watch"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        import importlib

        if cmd_name not in _COMMANDS:
            return None
        module, name = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f".{module}", __name__), name)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(mynacheck.__version__, prog_name="mynacheck")
def main() -> None:
    """Does the 利用者証明用電子証明書 on this My Number Card work?"""


def run() -> None:
    """The console-script entry: :func:`main`, then exit without interpreter teardown.

    By the time ``main`` returns, everything the command owns is closed (the card
    unpowered, the tally committed, the transcript written) and the output is
    flushed below; tearing down cryptography, pyscard and click module by module
    would only add 15-20 ms to every check (measured), so the process ends here.
    A stdout that is closed, full or a broken pipe costs one line on stderr and
    keeps the verdict's exit code: never a traceback.
    """
    import os

    try:
        main(standalone_mode=True)
        code = 0
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            code = exit_.code or 0
        else:  # sys.exit("message"): Python would print it and exit 1
            _say(str(exit_.code))
            code = 1
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as error:  # a full stdout, found at the last flush
        OUTPUT_LOST.append(_reason(error))
    if OUTPUT_LOST:  # the verdict's exit code stands; one line says what was lost
        _say(f"mynacheck: cannot write the output ({OUTPUT_LOST[0]})")
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or type(error).__name__


def _say(message: str) -> None:
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    run()
