"""Find citations, includes and bibliography resources in a LaTeX project.

The scanner works on a *masked* copy of each file: comments (`%` but not `\\%`), verbatim-like
environments, `\\verb` and `\\iffalse … \\fi` blocks are blanked out character for character, so
every match keeps its real line and column. It knows every natbib/biblatex cite command (and any
command whose name contains "cite"), their starred and capitalised forms, optional arguments,
biblatex multicite commands (`\\cites(…)(…)[…]{a}[…]{b}`), and cite commands the document defines
itself (`\\newcommand{\\refs}[1]{\\citep{#1}}`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from galcli.fileio import read_text
from galcli.verify.texlex import arguments as _arguments
from galcli.verify.texlex import mask, parse_definitions

# Commands with "cite" in their name that do not take citation keys.
NOT_CITATIONS = {
    "citetext",
    "citestyle",
    "citeindextrue",
    "citeindexfalse",
    "citeindextype",
    "citeauthoryear",
    "citename",
    "citepunct",
    "citesetup",
    "citenumfont",
    "citeleft",
    "citeright",
    "citemid",
    "citedash",
    "citeform",
    "setcitestyle",
    "bibpunct",
    "DeclareCiteCommand",
    "citelinkfalse",
}
MULTICITE = re.compile(
    r"^(?:[Cc]ites|[Pp]arencites|[Ff]ootcites|[Ff]ootcitetexts|[Tt]extcites|"
    r"[Ss]martcites|[Ss]upercites|[Aa]utocites|[Pp]volcites|[Ff]volcites|"
    r"[Ss]volcites|[Tt]volcites|[Aa]volcites|volcites)$"
)

_FIXED_COMMANDS = (
    "input",
    "include",
    "subfile",
    "import",
    "subimport",
    "inputfrom",
    "includefrom",
    "subinputfrom",
    "subincludefrom",
    "bibliography",
    "nobibliography",
    "addbibresource",
    "addglobalbib",
    "addsectionbib",
)
_BARE_INPUT = re.compile(r"\s+(?P<name>[^\s{}\\%]+)")
_BIBLATEX = re.compile(r"\\usepackage\s*(?:\[[^\]]*\])?\s*\{[^}]*\bbiblatex\b")

INCLUDE_COMMANDS = {
    "input": 1,
    "include": 1,
    "subfile": 1,
    "import": 2,
    "subimport": 2,
    "inputfrom": 2,
    "includefrom": 2,
    "subinputfrom": 2,
    "subincludefrom": 2,
}
BIB_COMMANDS = {
    "bibliography": "bibtex",
    "nobibliography": "bibtex",
    "addbibresource": "biber",
    "addglobalbib": "biber",
    "addsectionbib": "biber",
}


class Citation(NamedTuple):  # a tuple: tens of thousands are made per run
    key: str
    file: str
    line: int
    column: int
    command: str


@dataclass(frozen=True)
class Reference:
    """A file named by the document: an `\\input` target or a bibliography resource."""

    name: str  # as written
    resolved: Path | None  # None when no such file exists
    file: str
    line: int
    column: int
    command: str


@dataclass
class LatexProject:
    main: Path
    files: list[Path] = field(default_factory=list)
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


class _Positions:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


@dataclass
class _CiteMacro:
    arity: int
    key_argument: int  # 1-based index of the argument that carries the keys


def custom_cite_macros(text: str) -> dict[str, _CiteMacro]:
    """Commands defined in the (masked) document whose body cites one of their arguments."""
    macros: dict[str, _CiteMacro] = {}
    for name, definition in parse_definitions(text, masked=True).items():
        # A use gives the optional argument in [...], which `_arguments` skips.
        optional = definition.default is not None
        arity = definition.arguments - optional
        if not arity or "cite" in name:
            continue
        cited = re.search(
            r"\\[A-Za-z]*cite[A-Za-z]*\*?\s*(?:\[[^\]]*\]\s*){0,2}\{\s*#(\d)\s*\}",
            definition.body,
        )
        if cited and int(cited[1]) > optional:
            macros[name] = _CiteMacro(arity=arity, key_argument=int(cited[1]) - optional)
    return macros


def _keys(text: str, span: tuple[int, int]) -> list[tuple[str, int]]:
    """(key, offset) for each comma-separated key inside `span`."""
    found = []
    offset = span[0]
    for part in text[span[0] : span[1]].split(","):
        key = part.strip()
        if key:
            found.append((key, offset + part.index(key)))
        offset += len(part) + 1
    return found


@dataclass
class FileScan:
    citations: list[Citation]
    nocite_all: bool
    includes: list[tuple[str, str, int, int, str]]  # (target, second arg, line, column, command)
    bibliographies: list[tuple[str, int, int, str]]  # (name, line, column, command)
    uses_biblatex: bool
    macros: dict[str, _CiteMacro]  # cite macros this file defines


@functools.lru_cache(maxsize=64)
def _command_pattern(macro_names: frozenset[str]) -> re.Pattern[str]:
    """Only the commands the scanner cares about: cite-like ones, includes, bibliographies and
    the document's own cite macros (matching every command would cost more than the rest)."""
    names = "|".join(
        sorted((*_FIXED_COMMANDS, *(re.escape(n) for n in macro_names)), key=len, reverse=True)
    )
    # The trailing group catches the common `{keys}` (after up to two simple `[...]`) in the
    # regex engine; anything else goes through `_arguments`.
    return re.compile(
        r"\\(?P<name>[A-Za-z@]*(?i:cite)[A-Za-z@]*|" + names + r")(?![A-Za-z@])(?P<star>\*?)"
        r"(?:\s*(?:\[[^\[\]{}\\]*\]\s*){0,2}\{(?P<keys>[^{}\\]*)\})?"
    )


