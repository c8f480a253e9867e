"""Citation keys where the cursor is (`galcli lsp`): the key of a cite command being written,
and the project's keys ranked for that place by `cite --tex`'s engine (retrieve/context.py: the
sentence, the words next to the command, its paragraph and section, what the document says where
it cites each key elsewhere, the keys cited around it; sentence embeddings when installed).

The cite commands are the scanner's (galcli/latex/scan.py: natbib, biblatex and the document's
own cite macros), read from the buffer's current text; the document-wide part of the context
comes from the project's last analysis (tasks/editor.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from galcli.bib.entries import BibEntry
from galcli.latex.commands import NOT_CITATIONS
from galcli.latex.scan import Citation, FileScan, scan_text
from galcli.latex.structure import HEADING, plain
from galcli.latex.texlex import comment_start, mask
from galcli.retrieve.context import ContextQuery, ContextRanker, Search
from galcli.tasks.cite_context import FileContext
from galcli.tasks.editor import Analysis

LIMIT = 100  # items in one completion answer; more matching keys: the list is incomplete
# A request reads the buffer around its place, not the whole file (a 200 kB paper costs 50 ms
# to scan and structure whole): from a paragraph break at least MARGIN characters before the
# cursor to one at least MARGIN after it, at most WINDOW characters each way.
MARGIN = 2_000
WINDOW = 20_000
_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class KeySite:
    """Where a key goes in a cite command's key list: the key being written there."""

    start: int  # the key's span (what a completion replaces); empty where none is written yet
    end: int
    prefix: str  # what is written of it before the cursor
    kept: tuple[str, ...]  # the list's other keys
    command_start: int  # where the cite command starts (the place its context is read at)


@dataclass
class Near:
    """The part of a buffer's current text around a request's place, as the scanner reads it
    (offsets in it are `start` less than in the buffer)."""

    start: int
    text: str
    scan: FileScan
    macros: list[str]  # the document's cite macros that take keys
    heading: str | None  # the section heading in force where it starts (None: none before)


def near(analysis: Analysis, path: Path, text: str, offset: int) -> Near:
    """The window of `text` around `offset`, scanned with the document's cite macros defined
    before the file (`analysis`) and in it."""
    before = max(0, offset - MARGIN)
    breaks = list(_BREAK.finditer(text, max(0, offset - WINDOW), before))
    start = breaks[-1].end() if breaks else (text.rfind("\n", 0, max(0, offset - WINDOW)) + 1)
    after = _BREAK.search(text, min(len(text), offset + MARGIN), offset + WINDOW)
    end = after.start() if after else text.find("\n", min(len(text), offset + WINDOW))
    end = len(text) if end < 0 else end
    own = analysis.macros(path)
    window = text[start:end]
    scan = scan_text(window, str(path), own)
    macros = [n for n, m in {**own, **scan.macros}.items() if m.key_argument]
    return Near(start, window, scan, macros, _heading_before(text, start))


def _heading_before(text: str, start: int) -> str | None:
    """The words of the last sectioning command before `start` that is not in a comment."""
    for found in reversed(list(HEADING.finditer(text, 0, start)) if start else []):
        line = text.rfind("\n", 0, found.start()) + 1
        if comment_start(text, line, found.start()) < 0:
            return plain(found["title"])
    return None


def key_site(
    text: str, offset: int, citations: Sequence[Citation], macros: Sequence[str] = ()
) -> KeySite | None:
    """The key list position at `offset` (after `{` or `,`, or inside a key), or None when the
    cursor is not in a cite command's key list."""
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    commands: dict[tuple[int, int], list[Citation]] = {}
    for citation in citations:
        if citation.command_start < offset <= citation.command_end:
            commands.setdefault((citation.command_start, citation.command_end), []).append(citation)
    for (start, end), cites in commands.items():
        opening = text.rfind("{", start, offset)
        closing = text.find("}", offset, end)
        if opening < 0 or closing < 0:
            continue
        inside = [c for c in cites if opening < c.start <= c.end <= closing]
        if not inside:
            continue  # an optional argument, a volume: not a key list
        left = max(text.rfind(",", opening + 1, offset), opening) + 1
        comma = text.find(",", offset, closing)
        right = min(comma if comma >= 0 else closing, line_end)
        editing = [c for c in inside if left <= c.start and c.end <= right]
        kept = tuple(c.key for c in inside if c not in editing and not c.is_placeholder)
        return _site(text, left, right, offset, kept, start)
    return _unclosed(text, offset, macros)


