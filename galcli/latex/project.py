"""A LaTeX project as TeX reads it: the main file, every file it includes, the bibliographies.

`scan` reads one file's text; this module follows `\\input`/`\\include`/`\\subfile`/
`\\import` the way TeX resolves them and finds the .bib resources they name. Files are read
through `Sources`: from the disk, or, for an editor (the language server), from its unsaved
buffers first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from galcli.errors import GalcliError, InputError, Location
from galcli.fileio import read_text
from galcli.latex.commands import CiteMacro
from galcli.latex.packages import STAND_INS, class_stand_in
from galcli.latex.scan import Citation, scan_text
from galcli.latex.texlex import definitions, mask

# A resource given as a URL (biblatex can fetch `\addbibresource[location=remote]{http://…}`).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_REMOTE = re.compile(r"(?:^|,)\s*location\s*=\s*remote\s*(?:,|$)")


class Sources:
    """Where the reader gets a file's text: `overlay` (texts by resolved path: an editor's
    unsaved buffers) before the disk.

    `keep_going`: a file that cannot be read, or that is larger than `max_size` (bytes on disk,
    characters in a buffer), is recorded in `failures` and read as empty instead of ending the
    scan, so that one bad `\\input` does not hide the rest of a project from an editor
    (`galcli check` stops at it: exit 3).
    """

    def __init__(
        self,
        overlay: Mapping[Path, str] | None = None,
        *,
        keep_going: bool = False,
        max_size: int | None = None,
    ) -> None:
        self.overlay = dict(overlay or {})
        self.keep_going = keep_going
        self.max_size = max_size
        self.failures: list[InputError] = []
        self._resolved: dict[Path, Path] = {}

    def resolve(self, path: Path) -> Path:
        """`path.resolve()`, asked of the file system once per path for these sources (a scan
        resolves each file's path several times; an editor's server scans after every edit)."""
        if path not in self._resolved:
            try:
                self._resolved[path] = path.resolve()
            except OSError:
                self._resolved[path] = path.absolute()
        return self._resolved[path]

    def _own(self, path: Path) -> str | None:
        return self.overlay.get(self.resolve(path)) if self.overlay else None

    def is_file(self, path: Path) -> bool:
        return self._own(path) is not None or path.is_file()

    def read(self, path: Path, what: str = "LaTeX file") -> str:
        text = self._own(path)
        try:
            size = len(text) if text is not None else _size(path)
            if self.max_size is not None and size > self.max_size:
                raise self.too_large(path, size)
            if text is None:
                text = read_text(path, what=what)
        except InputError as exc:
            if not self.keep_going:
                raise
            self.failures.append(exc)
            return ""
        return text

    def too_large(self, path: Path, size: int) -> InputError:
        limit = self.max_size or 0
        return InputError(
            f"a file of {what_size(size)}, over the {what_size(limit)} limit: not scanned",
            location=Location(str(path)),
            hint="run galcli check on the command line, which reads any size",
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it says why


def what_size(size: int) -> str:
    """A size in characters (or bytes) as a person reads it: "50 MB", "800 kB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.0f} MB"
    return f"{size / 1000:.0f} kB"


DISK = Sources()


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
    # the document's cite macros known once each file is read (defined before it or in it):
    # what scanning its text again (an editor's buffer) needs
    macros: dict[Path, dict[str, CiteMacro]] = field(default_factory=dict, repr=False)
    # its own packages' texts, read once when first asked for (`local_packages`)
    packages: dict[Path, str] | None = field(default=None, repr=False, compare=False)

    @property
    def missing_includes(self) -> list[Reference]:
        return [r for r in self.includes if r.resolved is None]


def _resolve(name: str, bases: list[Path], suffix: str, sources: Sources = DISK) -> Path | None:
    """The first existing file for `name` in `bases`, trying `name` + `suffix` before `name`
    as TeX does (`\\input{sec2}` reads sec2.tex even when a file `sec2` exists)."""
    candidates = []
    for base in bases:
        path = base / name
        candidates += (
            [path.with_name(path.name + suffix), path] if not name.endswith(suffix) else [path]
        )
    return next((c for c in candidates if sources.is_file(c)), None)


def _path_macros(text: str) -> dict[str, str]:
    """The macros of `text` without arguments whose body could be part of a path."""
    return {
        d.name: d.body.strip()
        for d in definitions(text)
        if d.arguments == 0 and not re.search(r"[\\{}#%\s]", d.body.strip())
    }


def _expand(name: str, words: dict[str, str]) -> str:
    return re.sub(r"\\([A-Za-z@]+)\s*", lambda m: words.get(m[1], m[0]), name)


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
    name: str,
    options: str,
    bases: list[Path],
    where: tuple[str, int, int, str],
    sources: Sources = DISK,
) -> Reference:
    if _URL.match(name) or _REMOTE.search(options):
        return Reference(name, None, *where, searched=(), remote=True)
    resolved = _resolve(name, bases, ".bib", sources)
    return Reference(name, resolved, *where, searched=tuple(bases))


