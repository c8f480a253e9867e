"""What the language server shows (`galcli lsp`): an entry in a completion list and on hover,
a formula explained on hover. Markdown, which LSP clients render (Neovim, VS Code, Emacs and
Helix all do); the server puts it into protocol types (galcli/lsp/)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from galcli.tasks.editor_lookup import EntryInfo
    from galcli.tasks.explain_formula import Explanation

MAX_AUTHORS = 8
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def escape(text: str) -> str:
    """`text` as literal Markdown (no emphasis, links or HTML from a title's characters)."""
    return _SPECIAL.sub(r"\\\1", text)


def short_authors(names: tuple[str, ...]) -> str:
    """ "Smith", "Smith and Doe", "Smith et al."."""
    if len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


def entry_detail(info: EntryInfo) -> str:
    """One line for a completion item: who, when, what."""
    who = ", ".join(p for p in (short_authors(info.authors), info.entry.year) if p)
    return " · ".join(p for p in (who, info.title) if p) or f"@{info.entry.entry_type}"


def where(file: str, line: int, base: Path | None = None) -> str:
    """`file:line`, the file relative to `base` when it is under it."""
    name = file
    if base is not None:
        try:
            relative = os.path.relpath(Path(file).resolve(), base.resolve())
            if not relative.startswith(".."):
                name = relative
        except (OSError, ValueError):
            pass
    return f"{name}:{line}"


def entry_markdown(info: EntryInfo, base: Path | None = None) -> str:
    """The entry on hover (and as a completion item's documentation)."""
    entry = info.entry
    lines = [f"**{escape(entry.key)}** · @{escape(entry.entry_type)}"]
    if info.defined_as is not None:
        lines.append(f"defined as `{info.defined_as}` (another letter case)")
    if info.title:
        lines.append(f"*{escape(info.title)}*")
    if info.authors:
        shown = list(info.authors[:MAX_AUTHORS])
        more = len(info.authors) - len(shown)
        lines.append(escape(", ".join(shown)) + (f" and {more} more" if more > 0 else ""))
    published = ", ".join(p for p in (info.venue, entry.year) if p)
    if published:
        lines.append(escape(published))
    if info.doi:
        doi = info.doi.strip()
        lines.append(f"DOI [{escape(doi)}](https://doi.org/{doi.replace(')', '%29')})")
    times = f"cited {info.cited} time{'s' if info.cited != 1 else ''}"
    lines.append(f"{escape(where(entry.file, entry.line, base))} · {times}")
    return "\n\n".join(lines)


def explanation_markdown(result: Explanation, base: Path | None = None) -> str:
    """A formula on hover: its reading and each symbol's definition with file:line (files
    under `base`, the project's folder, relative to it)."""
    prefix = f"{base}{os.sep}" if base is not None else None

    def short(text: str) -> str:
        return text.replace(prefix, "") if prefix else text

    lines = [f"**{escape(result.unicode)}** ({result.kind})", escape(short(result.explanation))]
    rows = []
    for entry in result.symbols:
        if entry.definition is not None:
            phrase = entry.definition.phrase
            said = f" (said of {entry.said_of})" if entry.said_of else ""
            what, at = phrase.text + said, short(f"{phrase.file}:{phrase.line}")
        elif entry.meaning is not None:
            what, at = entry.meaning, "standard"
        elif entry.symbol.role == "index":
            continue
        else:
            what, at = "not defined in the document", ""
        rows.append(f"| {escape(entry.unicode)} | {escape(what)} | {escape(at)} |")
    if rows:
        lines.append("\n".join(["| symbol | what it is | where |", "|---|---|---|", *rows]))
    lines += [f"⚠ {escape(w)}" for w in result.warnings]
    return "\n\n".join(lines)
