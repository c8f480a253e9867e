"""Reciprocal-rank fusion and BM25 field weighting, without the corpora."""

from __future__ import annotations

import pytest

from galcli.bib.entries import BibEntry
from galcli.retrieve.bm25 import BM25Index, entry_text
from galcli.retrieve.fusion import RRF_K, reciprocal_rank_fusion


def entry(key: str, **fields: str) -> BibEntry:
    return BibEntry(key=key, entry_type="article", fields=fields, file="refs.bib", line=1)


def test_fusion_adds_reciprocal_ranks() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "c"]]))
    assert fused["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1))
    assert fused["c"] == pytest.approx(1 / (RRF_K + 2))
    assert [item for item, _ in reciprocal_rank_fusion([["a", "b"], ["b", "c"]])][0] == "b"


def test_fusion_weights_and_ties() -> None:
    ranked = reciprocal_rank_fusion([["a"], ["b"]], [1.0, 3.0], k=5)
    assert [item for item, _ in ranked] == ["b", "a"]
    assert [item for item, _ in reciprocal_rank_fusion([["x"], ["y"]])] == ["x", "y"]  # first seen
    assert reciprocal_rank_fusion([["a", "a"]]) == [("a", pytest.approx(1 / (RRF_K + 1)))]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], [1.0, 2.0])


def test_one_fusion_in_the_code_base() -> None:
    """Issue 15: one reciprocal-rank fusion; tasks use retrieve/fusion.py."""
    import inspect

    import galcli.tasks.cite as cite

    assert "RRF_K" not in vars(cite)
    assert "reciprocal_rank_fusion" in inspect.getsource(cite)


def test_bm25_title_counts_more_than_the_abstract() -> None:
    in_title = entry("t", title="Graphene membranes", abstract="We study filters.")
    in_abstract = entry("a", title="Filters for water", abstract="We study graphene membranes.")
    assert entry_text(in_title).count("graphene") == 2  # title weight 2, abstract once
    hits = BM25Index([in_abstract, in_title]).search("graphene membranes", k=2)
    assert [h.entry.key for h in hits] == ["t", "a"]


def test_bm25_finds_authors_keywords_and_accents() -> None:
    entries = [
        entry("m", title="A study", author='M{\\"u}ller, Hans', keywords="zeolites"),
        entry("o", title="Another study", author="Other, Ann"),
    ]
    index = BM25Index(entries)
    assert index.search("Müller", k=1)[0].entry.key == "m"
    assert index.search("zeolites", k=1)[0].entry.key == "m"
    assert index.search("nothing matches", k=2) == []
    assert index.coverage("zeolites study", entries[0]) == pytest.approx(1.0)
    assert index.coverage("zeolites", entries[1]) == 0.0
