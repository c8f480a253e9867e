"""BM25 over bibliography entries (bm25s), with galcli's text normalisation.

Each entry is indexed as its title, abstract, keywords and author names, LaTeX decoded and
accents folded, so `{\\"o}` in a .bib matches `ö` in a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, fold, latex_to_text


@dataclass(frozen=True)
class Hit:
    entry: BibEntry
    score: float
    rank: int  # 1-based


_ACCENT = re.compile(r"\\[`'^\"~=.]\s*\{?[A-Za-z]\}?|\{\\[`'^\"~=.][A-Za-z]\}")
_COMMAND = re.compile(r"\\[A-Za-z@]+\*?|\\.")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.DOTALL)


def words_of(latex: str) -> str:
    """The words of a long LaTeX text (an abstract, a paragraph) for ranking: accents decoded,
    math and command names dropped, arguments kept. Regular expressions, not pylatexenc's
    parser, which costs seconds on a few hundred abstracts; titles still go through
    `latex_to_text`, where exact spelling matters for matching."""
    if "\\" not in latex and "$" not in latex:
        return latex.replace("{", "").replace("}", "")
    text = _ACCENT.sub(lambda m: latex_to_text(m[0]), _MATH.sub(" ", latex))
    return _COMMAND.sub(" ", text).replace("{", "").replace("}", "").replace("~", " ")


def entry_text(entry: BibEntry, title_weight: int = 2) -> str:
    """The text an entry is found by. The title counts twice: it is the densest description."""
    title = latex_to_text(entry.title)
    parts = [title] * title_weight + [
        words_of(entry.abstract),
        words_of(entry.keywords),
        " ".join(author_last_names(entry.author)),
    ]
    return fold(" ".join(p for p in parts if p))


def query_text(text: str) -> str:
    return fold(latex_to_text(text))


class TextIndex:
    """BM25 over plain texts (folded, stemmed, English stopwords removed)."""

    def __init__(self, texts: Sequence[str], *, stem: bool = True) -> None:
        import bm25s

        self.size = len(texts)
        self._stemmer = _stemmer() if stem else None
        self._retriever = bm25s.BM25()
        self._terms: list[frozenset[str]] = []
        self._frequency: dict[str, int] = {}
        if texts:
            tokens = bm25s.tokenize(
                [fold(t) for t in texts], stopwords="en", stemmer=self._stemmer, show_progress=False
            )
            self._retriever.index(tokens, show_progress=False)
            words = {index: word for word, index in tokens.vocab.items()}
            self._terms = [frozenset(words[i] for i in ids) for ids in tokens.ids]
            for terms in self._terms:
                for term in terms:
                    self._frequency[term] = self._frequency.get(term, 0) + 1

    def _tokens(self, text: str) -> list[str]:
        """`text` as the index reads it: folded, stopwords removed, stemmed."""
        import bm25s

        tokens = bm25s.tokenize(
            [query_text(text)],
            stopwords="en",
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )
        return list(tokens[0])

    def terms(self, text: str) -> list[str]:
        """The index's terms of `text`, each once."""
        return list(dict.fromkeys(self._tokens(text)))

    def coverage(self, query: str, positions: Sequence[int]) -> float:
        """How much of `query` the texts at `positions` contain together: the IDF-weighted
        share of the query's terms found in them (0 to 1). Scale-free, unlike a BM25 score,
        so one threshold fits bibliographies of any size."""
        import math

        terms = self.terms(query)
        if not terms or not self.size:
            return 0.0
        found = (
            frozenset().union(*(self._terms[p] for p in positions)) if positions else frozenset()
        )

        def idf(term: str) -> float:
            frequency = self._frequency.get(term, 0)
            return math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))

        total = sum(idf(t) for t in terms)
        return sum(idf(t) for t in terms if t in found) / total if total else 0.0

    def search(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        """(position of the text, score) of the best `k` texts with a positive score."""
        if not self.size:
            return []
        tokens = self._tokens(query)
        if not tokens:
            return []
        documents, scores = self._retriever.retrieve(
            [tokens], k=min(k, self.size), show_progress=False
        )
        return [
            (int(index), float(score))
            for index, score in zip(documents[0], scores[0], strict=False)
            if score > 0
        ]


class BM25Index:
    def __init__(self, entries: Sequence[BibEntry], *, stem: bool = True) -> None:
        self.entries = list(entries)
        self.texts = TextIndex([entry_text(e) for e in self.entries], stem=stem)
        self._positions = {id(e): i for i, e in enumerate(self.entries)}

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return [
            Hit(self.entries[index], score, rank)
            for rank, (index, score) in enumerate(self.texts.search(query, k), 1)
        ]

    def coverage(self, query: str, entry: BibEntry) -> float:
        """The IDF-weighted share of the query's terms that `entry`'s text contains."""
        position = self._positions.get(id(entry))
        return 0.0 if position is None else self.texts.coverage(query, [position])


def _stemmer():
    """PyStemmer's English stemmer when installed (bm25s uses it), else none."""
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english").stemWords
