"""``--help`` in the language of the run: click's own help in English, the same
layout with Japanese words (``present.messages.HELP_JA``) in Japanese.

The language is the command line's ``--lang`` (seen before click has parsed it:
``--help`` is answered first), else the system's (``detect_language``), as for
everything else the command says. Every command and group of ``mynacheck`` and
``mynacheck-gui`` makes its contexts with :class:`HelpContext`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from mynacheck.present.messages import Lang

C = TypeVar("C", bound=click.Command)


class HelpContext(click.Context):
    def get_help(self) -> str:
        if lang_in_command_line(self) != "ja":
            return super().get_help()
        return japanese_help(self)

    def get_usage(self) -> str:
        """The usage line above an error, "使い方: ..." in Japanese (click's own
        "Try ... for help." and "Error:" around it stay as click says them)."""
        if lang_in_command_line(self) != "ja":
            return super().get_usage()
        from mynacheck.present.messages import HELP_JA

        formatter = self.make_formatter()
        pieces = " ".join(self.command.collect_usage_pieces(self))
        formatter.write_usage(self.command_path, pieces, HELP_JA["heading.usage"])
        return formatter.getvalue().rstrip("\n")


def localized(command: C) -> C:
    """``command`` (a click command or group), its contexts made by :class:`HelpContext`."""
    command.context_class = HelpContext
    return command


def lang_in_command_line(ctx: click.Context | None, args: list[str] | None = None) -> Lang:
    """``ja`` or ``en``: ``--lang`` as parsed so far, or as written in ``args`` (the
    process's arguments unless given), else the system's language."""
    from mynacheck.present.messages import detect_language

    chosen = ctx.params.get("lang") if ctx is not None else None
    if chosen == "ja" or chosen == "en":
        return "ja" if chosen == "ja" else "en"
    rest = list(sys.argv[1:] if args is None else args)
    for index, token in enumerate(rest):
        value = token.partition("=")[2] if token.startswith("--lang=") else None
        if token == "--lang" and index + 1 < len(rest):
            value = rest[index + 1]
        if value == "ja" or value == "en":
            return "ja" if value == "ja" else "en"
    return detect_language()


def japanese_help(ctx: click.Context) -> str:
    """click's help layout for ``ctx``'s command, with the Japanese words of
    ``HELP_JA`` (the English line where one is missing)."""
    from mynacheck.present.messages import HELP_JA

    command, path = ctx.command, key_path(ctx)
    formatter = ctx.make_formatter()
    pieces = command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), HELP_JA["heading.usage"])
    about = HELP_JA.get(f"command:{path}") or command.help or ""
    if about:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(about)
    rows = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        rows.append((record[0], option_help(path, param.opts) or record[1]))
    if rows:
        with formatter.section(HELP_JA["heading.options"]):
            formatter.write_dl(rows)
    if isinstance(command, click.Group):
        listed = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                line = HELP_JA.get(f"short:{path} {name}") or sub.get_short_help_str()
                listed.append((name, line))
        if listed:
            with formatter.section(HELP_JA["heading.commands"]):
                formatter.write_dl(listed)
    return formatter.getvalue().rstrip("\n")


def key_path(ctx: click.Context) -> str:
    """``ctx``'s command as HELP_JA names it (``mynacheck tally push``), however the
    program was started (``python -m mynacheck.cli``, ``mynacheck.exe``)."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    root = ctx.command.name if ctx.command.name == "mynacheck-gui" else "mynacheck"
    return " ".join([root, *reversed(names)])


def option_help(path: str, names: list[str]) -> str | None:
    """The Japanese line of the option called ``names`` in the command ``path``."""
    from mynacheck.present.messages import HELP_JA

    for key in [f"{path} {name}" for name in names] + list(names):
        if key in HELP_JA:
            return HELP_JA[key]
    return None
