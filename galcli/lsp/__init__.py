"""`galcli lsp`: galcli's checks and citation ranking in the editor, over the Language Server
Protocol (pygls). `serve` is all the command line needs; pygls and lsprotocol are imported only
when it runs (lsprotocol's types alone take 0.6 s to import), and a missing `galcli[lsp]` is
one line with the command that installs it (docs/editors.md)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import IO

from galcli.errors import ExitCode, MissingExtra

INSTALL_HINT = 'install it with: pip install "galcli[lsp]"'


def available() -> bool:
    try:
        return all(importlib.util.find_spec(m) is not None for m in ("pygls", "lsprotocol"))
    except (ImportError, ValueError):
        return False


def require() -> None:
    """MissingExtra (exit 4, with the install command) when pygls or lsprotocol is missing."""
    if not available():
        raise MissingExtra("the language server is not installed (pygls)", hint=INSTALL_HINT)


def serve(
    stdin: IO[bytes], stdout: IO[bytes], *, log_file: Path | None = None, debug: bool = False
) -> ExitCode:
    """Run the server on stdin/stdout until the client says `exit` (or closes the pipe):
    exit status 0 after a `shutdown`, 1 without one, as the protocol asks."""
    require()
    if log_file is not None:
        logging.basicConfig(
            filename=str(log_file),
            level=logging.DEBUG if debug else logging.INFO,
            format="%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s",
        )
    else:
        # Nothing on stderr: errors reach the client's log (window/logMessage), and a client
        # that does not read the server's stderr (pygls's own) would stop it once the pipe is
        # full (pylatexenc warns about every odd title it decodes).
        logging.getLogger().addHandler(logging.NullHandler())
    from galcli.lsp.server import build

    server = build()
    server.start_io(stdin, stdout)  # type: ignore[arg-type]  # any binary stream does
    return ExitCode.OK if server.session.shut_down else ExitCode.FINDINGS
