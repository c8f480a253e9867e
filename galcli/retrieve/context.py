"""Ranking .bib entries for a citation placeholder from its context in the document.

Each part of the context gives its own ranking of the entries, and the rankings are fused by
their normalized scores (retrieve/fusion.py): the sentence weighs most, then the words next to
the placeholder (and their sentence embedding), the sentence with its paragraph, the section
heading and the document's title and abstract. The document's own citations count twice:
every entry is indexed with the sentences that cite it elsewhere in the document (what the
author says about a work is the best description of why it is cited: "citation-context
document expansion"), and the keys cited together with the paragraph's other citations rank
as partners (co-cited works share a topic).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from galcli.bib.decodings import remembered
from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.retrieve.bm25 import BM25Index, Hit
from galcli.retrieve.fusion import normalized_score_fusion

# Weights of the signals, chosen on hidden citations of the four corpus papers together (640
# in 4 random folds, not bench/cite.py's; it prints each paper, so a weight that helps only
# one shows) and checked on six papers they were not chosen on (bench/cite.py --papers).
# Hit@5 of each signal alone on the 640 (entries indexed with their citing sentences): the
# sentence 0.56, the words next to the placeholder (local) 0.53 and their embedding
# (local_dense) 0.47, the sentence three times with its paragraph (expanded) 0.55; keys cited
# together with the paragraph's citations (partners) 0.08; heading, title/abstract and the
# co-cited entries' titles 0.03 to 0.12. All together 0.628, against 0.466 for plain BM25 on
# the sentence. Weights fitted closer (a listwise model, a coordinate search) gained 1 to 3
# points on the 640 and lost as much on a paper left out, so they are round numbers; heading
# and title/abstract only break ties (at 0.1 they pull every placeholder of a section
# towards the same entries).
WEIGHTS: dict[str, float] = {
    "sentence": 1.0,
    "local": 0.5,
    "local_dense": 1.0,
    "expanded": 0.5,  # the sentence three times and its paragraph, as one query
    "heading": 0.03,
    "document": 0.03,
    "cocited": 0.05,
    "partners": 0.5,
}
DEPTH = 50  # how deep each ranking goes into the fusion

Search = Callable[[str, int], list[Hit]]


@dataclass(frozen=True)
class ContextQuery:
    sentence: str
    paragraph: str = ""
    heading: str = ""
    document: str = ""
    cocited: tuple[str, ...] = ()  # keys already cited near the placeholder
    # The words next to the placeholder: from the citation before it in the sentence (or the
    # sentence's start) up to it; after it when nothing precedes ("\\citet{?} propose ...").
    # In "A for this \\cite{a}, B for that \\cite{?}" it is "B for that".
    local: str = ""
    exclude: frozenset[str] = frozenset()  # keys that must not be suggested


@dataclass
class Ranked:
    entry: BibEntry
    score: float
    signals: dict[str, int] = field(default_factory=dict)  # ranking name -> rank in it


class ContextRanker:
    """Ranks the entries of one bibliography for placeholders of one document."""

    def __init__(
        self,
        entries: Sequence[BibEntry],
        similar: Search | None = None,
        citing_sentences: Mapping[str, Sequence[str]] | None = None,
        cocitations: Mapping[str, Mapping[str, int]] | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.by_key = {entry.key: entry for entry in entries}
        # Each entry is found by its own text and by the document's sentences that cite it.
        with remembered():
            self.index = BM25Index(entries, extra=citing_sentences)
        self.similar = similar  # dense retrieval (sentence embeddings), when installed
        self.weights = dict(WEIGHTS if weights is None else weights)
        self.cocitations = {
            key: dict(partners)
            for key, partners in (cocitations or {}).items()
            if key in self.by_key
        }

    def scored(self, query: ContextQuery) -> dict[str, list[tuple[str, float]]]:
        """Each signal's ranking of entry keys with its score, best first."""
        rankings: dict[str, list[tuple[str, float]]] = {}
        texts = {
            "sentence": query.sentence,
            "local": query.local,
            "expanded": " ".join([query.sentence] * 3 + [query.paragraph]),
            "heading": query.heading,
            "document": query.document,
        }
        for name, text in texts.items():
            if text.strip() and self.weights.get(name):
                rankings[name] = [(h.entry.key, h.score) for h in self.index.search(text, DEPTH)]
        if self.similar is not None and query.local.strip() and self.weights.get("local_dense"):
            rankings["local_dense"] = [
                (h.entry.key, h.score) for h in self.similar(query.local, DEPTH)
            ]
        cocited = [key for key in query.cocited if key in self.by_key]
        if cocited and self.weights.get("cocited"):
            topic = " ".join(latex_to_text(self.by_key[key].title) for key in cocited)
            rankings["cocited"] = [  # each co-cited entry matches its own title: left out
                (h.entry.key, h.score)
                for h in self.index.search(topic, DEPTH)
                if h.entry.key not in cocited
            ]
        if cocited and self.weights.get("partners"):
            counts: dict[str, float] = {}
            for key in cocited:
                for partner, count in self.cocitations.get(key, {}).items():
                    if partner in self.by_key:  # a draft also cites keys its .bib lacks
                        counts[partner] = counts.get(partner, 0) + count
            order = sorted(counts, key=lambda key: -counts[key])[:DEPTH]
            rankings["partners"] = [(key, counts[key]) for key in order]
        return rankings

    def coverage(self, text: str, entry: BibEntry) -> float:
        """How much of `text` the entry's own text and the sentences citing it contain (0 to 1)."""
        return self.index.coverage(text, entry)

    def rank(self, query: ContextQuery, k: int = 10) -> list[Ranked]:
        scored = self.scored(query)
        names = list(scored)
        fused = normalized_score_fusion(
            [[(key, s) for key, s in scored[n] if key not in query.exclude] for n in names],
            [self.weights[n] for n in names],
        )
        rankings = {n: [key for key, _ in scored[n]] for n in names}
        ranked = []
        for key, score in fused[:k]:
            signals = {n: rankings[n].index(key) + 1 for n in names if key in rankings[n]}
            ranked.append(Ranked(self.by_key[key], score, signals))
        return ranked
