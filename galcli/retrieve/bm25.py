"""BM25 over bibliography entries (bm25s), with galcli's text normalisation.

Each entry is indexed as its title, abstract, keywords and author names, LaTeX decoded and
accents folded, so `{\\"o}` in a .bib matches `ö` in a sentence.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    """A query's words, folded. `words_of`, not pylatexenc: a placeholder's paragraph is long,
    and 30 placeholders made a second of parsing."""
    return fold(words_of(text))


TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default token pattern
INDEX_VERSION = "1"  # change it when entry_text or the tokenizer changes: cached indexes go
CACHED_INDEXES = 16  # indexes kept on disk, the least recently used go first (0.1-1 MB each)


class TextIndex:
    """BM25 over plain texts (folded, lower-cased, English stopwords removed, stemmed).

    bm25s computes the score matrix once; the matrix (CSC: one column of document scores per
    term), the vocabulary and the stopwords are then plain numpy arrays, so an index can be
    saved and loaded, and queried, without importing bm25s and scipy (a third of a second on
    2 cores). The query side is bm25s's own eager scoring: the query's columns summed."""

    def __init__(self, texts: Sequence[str], *, stem: bool = True) -> None:
        import numpy as np

        self.size = len(texts)
        self._stemmer = _stemmer() if stem else None
        self.vocab: dict[str, int] = {}
        self.data = self.indices = np.zeros(0, dtype="float32")
        self.indptr = np.zeros(1, dtype="int64")
        if not texts:
            self.stopwords: frozenset[str] = frozenset()
            return
        import bm25s

        self.stopwords = frozenset(bm25s.stopwords.STOPWORDS_EN)
        retriever = bm25s.BM25()
        retriever.index([self._tokens(t) for t in texts], show_progress=False)
        self.vocab = {str(term): int(i) for term, i in retriever.vocab_dict.items()}
        scores = retriever.scores
        self.data, self.indices, self.indptr = scores["data"], scores["indices"], scores["indptr"]

    @classmethod
    def load(cls, path: Path, *, stem: bool = True) -> TextIndex:
        """An index saved by `save`. Raises OSError, KeyError, ValueError, BadZipFile or
        EOFError when the file is missing or damaged."""
        import numpy as np

        index = cls.__new__(cls)
        with np.load(path) as stored:
            index.size = int(stored["size"])
            index.vocab = {t: i for i, t in enumerate(stored["vocab"].tolist())}
            index.stopwords = frozenset(stored["stopwords"].tolist())
            index.data, index.indices = stored["data"], stored["indices"]
            index.indptr = stored["indptr"]
        index._stemmer = _stemmer() if stem else None
        return index

    def save(self, path: Path) -> None:
        import numpy as np

        from galcli.fileio import atomic_writer

        vocab = sorted(self.vocab, key=self.vocab.__getitem__)
        with atomic_writer(path, "wb") as handle:
            np.savez(
                handle,
                size=self.size,
                vocab=np.array(vocab, dtype=str),
                stopwords=np.array(sorted(self.stopwords), dtype=str),
                data=self.data,
                indices=self.indices,
                indptr=self.indptr,
            )

    def _tokens(self, text: str) -> list[str]:
        """`text` as the index reads it: folded, stopwords removed, stemmed (as bm25s.tokenize
        does, which cannot run without importing bm25s)."""
        words = [w for w in TOKEN.findall(fold(text).lower()) if w not in self.stopwords]
        return list(self._stemmer(words)) if self._stemmer and words else words

    def terms(self, text: str) -> list[str]:
        """The index's terms of `text`, each once."""
        return list(dict.fromkeys(self._tokens(query_text(text))))

    def _documents(self, term: str) -> Any:
        """Positions of the texts that contain `term` (its column of the score matrix)."""
        column = self.vocab.get(term)
        if column is None:
            return self.indices[:0]
        return self.indices[self.indptr[column] : self.indptr[column + 1]]

    def frequency(self, term: str) -> int:
        """How many texts contain `term` (an index term, as `terms` gives them)."""
        return len(self._documents(term))

    def coverage(self, query: str, positions: Sequence[int]) -> float:
        """How much of `query` the texts at `positions` contain together: the IDF-weighted
        share of the query's terms found in them (0 to 1). Scale-free, unlike a BM25 score,
        so one threshold fits bibliographies of any size."""
        import math

        terms = self.terms(query)
        if not terms or not self.size:
            return 0.0
        wanted = set(positions)
        total = found = 0.0
        for term in terms:
            documents = self._documents(term)
            frequency = len(documents)
            idf = math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))
            total += idf
            if wanted and not wanted.isdisjoint(documents.tolist()):
                found += idf
        return found / total if total else 0.0

    def scores(self, query: str) -> Any:
        """Every text's BM25 score for `query` (a numpy array; zeros when nothing matches)."""
        import numpy as np

        columns = [self.vocab[t] for t in self._tokens(query_text(query)) if t in self.vocab]
        if not columns:
            return np.zeros(self.size, dtype="float32")
        # a repeated query term counts again, as in bm25s
        spans = [slice(self.indptr[c], self.indptr[c + 1]) for c in columns]
        return np.bincount(
            np.concatenate([self.indices[s] for s in spans]),
            np.concatenate([self.data[s] for s in spans]),
            minlength=self.size,
        ).astype("float32")

    def search(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        """(position of the text, score) of the best `k` texts with a positive score."""
        import numpy as np

        if not self.size:
            return []
        scores = self.scores(query)
        best = np.argsort(-scores, kind="stable")[:k]  # ties: the earlier text first
        return [(int(i), float(scores[i])) for i in best if scores[i] > 0]


class BM25Index:
    """BM25 over a bibliography's entries, each entry's text optionally expanded with more text
    about it (`extra`: what a document says where it cites the key). The index is cached on
    disk, keyed by the texts it is built from, so a warm run neither decodes the entries' LaTeX
    nor imports bm25s."""

    def __init__(
        self,
        entries: Sequence[BibEntry],
        *,
        stem: bool = True,
        extra: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.entries = list(entries)
        self._positions = {id(e): i for i, e in enumerate(self.entries)}
        self.texts = self._cached(stem, extra or {})

    def _cached(self, stem: bool, extra: Mapping[str, Sequence[str]]) -> TextIndex:
        if not self.entries:
            return TextIndex([], stem=stem)
        return cached_index(
            _fingerprint(self.entries, stem, extra),
            len(self.entries),
            lambda: [" ".join([entry_text(e), *extra.get(e.key, ())]) for e in self.entries],
            stem=stem,
        )

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return [
            Hit(self.entries[index], score, rank)
            for rank, (index, score) in enumerate(self.texts.search(query, k), 1)
        ]

    def coverage(self, query: str, entry: BibEntry) -> float:
        """The IDF-weighted share of the query's terms that `entry`'s text contains."""
        position = self._positions.get(id(entry))
        return 0.0 if position is None else self.texts.coverage(query, [position])


def cached_index(
    fingerprint: str, size: int, texts: Callable[[], Sequence[str]], *, stem: bool = True
) -> TextIndex:
    """The index of `texts()` (`size` of them), from the cache when an index with this
    `fingerprint` (a digest of what the texts are made from) was built before."""
    from galcli import paths
    from galcli.fileio import keep_recent

    path = paths.cache_dir() / "bm25" / f"{fingerprint}.npz"
    try:
        index = TextIndex.load(path, stem=stem)
        if index.size == size:
            with contextlib.suppress(OSError):  # a read-only cache is fine
                path.touch()  # recently used: pruned last
            return index
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError):
        pass  # not cached yet, or damaged: built again
    index = TextIndex(texts(), stem=stem)
    try:
        index.save(path)
        keep_recent(path.parent, "*.npz", CACHED_INDEXES)
    except OSError:
        pass  # a read-only cache only costs the indexing next time
    return index


def texts_fingerprint(texts: Sequence[str], stem: bool = True) -> str:
    """A digest of plain `texts` for `cached_index` (an index of sentences, not entries)."""
    import hashlib

    digest = hashlib.sha1(f"{INDEX_VERSION}:{stem}:texts".encode())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\1")
    return digest.hexdigest()[:20]


def _fingerprint(
    entries: Sequence[BibEntry], stem: bool, extra: Mapping[str, Sequence[str]]
) -> str:
    import hashlib

    digest = hashlib.sha1(f"{INDEX_VERSION}:{stem}".encode())
    for entry in entries:
        fields = (
            entry.title,
            entry.abstract,
            entry.keywords,
            entry.author,
            *extra.get(entry.key, ()),
        )
        digest.update("\0".join(fields).encode("utf-8", "surrogatepass") + b"\1")
    return digest.hexdigest()[:20]


def _stemmer():
    """PyStemmer's English stemmer when installed (bm25s uses it), else none."""
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english").stemWords
