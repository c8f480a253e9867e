"""Ranking .bib entries for a citation placeholder from its context in the document.

Each part of the context gives its own ranking of the entries, and the rankings are fused by
weighted reciprocal rank (retrieve/fusion.py): the sentence weighs most, then the paragraph,
the section heading and the document's title and abstract. Two rankings come from the
citations already in the document: the sentences elsewhere that cite each key (what the
author says about a work is the best description of why it is cited), and the keys cited
together with the paragraph's other citations (co-cited works share a topic).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.retrieve.bm25 import Hit, TextIndex
from galcli.retrieve.fusion import reciprocal_rank_fusion

# Weights of the rankings in the fusion, chosen on all four corpus papers together (bench/
# cite.py prints each paper, so a weight that helps only one shows). Measured alone, the
# sentence finds most (hit@5 0.49), then the document's other citing sentences (0.22) and the
# paragraph (0.39); heading, title/abstract and co-cited titles find little alone and only
# break ties here.
WEIGHTS: dict[str, float] = {
    "sentence": 4.0,
    "paragraph": 0.5,
    "heading": 0.25,
    "document": 0.25,
    "cocited": 0.25,
    "mentions": 1.0,
    "partners": 0.5,
}
# Context rankings are fused with a small constant: their top ranks are what counts, and the
# long tails of weak signals (a heading matches half the bibliography) must not add up.
FUSION_K = 5
DEPTH = 50  # how deep each ranking goes into the fusion

Search = Callable[[str, int], list[Hit]]


@dataclass(frozen=True)
class ContextQuery:
    sentence: str
    paragraph: str = ""
    heading: str = ""
    document: str = ""
    cocited: tuple[str, ...] = ()  # keys already cited near the placeholder
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
        search: Search,
        citing_sentences: Mapping[str, Sequence[str]] | None = None,
        cocitations: Mapping[str, Mapping[str, int]] | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.by_key = {entry.key: entry for entry in entries}
        self.search = search
        self.weights = dict(WEIGHTS if weights is None else weights)
        mentioned = [k for k in (citing_sentences or {}) if k in self.by_key]
        self._mentioned = mentioned
        self._mention_position = {key: i for i, key in enumerate(mentioned)}
        self._mentions = TextIndex([" ".join((citing_sentences or {})[k]) for k in mentioned])
        self.cocitations = {
            key: dict(partners)
            for key, partners in (cocitations or {}).items()
            if key in self.by_key
        }

    def rankings(self, query: ContextQuery) -> dict[str, list[str]]:
        """Each signal's ranking of entry keys, best first."""
        rankings: dict[str, list[str]] = {}
        for name in ("sentence", "paragraph", "heading", "document"):
            text = getattr(query, name)
            if text.strip() and self.weights.get(name):
                rankings[name] = [hit.entry.key for hit in self.search(text, DEPTH)]
        if self.weights.get("mentions") and query.sentence.strip():
            rankings["mentions"] = [
                self._mentioned[i] for i, _ in self._mentions.search(query.sentence, DEPTH)
            ]
        cocited = [key for key in query.cocited if key in self.by_key]
        if cocited and self.weights.get("cocited"):
            topic = " ".join(latex_to_text(self.by_key[key].title) for key in cocited)
            rankings["cocited"] = [  # each co-cited entry matches its own title: left out
                hit.entry.key for hit in self.search(topic, DEPTH) if hit.entry.key not in cocited
            ]
        if cocited and self.weights.get("partners"):
            counts: dict[str, int] = {}
            for key in cocited:
                for partner, count in self.cocitations.get(key, {}).items():
                    if partner in self.by_key:  # a draft also cites keys its .bib lacks
                        counts[partner] = counts.get(partner, 0) + count
            rankings["partners"] = sorted(counts, key=lambda key: -counts[key])[:DEPTH]
        return rankings

    def mention_coverage(self, text: str, key: str) -> float:
        """How much of `text` the document's other sentences citing `key` contain (0 to 1)."""
        position = self._mention_position.get(key)
        return 0.0 if position is None else self._mentions.coverage(text, [position])

    def rank(self, query: ContextQuery, k: int = 10) -> list[Ranked]:
        rankings = self.rankings(query)
        names = list(rankings)
        fused = reciprocal_rank_fusion(
            [[key for key in rankings[n] if key not in query.exclude] for n in names],
            [self.weights[n] for n in names],
            k=FUSION_K,
        )
        ranked = []
        for key, score in fused[:k]:
            signals = {n: rankings[n].index(key) + 1 for n in names if key in rankings[n]}
            ranked.append(Ranked(self.by_key[key], score, signals))
        return ranked
