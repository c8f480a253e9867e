"""Hover, go to definition and find references.

On a cited key: its entry (title, authors, year, venue, DOI, the .bib file and line) and a jump
to it; on a .bib entry: the same, and every citation of it; on a formula: explain-formula's
reading of it and each symbol's definition in the document with its file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from galcli.errors import InputError
from galcli.lsp.positions import Text, uri_of
from galcli.render.editor import entry_markdown, escape, explanation_markdown
from galcli.tasks.editor import Analysis
from galcli.tasks.editor_cite import near
from galcli.tasks.editor_lookup import (
    citation_at,
    citations_of,
    entry_at,
    entry_info,
)

if TYPE_CHECKING:
    from galcli.bib.entries import BibEntry
    from galcli.lsp.session import Session


def _markdown(value: str, where: types.Range | None = None) -> types.Hover:
    content = types.MarkupContent(kind=types.MarkupKind.Markdown, value=value)
    return types.Hover(contents=content, range=where)


def _key_at(
    analysis: Analysis, path: Path, text: Text, position: types.Position
) -> tuple[str, types.Range] | None:
    """The key under the cursor: a cited key in a .tex file, an entry's key in a .bib."""
    if path.suffix.lower() == ".bib":
        entry = entry_at(analysis, path, position.line + 1)
        return (entry.key, text.line_range(entry.line)) if entry is not None else None
    offset = text.offset(position)
    place = near(analysis, path, text.text, offset)
    citation = citation_at(place.scan.citations, offset - place.start)
    if citation is None:
        return None
    return citation.key, text.range(place.start + citation.start, place.start + citation.end)


def hover(
    session: Session, analysis: Analysis, path: Path, text: Text, position: types.Position
) -> types.Hover | None:
    found = _key_at(analysis, path, text, position)
    if found is not None:
        key, where = found
        info = entry_info(analysis, key)
        if info is not None:
            return _markdown(entry_markdown(info, analysis.main.parent), where)
        suggested = analysis.suggester.suggest(key)
        said = f"**{escape(key)}** is not defined in the project's .bib files"
        if suggested:
            said += "; did you mean " + ", ".join(f"`{k}`" for k in suggested) + "?"
        return _markdown(said, where)
    if path.suffix.lower() == ".bib":
        return None
    try:
        explanation = session.formulas.at(analysis, path, text.text, text.offset(position))
    except InputError as exc:
        return _markdown(f"formula: {escape(exc.message)}")
    if explanation is None:
        return None
    return _markdown(explanation_markdown(explanation, analysis.main.parent))


def _entry_location(session: Session, entry: BibEntry) -> types.Location:
    text = Text(session.file_text(entry.file), session.encoding)
    return types.Location(uri=uri_of(entry.file), range=text.line_range(entry.line))


def definition(
    session: Session, analysis: Analysis, path: Path, text: Text, position: types.Position
) -> list[types.Location]:
    found = _key_at(analysis, path, text, position)
    entry = analysis.entry(found[0]) if found is not None else None
    return [_entry_location(session, entry)] if entry is not None else []


def references(
    session: Session,
    analysis: Analysis,
    path: Path,
    text: Text,
    position: types.Position,
    declaration: bool,
) -> list[types.Location]:
    found = _key_at(analysis, path, text, position)
    if found is None:
        return []
    entry = analysis.entry(found[0])
    key = entry.key if entry is not None else found[0]
    texts = {str(f): t for f, t in analysis.check.texts.items()} if analysis.check else {}
    known: dict[str, Text] = {}
    locations = []
    for citation in citations_of(analysis, key):
        if citation.file not in known:
            source = texts.get(citation.file) or session.file_text(citation.file)
            known[citation.file] = Text(source, session.encoding)
        where = known[citation.file].range(citation.start, citation.end)
        locations.append(types.Location(uri=uri_of(citation.file), range=where))
    if declaration and entry is not None:
        locations.insert(0, _entry_location(session, entry))
    return locations
