"""A project's problems as LSP diagnostics, one list per file.

Every problem `galcli check` finds becomes a diagnostic with `code` = its kind
(`galcli.problems.Kind`), `source` "galcli", the severity of the check (a note is shown as
information), and the did-you-mean keys in `data`; a repeated key points to its first
definition (related information). Files the server could not read, and projects it could not
check at all, get one diagnostic each with code `bad_input` (what `galcli check` would end with,
exit 3), at the place that names them. A `citation_misfit` (`galcli.fit`) is a hint: a judgement
on words, not a fault of the document.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types

from galcli.errors import GalcliError, InputError
from galcli.lsp.positions import Text, uri_of
from galcli.problems import ERROR, NOTE, WARNING, Kind, Problem, Severity
from galcli.tasks.editor import Analysis

SOURCE = "galcli"
BAD_INPUT = "bad_input"
SEVERITY = {
    ERROR: types.DiagnosticSeverity.Error,
    WARNING: types.DiagnosticSeverity.Warning,
    NOTE: types.DiagnosticSeverity.Information,
}

TextOf = Callable[[str], Text]  # a file's text (with the client's position encoding)


def place_range(text: Text, line: int | None, column: int | None, key: str | None) -> types.Range:
    """Where a problem is: its key (or the command at its column) when it has a column, else
    its whole line."""
    line = line or 1
    if column is None:
        return text.line_range(line)
    start = text.starts[min(line - 1, len(text.starts) - 1)] + column - 1
    written = text.text[start:]
    if key and written.startswith(key):
        end = start + len(key)
    elif written.startswith("\\"):  # \input{…}, \bibliography{…}: the command to its brace
        rest_of_line = len(text.line_text(line - 1)) - (column - 1)
        closing = written.find("}", 0, max(rest_of_line, 0))
        end = start + (closing + 1 if closing >= 0 else 1)
    else:
        end = start
    return text.range(start, end)


def _diagnostic(
    problem: Problem, text: Text, related: list[types.DiagnosticRelatedInformation]
) -> types.Diagnostic:
    data: dict[str, object] = {}
    if problem.key is not None:
        data["key"] = problem.key
    if problem.suggestions:
        data["suggestions"] = list(problem.suggestions)
    severity = SEVERITY.get(problem.severity, types.DiagnosticSeverity.Warning)
    if problem.kind == Kind.CITATION_MISFIT:
        severity = types.DiagnosticSeverity.Hint  # a judgement on words, not a fault
    return types.Diagnostic(
        range=place_range(text, problem.line, problem.column, problem.key),
        message=problem.message,
        severity=severity,
        code=problem.kind.value,
        source=SOURCE,
        data=data or None,
        related_information=related or None,
    )


def _first_definition(
    analysis: Analysis, problem: Problem, text_of: TextOf
) -> list[types.DiagnosticRelatedInformation]:
    if problem.kind != Kind.DUPLICATE_KEY or not problem.key:
        return []
    first = analysis.entry(problem.key)
    if first is None or (first.file, first.line) == (problem.file, problem.line):
        return []
    place = types.Location(uri=uri_of(first.file), range=text_of(first.file).line_range(first.line))
    return [types.DiagnosticRelatedInformation(location=place, message="first defined here")]


def _bad_input(
    text: Text, line: int | None, column: int | None, message: str, severity: Severity
) -> types.Diagnostic:
    return types.Diagnostic(
        range=place_range(text, line, column, None),
        message=message,
        severity=SEVERITY[severity],
        code=BAD_INPUT,
        source=SOURCE,
    )


def _said(error: GalcliError) -> str:
    return error.message + (f" ({error.hint})" if error.hint else "")


def diagnostics(analysis: Analysis, text_of: TextOf) -> dict[str, list[types.Diagnostic]]:
    """The diagnostics of every file of `analysis` (an empty list for a file without any, so
    that the client clears what it showed before)."""
    found: dict[str, list[types.Diagnostic]] = {uri_of(analysis.main): []}
    for path in [*analysis.tex_files, *analysis.bib_files]:
        found.setdefault(uri_of(path), [])
    check = analysis.check
    for problem in check.problems if check is not None else []:
        file = problem.file or str(analysis.main)
        related = _first_definition(analysis, problem, text_of)
        found.setdefault(uri_of(file), []).append(_diagnostic(problem, text_of(file), related))
    for failure in analysis.failures:
        for file, line, column, message in _places(analysis, failure):
            diagnostic = _bad_input(text_of(file), line, column, message, ERROR)
            found.setdefault(uri_of(file), []).append(diagnostic)
    if analysis.error is not None:
        error = analysis.error
        where = error.location
        file = where.file if where is not None else str(analysis.main)
        severity = ERROR if isinstance(error, InputError) else NOTE
        line, column = (where.line, where.column) if where is not None else (None, None)
        diagnostic = _bad_input(text_of(file), line, column, _said(error), severity)
        found.setdefault(uri_of(file), []).append(diagnostic)
    return found


def _places(
    analysis: Analysis, failure: InputError
) -> list[tuple[str, int | None, int | None, str]]:
    """A file that could not be read: (file, line, column, message) at its own place, and
    where the project includes it."""
    where = failure.location
    file = where.file if where is not None else str(analysis.main)
    line, column = (where.line, where.column) if where is not None else (None, None)
    places = [(file, line, column, _said(failure))]
    project = analysis.project
    if project is None:
        return places
    target = Path(file).resolve()
    for include in project.includes:
        if include.resolved is not None and include.resolved.resolve() == target:
            message = f"cannot read '{include.name}': {_said(failure)}"
            places.append((include.file, include.line, include.column, message))
    return places
