"""`galcli lsp` as a command: its help, a missing `galcli[lsp]`, and what starting it costs the
other commands (nothing: pygls is imported only when the server runs)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from galcli.errors import ExitCode


def test_help_lists_what_the_server_does(cli) -> None:
    result = cli("lsp", "--help")
    assert result.code == ExitCode.OK
    assert "Run galcli's language server, for editors" in result.stdout
    assert "docs/editors.md" in result.stdout and "galcli lsp --log-file" in result.stdout


def test_without_the_lsp_extra_it_says_what_to_install(cli, monkeypatch) -> None:
    import galcli.lsp

    monkeypatch.setattr(galcli.lsp, "available", lambda: False)
    result = cli("lsp", stdin="")
    assert result.code == ExitCode.MODEL_UNAVAILABLE
    assert result.stdout == ""
    assert "the language server is not installed" in result.stderr
    assert 'pip install "galcli[lsp]"' in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["--help"], ["lsp", "--help"], ["check", "--help"]])
def test_other_commands_never_import_pygls(argv: list[str]) -> None:
    code = (
        "import contextlib, io, sys\nfrom galcli.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({argv!r})\n"
        "print(','.join(m for m in ('pygls', 'lsprotocol') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
