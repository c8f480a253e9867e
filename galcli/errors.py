"""Exit codes and the exceptions that carry them (README: Exit codes; docs/architecture.md).

Tasks and lower layers raise these; the one handler in `galcli.cli.app` maps them to an exit
code and a one-line message with a hint. Nothing here imports anything heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

ISSUES_URL = "https://github.com/galcli/galcli/issues"


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    BAD_INPUT = 3
    MODEL_UNAVAILABLE = 4
    INTERNAL = 70
    INTERRUPTED = 130


@dataclass(frozen=True)
class Location:
    """Where a problem is, printed gcc style (`file:line:column`) so editors can jump to it."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class GalcliError(Exception):
    """An expected failure: a message for the user, a hint on what to do, and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        location: Location | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location
        # Extra lines shown under the message, e.g. a formula with a caret under the bad column.
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Keep hint and location when an error crosses a process boundary (pickle).
        return (self.__class__, (self.message,), self.__dict__)


class UsageError(GalcliError):
    """A bad option or argument (exit 2)."""

    exit_code = ExitCode.USAGE


class InputError(GalcliError):
    """Missing, unreadable or malformed input given by the user (exit 3)."""

    exit_code = ExitCode.BAD_INPUT


class ModelUnavailable(GalcliError):
    """The model cannot be found, loaded or reached, or a download would be needed (exit 4)."""

    exit_code = ExitCode.MODEL_UNAVAILABLE


class MissingExtra(ModelUnavailable):
    """An optional part of galcli that is not installed (`galcli[lsp]`): exit 4, as for a
    missing model runtime, with the command that installs it."""


class OutputClosed(Exception):
    """The reader of stdout went away (`galcli … | head -1`): not an error. `status` is the exit
    status of the work done until then (e.g. FINDINGS when invalid SMILES were already seen)."""

    def __init__(self, status: int = ExitCode.OK) -> None:
        super().__init__("stdout was closed by its reader")
        self.status = int(status)
