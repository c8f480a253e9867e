"""Find citations, includes and bibliography resources in one LaTeX file.

The scanner works on a *masked* copy of each file: comments (`%` but not `\\%`), verbatim-like
environments, `\\verb` and `\\iffalse … \\fi` blocks are blanked out character for character, so
every match keeps its real line and column. It knows every natbib/biblatex cite command (and any
command whose name contains "cite"), their starred and capitalised forms, optional arguments,
multicites (`\\cites(…)(…)[…]{a}[…]{b}`), volume citations, and the document's own cite commands
(`\\newcommand{\\refs}[1]{\\citep{#1}}`): their bodies cite where the command is used, not where
it is defined. `latex_project` follows the includes.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from galcli.latex.commands import (
    BIB_COMMANDS,
    FIXED_COMMANDS,
    INCLUDE_COMMANDS,
    MULTICITE,
    NOT_CITATIONS,
    CiteMacro,
    volume_citation,
)
from galcli.latex.texlex import arguments as _arguments
from galcli.latex.texlex import definitions, mask
from galcli.latex.texlex import group as _group
from galcli.latex.texlex import skip_space as _skip_space

_BARE_INPUT = re.compile(r"\s+(?P<name>[^\s{}\\%]+)")
_BIBLATEX = re.compile(r"\\usepackage\s*(?:\[[^\]]*\])?\s*\{[^}]*\bbiblatex\b")


class Citation(NamedTuple):  # a tuple: tens of thousands are made per run
    """One key of one cite command, as texlab's semantic pass keeps it: the key's own span
    (what a fix or a completion replaces) and the whole command's span (what a reader skips).

    Offsets are into the file's text. A key a document macro cites literally (`\\pycite` whose
    body is `\\cite{python}`) has the macro's name as its span. An empty key list (`\\cite{}`)
    gives one citation with the key "" and an empty span where a key would go.
    """

    key: str
    file: str
    line: int  # of the key itself (1-based), not of the command
    column: int
    command: str  # as written, with its star: "\\citep", "\\refs"
    start: int  # the key's span
    end: int
    command_start: int  # the whole command, from its backslash to its last argument's brace
    command_end: int

    @property
    def is_placeholder(self) -> bool:
        """`\\cite{}`, `\\cite{?}`, `\\cite{??}`, `\\cite{TODO}`: a citation still to be chosen."""
        return self.key.lower() in PLACEHOLDER_KEYS


PLACEHOLDER_KEYS = frozenset({"", "?", "??", "todo"})


class LineIndex:
    """Offsets of a text to 1-based (line, column) and back, by its line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1


Definitions = list[tuple[str, int, int, tuple[int, int], int]]


def _definitions(text: str) -> Definitions:
    """(name, mandatory arguments, 1 if the first argument is optional else 0, body span,
    offset of the definition) of each definition in the masked `text` (texlex reads them)."""
    return [
        (d.name, d.arguments - (d.default is not None), int(d.default is not None), d.span, d.start)
        for d in definitions(text, masked=True)
        if not d.operator
    ]


def custom_cite_macros(
    text: str, defined: Definitions, known: dict[str, CiteMacro] | None = None
) -> dict[str, CiteMacro]:
    """Commands `defined` in the document whose body cites one of their arguments or literal
    keys (`known`: cite macros defined before, which a body may use)."""
    macros: dict[str, CiteMacro] = {}
    for name, arity, optional, (start, end), _ in defined:
        usable = {**(known or {}), **macros}
        cites = [
            key
            for command in _command_pattern(frozenset(usable)).finditer(text, start, end)
            if command["name"] not in FIXED_COMMANDS
            for key, _, _ in _match_keys(text, command, usable)[0]
        ]
        literal = tuple(key for key in cites if key and not key.startswith("#"))
        parameters = [int(k[1]) for k in cites if len(k) == 2 and k[0] == "#" and k[1].isdigit()]
        argument = parameters[0] - optional if parameters else 0
        if "cite" in name and (arity or not literal):
            continue  # a cite command of its own name: read as one
        if argument > 0 or literal:
            macros[name] = CiteMacro(arity=arity, key_argument=max(argument, 0), keys=literal)
    return macros


class _Bodies:
    """Where definitions are (`\\newcommand` to the end of its body), as disjoint spans."""

    def __init__(self, defined: Definitions) -> None:
        merged: list[list[int]] = []
        for start, end in sorted((start, end) for *_, (_, end), start in defined):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts, self.ends = [s for s, _ in merged], [e for _, e in merged]

    def __contains__(self, offset: int) -> bool:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]


def _keys(text: str, span: tuple[int, int]) -> list[tuple[str, int, int]]:
    """(key, start, end) for each comma-separated key inside `span`; ("", start, end) of the
    whole list when it is empty, the placeholder a draft writes as `\\cite{}`."""
    found = []
    offset = span[0]
    for part in text[span[0] : span[1]].split(","):
        key = part.strip()
        if key:
            start = offset + part.index(key)
            found.append((key, start, start + len(key)))
        offset += len(part) + 1
    if not found and not text[span[0] : span[1]].strip():
        found.append(("", span[0], span[1]))
    return found


