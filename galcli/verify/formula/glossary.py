"""A document's nomenclature and glossary: `\\nomenclature{$X$}{…}` (the nomencl package) and
`\\newglossaryentry{key}{name=…, symbol=…, description=…}` (glossaries), read as (offset, symbol
as written, description). Their phrases are made in verify/formula/definitions.py.
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


def glossary_entries(masked: str) -> list[tuple[int, str, str]]:
    """(offset, symbol as written, description) of each nomenclature entry, and of each
    glossary entry with a math `symbol` or `name` and a description."""
    entries = [(m.start(), m["sym"], m["text"]) for m in _NOMENCLATURE.finditer(masked)]
    for match in _GLOSSARY.finditer(masked):
        fields = dict(_FIELD.findall(match["body"]))
        symbol = fields.get("symbol") or fields.get("name") or ""
        if "$" in symbol and "description" in fields:
            entries.append((match.start(), symbol.strip("{}"), fields["description"].strip("{}")))
    return sorted(entries)
