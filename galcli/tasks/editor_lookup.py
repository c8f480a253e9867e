"""What is under the cursor (`galcli lsp`): a cited key and its entry, an entry of a .bib and
the citations of it, a formula and what each of its symbols is in the document.

Keys come from the scanner's records of the buffer's current text (galcli/latex/scan.py);
entries and citations from the project's last analysis (tasks/editor.py); formulas are read and
explained by explain-formula's engine (tasks/explain_formula.py), from the buffers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.latex.scan import Citation
from galcli.tasks.editor import Analysis
from galcli.tasks.explain_formula import Explanation, explain_in
from galcli.tasks.formula_context import Document, TexFormulas, formulas_of
from galcli.verify.citations import display_names
from galcli.verify.formula import TexMath, math_in_tex


def citation_at(citations: Sequence[Citation], offset: int) -> Citation | None:
    """The citation whose key is at `offset` (its span, both ends included; a document
    macro's literal key at the macro's name)."""
    for citation in citations:
        if citation.key and citation.start <= offset <= citation.end:
            return citation
    return None


def entry_at(analysis: Analysis, bib: Path, line: int) -> BibEntry | None:
    """The entry of a .bib file whose text holds 1-based `line` (from its `@type{` to the
    next entry)."""
    found = None
    for entry in analysis.entries_in(bib):
        if entry.line > line:
            break
        found = entry
    return found


def citations_of(analysis: Analysis, key: str) -> list[Citation]:
    """Every citation of the entry `key` in the project, those in another letter case (which
    BibTeX resolves to it) included."""
    folded = key.lower()
    return [c for k, cites in analysis.citations.items() if k.lower() == folded for c in cites]


VENUES = ("journal", "journaltitle", "booktitle", "publisher", "school", "institution")


@dataclass(frozen=True)
class EntryInfo:
    """What a reader wants to see of an entry: its fields decoded from LaTeX."""

    entry: BibEntry
    title: str
    authors: tuple[str, ...]  # last names as written
    venue: str
    cited: int = 0  # how often the project cites it
    defined_as: str | None = None  # the key as defined, when the citation writes another case

    @property
    def doi(self) -> str:
        return self.entry.get("doi")


_DESCRIBED: dict[tuple[str, str, str, str], tuple[str, tuple[str, ...], str]] = {}


def describe(entry: BibEntry, cited: int = 0, written: str | None = None) -> EntryInfo:
    """`entry` decoded for display (each entry's fields decoded once per process)."""
    venue_raw = next((entry.get(name) for name in VENUES if entry.get(name)), "")
    memo = (entry.title, entry.author, venue_raw, entry.key)
    if memo not in _DESCRIBED:
        if len(_DESCRIBED) > 20_000:
            _DESCRIBED.clear()
        _DESCRIBED[memo] = (
            " ".join(latex_to_text(entry.title).split()),
            tuple(display_names(entry.author)),
            " ".join(latex_to_text(venue_raw).split()),
        )
    title, authors, venue = _DESCRIBED[memo]
    defined_as = entry.key if written is not None and written != entry.key else None
    return EntryInfo(entry, title, authors, venue, cited, defined_as)


def entry_info(analysis: Analysis, key: str) -> EntryInfo | None:
    """The entry a citation of `key` resolves to, with how often the project cites it."""
    entry = analysis.entry(key)
    if entry is None:
        return None
    return describe(entry, analysis.cited(entry.key), key)


class Formulas:
    """Formulas explained at places of buffers; each file's document is read once per text."""

    KEPT = 8

    def __init__(self) -> None:
        self._read: OrderedDict[tuple[int, Path, str], tuple[TexFormulas, Document]] = OrderedDict()

    def _of(self, analysis: Analysis, path: Path, text: str) -> tuple[TexFormulas, Document]:
        key = (id(analysis), path, text)
        if key in self._read:
            self._read.move_to_end(key)
            return self._read[key]
        project = analysis.project
        formulas = formulas_of(path, text, project)
        document = (
            Document.in_project(path, project)
            if project is not None
            else Document(path, path, {str(path): text}, [])
        )
        document.texts[document.name] = text  # the buffer as it is now
        self._read[key] = (formulas, document)
        while len(self._read) > self.KEPT:
            self._read.popitem(last=False)
        return formulas, document

    def at(self, analysis: Analysis, path: Path, text: str, offset: int) -> Explanation | None:
        """The explanation of the formula at `offset` (the innermost that holds it), or None
        when there is none. InputError when the formula does not parse."""
        # the file's math alone first (a hover anywhere else is answered at once); the project's
        # macros and definitions only for a place inside a formula
        if not any(m.start <= offset <= max(m.end, m.start) for m in _math_in(text)):
            return None
        formulas, document = self._of(analysis, path, text)
        holding = [m for m in formulas.math if m.start <= offset <= max(m.end, m.start)]
        if not holding:
            return None
        math = min(holding, key=lambda m: m.end - m.start)
        return explain_in(formulas, math, document)


@lru_cache(maxsize=8)
def _math_in(text: str) -> list[TexMath]:
    return math_in_tex(text, inline=True)