def _key_spans(
    text: str, match: re.Match[str], macros: dict[str, _CiteMacro]
) -> list[tuple[int, int]]:
    """Spans of the key lists a cite-like command takes."""
    name = match["name"]
    after = match.end("star")
    if name in macros:
        macro = macros[name]
        spans, _ = _arguments(text, after, macro.arity)
        return spans[macro.key_argument - 1 : macro.key_argument]
    if "cite" not in name.lower() or name in NOT_CITATIONS:
        return []
    if MULTICITE.match(name):
        spans, end = _arguments(text, after, 1, parentheses=True)
        while spans and (more := _arguments(text, end, 1))[0]:
            spans += more[0]
            end = more[1]
        return spans
    if match["keys"] is not None:
        return [match.span("keys")]
    return _arguments(text, after, 1)[0]


def scan_text(text: str, file: str, macros: dict[str, _CiteMacro] | None = None) -> FileScan:
    masked = mask(text)
    locate = _Positions(masked)
    own = custom_cite_macros(masked)
    macros = {**own, **(macros or {})}
    citations: list[Citation] = []
    includes: list[tuple[str, str, int, int, str]] = []
    bibliographies: list[tuple[str, int, int, str]] = []
    nocite_all = False
    for match in _command_pattern(frozenset(macros)).finditer(masked):
        name = match["name"]
        command = "\\" + name + match["star"]
        if name in INCLUDE_COMMANDS:
            line, column = locate(match.start())
            arity = INCLUDE_COMMANDS[name]
            spans, _ = _arguments(masked, match.end("star"), arity)
            if len(spans) == arity:
                values = [masked[s:e].strip() for s, e in spans]
                includes.append(
                    (values[-1], values[0] if arity == 2 else "", line, column, command)
                )
            elif name == "input" and (bare := _BARE_INPUT.match(masked, match.end("star"))):
                includes.append((bare["name"], "", line, column, command))
        elif name in BIB_COMMANDS:
            for span in _arguments(masked, match.end("star"), 1)[0]:
                for resource, offset in _keys(masked, span):
                    bibliographies.append((resource, *locate(offset), command))
        else:
            for span in _key_spans(masked, match, macros):
                for key, offset in _keys(masked, span):
                    if key.startswith("#"):
                        continue  # a macro parameter inside a definition, not a key
                    if key == "*" and name == "nocite":
                        nocite_all = True
                        continue
                    citations.append(Citation(key, file, *locate(offset), command))
    return FileScan(
        citations,
        nocite_all,
        includes,
        bibliographies,
        uses_biblatex=bool(_BIBLATEX.search(masked))
        or any(BIB_COMMANDS[c.lstrip("\\")] == "biber" for *_, c in bibliographies),
        macros=own,
    )


def _resolve(name: str, bases: list[Path], suffix: str) -> Path | None:
    candidates = []
    for base in bases:
        path = base / name
        candidates += (
            [path, path.with_name(path.name + suffix)] if not name.endswith(suffix) else [path]
        )
    return next((c for c in candidates if c.is_file()), None)


def _include_bases(command: str, directory: str, current: Path, root: Path) -> list[Path]:
    """Where an include's target is looked for. LaTeX resolves `\\input` from the directory it
    runs in (the main file's); `\\subimport` from the including file's; `\\import` takes a path
    from the main file's directory (or an absolute one)."""
    name = command.lstrip("\\")
    if name in ("subimport", "subinputfrom", "subincludefrom"):
        return [current.parent / directory]
    if name in ("import", "inputfrom", "includefrom"):
        return [root / directory]
    return [root] if current.parent == root else [root, current.parent]


def scan_project(
    main: Path, after_main: Callable[[LatexProject], None] | None = None
) -> LatexProject:
    """Scan `main` and every file it includes (recursively, each file once).

    `after_main` is called once the main file itself is scanned: its preamble usually settles
    the bibliography backend and files, so a caller can start reading them early.
    """
    project = LatexProject(main=main)
    root = main.parent
    macros: dict[str, _CiteMacro] = {}
    pending: list[Path] = [main]
    seen: set[Path] = set()
    parent: dict[Path, Path | None] = {main.resolve(): None}  # who first included each file
    while pending:
        path = pending.pop(0)
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        project.files.append(path)
        text = read_text(path, what="LaTeX file")
        scan = scan_text(text, str(path), macros)
        macros.update(scan.macros)
        project.citations += scan.citations
        project.nocite_all |= scan.nocite_all
        project.uses_biblatex |= scan.uses_biblatex
        for target, directory, line, column, command in scan.includes:
            resolved = _resolve(target, _include_bases(command, directory, path, root), ".tex")
            reference = Reference(target, resolved, str(path), line, column, command)
            project.includes.append(reference)
            if resolved is None:
                continue
            chain = [path.resolve()]
            while chain[-1] != resolved.resolve() and parent.get(chain[-1]) is not None:
                chain.append(parent[chain[-1]])
            if chain[-1] == resolved.resolve():
                project.cycles.append((reference, chain[::-1]))
            else:
                parent.setdefault(resolved.resolve(), path.resolve())
                pending.append(resolved)
        for name, line, column, command in scan.bibliographies:
            resolved = _resolve(name, [root, path.parent], ".bib")
            project.bibliographies.append(
                Reference(name, resolved, str(path), line, column, command)
            )
        if after_main is not None and path == main:
            after_main(project)
    return project
