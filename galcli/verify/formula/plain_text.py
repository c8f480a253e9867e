"""Prose as a reader reads it: LaTeX's text commands dropped, their arguments kept (`\\emph{x}`
is x), references and spacing simplified, accents composed (`Lam\\'e` is Lamé). What every
reader of the words around a formula reads (verify/formula/definitions.py, lead_in.py,
accents.py).
"""

from __future__ import annotations

import re
import unicodedata


def clean(prose: str) -> str:
    """LaTeX text commands dropped (their arguments kept), references and spacing simplified."""
    prose = re.sub(r"\\(?:ref|eqref|autoref|cref|Cref|label|url|footnote)\*?\{[^{}]*\}", " ", prose)
    prose = re.sub(
        r"\\(?:emph|textit|textbf|textsc|textsl|textrm|textsf|mathrm|text)\{", "{", prose
    )
    prose = _ACCENT.sub(_accented, prose)  # Lam\\'e is Lamé
    # a command's name goes, its argument stays where it stood ("viral \\ac{RNA}/\\ac{DNA} load")
    prose = re.sub(r"\\[A-Za-z@]+\*?(?=\{)", "", prose)
    prose = re.sub(r"\\[A-Za-z@]+\*?", " ", prose).replace("~", " ")
    prose = prose.replace("{", "").replace("}", "").replace("\\", " ")
    # white space folded, one space kept at either end: "the $i$th" stays "the ith"
    inner = " ".join(prose.split())
    return (
        (" " if prose[:1].isspace() else "")
        + inner
        + (" " if prose[-1:].isspace() and inner else "")
    )


_ACCENT = re.compile(r"\\(['`^\"~=.])\s*(?:\{([A-Za-z])\}|([A-Za-z]))")
_COMBINING = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
              "=": "\u0304", ".": "\u0307"}  # fmt: skip


def _accented(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", (match[2] or match[3]) + _COMBINING[match[1]])