@dataclass
class FileScan:
    citations: list[Citation]
    nocite_all: bool
    includes: list[tuple[str, str, int, int, str]]  # (target, second arg, line, column, command)
    bibliographies: list[tuple[str, int, int, str, str]]  # (name, line, column, command, opts)
    uses_biblatex: bool
    macros: dict[str, CiteMacro]  # cite macros this file defines


@functools.lru_cache(maxsize=64)
def _command_pattern(macro_names: frozenset[str]) -> re.Pattern[str]:
    """Only the commands the scanner cares about: cite-like ones, includes, bibliographies and
    the document's own cite macros (matching every command would cost more than the rest)."""
    names = "|".join(
        sorted((*FIXED_COMMANDS, *(re.escape(n) for n in macro_names)), key=len, reverse=True)
    )
    # The trailing group catches the common `{keys}` (after up to two simple `[...]`) in the
    # regex engine; anything else goes through `_arguments`.
    return re.compile(
        r"\\(?P<name>[A-Za-z@]*(?i:cite)[A-Za-z@]*|" + names + r")(?![A-Za-z@])(?P<star>\*?)"
        r"(?:\s*(?:\[[^\[\]{}\\]*\]\s*){0,2}\{(?P<keys>[^{}\\]*)\})?"
    )


def _key_spans(
    text: str, match: re.Match[str], macros: dict[str, CiteMacro]
) -> tuple[list[tuple[int, int]], int]:
    """Spans of the key lists a cite-like command takes, and the offset after the command."""
    name = match["name"]
    after = match.end("star")
    if name in macros:
        macro = macros[name]
        if not macro.key_argument:
            return [], (_arguments(text, after, macro.arity)[1] if macro.arity else after)
        spans, end = _arguments(text, after, macro.arity)
        return spans[macro.key_argument - 1 : macro.key_argument], end
    if "cite" not in name.lower() or name in NOT_CITATIONS:
        return [], after
    volume = volume_citation(name)
    if MULTICITE.match(name) or volume == "multi":
        width = 2 if volume else 1  # {volume}{key} pairs
        spans, end = _arguments(text, after, width, parentheses=True)
        while len(spans) % width == 0 and (more := _arguments(text, end, width))[0]:
            spans += more[0]
            end = more[1]
        return spans[width - 1 :: width], end
    if volume:
        spans, end = _arguments(text, after, 2)
        return spans[1:2], end
    if match["keys"] is not None:
        return [match.span("keys")], match.end()
    return _arguments(text, after, 1)


def _match_keys(
    text: str, match: re.Match[str], macros: dict[str, CiteMacro]
) -> tuple[list[tuple[str, int, int]], int]:
    """(key, start, end) of each key a cite-like command (or a cite macro's body) cites, and
    the offset after the command."""
    spans, end = _key_spans(text, match, macros)
    found = [item for span in spans for item in _keys(text, span)]
    macro = macros.get(match["name"])
    if macro:
        name = match.span("name")
        found += [(key, name[0] - 1, name[1]) for key in macro.keys]
    return found, end


def _bibliography_resources(text: str, position: int, name: str) -> list[tuple[str, int, str]]:
    """(resource, offset, options) named by a bibliography command whose name ends at
    `position`: BibTeX's comma list, or biblatex's one resource (a path or a URL)."""
    position = _skip_space(text, position)
    options = _group(text, position, "[", "]")
    spans, _ = _arguments(text, position, 1)
    written = text[options[0] : options[1]] if options else ""
    if BIB_COMMANDS[name] == "bibtex":
        return [(r, start, written) for span in spans for r, start, _ in _keys(text, span) if r]
    resources = []
    for start, end in spans:
        resource = text[start:end].strip()
        if resource:
            resources.append((resource, start + text[start:end].index(resource), written))
    return resources


def scan_text(text: str, file: str, macros: dict[str, CiteMacro] | None = None) -> FileScan:
    masked = mask(text)
    locate = LineIndex(masked)
    defined = _definitions(masked)
    own = custom_cite_macros(masked, defined, macros)
    macros = {**(macros or {}), **own}
    bodies = _Bodies(defined)
    citations: list[Citation] = []
    includes: list[tuple[str, str, int, int, str]] = []
    bibliographies: list[tuple[str, int, int, str, str]] = []
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
            for resource, offset, options in _bibliography_resources(
                masked, match.end("star"), name
            ):
                bibliographies.append((resource, *locate(offset), command, options))
        elif match.start() not in bodies:  # a definition's body cites nothing by itself
            found, end = _match_keys(masked, match, macros)
            for key, start, stop in found:
                if key.startswith("#"):
                    continue  # a macro parameter inside a definition, not a key
                if key == "*" and name == "nocite":
                    nocite_all = True
                    continue
                citations.append(
                    Citation(key, file, *locate(start), command, start, stop, match.start(), end)
                )
    return FileScan(
        citations,
        nocite_all,
        includes,
        bibliographies,
        uses_biblatex=bool(_BIBLATEX.search(masked))
        or any(BIB_COMMANDS[b[3].lstrip("\\")] == "biber" for b in bibliographies),
        macros=own,
    )
