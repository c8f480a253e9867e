"""`galcli check`: citation problems in a LaTeX project, without a model.

The project is read once (`latex.project.scan_project`, `bib.load`, the .bib parsed on the
other core while the LaTeX is scanned); each rule of `check_rules.RULES` is a small function
from that reading to the problems it finds, and `run_check` runs the list, looks the entries up
when asked (`--online`) and sorts the problems by place (docs/architecture.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli.bib import cache
from galcli.bib.entries import BIBTEX, BibFile
from galcli.bib.load import Bibliography, dialect_of, load, project_files, read_file
from galcli.bib.parse import PARALLEL_BYTES
from galcli.errors import ExitCode, UsageError
from galcli.forked import Forked
from galcli.latex.project import LatexProject, Sources, scan_project
from galcli.latex.scan import Citation
from galcli.problems import ERROR, NOTE, WARNING, Problem
from galcli.tasks.check_ignore import counts, project_ignore, read_ignores, suppress
from galcli.tasks.check_rules import RULES, Checked

if TYPE_CHECKING:
    from galcli.lookup.http import LookupConfig
    from galcli.tasks.check_fix import FixPlan
    from galcli.tasks.cite_fit import FitReport
    from galcli.tasks.online_check import OnlineReport


@dataclass(frozen=True)
class CheckRequest:
    main: Path
    bibs: tuple[Path, ...] = ()
    unused: bool = False
    strict: bool = False
    online: LookupConfig | None = None  # --online: also look the entries up (online_check.py)
    on_reference: Callable[[], None] | None = field(default=None, compare=False)  # one looked up
    fit: bool = False  # --fit: does each cited entry fit where it is cited? (cite_fit.py)
    embeddings: bool = True  # --fit may use sentence embeddings (when installed)
    # where the files are read from: an editor's unsaved buffers before the disk (galcli lsp);
    # None: the disk, with a large .bib parsed in a forked child
    sources: Sources | None = field(default=None, compare=False)


@dataclass
class CheckResult:
    files: list[str]
    bib_files: list[str]
    citations: list[Citation]
    entries: int
    problems: list[Problem] = field(default_factory=list)
    strict: bool = False
    online: OnlineReport | None = None
    # what `galcli-ignore` comments and the project's `ignore` list took out (check_ignore.py)
    suppressed: list[Problem] = field(default_factory=list)
    # what the problems were found in: the LaTeX texts (file -> text) and the .bib files
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    bibliography: Bibliography | None = field(default=None, repr=False)
    fixes: FixPlan | None = None  # --diff / --fix (check_fix.py)
    fit: FitReport | None = None
    project: LatexProject | None = field(default=None, repr=False)  # the project as read

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

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.FINDINGS

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "bib_files": self.bib_files,
            "citations": len(self.citations),
            "entries": self.entries,
            "problems": [p.to_dict() for p in self.problems],
            "ok": self.ok,
            "suppressed": counts(self.suppressed),
            **(self.online.json_fields() if self.online is not None else {}),
            **({"fixes": self.fixes.to_dict()} if self.fixes is not None else {}),
            **({"fit": self.fit.to_dict()} if self.fit is not None else {}),
        }


class _BibLoader:
    """Reads the .bib files, in a forked child process when they are large and not cached.

    Parsing a big bibliography is the slowest part of a check; on machines with fork() it runs
    on the other core while the LaTeX files are scanned. Small or cached files are read
    in-process.
    """

    def __init__(self, request: CheckRequest) -> None:
        self.request = request
        self.dialect = BIBTEX
        self.paths: list[Path] = []
        self._child: Forked[list[BibFile]] | None = None

    def start(self, project: LatexProject) -> None:
        """Called once the main file is scanned: its preamble names the backend and files."""
        self.dialect = dialect_of(project)
        self.paths = project_files(project, self.request.bibs)
        if self.request.sources is not None:
            return  # an editor's server has threads: no fork, and its buffers are read below
        uncached = [p for p in self.paths if p.is_file() and not cache.is_cached(p, self.dialect)]
        if sum(p.stat().st_size for p in uncached) >= PARALLEL_BYTES:
            paths, dialect = list(self.paths), self.dialect
            parsed: list[tuple[BibFile, bytes]] = []

            def work() -> list[BibFile]:
                parsed[:] = [cache.load_file(p, dialect, parallel=True, store=False) for p in paths]
                return [bib for bib, _ in parsed]

            def remember(_: list[BibFile]) -> None:  # in the child, after the result is sent
                for bib, data in parsed:
                    cache.remember(bib, data, dialect)

            self._child = Forked(work, then=remember)

    def close(self) -> None:
        if self._child is not None:
            self._child.close()

    def bibliography(self, project: LatexProject) -> Bibliography:
        if not (self.request.bibs or project.bibliographies):
            raise UsageError(
                f"{project.main} names no bibliography (no \\bibliography or "
                "\\addbibresource), so there is nothing to check citations against",
                hint="pass the .bib file(s) with --bib refs.bib",
            )
        overlay = self.request.sources.overlay if self.request.sources is not None else None
        if self._child is not None:
            bibliography = Bibliography(self.dialect)
            bibliography.extend(self._child.result())
        else:
            bibliography = load(self.paths, self.dialect, overlay=overlay)
        # A bibliography named in an included file (scanned after the main one) comes last.
        read = {p.resolve() for p in self.paths}
        later = [p for p in project_files(project, self.request.bibs) if p.resolve() not in read]
        if later:
            bibliography.extend([read_file(p, self.dialect, overlay=overlay) for p in later])
        return bibliography


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


def read_project(request: CheckRequest) -> Checked:
    """The project and its bibliography, as every rule reads them."""
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
        sources = request.sources or Sources()
        project = scan_project(request.main, after_main=loader.start, sources=sources)
        return Checked(request, project, loader.bibliography(project))
    finally:
        loader.close()


def run_check(request: CheckRequest) -> CheckResult:
    project_ignores = project_ignore(request.main.parent)  # a bad list fails before the work
    checked = read_project(request)
    problems = [problem for rule in RULES for problem in rule(checked)]
    online = None
    if request.online is not None:
        from galcli.tasks.online_check import online_check

        everything = request.unused or request.strict or checked.everything
        defined = checked.defined
        entries = [e for k, e in defined.items() if everything or k in checked.cited]
        online = online_check(entries, request.online, request.on_reference)
        problems += online.problems
    problems.sort(key=lambda p: p.sort_key)
    texts = {str(path): text for path, text in checked.project.texts.items()}
    ignores = read_ignores(texts, checked.bibliography.paths, project_ignores, request.sources)
    problems, suppressed = suppress(problems, ignores)
    return CheckResult(
        files=[str(p) for p in checked.project.files],
        bib_files=checked.bibliography.paths,
        citations=checked.project.citations,
        entries=len(checked.defined),
        problems=problems,
        strict=request.strict,
        online=online,
        suppressed=suppressed,
        texts=texts,
        bibliography=checked.bibliography,
        fit=checked.fits if request.fit else None,
        project=checked.project,
    )


def check_bib_alone(
    bibs: list[Path], config: LookupConfig, on_done: Callable[[], None] | None = None
) -> CheckResult:
    """`galcli check --bib refs.bib --online` without a LaTeX project: every entry of the .bib
    files is looked up, and their parse problems are reported as a check would."""
    from galcli.tasks.online_check import online_check

    bibliography = load(bibs, BIBTEX)
    online = online_check(list(bibliography.entries.values()), config, on_done)
    return bib_alone_result(bibliography, online)


def bib_alone_result(
    bibliography: Bibliography, online: OnlineReport | None = None, sources: Sources | None = None
) -> CheckResult:
    """The check of .bib files without a LaTeX project (`check --bib`, an editor's .bib no
    project reads): their problems (and `online`'s), less what their ignore comments and the
    project's `ignore` list take out; the .bib files read from `sources` when given."""
    folder = Path(bibliography.paths[0]).parent if bibliography.paths else Path.cwd()
    problems = [*bibliography.problems, *(online.problems if online is not None else [])]
    ignores = read_ignores({}, bibliography.paths, project_ignore(folder), sources)
    problems, suppressed = suppress(sorted(problems, key=lambda p: p.sort_key), ignores)
    return CheckResult(
        files=[],
        bib_files=bibliography.paths,
        citations=[],
        entries=len(bibliography.entries),
        problems=problems,
        online=online,
        suppressed=suppressed,
        bibliography=bibliography,
    )
