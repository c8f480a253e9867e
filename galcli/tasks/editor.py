"""The language server's picture of a workspace (`galcli lsp`): which project each file belongs
to, and each project checked as `galcli check` checks it (tasks/check.py, the same rules), but
read from the editor's unsaved buffers before the disk and going on past a file it cannot read.

Completion, hover, definitions and code actions read the last `Analysis` of a project
(tasks/editor_cite.py, tasks/editor_lookup.py). Nothing here knows the protocol: galcli/lsp/
turns requests into calls of these functions and results into LSP types (docs/editors.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from galcli.bib.entries import BibEntry
from galcli.bib.load import Bibliography, load
from galcli.errors import GalcliError, InputError
from galcli.latex.commands import CiteMacro
from galcli.latex.project import LatexProject, Sources, root_of, starts_document
from galcli.latex.scan import Citation
from galcli.tasks.check import CheckRequest, CheckResult, bib_alone_result, run_check
from galcli.verify.keys import KeySuggester

if TYPE_CHECKING:
    from galcli.lookup.http import LookupConfig
    from galcli.tasks.cite_context import TexDocument

# The largest file the server reads (bytes on disk, characters in a buffer). The largest .tex
# of the corpus papers is 0.2 MB and a thesis in one file a few MB; past this, a scan takes
# seconds that an editor cannot wait (galcli check on the command line reads any size).
MAX_SIZE = 4_000_000

Overlay = Mapping[Path, str]  # unsaved buffers: resolved path -> text


@dataclass(frozen=True)
class EditorSettings:
    """What the client asks for (`galcli.*` settings; docs/editors.md)."""

    unused: bool = False  # entries never cited, as check --unused
    fit: bool = False  # check --fit: a cited entry that does not fit its sentence
    online: bool = False  # check --online verdicts, from the look-up cache only
    embeddings: bool = True  # sentence embeddings in ranking and --fit (when installed)


@dataclass
class Analysis:
    """One project (or a .bib file alone) as last checked."""

    main: Path
    check: CheckResult | None  # None: the project could not be checked (`error` says why)
    failures: list[InputError] = field(default_factory=list)  # files read as empty
    error: GalcliError | None = None

    @property
    def project(self) -> LatexProject | None:
        return self.check.project if self.check is not None else None

    @property
    def bibliography(self) -> Bibliography | None:
        return self.check.bibliography if self.check is not None else None

    @property
    def entries(self) -> dict[str, BibEntry]:
        return self.bibliography.entries if self.bibliography is not None else {}

    @cached_property
    def tex_files(self) -> set[Path]:
        project = self.project
        return {real_path(f) for f in project.files} if project is not None else set()

    @cached_property
    def bib_files(self) -> set[Path]:
        return {real_path(Path(p)) for p in (self.check.bib_files if self.check else [])}

    def holds(self, path: Path) -> bool:
        resolved = real_path(path)
        return resolved in self.tex_files or resolved in self.bib_files

    @cached_property
    def citations(self) -> dict[str, list[Citation]]:
        """Each cited key's citations, in reading order."""
        by_key: dict[str, list[Citation]] = {}
        for citation in self.check.citations if self.check else []:
            by_key.setdefault(citation.key, []).append(citation)
        return by_key

    @cached_property
    def _cited_folded(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for key, citations in self.citations.items():
            counts[key.lower()] = counts.get(key.lower(), 0) + len(citations)
        return counts

    def cited(self, key: str) -> int:
        """How often the project cites `key` (in any letter case, as BibTeX resolves it)."""
        return self._cited_folded.get(key.lower(), 0)

    @cached_property
    def suggester(self) -> KeySuggester:
        return KeySuggester(list(self.entries.values()))

    @cached_property
    def document(self) -> TexDocument | None:
        """What the project says around its citations (cite --tex's reading of it)."""
        from galcli.tasks.cite_context import read_document

        return read_document(self.project) if self.project is not None else None

    def entry(self, key: str) -> BibEntry | None:
        """The entry `key` cites (one defined in another letter case, as BibTeX finds it)."""
        entries = self.entries
        if key in entries:
            return entries[key]
        variant = self.suggester.case_variant(key) if key else None
        return entries.get(variant) if variant is not None else None

    def entries_in(self, bib: Path) -> list[BibEntry]:
        """The entries of one .bib file as parsed (repeated keys included), in file order."""
        if self.bibliography is None:
            return []
        target = real_path(bib)
        for parsed in self.bibliography.files:
            if real_path(Path(parsed.path)) == target:
                return sorted(parsed.entries, key=lambda e: e.line)
        return []

    def macros(self, path: Path) -> dict[str, CiteMacro]:
        """The document's cite macros defined before `path` and in it, as last read (what a
        new scan of its text needs to see the document's own cite commands)."""
        project = self.project
        if project is None:
            return {}
        target = real_path(path)
        macros: dict[str, CiteMacro] = {}
        for file, known in project.macros.items():
            if real_path(file) == target:
                macros.update(known)
        return macros


def real_path(path: Path) -> Path:
    """`path` with links and `..` resolved (absolute when it cannot be: a dead link)."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def sources_for(overlay: Overlay) -> Sources:
    return Sources(overlay, keep_going=True, max_size=MAX_SIZE)


def analyse(
    main: Path,
    overlay: Overlay,
    settings: EditorSettings = EditorSettings(),
    bibs: Sequence[Path] = (),
    online: LookupConfig | None = None,
) -> Analysis:
    """Check the project of `main` (with `bibs` instead of those it names, when given), its
    files read from `overlay` before the disk. `online`: look-ups answered from the cache."""
    sources = sources_for(overlay)
    request = CheckRequest(
        main,
        bibs=tuple(bibs),
        unused=settings.unused,
        fit=settings.fit,
        embeddings=settings.embeddings,
        online=dataclasses.replace(online, cache_only=True) if online is not None else None,
        sources=sources,
    )
    try:
        result = run_check(request)
    except GalcliError as exc:
        return Analysis(main, None, sources.failures, exc)
    return Analysis(main, result, sources.failures)


def analyse_bib(path: Path, overlay: Overlay) -> Analysis:
    """A .bib file no open project uses, alone: what reading it finds (parse errors,
    repeated keys and fields, its encoding), less what its ignore comments and the project's
    `ignore` list take out, as `galcli check --bib` does."""
    sources = sources_for(overlay)
    text = sources.read(path, what="bibliography")
    if sources.failures:
        return Analysis(path, None, sources.failures)
    bibliography = load([path], overlay={real_path(path): text})
    try:
        result = bib_alone_result(bibliography, sources=sources)
    except GalcliError as exc:  # a galcli.toml that cannot be read
        return Analysis(path, None, sources.failures, exc)
    return Analysis(path, result, sources.failures)


@dataclass
class Workspace:
    """The projects of the open files, by main file, and the workspace's folders."""

    folders: list[Path] = field(default_factory=list)
    analyses: dict[Path, Analysis] = field(default_factory=dict)  # resolved main -> analysis
    mains: dict[Path, Path] = field(default_factory=dict)  # resolved .tex -> its main

    def remember(self, analysis: Analysis) -> list[Path]:
        """Keep `analysis` as its main file's: the files it includes now belong to it, those it
        no longer includes do not. Returns the projects it absorbed, to be forgotten: a file
        that was a project of its own and a .bib checked alone, now part of this one."""
        main = real_path(analysis.main)
        self.analyses[main] = analysis
        files = analysis.tex_files
        absorbed = [
            path
            for path in files | analysis.bib_files
            if path != main and path in self.analyses and self.mains.get(path, path) == path
        ]
        self.mains = {f: m for f, m in self.mains.items() if m != main or f in files}
        for file in files:
            if file in absorbed:
                self.mains[file] = main
            else:
                self.mains.setdefault(file, main)
        self.mains[main] = main
        return absorbed

    def forget(self, main: Path) -> None:
        main = real_path(main)
        self.analyses.pop(main, None)
        self.mains = {f: m for f, m in self.mains.items() if m != main}

    def analysis_of(self, path: Path) -> Analysis | None:
        """The last analysis of the project `path` (a .tex or a .bib) belongs to."""
        resolved = real_path(path)
        main = self.mains.get(resolved)
        if main is not None and main in self.analyses:
            return self.analyses[main]
        for analysis in self.analyses.values():
            if analysis.holds(resolved):
                return analysis
        return None

    def using(self, bib: Path) -> list[Path]:
        """The mains of the projects that read `bib`."""
        target = real_path(bib)
        return [m for m, a in self.analyses.items() if target in a.bib_files and m != target]

    def locate(self, path: Path, overlay: Overlay) -> tuple[Path, tuple[Path, ...]]:
        """The main file of the project `path` belongs to, and the .bib files to read for it
        when its project names none (those of the workspace's document)."""
        sources = sources_for(overlay)
        project = root_of(path, sources=sources)
        if project.bibliographies or starts_document(sources.read(project.main)):
            return project.main, ()
        document = self.workspace_document(overlay, path)
        if document is None or real_path(document) == real_path(path):
            return project.main, ()
        from galcli.bib.load import project_files

        try:
            bibs = project_files(root_of(document, sources=sources))
        except GalcliError:
            bibs = []
        return project.main, tuple(bibs)

    def workspace_document(self, overlay: Overlay, near: Path | None = None) -> Path | None:
        """The workspace's document: the first .tex file with \\documentclass at the top of
        a workspace folder, the innermost folder that holds `near` first."""
        sources = sources_for(overlay)
        target = real_path(near) if near is not None else None

        def holds(folder: Path) -> bool:
            return target is not None and real_path(folder) in target.parents

        for folder in sorted(self.folders, key=lambda f: (not holds(f), -len(f.parts))):
            for candidate in sorted(folder.glob("*.tex")):
                if starts_document(sources.read(candidate)[:20000]):
                    return candidate
        return None
