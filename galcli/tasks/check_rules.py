"""The rules of `galcli check`: each a small function from the project as read (`Checked`) to
the problems it finds. `tasks/check.py` reads the project and runs `RULES`; a new kind of
problem is a `problems.Kind` and a function added here (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from galcli.bib.entries import BIBTEX, BibEntry
from galcli.bib.load import Bibliography
from galcli.latex.project import LatexProject, Reference
from galcli.problems import ERROR, WARNING, Kind, Problem
from galcli.verify.bibtex import missing_fields, parent_keys
from galcli.verify.keys import KeySuggester

if TYPE_CHECKING:
    from galcli.tasks.check import CheckRequest
    from galcli.tasks.cite_fit import FitReport


@dataclass
class Checked:
    """What the rules read: the project, its bibliography and the request."""

    request: CheckRequest
    project: LatexProject
    bibliography: Bibliography

    @property
    def defined(self) -> dict[str, BibEntry]:
        return self.bibliography.entries

    @cached_property
    def suggester(self) -> KeySuggester:
        return KeySuggester(list(self.defined.values()))

    @cached_property
    def cited(self) -> set[str]:
        """Defined keys that are cited (a key cited in another letter case included)."""
        keys = set()
        for citation in self.project.citations:
            if citation.key in self.defined or citation.key in self.bibliography.broken_keys:
                keys.add(citation.key)
            elif (variant := self.suggester.case_variant(citation.key)) is not None:
                keys.add(variant)
        return keys

    @cached_property
    def fits(self) -> FitReport:
        """How well each cited entry fits where it is cited (`--fit`; tasks/cite_fit.py)."""
        from galcli.tasks.cite_fit import fit_project

        entries = list(self.defined.values())
        return fit_project(self.project, entries, dense=self.request.embeddings)

    @property
    def everything(self) -> bool:
        """Whether every entry counts as used: `\\nocite{*}`."""
        return self.project.nocite_all


Rule = Callable[[Checked], Iterator[Problem]]


def _at(reference: Reference, kind: Kind, message: str) -> Problem:
    """A problem located where the document names a file (`\\input`, `\\bibliography`)."""
    return Problem.of(
        kind, message, file=reference.file, line=reference.line, column=reference.column
    )


def missing_includes(checked: Checked) -> Iterator[Problem]:
    for include in checked.project.missing_includes:
        where = " or ".join(str(d) for d in include.searched)
        yield _at(
            include,
            Kind.MISSING_FILE,
            f"included file '{include.name}' not found in {where} ({include.command})",
        )


def include_cycles(checked: Checked) -> Iterator[Problem]:
    for include, chain in checked.project.cycles:
        loop = " → ".join(path.name for path in [*chain, chain[0]])
        yield _at(
            include,
            Kind.INCLUDE_CYCLE,
            f"'{include.name}' is already being read ({loop}): TeX would include it again and "
            f"again ({include.command})",
        )


def bibliography_files(checked: Checked) -> Iterator[Problem]:
    """Bibliographies the document names that galcli cannot read (with --bib, none counts)."""
    if checked.request.bibs:
        return
    for reference in checked.project.bibliographies:
        if reference.remote:
            yield _at(
                reference,
                Kind.REMOTE_BIBLIOGRAPHY,
                f"remote bibliography '{reference.name}' skipped: galcli reads local files "
                "only, so keys defined only there are reported as undefined",
            )
        elif reference.resolved is None:
            where = " and ".join(str(d) for d in reference.searched) or "."
            yield _at(
                reference,
                Kind.MISSING_FILE,
                f"bibliography '{reference.name}' not found (looked in {where})",
            )


def bib_problems(checked: Checked) -> Iterator[Problem]:
    """What reading the .bib files found: parse errors, encodings, repeated keys and fields."""
    yield from checked.bibliography.problems


def placeholders(checked: Checked) -> Iterator[Problem]:
    main = checked.request.main
    for citation in checked.project.citations:
        if citation.is_placeholder:
            yield Problem.of(
                Kind.CITATION_PLACEHOLDER,
                f"citation placeholder {citation.command}{{{citation.key}}}: fill it with "
                f"galcli cite --tex {main}",
                key=citation.key,
                file=citation.file,
                line=citation.line,
                column=citation.column,
            )


def undefined_keys(checked: Checked) -> Iterator[Problem]:
    defined, broken = checked.defined, checked.bibliography.broken_keys
    suggestions: dict[str, list[str]] = {}
    for citation in checked.project.citations:
        key = citation.key
        if key in defined or key in broken or citation.is_placeholder:
            continue
        if key not in suggestions:
            suggestions[key] = checked.suggester.suggest(key)
        severity, message = ERROR, f"undefined citation key '{key}'"
        if (variant := checked.suggester.case_variant(key)) is not None:
            biber = checked.bibliography.dialect != BIBTEX
            # BibTeX matches keys ignoring case (silently); biber does not.
            severity = ERROR if biber else WARNING
            why = (
                "biber matches keys case-sensitively"
                if biber
                else "BibTeX ignores the case, biber would not"
            )
            message = f"citation key '{key}' is defined only as '{variant}' ({why})"
        yield Problem(
            Kind.UNDEFINED_KEY,
            severity,
            message,
            key=key,
            file=citation.file,
            line=citation.line,
            column=citation.column,
            suggestions=tuple(suggestions[key]),
        )


def incomplete_entries(checked: Checked) -> Iterator[Problem]:
    """Cited entries (every entry under `\\nocite{*}`) that lack a required field."""
    defined, dialect = checked.defined, checked.bibliography.dialect
    keys = defined if checked.everything else sorted(checked.cited & defined.keys())
    for key in keys:
        entry = defined[key]
        missing = missing_fields(entry, defined, dialect)
        if missing:
            yield Problem.of(
                Kind.MISSING_FIELD,
                f"@{entry.entry_type}{{{key}}} lacks required "
                f"field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                key=key,
                file=entry.file,
                line=entry.line,
            )


def unused_entries(checked: Checked) -> Iterator[Problem]:
    """Entries never cited, nor used by a cited entry (crossref, xdata, xref)."""
    request = checked.request
    if not (request.unused or request.strict) or checked.everything:
        return
    used = _with_parents(checked.cited, checked.defined)
    for entry in checked.defined.values():
        if entry.key not in used:
            yield Problem.of(
                Kind.UNUSED_ENTRY,
                f"entry '{entry.key}' is never cited",
                key=entry.key,
                file=entry.file,
                line=entry.line,
            )


def misfits(checked: Checked) -> Iterator[Problem]:
    """Cited entries that fit their sentence far worse than other entries (--fit)."""
    if checked.request.fit:
        yield from checked.fits.problems


RULES: tuple[Rule, ...] = (
    missing_includes,
    include_cycles,
    bibliography_files,
    bib_problems,
    placeholders,
    undefined_keys,
    incomplete_entries,
    unused_entries,
    misfits,
)


def _with_parents(cited: set[str], defined: dict[str, BibEntry]) -> set[str]:
    """`cited` and every entry they take data from (crossref, xdata, xref), transitively: a
    parent is part of the bibliography because its children are cited."""
    folded = {key.lower(): key for key in defined}
    used = set(cited)
    pending = list(cited)
    while pending:
        entry = defined.get(pending.pop())
        for name in parent_keys(entry) if entry is not None else ():
            parent = name if name in defined else folded.get(name.lower())
            if parent is not None and parent not in used:
                used.add(parent)
                pending.append(parent)
    return used
