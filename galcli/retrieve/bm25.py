"""BM25 over bibliography entries (bm25s), with galcli's text normalisation.

Each entry is indexed as its title, abstract, keywords and author names, LaTeX decoded and
accents folded, so `{\\"o}` in a .bib matches `ö` in a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, fold, latex_to_text


@dataclass(frozen=True)
class Hit:
    entry: BibEntry
    score: float
    rank: int  # 1-based


def entry_text(entry: BibEntry, title_weight: int = 2) -> str:
    """The text an entry is found by. The title counts twice: it is the densest description."""
    title = latex_to_text(entry.title)
    parts = [title] * title_weight + [
        latex_to_text(entry.abstract),
        latex_to_text(entry.keywords),
        " ".join(author_last_names(entry.author)),
    ]
    return fold(" ".join(p for p in parts if p))


def query_text(text: str) -> str:
    return fold(latex_to_text(text))


class BM25Index:
    def __init__(self, entries: Sequence[BibEntry], *, stem: bool = True) -> None:
        import bm25s

        self.entries = list(entries)
        self._stemmer = _stemmer() if stem else None
        self._retriever = bm25s.BM25()
        if self.entries:
            tokens = bm25s.tokenize(
                [entry_text(e) for e in self.entries],
                stopwords="en",
                stemmer=self._stemmer,
                show_progress=False,
            )
            self._retriever.index(tokens, show_progress=False)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        import bm25s

        if not self.entries:
            return []
        tokens = bm25s.tokenize(
            [query_text(query)],
            stopwords="en",
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )
        if not tokens[0]:
            return []
        k = min(k, len(self.entries))
        documents, scores = self._retriever.retrieve(tokens, k=k, show_progress=False)
        hits = []
        for index, score in zip(documents[0], scores[0], strict=False):
            if score > 0:
                hits.append(Hit(self.entries[int(index)], float(score), len(hits) + 1))
        return hits


def _stemmer():
    """PyStemmer's English stemmer when installed (bm25s uses it), else none."""
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english").stemWords
