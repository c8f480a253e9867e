"""Rows and cells of a formula, at its top level only.

A `\\\\` or `&` belongs to the innermost group or environment around it: inside a matrix,
`cases`, `\\substack{…}` or an `aligned`/`split` nested in an `align`, it separates that
environment's rows and cells, never the formula's. One scanner gives every character its
nesting depth (braces and `\\begin … \\end` both count), and everything here splits only at
depth 0.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"\\(?P<edge>begin|end)\s*\{(?P<env>[^{}]*)\}"
    r"|(?P<row>\\\\)(?:\s*\*)?(?:\s*\[[^\]\n]*\])?"
    r"|\\[A-Za-z@]+|(?P<set>\\[{}])|\\.|(?P<brace>[{}])|(?P<cell>&)",
    re.S,
)
# Environments that only align a formula's own rows (their rows are the formula's rows).
_WRAPPERS = {"aligned", "split", "gathered", "alignedat", "multlined"}


def top_level(latex: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each row break (`row`) and cell separator (`cell`) at depth 0."""
    found: list[tuple[str, int, int]] = []
    depth = 0
    for token in _TOKEN.finditer(latex):
        if token["brace"] == "{" or token["edge"] == "begin":
            depth += 1
        elif token["brace"] == "}" or token["edge"] == "end":
            depth = max(depth - 1, 0)
        elif depth == 0 and token["row"]:
            found.append(("row", token.start(), token.end()))
        elif depth == 0 and token["cell"]:
            found.append(("cell", token.start(), token.end()))
    return found


def outside_groups(latex: str) -> str:
    """`latex` with everything inside braces, a set's braces (`\\{x : x \\leq n\\}`) or inner
    environments blanked (same length), so that a search in it finds only what stands at the
    top level."""
    blank = list(latex)
    depth, opened = 0, 0
    for token in _TOKEN.finditer(latex):
        if token["brace"] == "{" or token["set"] == "\\{" or token["edge"] == "begin":
            if depth == 0:
                opened = token.end()
            depth += 1
        elif token["brace"] == "}" or token["set"] == "\\}" or token["edge"] == "end":
            depth = max(depth - 1, 0)
            if depth == 0:
                blank[opened : token.start()] = " " * (token.start() - opened)
    if depth > 0:
        blank[opened:] = " " * (len(latex) - opened)
    return "".join(blank)


def outside_parentheses(latex: str) -> str:
    """`latex` with what stands between matching parentheses or brackets blanked (same
    length): the relation of `K(t = 0) = S` is the second `=`, `\\mathbb{P}[X = R]` has none.
    An unmatched one (`[0, 1)`) blanks nothing."""
    blank, opened = list(latex), []
    for index, char in enumerate(latex):
        if char in "([":
            opened.append((char, index))
        elif opened and opened[-1][0] == _OPENING.get(char):
            start = opened.pop()[1]
            blank[start + 1 : index] = " " * (index - start - 1)
    return "".join(blank)


_OPENING = {")": "(", "]": "["}


def split_rows(body: str) -> list[tuple[int, str]]:
    """(offset, text) of the top-level rows of `body`; rows with nothing but labels or tags
    are dropped."""
    rows, start = [], 0
    for kind, begin, end in top_level(body):
        if kind == "row":
            rows.append((start, body[start:begin]))
            start = end
    rows.append((start, body[start:]))
    return [(offset, row) for offset, row in rows if _has_content(row)]


def split_cells(row: str) -> list[str]:
    """The top-level `&`-separated cells of one row."""
    cells, start = [], 0
    for kind, begin, end in top_level(row):
        if kind == "cell":
            cells.append(row[start:begin])
            start = end
    return [*cells, row[start:]]


def unwrap(latex: str) -> str:
    """The body of a formula that is one `aligned`/`split`/`gathered` environment and nothing
    else (its rows are then the formula's rows); `latex` itself otherwise."""
    whole = re.fullmatch(
        r"\s*\\begin\s*\{(?P<env>[A-Za-z]+)\*?\}\s*\\end\s*\{(?P=env)\*?\}\s*",
        outside_groups(latex),
    )
    if not whole or whole["env"] not in _WRAPPERS:
        return latex
    body = latex[latex.index("}") + 1 : latex.rindex("\\end")]
    # alignedat's column count and aligned's [t]/[b] position are not part of the rows
    return re.sub(r"^\s*(?:\[[^\]]*\])?\s*(?:\{\d+\})?", "", body)


# \label, \tag and \nonumber: a row's name, not its content (source.py strips them too); so
# is a document's own label macro (\labeq{transformers-emb}, \eqlabel{…}: "lab" in its name, a
# key without spaces for its argument)
LABELS = re.compile(
    r"\\label\s*\{[^{}]*\}|\\tag\*?\s*\{[^{}]*\}|\\nonumber\b|\\notag\b"
    r"|\\[A-Za-z]*(?:lab|lbl)[A-Za-z]*\s*\{[^{}\s]+\}"
)


def _has_content(row: str) -> bool:
    return bool(LABELS.sub("", row).strip())
