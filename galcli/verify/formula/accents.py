"""Sentences that say what an accent means wherever it stands: "where the bar indicates the
mean of that value over all detection points", "a dot denotes the time derivative", "we denote
the Fourier transform of a quantity by putting a hat on it". Each defines every symbol that
wears the accent (x̄, \\overline{t y}, \\hat{\\chi}); read by verify/formula/definitions.py,
matched by verify/formula/choice.py.
"""

from __future__ import annotations

import re

from galcli.verify.formula.nouns import vague
from galcli.verify.formula.plain_text import clean
from galcli.verify.formula.symbols import NamedSymbol

# The accent each word names, as the macro a formula writes it with (its wide forms alike).
_WORDS = {
    "bar": "bar",
    "overbar": "bar",
    "overline": "bar",
    "hat": "hat",
    "caret": "hat",
    "tilde": "tilde",
    "dot": "dot",
    "overdot": "dot",
    "check": "check",
    "breve": "breve",
}
_MACROS = {
    "bar": "bar",
    "overline": "bar",
    "hat": "hat",
    "widehat": "hat",
    "tilde": "tilde",
    "widetilde": "tilde",
    "dot": "dot",
    "check": "check",
    "breve": "breve",
}
_WORD = "|".join(sorted(_WORDS, key=len, reverse=True))
_NP = r"(?P<np>(?:the|an?)\s[^.;:()]{3,120}?)\s*(?=[.;:(]|,\s|$)"
# "the bar indicates the mean …", "a hat (over a symbol) denotes an estimate"
_SAYS = re.compile(
    rf"\b(?:the|an?)\s+(?P<word>{_WORD})\s+(?:\([^()]*\)\s+|over\s+\w+(?:\s+\w+)?\s+)?"
    rf"(?:denotes?|indicates?|represents?|stands?\s+for|means?|signif(?:y|ies))\s+{_NP}",
    re.I,
)
# "we denote the 2D Fourier transform of a quantity by putting a hat on it"
_PUTTING = re.compile(
    r"\bdenote\s+(?P<np>(?:the|an?)\s[^.;:()]{3,120}?)\s+by\s+(?:putting|placing|writing)\s+"
    rf"an?\s+(?P<word>{_WORD})\s+(?:on|over|above)\b",
    re.I,
)


def accent_phrases(hidden: str) -> list[tuple[int, NamedSymbol, str]]:
    """(offset, the accent as a symbol, what it means) for each sentence of `hidden` (a file's
    prose, its math blanked) that says what an accent means."""
    found: list[tuple[int, NamedSymbol, str]] = []
    lowered = hidden.lower()
    if not any(f" {word} " in lowered for word in _WORDS):
        return found  # most files name no accent (a cheap look first)
    for pattern in (_SAYS, _PUTTING):
        for match in pattern.finditer(hidden):
            text = " ".join(clean(match["np"]).split())
            accent = _WORDS[match["word"].lower()]
            if len(text.split()) > 16 or vague(text) or _in_float(hidden, match.start()):
                continue  # "the bar indicates the number of events" of a bar chart's caption
            if accent == "dot" and not _DERIVATIVE.search(text):
                continue  # "the dot indicates the position of the star"
            written = f"\\{accent}{{\\cdot}}"
            found.append((match.start(), NamedSymbol(written, f"\\{accent}", None, None,
                                                     "variable", 0, 0), text))  # fmt: skip
    return found


_DERIVATIVE = re.compile(r"derivative|differentiation|rate", re.I)
_FLOAT = re.compile(r"\\(?P<end>begin|end)\{(?:figure|table|wrapfigure|subfigure)\*?\}")


def _in_float(hidden: str, offset: int) -> bool:
    """Whether `offset` is inside a figure or a table (its caption)."""
    floats = list(_FLOAT.finditer(hidden, 0, offset))
    return bool(floats) and floats[-1]["end"] == "begin"


def accent_of(symbol: NamedSymbol) -> str | None:
    """The accent a formula's symbol wears, as an accent phrase's symbol names it: `\\bar` for
    x̄ and `\\overline{t y}`, `\\hat` for `\\widehat{\\chi}`; None for none."""
    match = re.match(r"\\([A-Za-z]+)\{", symbol.base)
    accent = _MACROS.get(match.group(1)) if match else None
    return f"\\{accent}" if accent else None
