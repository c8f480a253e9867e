"""Text normalisation for matching titles, authors and keys across LaTeX and BibTeX spellings.

`{\\"o}`, `\\"{o}`, `ö` and `o` must all compare equal, as must `{GPU}s` and `GPUs`; pylatexenc
does the LaTeX-to-Unicode part, Unicode decomposition the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import MutableMapping
from functools import lru_cache

_NON_WORD = re.compile(r"[^0-9a-z]+")
_NAME_SPLIT = re.compile(r"\s+and\s+", re.IGNORECASE)


# Decodings kept across runs while galcli.bib.decodings.remembered() is active: pylatexenc
# takes 5 to 15 ms a field, seconds for a 1,000-entry bibliography that retrieval decodes each run.
remembered: MutableMapping[str, str] | None = None


@lru_cache(maxsize=65536)
def latex_to_text(text: str) -> str:
    """Unicode text of a LaTeX fragment; falls back to dropping braces when parsing fails."""
    if "\\" not in text and "$" not in text:
        return text.replace("{", "").replace("}", "")
    known = remembered.get(text) if remembered is not None else None
    if known is not None:
        return known
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        decoded = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True).latex_to_text(
            text
        )
    except Exception:  # pylatexenc is lenient, but a title is not worth a crash
        decoded = re.sub(r"\\[A-Za-z]+\s*|[{}]", "", text)
    if remembered is not None:
        remembered[text] = decoded
    return decoded


def fold(text: str) -> str:
    """Lower-case ASCII: accents removed, ligatures expanded (ß -> ss, æ -> ae)."""
    decomposed = unicodedata.normalize(
        "NFKD",
        text.replace("ß", "ss")
        .replace("æ", "ae")
        .replace("Æ", "AE")
        .replace("ø", "o")
        .replace("Ø", "O")
        .replace("ł", "l")
        .replace("Ł", "L"),
    )
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    """bm25s's English stopwords: the ones retrieval ignores, so the other text measures agree."""
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def normalize_title(title: str) -> str:
    """Comparable form of a title: LaTeX decoded, accents folded, punctuation collapsed."""
    return _NON_WORD.sub(" ", fold(latex_to_text(title))).strip()


def author_last_names(authors: str) -> list[str]:
    """Folded last names from a BibTeX author field ("Last, First and First Last and …")."""
    names = []
    for person in _NAME_SPLIT.split(latex_to_text(authors).strip()):
        person = person.strip()
        if not person or person.lower() == "others":
            continue
        last = person.split(",")[0] if "," in person else person.split()[-1]
        folded = _NON_WORD.sub("", fold(last))
        if folded:
            names.append(folded)
    return names
