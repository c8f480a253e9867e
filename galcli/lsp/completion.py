"""Completion of citation keys, and the code actions that put keys into a citation.

Inside a cite command's key list (after `{` or `,`, or in a key being typed), the project's
keys come best first for the place (`cite --tex`'s ranking, tasks/editor_cite.py), then the rest
by key; what is typed filters them. On `\\cite{?}` the actions fill in the best keys; on an
undefined key they offer the did-you-mean keys `check` suggests; on a key that does not fit its
sentence (`galcli.fit`), the keys `check --fit` found fitting better.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from galcli.lsp.positions import Text, uri_of
from galcli.problems import Kind
from galcli.render.editor import entry_detail, entry_markdown
from galcli.tasks.editor import Analysis
from galcli.tasks.editor_cite import KeySite, best_keys, choices, key_site, near, query_at
from galcli.tasks.editor_lookup import describe

if TYPE_CHECKING:
    from galcli.latex.scan import Citation
    from galcli.lsp.session import Session

FILL = 5  # keys offered for a placeholder
EMPTY = types.CompletionList(is_incomplete=False, items=[])


def complete(
    session: Session, analysis: Analysis, path: Path, text: Text, position: types.Position
) -> types.CompletionList:
    offset = text.offset(position)
    place = near(analysis, path, text.text, offset)
    site = key_site(place.text, offset - place.start, place.scan.citations, place.macros)
    if site is None:
        return EMPTY
    session.completing = True
    query = query_at(analysis, path, place, site)
    chosen, more = choices(analysis, session.rankers.of(analysis), query, site)
    replaced = text.range(place.start + site.start, place.start + site.end)
    base = analysis.main.parent
    items = []
    for number, choice in enumerate(chosen):
        info = describe(choice.entry, analysis.cited(choice.entry.key))
        key = choice.entry.key
        items.append(
            types.CompletionItem(
                label=key,
                kind=types.CompletionItemKind.Reference,
                detail=entry_detail(info),
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.Markdown, value=entry_markdown(info, base)
                ),
                sort_text=f"{number:04d}",
                filter_text=key,
                preselect=choice.rank == 1 or None,
                text_edit=types.TextEdit(range=replaced, new_text=key),
            )
        )
    return types.CompletionList(is_incomplete=more, items=items)


def _touching(citations: list[Citation], start: int, end: int) -> list[Citation]:
    """Citations whose key touches the range (a cursor at either end of it included)."""
    return [c for c in citations if c.start <= end and start <= c.end and c.end >= c.start]


def _related(diagnostics: list[types.Diagnostic], text: Text, start: int) -> list[types.Diagnostic]:
    where = text.position(start)
    return [d for d in diagnostics if d.range.start == where]


def _better(
    analysis: Analysis,
    path: Path,
    diagnostics: list[types.Diagnostic],
    text: Text,
    citation: Citation,
    start: int,
) -> list[str]:
    """The keys `check --fit` found fitting better where `citation` is: from the client's
    diagnostic there, else from the project's last check (same key, same line)."""
    where = text.position(start)
    found: list[str] = []
    for diagnostic in diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        if (
            diagnostic.code == Kind.CITATION_MISFIT.value
            and diagnostic.range.start == where
            and data.get("key") == citation.key
        ):
            found = [k for k in data.get("suggestions", []) if isinstance(k, str)]
            break
    else:
        for problem in analysis.check.problems if analysis.check is not None else []:
            if (
                problem.kind == Kind.CITATION_MISFIT
                and problem.key == citation.key
                and problem.line == where.line + 1
                and problem.file is not None
                and Path(problem.file).resolve() == path.resolve()
            ):
                found = list(problem.suggestions)
                break
    return [key for key in found if key in analysis.entries]


def _fix(
    title: str,
    key: str,
    uri: str,
    span: types.Range,
    diagnostics: list[types.Diagnostic] | None,
    preferred: bool | None = None,
) -> types.CodeAction:
    """A quick fix that puts `key` in place of the key at `span`."""
    change = types.TextEdit(range=span, new_text=key)
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=diagnostics,
        is_preferred=preferred,
        edit=types.WorkspaceEdit(changes={uri: [change]}),
    )


def code_actions(
    session: Session,
    analysis: Analysis,
    path: Path,
    text: Text,
    selected: types.Range,
    diagnostics: list[types.Diagnostic],
) -> list[types.CodeAction]:
    start, end = text.offset(selected.start), text.offset(selected.end)
    place = near(analysis, path, text.text, start)
    uri = uri_of(path)
    actions: list[types.CodeAction] = []
    broken = analysis.bibliography.broken_keys if analysis.bibliography is not None else set()
    citations = place.scan.citations
    for citation in _touching(citations, start - place.start, end - place.start):
        key_start, key_end = place.start + citation.start, place.start + citation.end
        related = _related(diagnostics, text, key_start) or None
        span = text.range(key_start, key_end)
        if citation.is_placeholder:
            same = [c for c in citations if c.command_start == citation.command_start]
            kept = tuple(c.key for c in same if not c.is_placeholder)
            site = KeySite(citation.start, citation.end, "", kept, citation.command_start)
            query = query_at(analysis, path, place, site)
            for number, entry in enumerate(best_keys(session.rankers.of(analysis), query, FILL)):
                title = f"Cite {entry.key}: {entry_detail(describe(entry))}"
                actions.append(_fix(title, entry.key, uri, span, related, number == 0))
        elif citation.key not in analysis.entries and citation.key not in broken:
            for number, key in enumerate(analysis.suggester.suggest(citation.key)):
                title = f"Replace '{citation.key}' with '{key}'"
                actions.append(_fix(title, key, uri, span, related, number == 0))
        else:
            for key in _better(analysis, path, diagnostics, text, citation, key_start):
                title = f"Cite '{key}' instead of '{citation.key}' (fits better)"
                actions.append(_fix(title, key, uri, span, related))
    return actions
