"""The streams a command reads and writes, handed in rather than taken from `sys` (as httpie's
`Environment`): `galcli.cli.main(argv, env)` passes them down to every command, and tests run
galcli on buffers instead of patching `sys.stdin` and `sys.stdout`."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from typing import IO, Any


@dataclass
class Environment:
    stdin: IO[bytes]
    stdout: IO[str]
    stderr: IO[str]
    stdin_isatty: bool = False
    stdout_isatty: bool = False
    stderr_isatty: bool = False

    @classmethod
    def default(cls) -> Environment:
        """The process's own streams."""
        stdin: IO[bytes] = getattr(sys.stdin, "buffer", None) or io.BytesIO(b"")
        return cls(
            stdin=stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdin_isatty=_isatty(sys.stdin),
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
        )

    @classmethod
    def buffers(cls, stdin: bytes | None = None, *, terminal: bool = False) -> Environment:
        """In-memory streams (tests, embedding galcli): `stdin` bytes to read, or nothing
        piped (`None`: stdin is a terminal with nothing typed); `terminal` makes stdout and
        stderr say they are terminals."""
        return cls(
            stdin=io.BytesIO(stdin or b""),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            stdin_isatty=stdin is None,
            stdout_isatty=terminal,
            stderr_isatty=terminal,
        )

    def read_stdin(self) -> str:
        """All of stdin as UTF-8 text (InputError at the first bad byte)."""
        from galcli.fileio import decode_utf8

        return decode_utf8(self.stdin.read(), "<stdin>")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced by something without isatty
        return False
