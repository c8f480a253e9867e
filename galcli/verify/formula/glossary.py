"""A document's nomenclature and glossary: `\\nomenclature{$X$}{…}` (the nomencl package),
`\\newglossaryentry{key}{name=…, symbol=…, description=…}` (glossaries), a table of symbols
(rows `$\\rho$ & ice density & …`) and a description list (`\\item[$\\rho$] ice density`),
read as (offset, symbol as written, description). Their phrases are made in
verify/formula/definitions.py.
"""

from __future__ import annotations

import re

_NOMENCLATURE = re.compile(
    r"\\nomenclature\s*(?:\[[^\]]*\])?\s*\{(?P<sym>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*"
    r"\{(?P<text>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}"
)
_GLOSSARY = re.compile(
    r"\\newglossaryentry\s*\{[^{}]*\}\s*\{(?P<body>(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
)
_FIELD = re.compile(r"(\w+)\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[^,]*)")


_TABULAR = re.compile(
    r"\\begin\{(tabular[xy*]?|longtable|tabulary)\}(?P<body>.*?)\\end\{\1\}", re.S
)
_ITEM = re.compile(
    r"\\item\s*\[\s*(?P<sym>\$[^$]+\$)\s*\](?P<text>[^\\]*(?:\\(?!item|end)[^\\]*)*)"
)
_SPEC = re.compile(r"^\s*\{(?:[^{}]|\{[^{}]*\})*\}")
_RULES = re.compile(r"^(?:\s*\\(?:hline|toprule|midrule|bottomrule|cline\s*\{[^{}]*\})\s*)+")
# a description: words, not a number or a formula alone ("ice density", not "910" or "$3$")
_WORDS = re.compile(r"[A-Za-z]{3,}")
ROWS = 2  # rows of a table that pair a formula with words, for it to be a table of symbols


def glossary_entries(masked: str) -> list[tuple[int, str, str]]:
    """(offset, symbol as written, description) of each nomenclature entry, of each glossary
    entry with a math `symbol` or `name` and a description, of each row of a table of symbols
    (its first cell a formula, its second words; at least `ROWS` such rows), and of each item
    of a list labelled by a formula."""
    entries = [(m.start(), m["sym"], m["text"]) for m in _NOMENCLATURE.finditer(masked)]
    for table in _TABULAR.finditer(masked):
        rows = []
        start = table.start("body")
        # its column specification blanked, offsets kept
        body = _SPEC.sub(lambda m: " " * len(m[0]), table["body"], count=1)
        for row in body.split("\\\\"):
            cells = [cell.strip() for cell in row.split("&")]
            symbol = _RULES.sub("", cells[0]).strip()
            if (
                len(cells) > 1
                and re.fullmatch(r"\$[^$]+\$", symbol)
                and _WORDS.search(cells[1].replace("$", " "))
                and "$" not in cells[1][:1]
            ):
                rows.append((start + row.find(symbol), symbol, cells[1]))
            start += len(row) + 2
        entries += rows if len(rows) >= ROWS else []
    entries += [(m.start(), m["sym"], m["text"].strip()) for m in _ITEM.finditer(masked)
                if _WORDS.search(m["text"])]  # fmt: skip
    for match in _GLOSSARY.finditer(masked):
        fields = dict(_FIELD.findall(match["body"]))
        symbol = fields.get("symbol") or fields.get("name") or ""
        if "$" in symbol and "description" in fields:
            entries.append((match.start(), symbol.strip("{}"), fields["description"].strip("{}")))
    return sorted(entries)
