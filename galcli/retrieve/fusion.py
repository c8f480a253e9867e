"""Reciprocal-rank fusion: the one way galcli combines rankings (retrieval, context, model).

RRF (Cormack, Clarke and Büttcher, SIGIR 2009) adds `weight / (k + rank)` over the rankings an
item appears in. It needs no score calibration between rankings, which is why BM25 scores,
cosine similarities and model log-likelihoods can be fused without tuning their scales.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

RRF_K = 60  # the constant of Cormack et al.; larger flattens the weight of the top ranks

Item = TypeVar("Item", bound=Hashable)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Item]],
    weights: Sequence[float] | None = None,
    k: int = RRF_K,
) -> list[tuple[Item, float]]:
    """Items of all `rankings` (each best first) with their fused score, best first.

    Ties keep the order in which items were first seen, rankings earlier in the list first, so
    the result is deterministic.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[Item, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        if weight == 0:
            continue
        for rank, item in enumerate(dict.fromkeys(ranking), 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = sorted(scores, key=lambda item: -scores[item])  # stable: first seen wins ties
    return [(item, scores[item]) for item in order]


def normalized_score_fusion(
    rankings: Sequence[Sequence[tuple[Item, float]]], weights: Sequence[float]
) -> list[tuple[Item, float]]:
    """Weighted sum of scores, each ranking's scores divided by its best (CombSUM, max-norm).

    Unlike RRF, a weak ranking's top item gets only as much as its score earns relative to its
    own best: for context signals of very different strength (the sentence, a section heading
    that matches half the bibliography), the strength of a match matters, not only its rank.
    """
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[Item, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        best = max((score for _, score in ranking), default=0.0)
        if weight == 0 or best <= 0:
            continue
        for item, score in ranking:
            scores[item] = scores.get(item, 0.0) + weight * max(score, 0.0) / best
    order = sorted(scores, key=lambda item: -scores[item])
    return [(item, scores[item]) for item in order]
