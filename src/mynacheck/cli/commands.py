"""The ``mynacheck`` command group: each command loaded only when it runs (or for --help)."""

from __future__ import annotations

import click

import mynacheck

from .helptext import HelpContext, localized

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
    context_class = HelpContext  # --help in the run's language

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        from .context import refuse_unknown_command

        refuse_unknown_command(self, ctx, args)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        import importlib

        if cmd_name not in _COMMANDS:
            return None
        module, name = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f".{module}", __package__), name)
        assert isinstance(command, click.Command)
        return localized(command)


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(mynacheck.__version__, prog_name="mynacheck", message="%(prog)s %(version)s")
def main() -> None:
    """Does the 利用者証明用電子証明書 on this My Number Card work?"""
