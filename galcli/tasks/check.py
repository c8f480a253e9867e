"""`galcli check`: citation problems in a LaTeX project, without a model.

Finds undefined, duplicate, unused and incomplete citations the way BibTeX/biber would meet
them, each with a gcc-style location so editors can jump to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from galcli.errors import UsageError
from galcli.verify.bibtex import BIBER, BIBTEX, BibFile, first_definitions, missing_fields, parse_bib
from galcli.verify.keys import KeySuggester
from galcli.verify.latex_scan import LatexProject, scan_project
from galcli.verify.problems import ERROR, WARNING, Problem


@dataclass(frozen=True)
class CheckRequest:
    main: Path
    bibs: tuple[Path, ...] = ()
    unused: bool = False
    strict: bool = False


@dataclass
class CheckResult:
    files: list[str]
    bib_files: list[str]
    citations: int
    entries: int
    problems: list[Problem] = field(default_factory=list)
    strict: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not (self.problems if self.strict else self.errors)

    def to_dict(self) -> dict[str, Any]:
        return {"files": self.files, "bib_files": self.bib_files, "citations": self.citations,
                "entries": self.entries, "problems": [p.to_dict() for p in self.problems],
                "ok": self.ok}


class _BibLoader:
    """Reads the .bib files, in a forked worker process when they are large.

    Parsing a big bibliography is the slowest part of a check; on machines with fork() it runs
    on another core while the LaTeX files are scanned. Small files are parsed in-process.
    """

    PARALLEL_BYTES = 256 * 1024

    def __init__(self, request: CheckRequest) -> None:
        self.request = request
        self.dialect = BIBTEX
        self.started: list[Path] = []
        self._future: Any = None
        self._pool: Any = None

    def start(self, project: LatexProject) -> None:
        """Called once the main file is scanned: its preamble names the backend and files."""
        self.dialect = BIBER if project.uses_biblatex else BIBTEX
        self.started = list(self.request.bibs) or [r.resolved for r in project.bibliographies
                                                   if r.resolved is not None]
        import multiprocessing

        sizes = sum(p.stat().st_size for p in self.started if p.is_file())
        if sizes >= self.PARALLEL_BYTES and "fork" in multiprocessing.get_all_start_methods():
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._pool.submit(_parse_all, self.started, self.dialect)

    def files(self, project: LatexProject, problems: list[Problem]) -> list[BibFile]:
        self.dialect = BIBER if project.uses_biblatex else self.dialect
        if self._future is not None:
            try:
                parsed = self._future.result()
            finally:
                self._pool.shutdown()
        else:
            parsed = _parse_all(self.started, self.dialect)
        if self.request.bibs:
            return parsed
        if not project.bibliographies:
            raise UsageError(f"{project.main} names no bibliography (no \\bibliography or "
                             "\\addbibresource), so there is nothing to check citations against",
                             hint="pass the .bib file(s) with --bib refs.bib")
        for reference in project.bibliographies:
            if reference.resolved is None:
                problems.append(Problem("missing_file", ERROR,
                                        f"bibliography '{reference.name}' not found "
                                        f"(looked beside {project.main.name})",
                                        file=reference.file, line=reference.line,
                                        column=reference.column))
            elif reference.resolved not in self.started:  # named in an included file
                self.started.append(reference.resolved)
                parsed.append(parse_bib(reference.resolved, dialect=self.dialect))
        return parsed


def _parse_all(paths: list[Path], dialect: str) -> list[BibFile]:
    return [parse_bib(path, dialect=dialect) for path in paths]


def run_check(request: CheckRequest) -> CheckResult:
    loader = _BibLoader(request)
    project = scan_project(request.main, after_main=loader.start)
    dialect = BIBER if project.uses_biblatex else BIBTEX
    problems: list[Problem] = []
    for include in project.missing_includes:
        problems.append(Problem("missing_file", ERROR,
                                f"included file '{include.name}' not found ({include.command})",
                                file=include.file, line=include.line, column=include.column))
    bib_files = loader.files(project, problems)
    defined, duplicates = first_definitions(bib_files)
    problems += [p for bib in bib_files for p in bib.problems] + duplicates
    broken = {key for bib in bib_files for key in bib.broken_keys}
    suggester = KeySuggester(list(defined.values()))

    cited: set[str] = set()
    suggestions: dict[str, list[str]] = {}
    for citation in project.citations:
        key = citation.key
        if key in defined or key in broken:
            cited.add(key)
            continue
        if key not in suggestions:
            suggestions[key] = suggester.suggest(key)
        variant = suggester.case_variant(key)
        if variant is not None:
            cited.add(variant)
            # BibTeX matches keys ignoring case (silently); biber does not.
            severity = WARNING if dialect == BIBTEX else ERROR
            message = (f"citation key '{key}' is defined only as '{variant}' "
                       f"({'BibTeX ignores the case, biber would not' if dialect == BIBTEX else 'biber matches keys case-sensitively'})")
        else:
            severity, message = ERROR, f"undefined citation key '{key}'"
        problems.append(Problem("undefined_key", severity, message, key=key, file=citation.file,
                                line=citation.line, column=citation.column,
                                suggestions=tuple(suggestions[key])))

    relevant = defined.values() if project.nocite_all else [defined[k] for k in cited if k in defined]
    for entry in relevant:
        missing = missing_fields(entry, defined, dialect)
        if missing:
            problems.append(Problem("missing_field", WARNING,
                                    f"@{entry.entry_type}{{{entry.key}}} lacks required "
                                    f"field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                                    key=entry.key, file=entry.file, line=entry.line))
    if (request.unused or request.strict) and not project.nocite_all:
        for entry in defined.values():
            if entry.key not in cited:
                problems.append(Problem("unused_entry", WARNING,
                                        f"entry '{entry.key}' is never cited", key=entry.key,
                                        file=entry.file, line=entry.line))
    problems.sort(key=lambda p: p.sort_key)
    return CheckResult(files=[str(p) for p in project.files],
                       bib_files=[bib.path for bib in bib_files],
                       citations=len(project.citations), entries=len(defined),
                       problems=problems, strict=request.strict)