def _site(
    text: str, left: int, right: int, offset: int, kept: tuple[str, ...], command: int
) -> KeySite:
    token = text[left:right]
    start = left + len(token) - len(token.lstrip())
    end = left + len(token.rstrip())
    if start >= end:  # nothing written yet
        start = end = offset
    start, end = min(start, offset), max(end, offset)
    return KeySite(start, end, text[start:offset].strip(), kept, command)


_OPEN = re.compile(
    r"\\(?P<name>[A-Za-z@]*(?i:cite)[A-Za-z@]*{macros})\*?(?:\s*\[[^\[\]{{}}]*\]){{0,2}}"
    r"\s*\{{(?P<keys>[^{{}}\\]*)$"
)


def _unclosed(text: str, offset: int, macros: Sequence[str]) -> KeySite | None:
    """A cite command whose key list is being typed and not closed yet (`\\cite{smi`), on the
    cursor's line."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    rest = text[offset : len(text) if line_end < 0 else line_end]
    if (closing := rest.find("}")) >= 0 and "{" not in rest[:closing]:
        return None  # a closed group: the scanner's reading of it stands
    names = "".join("|" + re.escape(m) for m in macros)
    found = re.compile(_OPEN.pattern.format(macros=names)).search(mask(text[line_start:offset]))
    if found is None or found["name"] in NOT_CITATIONS:
        return None
    keys_start = line_start + found.start("keys")
    left = max(text.rfind(",", keys_start, offset), keys_start - 1) + 1
    kept = tuple(k.strip() for k in text[keys_start : left - 1].split(",") if k.strip())
    return _site(text, left, offset, offset, kept, line_start + found.start())


def query_at(analysis: Analysis, path: Path, place: Near, site: KeySite) -> ContextQuery:
    """The context of the place `site` (in `place`) as `cite --tex` reads a placeholder's."""
    document = analysis.document
    words = document.document if document is not None else ""
    heading = place.heading
    if heading is None:  # the heading in force where the file starts
        heading = ""
        for file, start in document.headings.items() if document is not None else []:
            if file == path or file.resolve() == path.resolve():
                heading = start
                break
    context = FileContext(place.text, place.scan.citations, words, heading)
    return context.query(site.command_start, site.kept)


def dense_search(entries: Sequence[BibEntry]) -> Search | None:
    """Sentence-embedding search over `entries` (their vectors computed once and cached on
    disk), or None when the embedding model is not installed. The words next to a place do
    not change while a key is typed there: each is embedded once (a query's embedding is most
    of a completion's time)."""
    import functools

    from galcli.retrieve.embeddings import HybridIndex

    index = HybridIndex(entries, dense=True)
    if not index.dense:
        return None
    nearest = functools.lru_cache(maxsize=256)(lambda query, k: tuple(index.similar(query, k)))
    return lambda query, k: list(nearest(query, k))


def ranker_for(analysis: Analysis, similar: Search | None = None) -> ContextRanker | None:
    """The context ranker of the project's bibliography, its entries indexed with what the
    document says where it cites them (None: no entries)."""
    entries = list(analysis.entries.values())
    if not entries:
        return None
    document = analysis.document
    return ContextRanker(
        entries,
        similar,
        document.citing_sentences if document is not None else None,
        document.cocitations if document is not None else None,
    )


@dataclass(frozen=True)
class KeyChoice:
    entry: BibEntry
    rank: int | None  # its place in the context ranking (1: best); None: listed by key


def choices(
    analysis: Analysis,
    ranker: ContextRanker | None,
    query: ContextQuery,
    site: KeySite,
    limit: int = LIMIT,
) -> tuple[list[KeyChoice], bool]:
    """The keys that fit what is typed (the prefix, anywhere in the key, any letter case),
    best ranked first, then the others by key; and whether more fit than `limit`."""
    wanted = site.prefix.casefold()
    kept = set(site.kept)

    def fits(key: str) -> bool:
        return key not in kept and wanted in key.casefold()

    ranked = [r.entry for r in ranker.rank(query, k=limit)] if ranker is not None else []
    chosen = [KeyChoice(e, i) for i, e in enumerate((e for e in ranked if fits(e.key)), 1)]
    seen = {c.entry.key for c in chosen}
    rest = sorted(k for k in analysis.entries if fits(k) and k not in seen)
    chosen += [KeyChoice(analysis.entries[k], None) for k in rest]
    return chosen[:limit], len(chosen) > limit


def best_keys(ranker: ContextRanker | None, query: ContextQuery, k: int = 5) -> list[BibEntry]:
    """The `k` best entries for a placeholder (what `cite --tex` would fill it with)."""
    return [r.entry for r in ranker.rank(query, k=k)] if ranker is not None else []
