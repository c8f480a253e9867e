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


def test_an_unwritable_log_file_is_bad_input(cli, tmp_path) -> None:
    result = cli("lsp", "--log-file", str(tmp_path / "no" / "such" / "lsp.log"), stdin="")
    assert result.code == ExitCode.BAD_INPUT
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def _framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_a_message_that_is_not_json_is_logged_and_the_next_is_answered(tmp_path) -> None:
    """Raw bytes on stdin: a broken message, then initialize, shutdown and exit."""
    import json
    import os

    pytest.importorskip("pygls")
    messages = [
        b"{bad json",
        json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
        ).encode(),
        json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}).encode(),
        json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode(),
    ]
    env = {**os.environ, "GALCLI_CONFIG_DIR": str(tmp_path), "GALCLI_NO_EMBEDDINGS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "galcli", "lsp"],
        input=b"".join(_framed(m) for m in messages),
        capture_output=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"JSONDecodeError" in done.stdout and b"the server goes on" in done.stdout
    assert b'"serverInfo": {"name": "galcli"' in done.stdout
    assert done.stderr == b""  # nothing on stderr unless --log-file