def scan_project(
    main: Path,
    after_main: Callable[[LatexProject], None] | None = None,
    *,
    sources: Sources = DISK,
) -> LatexProject:
    """Scan `main` and every file it includes (recursively, each file once), read from
    `sources` (the disk unless an editor's buffers are given).

    `after_main` is called once the main file itself is scanned: its preamble usually settles
    the bibliography backend and files, so a caller can start reading them early.
    """
    if sources is DISK:
        sources = Sources()  # its own memory of resolved paths, for this scan only
    project = LatexProject(main=main)
    root = main.parent
    macros: dict[str, CiteMacro] = {}
    pending: list[Path] = [main]
    seen: set[Path] = set()
    parent: dict[Path, Path | None] = {sources.resolve(main): None}  # who first included each file
    words: dict[str, str] = {}  # the macros without arguments that an include's path may use
    while pending:
        path = pending.pop(0)
        if sources.resolve(path) in seen:
            continue
        seen.add(sources.resolve(path))
        project.files.append(path)
        text = project.texts[path] = sources.read(path)
        scan = scan_text(text, str(path), macros)
        macros.update(scan.macros)
        project.macros[path] = dict(macros)
        project.citations += scan.citations
        project.nocite_all |= scan.nocite_all
        project.uses_biblatex |= scan.uses_biblatex
        for target, directory, line, column, command in scan.includes:
            if "\\" in target + directory:  # \import{\PATH/chapter/}{chapter}, \def\PATH{.}
                words.update(_path_macros(text))
                target, directory = _expand(target, words), _expand(directory, words)
            bases = _include_bases(command, directory, path, root)
            resolved = _resolve(target, bases, ".tex", sources)
            reference = Reference(
                target, resolved, str(path), line, column, command, searched=tuple(bases)
            )
            project.includes.append(reference)
            if resolved is None:
                continue
            chain = [sources.resolve(path)]
            while (
                chain[-1] != sources.resolve(resolved) and (up := parent.get(chain[-1])) is not None
            ):
                chain.append(up)
            if chain[-1] == sources.resolve(resolved):
                project.cycles.append((reference, chain[::-1]))
            else:
                parent.setdefault(sources.resolve(resolved), sources.resolve(path))
                pending.append(resolved)
        bases = [root] if path.parent == root else [root, path.parent]
        for name, line, column, command, options in scan.bibliographies:
            project.bibliographies.append(
                _bibliography(name, options, bases, (str(path), line, column, command), sources)
            )
        if after_main is not None and path == main:
            after_main(project)
    return project


_ROOT_COMMENT = re.compile(r"^\s*%\s*!\s*TEX\s+root\s*=\s*(?P<root>\S.*?)\s*$", re.I | re.M)
_DOCUMENTCLASS = re.compile(r"^[^%\n]*\\documentclass", re.M)


def root_of(path: Path, *, levels: int = 2, sources: Sources = DISK) -> LatexProject:
    """The project `path` belongs to, scanned from its main file: the file a `% !TEX root = …`
    comment names, `path` itself when it starts a document, else the first .tex file with
    \\documentclass in its folder or up to `levels` folders above whose \\input tree holds it;
    `path` alone when none does."""
    text = sources.read(path)
    if named := _ROOT_COMMENT.search(text[:4000]):
        root = (path.parent / named["root"]).resolve()
        return scan_project(root if sources.is_file(root) else path, sources=sources)
    if starts_document(text):
        return scan_project(path, sources=sources)
    target = path.resolve()
    folder = target.parent
    for _ in range(levels + 1):
        for candidate in sorted(folder.glob("*.tex")):
            if candidate.resolve() != target and starts_document(_head(candidate, sources)):
                try:
                    project = scan_project(candidate, sources=sources)
                except GalcliError:
                    continue
                if any(f.resolve() == target for f in project.files):
                    return project
        if folder.parent == folder:
            break
        folder = folder.parent
    return scan_project(path, sources=sources)


_CLASS = re.compile(r"\\documentclass\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}")
_PACKAGE = re.compile(r"\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}")


def local_packages(project: LatexProject, sources: Sources = DISK) -> dict[Path, str]:
    """The document's own packages: `\\usepackage{thesis}` (or `\\RequirePackage` in one of
    them) where thesis.sty lies beside the main file, as TeX finds it, with their texts. Their
    macros are the document's (`\\newcommand{\\twopartdefo}[3]{…}` in thesis.sty); for a
    well-known package it does not ship (`physics`), galcli's stand-in (latex/packages.py), keyed
    by the package's name; and the stand-in for its document class's macros (`aastex631`). Read
    once per project: each file of a thesis asks for them."""
    if project.packages is not None:
        return project.packages
    found: dict[Path, str] = {}
    pending = list(project.texts.values())
    main = mask(project.texts.get(project.main, ""))
    if (chosen := _CLASS.search(main)) and (stand_in := class_stand_in(chosen.group(1))):
        found[Path(f"{chosen.group(1).strip()}.cls")] = stand_in
    while pending:
        for match in _PACKAGE.finditer(mask(pending.pop(0))):
            for name in match.group(1).split(","):
                path = project.main.parent / f"{name.strip()}.sty"
                if name.strip() and path not in found and sources.is_file(path):
                    found[path] = sources.read(path, what="LaTeX package")
                    pending.append(found[path])
                elif name.strip() in STAND_INS:
                    found[Path(f"{name.strip()}.sty")] = STAND_INS[name.strip()]
    project.packages = found
    return found


def starts_document(text: str) -> bool:
    """Whether a .tex file's text starts a document (a `\\documentclass` near its top)."""
    return bool(_DOCUMENTCLASS.search(text[:20000]))


def _head(path: Path, sources: Sources) -> str:
    """The first characters of a file, enough to see whether it starts a document."""
    if (own := sources._own(path)) is not None:
        return own[:20000]
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.read(20000)
    except OSError:
        return ""
