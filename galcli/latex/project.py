"""A LaTeX project as TeX reads it: the main file, every file it includes, the bibliographies.

`scan` reads one file's text; this module follows `\\input`/`\\include`/`\\subfile`/
`\\import` the way TeX resolves them and finds the .bib resources they name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from galcli.errors import GalcliError
from galcli.fileio import read_text
from galcli.latex.commands import CiteMacro
from galcli.latex.scan import Citation, scan_text

# A resource given as a URL (biblatex can fetch `\addbibresource[location=remote]{http://…}`).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_REMOTE = re.compile(r"(?:^|,)\s*location\s*=\s*remote\s*(?:,|$)")


@dataclass(frozen=True)
class Reference:
    """A file named by the document: an `\\input` target or a bibliography resource."""

    name: str  # as written
    resolved: Path | None  # None when no such file exists (or it is remote)
    file: str
    line: int
    column: int
    command: str
    searched: tuple[Path, ...] = ()  # the directories looked in
    remote: bool = False  # a URL: biblatex fetches it, galcli reads local files only


@dataclass
class LatexProject:
    main: Path
    files: list[Path] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict, repr=False)  # each file as scanned
    citations: list[Citation] = field(default_factory=list)
    nocite_all: bool = False
    includes: list[Reference] = field(default_factory=list)
    bibliographies: list[Reference] = field(default_factory=list)
    uses_biblatex: bool = False
    # includes of a file that is already being read higher up (TeX would recurse forever),
    # each with the chain of files that leads back to it
    cycles: list[tuple[Reference, list[Path]]] = field(default_factory=list)

    @property
    def missing_includes(self) -> list[Reference]:
        return [r for r in self.includes if r.resolved is None]


def _resolve(name: str, bases: list[Path], suffix: str) -> Path | None:
    """The first existing file for `name` in `bases`, trying `name` + `suffix` before `name`
    as TeX does (`\\input{sec2}` reads sec2.tex even when a file `sec2` exists)."""
    candidates = []
    for base in bases:
        path = base / name
        candidates += (
            [path.with_name(path.name + suffix), path] if not name.endswith(suffix) else [path]
        )
    return next((c for c in candidates if c.is_file()), None)


def _include_bases(command: str, directory: str, current: Path, root: Path) -> list[Path]:
    """Where an include's target is looked for. TeX resolves `\\input` from the directory it
    runs in (the main file's); only if that fails, from the including file's directory, as the
    `import` package would. `\\subimport` is relative to the including file; `\\import` takes a
    path from the main file's directory (or an absolute one)."""
    name = command.lstrip("\\")
    if name in ("subimport", "subinputfrom", "subincludefrom"):
        return [current.parent / directory]
    if name in ("import", "inputfrom", "includefrom"):
        return [root / directory]
    return [root] if current.parent == root else [root, current.parent]


def _bibliography(
    name: str, options: str, bases: list[Path], where: tuple[str, int, int, str]
) -> Reference:
    if _URL.match(name) or _REMOTE.search(options):
        return Reference(name, None, *where, searched=(), remote=True)
    return Reference(name, _resolve(name, bases, ".bib"), *where, searched=tuple(bases))


def scan_project(
    main: Path, after_main: Callable[[LatexProject], None] | None = None
) -> LatexProject:
    """Scan `main` and every file it includes (recursively, each file once).

    `after_main` is called once the main file itself is scanned: its preamble usually settles
    the bibliography backend and files, so a caller can start reading them early.
    """
    project = LatexProject(main=main)
    root = main.parent
    macros: dict[str, CiteMacro] = {}
    pending: list[Path] = [main]
    seen: set[Path] = set()
    parent: dict[Path, Path | None] = {main.resolve(): None}  # who first included each file
    while pending:
        path = pending.pop(0)
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        project.files.append(path)
        text = project.texts[path] = read_text(path, what="LaTeX file")
        scan = scan_text(text, str(path), macros)
        macros.update(scan.macros)
        project.citations += scan.citations
        project.nocite_all |= scan.nocite_all
        project.uses_biblatex |= scan.uses_biblatex
        for target, directory, line, column, command in scan.includes:
            bases = _include_bases(command, directory, path, root)
            resolved = _resolve(target, bases, ".tex")
            reference = Reference(
                target, resolved, str(path), line, column, command, searched=tuple(bases)
            )
            project.includes.append(reference)
            if resolved is None:
                continue
            chain = [path.resolve()]
            while chain[-1] != resolved.resolve() and (up := parent.get(chain[-1])) is not None:
                chain.append(up)
            if chain[-1] == resolved.resolve():
                project.cycles.append((reference, chain[::-1]))
            else:
                parent.setdefault(resolved.resolve(), path.resolve())
                pending.append(resolved)
        bases = [root] if path.parent == root else [root, path.parent]
        for name, line, column, command, options in scan.bibliographies:
            project.bibliographies.append(
                _bibliography(name, options, bases, (str(path), line, column, command))
            )
        if after_main is not None and path == main:
            after_main(project)
    return project


_ROOT_COMMENT = re.compile(r"^\s*%\s*!\s*TEX\s+root\s*=\s*(?P<root>\S.*?)\s*$", re.I | re.M)
_DOCUMENTCLASS = re.compile(r"^[^%\n]*\\documentclass", re.M)


def root_of(path: Path, *, levels: int = 2) -> LatexProject:
    """The project `path` belongs to, scanned from its main file: the file a `% !TEX root = …`
    comment names, `path` itself when it starts a document, else the first .tex file with
    \\documentclass in its folder or up to `levels` folders above whose \\input tree holds it;
    `path` alone when none does."""
    text = read_text(path, what="LaTeX file")
    if named := _ROOT_COMMENT.search(text[:4000]):
        root = (path.parent / named["root"]).resolve()
        return scan_project(root if root.is_file() else path)
    if _DOCUMENTCLASS.search(text[:20000]):
        return scan_project(path)
    target = path.resolve()
    folder = target.parent
    for _ in range(levels + 1):
        for candidate in sorted(folder.glob("*.tex")):
            try:
                head = candidate.read_text(encoding="utf-8", errors="replace")[:20000]
            except OSError:
                continue
            if candidate.resolve() != target and _DOCUMENTCLASS.search(head):
                try:
                    project = scan_project(candidate)
                except GalcliError:
                    continue
                if any(f.resolve() == target for f in project.files):
                    return project
        if folder.parent == folder:
            break
        folder = folder.parent
    return scan_project(path)
