"""`galcli cite --tex`: fill a draft's citation placeholders from their context.

The project is read like `galcli check` reads it (includes, bibliography commands, comments
and verbatim skipped); every placeholder (tasks/cite_context.py) is ranked from its sentence,
paragraph, section, title/abstract and the citations around it (retrieve/context.py). The
user's files are never written: `diff` returns a unified diff to apply with `git apply` or
`patch`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.load import dialect_of, load, project_files
from galcli.errors import ExitCode, InputError
from galcli.fileio import display_path
from galcli.latex.project import scan_project
from galcli.problems import Problem
from galcli.tasks.cite import Citer, CiteRequest, CiteResult
from galcli.tasks.cite_context import Placeholder, TexDocument, fill, read_document


@dataclass(frozen=True)
class TexCiteRequest:
    main: Path
    bib: tuple[Path, ...] = ()  # none: the project's own \bibliography / \addbibresource files
    cite: CiteRequest = field(default_factory=lambda: CiteRequest(""))
    todo_command: str = "\\citep"  # what a `% TODO cite` line gets


@dataclass
class PlaceholderResult:
    placeholder: Placeholder
    result: CiteResult

    def to_dict(self, base: Path | None = None) -> dict[str, Any]:
        p = self.placeholder
        return {
            "file": display_path(p.file, base),
            "line": p.line,
            "column": p.column,
            "command": p.command,
            "sentence": p.context.sentence,
            "suggestions": [s.to_dict() for s in self.result.suggestions],
            "rejected": [r.to_dict() for r in self.result.rejected],
            "no_entry_fits": self.result.below_floor,
        }


@dataclass
class TexCiteResult:
    main: Path
    placeholders: list[PlaceholderResult]
    document: TexDocument
    bib_files: list[Path]
    problems: list[Problem]
    model: str | None

    @property
    def unfilled(self) -> int:
        return sum(not p.result.suggestions for p in self.placeholders)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.unfilled else ExitCode.OK

    def diff(self, k: int, base: Path | None = None) -> str:
        """A unified diff (paths relative to `base`, `a/` and `b/` prefixed) that puts the top
        `k` suggestions of each placeholder into the files."""
        chunks = []
        for path, text in self.document.texts.items():
            mine = [p for p in self.placeholders if p.placeholder.file == path]
            if not mine:
                continue
            keys = [[s.key for s in p.result.suggestions[:k]] for p in mine]
            filled = fill(text, [p.placeholder for p in mine], keys)
            if filled == text:
                continue
            name = display_path(path, base)
            chunks.append(
                "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        filled.splitlines(keepends=True),
                        f"a/{name}",
                        f"b/{name}",
                    )
                )
            )
        return "".join(chunks)


def project_bibliography(
    request: TexCiteRequest,
) -> tuple[TexDocument, list[BibEntry], list[Path], list[Problem]]:
    project = scan_project(request.main)
    document = read_document(project, request.todo_command)
    paths = project_files(project, request.bib)
    if not paths:
        raise InputError(
            "the document names no bibliography that exists",
            location=None,
            hint="pass your .bib file with --bib refs.bib",
        )
    bibliography = load(paths, dialect_of(project))
    entries, problems = list(bibliography.entries.values()), bibliography.problems
    if not entries:
        first = problems[0] if problems else None  # why, when bibtexparser said why
        raise InputError(
            "the bibliography has no entries"
            + (f": {first.file}:{first.line}: {first.message}" if first else ""),
            hint="check the --bib file(s)",
        )
    return document, entries, paths, problems


def cite_tex(
    request: TexCiteRequest,
    citer_for: Callable[[list[BibEntry]], Citer],
    prepared: tuple[TexDocument, list[BibEntry], list[Path], list[Problem]] | None = None,
) -> TexCiteResult:
    """Suggestions for every placeholder of the project, in document order."""
    document, entries, paths, problems = prepared or project_bibliography(request)
    results: list[PlaceholderResult] = []
    if document.placeholders:
        citer = citer_for(entries)
        citer.index.prepare(p.context.local for p in document.placeholders)
        ranker = citer.ranker(document.citing_sentences, document.cocitations)
        for placeholder in document.placeholders:
            context = placeholder.context
            cite = replace(request.cite, text=context.sentence or context.paragraph)
            result = citer.suggest_in_context(cite, context, ranker)
            results.append(PlaceholderResult(placeholder, result))
    model = results[0].result.model if results else None
    return TexCiteResult(request.main, results, document, paths, problems, model)
