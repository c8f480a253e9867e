"""A command group that runs a default subcommand when none is named.

`galcli smiles aspirin` means `galcli smiles name aspirin`, and `galcli models` means
`galcli models list`, while `galcli smiles validate …` still reaches its subcommand.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


def group_with_default(default: str) -> type[TyperGroup]:
    class DefaultGroup(TyperGroup):
        default_command = default

        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            help_only = bool(args) and args[0] in ctx.help_option_names
            if not help_only and (not args or args[0] not in self.commands):
                args = [self.default_command, *args]
            return super().parse_args(ctx, args)

    return DefaultGroup
