"""Math typed in Unicode (α + β = γ, E = ħω, ∑ᵢ xᵢ², ∀x ∈ ℝ) turned into the LaTeX it stands
for, before parsing, so the inventory and the model check see `\\alpha`, not an unknown letter.

pylatexenc's Unicode→LaTeX table (`latexencode`) is the source; only its math entries
(`\\ensuremath{…}`) are taken, text-mode ones such as `\\texttimes` are replaced by their math
macro, and runs of Unicode sub/superscript characters become one `_{…}` / `^{…}`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from galcli.verify.formula.vocabulary import SUBSCRIPTS, SUPERSCRIPTS

# Characters whose pylatexenc entry is text mode (or missing), as math.
_MATH = {
    "ħ": r"\hbar",
    "×": r"\times",
    "·": r"\cdot",
    "÷": r"\div",
    "¬": r"\neg",
    "→": r"\to",
    "←": r"\leftarrow",
    "↔": r"\leftrightarrow",
    "⇔": r"\Leftrightarrow",
    "…": r"\ldots",
    "⋯": r"\cdots",
    "−": "-",
    "∗": "*",
    "′": "'",
    "″": "''",
    "‴": "'''",
    "°": r"^{\circ}",
    "√": r"\sqrt",
    "∅": r"\emptyset",
    "∆": r"\Delta",
    "µ": r"\mu",
}
_FROM_SUBSCRIPT = {v: k for k, v in SUBSCRIPTS.items()}
_FROM_SUPERSCRIPT = {v: k for k, v in SUPERSCRIPTS.items()}
_SCRIPTS = re.compile(
    f"(?P<sub>[{''.join(_FROM_SUBSCRIPT)}]+)|(?P<sup>[{re.escape(''.join(_FROM_SUPERSCRIPT))}]+)"
)


def unicode_to_latex(text: str) -> str:
    """`text` with every Unicode math character replaced by its LaTeX (ASCII is unchanged;
    characters with no math meaning, such as é, are kept)."""
    if text.isascii():
        return text
    text = _SCRIPTS.sub(_script, text)
    pieces: list[str] = []
    for index, char in enumerate(text):
        latex = _latex(char) if not char.isascii() else None
        if latex is None:
            pieces.append(char)
            continue
        pieces.append(latex)
        following = text[index + 1 : index + 2]
        if re.search(r"\\[A-Za-z]+$", latex) and following.isascii() and following.isalnum():
            pieces.append(" ")  # \alpha x, not \alphax
    return "".join(pieces)


def _script(match: re.Match[str]) -> str:
    if match["sub"]:
        return "_{" + "".join(_FROM_SUBSCRIPT[c] for c in match["sub"]) + "}"
    return "^{" + "".join(_FROM_SUPERSCRIPT[c] for c in match["sup"]) + "}"


@lru_cache(maxsize=1024)
def _latex(char: str) -> str | None:
    if char in _MATH:
        return _MATH[char]
    entry = _table().get(ord(char))
    if entry and entry.startswith("\\ensuremath{") and entry.endswith("}"):
        return entry[len("\\ensuremath{") : -1]
    return None


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    from pylatexenc.latexencode import get_builtin_uni2latex_dict

    return dict(get_builtin_uni2latex_dict())
