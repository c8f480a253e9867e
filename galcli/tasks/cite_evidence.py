"""What a document and its .bib say for each entry at each citation: the evidence that
`check --fit` (tasks/cite_fit.py) weighs.

For one citation (its context from tasks/cite_context.py), each kind of evidence scores every
entry of the .bib (higher is better, 0 for none):

- `words`, `local`, `paragraph`: BM25 of the sentence, of the words next to the command, and
  of the sentence with its paragraph, against each entry's title, abstract, keywords and
  authors (the cached index of `cite`);
- `meaning`, `local meaning`: sentence embeddings of the sentence and of the local words
  against the entries' (when the embedding model is installed; the entries' vectors are
  cite's cached ones, the document's sentences are cached per document);
- `other citations`: the best match of the sentence among the other sentences of the
  document that cite the entry (this sentence left out: a key is not evidence for itself);
- `partners`: how often the entry is cited elsewhere together with the keys cited around it
  (the pairs of this sentence left out);
- `nearby`: the entry is cited elsewhere within `NEAR` sentences;
- `neighbours`, `section`: how much the entry is like the entries cited in the same sentence
  and paragraph, and within `NEAR` sentences (title words, and embeddings when installed).

The keys cited in the same sentence score 0 everywhere: they stand beside the judged key, not
in its place. An entry with too little text to be ranked at all is "thin" (`thin`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from galcli.bib.decodings import remembered
from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.retrieve.bm25 import BM25Index, TextIndex, cached_index, texts_fingerprint
from galcli.tasks.cite_context import CitedContext, TexDocument

NEAR = 10  # sentences either side: "nearby" and "section"
MIN_TERMS = 2  # words of the entry that occur elsewhere, below which it is too thin to judge
DENSE_FLOOR = 0.2  # cosine similarity below which two texts share no meaning
# Entry types cited for a program or a web page: by a bare name, often ("SciPy", "PyTorch").
SOFTWARE_TYPES = frozenset({"misc", "online", "software", "manual", "electronic", "www"})


class CitationEvidence:
    """The evidence for the entries of one bibliography at the citations of one document.

    Built once per document (its indexes: BM25 over the entries, cached by `cite`; BM25 over
    the document's citing sentences; the entries' embeddings); `scores` then weighs one
    citation.
    """

    def __init__(
        self, entries: Sequence[BibEntry], document: TexDocument, *, dense: bool = True
    ) -> None:
        import numpy as np

        self.entries = list(entries)
        self.position = {entry.key: i for i, entry in enumerate(self.entries)}
        self.document = document
        with remembered():  # an unchanged .bib is LaTeX-decoded once, not on every run
            self.index = BM25Index(self.entries)
            self.titles = [" ".join(latex_to_text(e.title).split()) for e in self.entries]
            self._own = [
                " ".join([title, latex_to_text(e.abstract), latex_to_text(e.keywords)])
                for title, e in zip(self.titles, self.entries, strict=True)
            ]
        texts = [sentence.text for sentence in document.sentences]
        self.sentences = (
            cached_index(texts_fingerprint(texts), len(texts), lambda: texts)
            if texts
            else TextIndex([])
        )
        # Which entries each citing sentence cites, as parallel arrays (sentence, entry).
        pairs = [
            (number, self.position[key])
            for number, sentence in enumerate(document.sentences)
            for key in sentence.keys
            if key in self.position
        ]
        self._pair_sentence = np.array([s for s, _ in pairs], dtype=np.int64)
        self._pair_entry = np.array([e for _, e in pairs], dtype=np.int64)
        self.hybrid = None
        if dense:
            from galcli.retrieve.embeddings import HybridIndex

            hybrid = HybridIndex(self.entries)
            self.hybrid = hybrid if hybrid.dense else None
        self._memo: dict[tuple[str, str | int], Any] = {}
        self._thin: dict[int, str] = {}
        self._vocabulary: set[str] | None = None

    @property
    def dense(self) -> bool:
        return self.hybrid is not None

    def prepare(self, cited: Sequence[CitedContext], remember: str | None = None) -> None:
        """Embed the sentences and local words of `cited` in batches (and, with `remember`, a
        name for the document, keep them on disk for the next run)."""
        if self.hybrid is not None:
            texts = [t for c in cited for t in (c.context.sentence, c.context.local)]
            name = hashlib.sha1(remember.encode()).hexdigest()[:16] if remember else None
            self.hybrid.prepare(texts, remember=name)

    def cited_elsewhere(self, cited: CitedContext) -> bool:
        """Whether the document cites the key in another sentence too."""
        me = self.position[cited.citation.key]
        sentences = self._pair_sentence[self._pair_entry == me]
        return bool((sentences != cited.sentence).any())

    def thin(self, position: int) -> str:
        """Why the entry at `position` has too little text to be judged ("" if it has enough)."""
        if position not in self._thin:
            entry = self.entries[position]
            terms = self.index.texts.terms(self._own[position])
            if self._vocabulary is None:
                self._vocabulary = set()
                for text in [s.text for s in self.document.sentences]:
                    self._vocabulary.update(self.index.texts.terms(text))
            documents = self.index.texts
            shared = [t for t in terms if t in self._vocabulary or documents.frequency(t) > 1]
            reason = ""
            if len(shared) < MIN_TERMS:
                reason = (
                    f"fewer than {MIN_TERMS} words of its title, abstract and keywords occur "
                    "in the document or another entry"
                )
            elif (
                entry.entry_type.lower() in SOFTWARE_TYPES
                and not entry.abstract
                and len(self.index.texts.terms(self.titles[position])) <= 3
            ):
                reason = f"@{entry.entry_type.lower()} cited by a bare name"
            self._thin[position] = reason
        return self._thin[position]

    def scores(self, cited: CitedContext) -> dict[str, Any]:
        """Each kind of evidence's score of every entry for `cited` (numpy arrays, higher is
        better, 0 for none); the keys cited in the same sentence get 0 everywhere."""
        import numpy as np

        key = cited.citation.key
        me = self.position[key]
        query = cited.context
        size = len(self.entries)
        out: dict[str, Any] = {
            "words": self._bm25(query.sentence),
            "local": self._bm25(query.local),
            "paragraph": self._bm25(" ".join([query.sentence] * 3 + [query.paragraph])),
        }
        if self.hybrid is not None:
            for name, text in (("meaning", query.sentence), ("local meaning", query.local)):
                if text.strip():
                    out[name] = np.maximum(self.hybrid.similarities(text) - DENSE_FLOOR, 0)
        # Other sentences that cite an entry: the best match of this sentence among them.
        by_sentence = self._memoized("sentences", query.sentence, self.sentences.scores)
        matches = by_sentence[self._pair_sentence]
        matches = np.where(self._pair_sentence == cited.sentence, 0, matches)
        others = np.zeros(size, dtype=np.float32)
        np.maximum.at(others, self._pair_entry, matches.astype(np.float32))
        out["other citations"] = others
        sentences = self.document.sentences
        same = [k for k in sentences[cited.sentence].keys if k != key]
        partners = np.zeros(size, dtype=np.float32)
        for other in dict.fromkeys([*query.cocited, *same]):
            for partner, count in self.document.cocitations.get(other, {}).items():
                if (p := self.position.get(partner)) is not None:
                    # the pairs of this sentence itself are no evidence
                    here = other in same and (partner in same or partner == key)
                    partners[p] += count - here
        out["partners"] = partners
        low, high = max(cited.sentence - NEAR, 0), min(cited.sentence + NEAR + 1, len(sentences))
        window = (self._pair_sentence >= low) & (self._pair_sentence < high)
        window &= self._pair_sentence != cited.sentence
        nearby = np.zeros(size, dtype=np.float32)
        distance = np.abs(self._pair_sentence[window] - cited.sentence)
        np.maximum.at(nearby, self._pair_entry[window], 1.0 / (1.0 + distance))
        out["nearby"] = nearby
        around = [
            self.position[k]
            for k in dict.fromkeys([*same, *query.cocited])
            if k in self.position and k != key
        ]
        section = sorted(set(self._pair_entry[window].tolist()) - {me})
        for name, group in (("neighbours", around), ("section", section)):
            if group:
                out[name] = self._likeness(group)
        excluded = [self.position[k] for k in query.exclude if k in self.position]
        for values in out.values():
            values[excluded] = 0
        return out

    def _likeness(self, group: list[int]) -> Any:
        """How much each entry is like its most similar entry of `group` (the entries of the
        group themselves compared with the others only): title words (BM25, relative to each
        title's match with its own entry) plus, when installed, embeddings."""
        import numpy as np

        likeness = np.zeros(len(self.entries), dtype=np.float32)
        for j in group:
            row = self._memoized("title", j, self._title_scores).copy()
            row[j] = 0
            np.maximum(likeness, row, out=likeness)
        if self.hybrid is not None:
            vectors = self.hybrid.vectors
            similar = vectors[group] @ vectors.T
            similar[np.arange(len(group)), group] = 0  # an entry is not its own neighbour
            likeness += np.maximum(similar.max(axis=0) - DENSE_FLOOR, 0)
        return likeness

    def _title_scores(self, position: int) -> Any:
        row = self.index.texts.scores(self.titles[position])
        return row / row[position] if row[position] > 0 else row * 0

    def _bm25(self, text: str) -> Any:
        return self._memoized("entries", text, self.index.texts.scores).copy()

    def _memoized(self, kind: str, argument: Any, compute: Any) -> Any:
        if (kind, argument) not in self._memo:
            self._memo[(kind, argument)] = compute(argument)
        return self._memo[(kind, argument)]
