"""The Typer command-line interface: parses options, calls tasks, hands results to render."""

from galcli.cli.app import app, main, run

__all__ = ["app", "main", "run"]
