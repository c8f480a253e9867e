"""How well the cited entries support a generated sentence.

Method (lexical, deterministic, documented in the README): the sentence's content words are
lower-cased, accents folded, English stopwords removed and stemmed (PyStemmer, when installed);
support is the share of those words found in the cited entries' title, abstract and keywords.
A sentence below `THRESHOLD` is marked unsupported. Lexical overlap cannot prove a claim; it
catches sentences that talk about something the cited works never mention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import english_stopwords, fold, latex_to_text

THRESHOLD = 0.5
_WORD = re.compile(r"[a-z][a-z0-9]+")


@lru_cache(maxsize=1)
def _stem():
    try:
        import Stemmer
    except ImportError:
        return lambda words: words
    return Stemmer.Stemmer("english").stemWords


def content_words(text: str) -> set[str]:
    words = [
        w
        for w in _WORD.findall(fold(latex_to_text(text)))
        if w not in english_stopwords() and len(w) > 2
    ]
    return set(_stem()(words))


def support(sentence: str, cited: Sequence[BibEntry]) -> float:
    words = content_words(sentence)
    if not words:
        return 1.0
    evidence: set[str] = set()
    for entry in cited:
        evidence |= content_words(" ".join((entry.title, entry.abstract, entry.keywords)))
    return len(words & evidence) / len(words)
