"""`galcli lsp`: the language server an editor starts (docs/editors.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from galcli.environment import Environment
from galcli.errors import UsageError


def lsp(
    ctx: typer.Context,
    stdio: Annotated[
        bool,
        typer.Option(
            "--stdio",
            help="Speak the protocol on stdin/stdout: the only transport, and the default "
            "(accepted because many clients pass it).",
            show_default=False,
        ),
    ] = True,
    log_file: Annotated[
        Path | None,
        typer.Option(
            "--log-file",
            metavar="FILE",
            help="Also write the server's own log to FILE: each check with its time, every "
            "error with its traceback.",
            dir_okay=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log in detail (every message) to --log-file.")
    ] = False,
) -> int:
    """Run galcli's language server, for editors (LSP over stdin/stdout).

    An editor starts it for .tex and .bib files and gets, as you type: every problem `galcli
    check` finds (undefined, duplicate and unused keys, \\cite{?} placeholders, missing files,
    .bib parse errors) as diagnostics in .tex and .bib files, read from the unsaved buffers;
    completion of citation keys in any cite command (natbib, biblatex, the document's own cite
    macros), best first for the sentence they go in (cite --tex's ranking); quick fixes that
    fill \\cite{?} with the best keys and replace an undefined key with the one meant; hover
    on a key (its entry) and on a formula (what each symbol is in the document); go to a
    key's .bib entry and find every citation of it. No model is loaded.

    Settings (initializationOptions or workspace/didChangeConfiguration, section "galcli"):
    unused, fit (check --fit's misfits as hints, with the better keys as quick fixes), online
    (check --online verdicts from the look-up cache), embeddings, debounce (ms).
    Configurations for Neovim, VS Code, Emacs and Helix are in docs/editors.md. Exit status:
    0 after the client's shutdown and exit, 1 on exit without shutdown (as the protocol
    asks), 4 when the server is not installed (pip install "galcli[lsp]").

    \b
    Examples:
      galcli lsp                          # what an editor runs
      galcli lsp --log-file /tmp/galcli-lsp.log
      nvim -c 'lua vim.lsp.start({name="galcli", cmd={"galcli","lsp"}})' paper.tex
    """
    from galcli.fileio import check_writable
    from galcli.lsp import require, serve

    require()
    if log_file is not None:
        check_writable(log_file)
    env = ctx.find_root().obj
    env = env if isinstance(env, Environment) else Environment.default()
    stdout = getattr(env.stdout, "buffer", None)
    if stdout is None:
        raise UsageError("galcli lsp needs a binary stdout to speak the protocol on")
    if env.stdin_isatty:
        env.stderr.write(
            "galcli lsp speaks the Language Server Protocol on stdin/stdout: start it from "
            "your editor (docs/editors.md); Ctrl-D ends it.\n"
        )
    return serve(env.stdin, stdout, log_file=log_file, debug=debug)
