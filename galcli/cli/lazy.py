"""Build galcli's click command tree lazily: only the command that runs is converted.

Typer turns every command function into a click command (signature inspection, one click
parameter per option) before it parses anything; for galcli's 18 commands that cost about as
much as importing typer itself, on every start. Here the root group is built alone, and a
subcommand is built when it is invoked. `galcli --help` lists the commands from their help
texts, which needs no conversion. The output is the same as Typer's own (docs/cli.md is
generated from it and checked).
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import typer
import typer.core
import typer.main


def lazy_command(app: typer.Typer) -> Any:
    """The click group for `app`, whose subcommands are built on first use."""
    shell = copy.copy(app)
    shell.registered_commands = []
    shell.registered_groups = []
    shell.info = copy.copy(app.info)
    # keep the app's own group class (its invoke turns a closed stdout into OutputClosed)
    base = app.info.cls if isinstance(app.info.cls, type) else typer.core.TyperGroup
    shell.info.cls = type("LazyRootGroup", (LazyGroup, base), {})
    root = typer.main.get_command(shell)
    assert isinstance(root, LazyGroup)
    entries: dict[str, Any] = {}
    for command in app.registered_commands:
        entries[command.name or command.callback.__name__] = command  # type: ignore[union-attr]
    for group in app.registered_groups:
        entries[group.name or ""] = group
    root._galcli_app = app
    root._galcli_entries = entries
    root._galcli_built = {}
    return root


class LazyGroup(typer.core.TyperGroup):
    """The root group: subcommands are built when they run, summarised when listed."""

    _galcli_app: typer.Typer
    _galcli_entries: dict[str, Any]
    _galcli_built: dict[str, Any]
    _galcli_listing: bool = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._galcli_entries)

    def get_command(self, ctx: Any, name: str) -> Any:
        entry = self._galcli_entries.get(name)
        if entry is None:
            return None
        if self._galcli_listing:
            return _summary(name, entry, self._galcli_app)
        if name not in self._galcli_built:
            self._galcli_built[name] = _build(name, entry, self._galcli_app)
        return self._galcli_built[name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._galcli_listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._galcli_listing = False


def _build(name: str, entry: Any, app: typer.Typer) -> Any:
    single = copy.copy(app)
    single._add_completion = False  # the root group carries the completion options
    single.registered_callback = None
    single.info = copy.copy(app.info)
    single.info.callback = None
    if isinstance(entry, typer.models.CommandInfo):
        single.registered_commands, single.registered_groups = [entry], []
        return typer.main.get_command(single)
    single.registered_commands, single.registered_groups = [], [entry]
    group = typer.main.get_command(single)
    assert isinstance(group, typer.core.TyperGroup)
    return group.commands[name]


def _summary(name: str, entry: Any, app: typer.Typer) -> Any:
    """A stand-in that carries only what the command list shows: name, help, hidden."""
    if isinstance(entry, typer.models.CommandInfo):
        help_text = entry.help or inspect.getdoc(entry.callback) or ""
        short_help, hidden = entry.short_help, entry.hidden
    else:
        help_text = typer.main.solve_typer_info_help(entry)
        short_help, hidden = None, bool(entry.hidden)
    return typer.core.TyperCommand(
        name=name,
        help=help_text,
        short_help=short_help,
        hidden=hidden,
        rich_markup_mode=app.rich_markup_mode,
    )
