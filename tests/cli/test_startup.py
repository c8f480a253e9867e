"""`galcli --help` lists every command without building any of them (bench/startup.py)."""

from __future__ import annotations

import typer.main

from galcli.errors import ExitCode

COMMANDS = (
    "generate",
    "cite",
    "check",
    "explain-formula",
    "lit-review",
    "detect",
    "lsp",
    "smiles",
    "models",
    "log",
)


def test_top_level_help_builds_no_subcommand(cli, monkeypatch) -> None:
    built: list[str] = []
    original = typer.main.get_command_from_info

    def counting(info, **kwargs):
        built.append(info.name or info.callback.__name__)
        return original(info, **kwargs)

    monkeypatch.setattr(typer.main, "get_command_from_info", counting)
    result = cli("--help")
    assert result.code == ExitCode.OK
    assert built == []
    listed = result.stdout.split("Commands:")[1]
    assert [line.split()[0] for line in listed.strip().splitlines()[: len(COMMANDS)]] == list(
        COMMANDS
    )
    cli("check", "--help")
    assert built == ["check"]  # only the command that runs


def test_subcommands_still_run_and_complain_like_before(cli) -> None:
    assert cli("models", "config").code == ExitCode.OK
    unknown = cli("nope")
    assert unknown.code == ExitCode.USAGE and "No such command 'nope'" in unknown.stderr
    bad = cli("generate", "--bogus")
    assert bad.code == ExitCode.USAGE and "see 'galcli generate --help'" in bad.stderr
