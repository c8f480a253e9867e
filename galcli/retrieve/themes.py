"""Grouping retrieved entries into themes: TF-IDF vectors, average-linkage clustering on cosine
distance, each theme headed by a phrase its titles share (retrieve/headings.py).

A lit-review retrieves tens of entries, so the clustering is a plain agglomerative loop over a
numpy distance matrix (O(n^3) on n <= 200 entries is milliseconds); scipy is not needed."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import english_stopwords, latex_to_text
from galcli.retrieve.bm25 import entry_text
from galcli.retrieve.headings import heading

_WORD = re.compile(r"[a-z][a-z0-9\-]{2,}")


@dataclass
class Theme:
    name: str
    entries: list[BibEntry]


def _stopwords() -> frozenset[str]:
    return english_stopwords() | {
        "using",
        "based",
        "also",
        "two",
        "new",
        "use",
        "used",
        "show",
        "shown",
        "results",
        "approach",
        "method",
        "methods",
        "study",
        "paper",
        "work",
        "present",
        "however",
        "can",
        "were",
        "was",
        "are",
        "been",
        "has",
        "have",
        "had",
        "its",
        "which",
        "these",
        "this",
        "than",
        "into",
        "our",
        "their",
        "both",
        "more",
        "most",
        "such",
        "well",
        "here",
        "within",
        "how",
        "what",
        "when",
        "where",
        "why",
        "who",
        "while",
        "many",
        "often",
        "without",
    }


def _terms(entry: BibEntry, stop: frozenset[str]) -> list[str]:
    return [w for w in _WORD.findall(entry_text(entry, title_weight=2)) if w not in stop]


def group_into_themes(
    entries: Sequence[BibEntry],
    max_themes: int | None = None,
    per_theme: int = 4,
    topic: str = "",
) -> list[Theme]:
    """Cluster `entries`; about `per_theme` entries a theme, at most `max_themes` themes, each
    headed by a phrase its titles share (`headings.heading`; `topic` breaks ties)."""
    entries = list(entries)
    if not entries:
        return []
    stop = _stopwords()
    documents = [Counter(_terms(e, stop)) for e in entries]
    count = max(1, min(max_themes or 6, math.ceil(len(entries) / per_theme)))
    if count == 1 or len(entries) < 3:
        labels = [1] * len(entries)
    else:
        import numpy as np

        vocabulary = sorted({t for d in documents for t in d})
        index = {t: i for i, t in enumerate(vocabulary)}
        frequency = Counter(t for d in documents for t in d)
        idf = np.array([math.log((1 + len(entries)) / (1 + frequency[t])) + 1 for t in vocabulary])
        vectors = np.zeros((len(entries), len(vocabulary)))
        for row, document in enumerate(documents):
            for term, n in document.items():
                vectors[row, index[term]] = (1 + math.log(n)) * idf[index[term]]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        labels = average_linkage(vectors, count) if vectors.any() else [1] * len(entries)
    themes: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        themes.setdefault(label, []).append(position)
    ordered = sorted(themes.values(), key=lambda members: min(members))  # by best-ranked member
    groups = [[entries[i] for i in members] for members in ordered]
    named: list[Theme] = []
    for group in groups:
        name = heading(
            [e.title for e in group],
            [e.title for other in groups if other is not group for e in other],
            topic,
            taken=[t.name for t in named],
            texts=[latex_to_text(e.abstract) for e in group],
        )
        named.append(Theme(name, group))
    return named


def average_linkage(vectors: Any, count: int) -> list[int]:
    """Cluster labels (1-based) of the rows of `vectors` (unit length, or zero) cut into at most
    `count` clusters: agglomerative clustering, average linkage on cosine distance.

    Pairs are merged closest first; the distance of a merged cluster to another is the size-
    weighted mean of its parts' distances (Lance-Williams), as in scipy's `linkage(method=
    "average", metric="cosine")` cut with `fcluster(criterion="maxclust")`. Ties go to the pair
    with the smallest indices, so the result is deterministic.
    """
    import numpy as np

    n = len(vectors)
    distance = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
    empty = ~vectors.any(axis=1)  # a zero vector is as far from everything as can be
    distance[empty, :] = 1.0
    distance[:, empty] = 1.0
    np.fill_diagonal(distance, np.inf)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(members) > max(1, count):
        alive = sorted(members)
        sub = distance[np.ix_(alive, alive)]
        flat = int(np.argmin(sub))
        a, b = alive[flat // len(alive)], alive[flat % len(alive)]
        a, b = min(a, b), max(a, b)
        size_a, size_b = len(members[a]), len(members[b])
        merged = (size_a * distance[a] + size_b * distance[b]) / (size_a + size_b)
        distance[a, :] = merged
        distance[:, a] = merged
        distance[a, a] = np.inf
        distance[b, :] = np.inf
        distance[:, b] = np.inf
        members[a] += members.pop(b)
    labels = [0] * n
    for label, key in enumerate(sorted(members, key=lambda k: min(members[k])), 1):
        for i in members[key]:
            labels[i] = label
    return labels
