"""How well the cited entries support a generated sentence.

Method (lexical, deterministic, documented in the README): the sentence's content words are
lower-cased, accents folded, English function words and reporting words ("the paper shows")
removed, and stemmed (PyStemmer, when installed);
support is the share of those words found in the cited entries' text. A sentence below
`THRESHOLD` is marked unsupported. Lexical overlap cannot prove a claim; it catches sentences
that talk about something the cited works never mention.

The evidence is each entry's title, abstract and keywords. An entry without an abstract offers
only its title, venue and keywords: the score says so (`evidence`), because a sentence can be
"supported" by a title far more cheaply than by an abstract. A sentence with no content words
("It is shown.") cannot be scored, and what cannot be scored is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import english_stopwords, fold, latex_to_text

THRESHOLD = 0.5
# Words that carry no claim: English function words (bm25s's list has only 33: "which", "were",
# "has" would otherwise count as content) and the words a sentence uses to report a paper
# ("the paper presents", "the authors show"), which no abstract needs to contain.
FUNCTION_WORDS = frozenset(
    """about above after again against all also although among any are because been before
    being below between both but can could did does doing done down during each either
    few from further had has have having her here hers him his how however into its itself
    just may might more most much must nor not now off once only other others our ours out
    over own same shall she should since some such than that their theirs them themselves
    then there these they this those though through too under until upon very was were what
    when where whether which while who whom whose why will with within without would yet you
    your""".split()
)
REPORTING_WORDS = frozenset(
    """paper papers study studies work works article articles author authors researchers
    present presents presented describe describes described report reports reported
    provide provides provided show shows showed shown propose proposes proposed demonstrate
    demonstrates demonstrated discuss discusses discussed introduce introduces introduced
    examine examines examined investigate investigates investigated highlight highlights
    highlighted""".split()
)
ABSTRACT = "abstract"
TITLE_ONLY = "title and venue only"
_WORD = re.compile(r"[a-z][a-z0-9]+")


@lru_cache(maxsize=1)
def _stem() -> Callable[[list[str]], list[str]]:
    try:
        import Stemmer
    except ImportError:
        return lambda words: words
    stem: Callable[[list[str]], list[str]] = Stemmer.Stemmer("english").stemWords
    return stem


@lru_cache(maxsize=1)
def _ignored() -> frozenset[str]:
    return english_stopwords() | FUNCTION_WORDS | REPORTING_WORDS


def content_words(text: str) -> set[str]:
    """The stemmed words of `text` that can carry a claim."""
    ignored = _ignored()
    words = [w for w in _WORD.findall(fold(latex_to_text(text))) if w not in ignored and len(w) > 2]
    return set(_stem()(words))


def evidence_text(entry: BibEntry) -> str:
    """What an entry offers as evidence: title, abstract and keywords, or without an abstract
    its title, venue and keywords."""
    venue = "" if entry.abstract else entry.get("journal") or entry.get("booktitle")
    return " ".join(p for p in (entry.title, entry.abstract, venue, entry.keywords) if p)


@dataclass(frozen=True)
class Support:
    """The support score of one sentence by the entries it cites."""

    value: float  # share of the sentence's content words found in the evidence (0.0 unscored)
    words: int  # content words in the sentence; 0 means it cannot be scored
    evidence: str  # ABSTRACT, or TITLE_ONLY when a cited entry has no abstract

    @property
    def scorable(self) -> bool:
        return self.words > 0

    @property
    def supported(self) -> bool:
        return self.scorable and self.value >= THRESHOLD

    def describe(self) -> str:
        """Why a sentence is not supported, in words for a warning or a LaTeX comment."""
        if not self.scorable:
            return "cannot be scored: no content words"
        weak = "; cited entry has no abstract" if self.evidence == TITLE_ONLY else ""
        return f"support {self.value:.2f} below threshold {THRESHOLD}{weak}"


def score(sentence: str, cited: Sequence[BibEntry]) -> Support:
    words = content_words(sentence)
    evidence_kind = ABSTRACT if all(e.abstract for e in cited) else TITLE_ONLY
    if not words or not cited:
        return Support(0.0, len(words), evidence_kind)
    evidence: set[str] = set()
    for entry in cited:
        evidence |= content_words(evidence_text(entry))
    return Support(len(words & evidence) / len(words), len(words), evidence_kind)


def support(sentence: str, cited: Sequence[BibEntry]) -> float:
    """The share of the sentence's content words found in the cited entries (0.0 when the
    sentence has none: it cannot be scored, so it is not supported)."""
    return score(sentence, cited).value
