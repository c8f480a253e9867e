"""`% galcli-ignore: KIND[, KIND]` comments in a .bib file: which entry each one silences.

A comment line directly above an entry (or a run of comment lines without a blank line between
them and the entry) names the problem kinds `check` does not report for that entry. The kinds
are returned as written; tasks/check_ignore.py checks them against `problems.Kind` and applies
them (docs/checks.md). The LaTeX side reads its comments in latex/directives.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MARKER = "galcli-ignore"
_DIRECTIVE = re.compile(MARKER + r":[ \t]*([A-Za-z_]+(?:[ \t]*,[ \t]*[A-Za-z_]+)*)")
_COMMENT_LINE = re.compile(r"[ \t]*%(.*)")
_ENTRY_LINE = re.compile(r"[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]")
NOT_ENTRIES = frozenset({"string", "comment", "preamble"})


def ignored_kinds(comment: str) -> tuple[str, ...]:
    """The kinds a comment's `galcli-ignore:` names (as written), or () when it names none."""
    found = _DIRECTIVE.search(comment)
    if found is None:
        return ()
    return tuple(part.strip() for part in found[1].split(","))


@dataclass(frozen=True)
class EntryIgnore:
    line: int  # of the comment
    entry_line: int  # where the entry starts (its `@`)
    last_line: int  # where it ends
    kinds: tuple[str, ...]


def ignored_entries(text: str) -> list[EntryIgnore]:
    """Each `% galcli-ignore:` comment directly above an entry, with the entry's lines."""
    if MARKER not in text:
        return []
    from galcli.bib.edit import BibSyntaxError, read_entry

    lines = text.split("\n")
    found: list[EntryIgnore] = []
    pending: list[tuple[int, tuple[str, ...]]] = []  # directives in the comment run above
    offset = 0
    for number, line in enumerate(lines, 1):
        comment = _COMMENT_LINE.match(line)
        if comment is not None:
            if kinds := ignored_kinds(comment[1]):
                pending.append((number, kinds))
        else:
            entry = _ENTRY_LINE.match(line)
            if entry is not None and pending and entry[1].lower() not in NOT_ENTRIES:
                start = offset + line.index("@")
                try:
                    last = number + text.count("\n", start, read_entry(text, start).end)
                except BibSyntaxError:
                    last = number
                found += [EntryIgnore(at, number, last, kinds) for at, kinds in pending]
            pending = []
        offset += len(line) + 1
    return found


def ignored_entries_in(path: Path) -> list[EntryIgnore]:
    """`ignored_entries` of a .bib file; its text is decoded only when it holds the marker."""
    from galcli.bib.edit import read_source
    from galcli.bib.parse import read_bytes

    if MARKER.encode("ascii") not in read_bytes(path):
        return []
    return ignored_entries(read_source(path).text)
