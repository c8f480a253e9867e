"""Words as galcli compares them: tokens, stems, names, and the words that carry no claim.

One place for what the faithfulness check (verify/faithful.py), the ranking of abstract
sentences (tasks/review_notes.py) and theme headings (retrieve/headings.py) call a word. Stems
come from PyStemmer's English stemmer ("calculations" -> "calcul").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from galcli.bib.normalize import english_stopwords, fold, latex_to_text

# Words that carry no claim: function words beyond bm25s's short list, connectives, and the
# words that report what a work or a formula does.
FUNCTION_WORDS = frozenset(
    """about above after again against all also although among any are because been before
    being below between both but can could did does doing done down during each either
    few from further had has have having her here hers him his how however into its itself
    just may might more most much must nor not now off once only other others our ours out
    over own same shall she should since some such than that their theirs them themselves
    then there these they this those though through too under until upon very was were what
    when where whether which while who whom whose why will with within without would yet you
    your one two its it's""".split()
)
CONNECTIVES = frozenset(
    """moreover furthermore additionally similarly likewise instead meanwhile thus therefore
    hence finally first second third next then overall together respectively namely notably
    particular particularly example instance contrast comparison addition turn hand whereas
    related another further finally""".split()
)
REPORTING_WORDS = frozenset(
    """paper papers study studies work works article articles author authors researchers
    present presents presented describe describes described report reports reported
    provide provides provided show shows showed shown propose proposes proposed demonstrate
    demonstrates demonstrated discuss discusses discussed introduce introduces introduced
    examine examines examined investigate investigates investigated highlight highlights
    highlighted address addresses addressed focus focuses focused consider considers
    considered""".split()
)
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_](?:[\w'’-]*[^\W_])?")


@lru_cache(maxsize=1)
def stemmer() -> Callable[[list[str]], list[str]]:
    try:
        import Stemmer
    except ImportError:  # a core dependency; without it words are compared unstemmed
        return lambda words: words
    stem: Callable[[list[str]], list[str]] = Stemmer.Stemmer("english").stemWords
    return stem


def stems(words: Sequence[str]) -> list[str]:
    """The stems of lower-case `words` ("calculations" -> "calcul")."""
    return stemmer()(list(words))


@lru_cache(maxsize=1)
def ignored_words() -> frozenset[str]:
    return english_stopwords() | FUNCTION_WORDS | CONNECTIVES | REPORTING_WORDS


def is_name(token: str) -> bool:
    """An acronym or a mixed-case name (GROMACS, AmDMM, pH): compared as written."""
    return sum(c.isupper() for c in token) >= 2 or (
        any(c.isupper() for c in token[1:]) and any(c.islower() for c in token)
    )


def plain_text(text: str) -> str:
    return latex_to_text(text) if "\\" in text or "{" in text else text


def content_words(text: str) -> set[str]:
    """The stemmed words of `text` that can carry a claim (what ranking by topic compares)."""
    ignored = ignored_words()
    words = [
        w
        for w in (fold(t).lower() for t in TOKEN.findall(plain_text(text)) if not t[0].isdigit())
        if w not in ignored and len(w) > 2
    ]
    return set(stemmer()(words))
