"""`galcli check`: citation problems in a LaTeX project, without a model.

Finds undefined, duplicate, unused and incomplete citations the way BibTeX/biber would meet
them, each with a gcc-style location so editors can jump to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli.bib.entries import BIBER, BIBTEX, PARALLEL_BYTES, unique_paths
from galcli.errors import UsageError
from galcli.forked import Forked
from galcli.latex.project import LatexProject, Reference, scan_project
from galcli.problems import ERROR, NOTE, WARNING, Problem
from galcli.verify.bib_cache import (
    ParsedSummary,
    file_summary,
    is_cached,
    remember_file_summary,
    summarize,
)
from galcli.verify.bib_summary import BibSummary, KeyInfo
from galcli.verify.keys import KeySuggester

if TYPE_CHECKING:
    from collections.abc import Callable

    from galcli.lookup.http import LookupConfig
    from galcli.tasks.online_check import OnlineReport


@dataclass(frozen=True)
class CheckRequest:
    main: Path
    bibs: tuple[Path, ...] = ()
    unused: bool = False
    strict: bool = False
    online: LookupConfig | None = None  # --online: also look the entries up (online_check.py)
    on_reference: Callable[[], None] | None = field(default=None, compare=False)  # one looked up


@dataclass
class CheckResult:
    files: list[str]
    bib_files: list[str]
    citations: int
    entries: int
    problems: list[Problem] = field(default_factory=list)
    strict: bool = False
    online: OnlineReport | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == NOTE]

    @property
    def ok(self) -> bool:
        return not (self.errors or (self.strict and self.warnings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "bib_files": self.bib_files,
            "citations": self.citations,
            "entries": self.entries,
            "problems": [p.to_dict() for p in self.problems],
            "ok": self.ok,
            **(self.online.json_fields() if self.online is not None else {}),
        }


class _BibLoader:
    """Reads the .bib files, in a forked child process when they are large and not cached.

    Parsing a big bibliography is the slowest part of a check; on machines with fork() it runs
    on the other core while the LaTeX files are scanned, and only a compact summary of the
    keys comes back. Small or cached files are read in-process.
    """

    def __init__(self, request: CheckRequest) -> None:
        self.request = request
        self.dialect = BIBTEX
        self.started: list[Path] = []
        self._child: Forked[BibSummary] | None = None

    def start(self, project: LatexProject) -> None:
        """Called once the main file is scanned: its preamble names the backend and files."""
        self.dialect = BIBER if project.uses_biblatex else BIBTEX
        self.started = unique_paths(
            list(self.request.bibs)
            or [r.resolved for r in project.bibliographies if r.resolved is not None]
        )
        uncached = [p for p in self.started if p.is_file() and not is_cached(p, self.dialect)]
        if sum(p.stat().st_size for p in uncached) >= PARALLEL_BYTES:
            paths, dialect = list(self.started), self.dialect
            parsed: list[ParsedSummary] = []

            def remember(_: BibSummary) -> None:  # in the child, after the summary is sent
                for file in parsed:
                    remember_file_summary(file, dialect)

            self._child = Forked(
                lambda: summarize(paths, dialect, deferred=parsed, parallel=True), then=remember
            )

    def _collect(self) -> BibSummary:
        if self._child is not None:
            return self._child.result()
        return summarize(self.started, self.dialect)

    def close(self) -> None:
        if self._child is not None:
            self._child.close()

    def summary(self, project: LatexProject, problems: list[Problem]) -> BibSummary:
        summary = self._collect()
        if self.request.bibs:
            return summary
        if not project.bibliographies:
            raise UsageError(
                f"{project.main} names no bibliography (no \\bibliography or "
                "\\addbibresource), so there is nothing to check citations against",
                hint="pass the .bib file(s) with --bib refs.bib",
            )
        read = {path.resolve() for path in self.started}
        for reference in project.bibliographies:
            if reference.remote:
                message = (
                    f"remote bibliography '{reference.name}' skipped: galcli reads local files "
                    "only, so keys defined only there are reported as undefined"
                )
                problems.append(_at(reference, "remote_bibliography", NOTE, message))
            elif reference.resolved is None:
                where = " and ".join(str(d) for d in reference.searched) or "."
                message = f"bibliography '{reference.name}' not found (looked in {where})"
                problems.append(_at(reference, "missing_file", ERROR, message))
            elif reference.resolved.resolve() not in read:  # named in an included file
                read.add(reference.resolved.resolve())
                self.started.append(reference.resolved)
                summary.add(file_summary(reference.resolved, self.dialect))
        return summary


def _at(reference: Reference, kind: str, severity: str, message: str) -> Problem:
    """A problem located where the document names a file (`\\input`, `\\bibliography`)."""
    return Problem(
        kind,
        severity,
        message,
        file=reference.file,
        line=reference.line,
        column=reference.column,
    )


def find_main_file(directory: Path) -> Path:
    """The one .tex file in `directory` that starts a document (has \\documentclass)."""
    candidates = []
    for path in sorted(directory.glob("*.tex")):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:20000]
        except OSError:
            continue
        if re.search(r"^[^%\n]*\\documentclass", head, re.MULTILINE):
            candidates.append(path)
    if len(candidates) == 1:
        return Path(candidates[0].name) if directory == Path.cwd() else candidates[0]
    if not candidates:
        raise UsageError(
            f"no main .tex file (with \\documentclass) in {directory}",
            hint="name it: galcli check paper.tex",
        )
    raise UsageError(
        f"several main .tex files in {directory}: " + ", ".join(p.name for p in candidates),
        hint="name one: galcli check FILE.tex",
    )


def run_check(request: CheckRequest) -> CheckResult:
    if request.main.suffix.lower() == ".bib":
        name = request.main.name
        raise UsageError(
            f"{request.main} is a .bib file: galcli check takes the main .tex file of a project "
            "(it finds the .bib files the document names)",
            hint=f"galcli check paper.tex; to check {name} alone: "
            f"echo '\\nocite{{*}}' | galcli check - --bib {request.main}",
        )
    loader = _BibLoader(request)
    try:
        return _check(request, loader)
    finally:
        loader.close()


def _check(request: CheckRequest, loader: _BibLoader) -> CheckResult:
    project = scan_project(request.main, after_main=loader.start)
    dialect = loader.dialect
    problems: list[Problem] = []
    for include in project.missing_includes:
        where = " or ".join(str(d) for d in include.searched)
        message = f"included file '{include.name}' not found in {where} ({include.command})"
        problems.append(_at(include, "missing_file", ERROR, message))
    for include, chain in project.cycles:
        loop = " → ".join(path.name for path in [*chain, chain[0]])
        message = (
            f"'{include.name}' is already being read ({loop}): TeX would include it again and "
            f"again ({include.command})"
        )
        problems.append(_at(include, "include_cycle", ERROR, message))
    bibs = loader.summary(project, problems)
    problems += bibs.problems
    defined = bibs.entries
    suggester = KeySuggester([(info.key, info.author, info.year) for info in defined.values()])

    cited: set[str] = set()
    suggestions: dict[str, list[str]] = {}
    for citation in project.citations:
        key = citation.key
        if key in defined or key in bibs.broken_keys:
            cited.add(key)
            continue
        if key not in suggestions:
            suggestions[key] = suggester.suggest(key)
        variant = suggester.case_variant(key)
        if variant is not None:
            cited.add(variant)
            # BibTeX matches keys ignoring case (silently); biber does not.
            severity = WARNING if dialect == BIBTEX else ERROR
            why = (
                "BibTeX ignores the case, biber would not"
                if dialect == BIBTEX
                else "biber matches keys case-sensitively"
            )
            message = f"citation key '{key}' is defined only as '{variant}' ({why})"
        else:
            severity, message = ERROR, f"undefined citation key '{key}'"
        problems.append(
            Problem(
                "undefined_key",
                severity,
                message,
                key=key,
                file=citation.file,
                line=citation.line,
                column=citation.column,
                suggestions=tuple(suggestions[key]),
            )
        )

    relevant = (
        defined.values() if project.nocite_all else [defined[k] for k in cited if k in defined]
    )
    for info in relevant:
        if info.missing:
            problems.append(
                Problem(
                    "missing_field",
                    WARNING,
                    f"@{info.entry_type}{{{info.key}}} lacks required "
                    f"field{'s' if len(info.missing) > 1 else ''}: {', '.join(info.missing)}",
                    key=info.key,
                    file=info.file,
                    line=info.line,
                )
            )
    if (request.unused or request.strict) and not project.nocite_all:
        used = _with_parents(cited, defined)
        for info in defined.values():
            if info.key not in used:
                problems.append(
                    Problem(
                        "unused_entry",
                        WARNING,
                        f"entry '{info.key}' is never cited",
                        key=info.key,
                        file=info.file,
                        line=info.line,
                    )
                )
    online = None
    if request.online is not None:
        from galcli.tasks.online_check import online_check

        everything = request.unused or request.strict or project.nocite_all
        keys = defined if everything else [k for k in defined if k in cited]
        online = online_check(
            [defined[k] for k in keys], request.online, dialect, request.on_reference
        )
        problems += online.problems
    problems.sort(key=lambda p: p.sort_key)
    return CheckResult(
        files=[str(p) for p in project.files],
        bib_files=bibs.files,
        citations=len(project.citations),
        entries=len(defined),
        problems=problems,
        strict=request.strict,
        online=online,
    )


def _with_parents(cited: set[str], defined: dict[str, KeyInfo]) -> set[str]:
    """`cited` and every entry they take data from (crossref, xdata, xref), transitively: a
    parent is part of the bibliography because its children are cited."""
    folded = {key.lower(): key for key in defined}
    used = set(cited)
    pending = list(cited)
    while pending:
        info = defined.get(pending.pop())
        for name in info.parents if info is not None else ():
            parent = name if name in defined else folded.get(name.lower())
            if parent is not None and parent not in used:
                used.add(parent)
                pending.append(parent)
    return used
