"""`% galcli-ignore: KIND[, KIND]` at the end of a LaTeX line: the problem kinds `check` does
not report on that line.

Comments are found as the scanner masks them (`texlex.comment_spans`: not a `\\%`, nothing in
verbatim material), on the raw text, since the masked copy has them blanked. The kinds are
returned as written; tasks/check_ignore.py checks and applies them (docs/checks.md).
"""

from __future__ import annotations

from galcli.bib.directives import MARKER, ignored_kinds
from galcli.latex.texlex import comment_spans


def ignored_lines(text: str) -> dict[int, tuple[str, ...]]:
    """Line number (1-based) -> the kinds its comment tells `check` to ignore there."""
    if MARKER not in text:
        return {}
    ignored: dict[int, tuple[str, ...]] = {}
    for start, end in comment_spans(text):
        if kinds := ignored_kinds(text[start:end]):
            ignored[text.count("\n", 0, start) + 1] = kinds
    return ignored
