"""Theme clustering for lit-review, without the corpora (and without scipy)."""

from __future__ import annotations

import builtins
import sys

import numpy as np
import pytest

from galcli.bib.entries import BibEntry
from galcli.retrieve.themes import average_linkage, group_into_themes


def _entry(key: str, title: str, abstract: str) -> BibEntry:
    return BibEntry(
        key, "article", {"title": "{" + title + "}", "abstract": "{" + abstract + "}"}, "t.bib", 1
    )


FOLDING = [
    _entry("f1", "Protein folding kinetics", "Folding kinetics of small proteins by simulation."),
    _entry("f2", "Folding pathways of proteins", "Protein folding pathways and folding kinetics."),
    _entry("f3", "Misfolded protein aggregation", "Protein misfolding and folding intermediates."),
]
GALAXIES = [
    _entry("g1", "Galaxy rotation curves", "Rotation curves of spiral galaxies and dark matter."),
    _entry("g2", "Dark matter halos", "Dark matter halos shape galaxy rotation curves."),
    _entry("g3", "Spiral galaxy dynamics", "Spiral galaxies rotate; dark matter halos dominate."),
]


def test_two_topics_become_two_themes_named_by_their_terms() -> None:
    entries = [FOLDING[0], GALAXIES[0], FOLDING[1], GALAXIES[1], FOLDING[2], GALAXIES[2]]
    themes = group_into_themes(entries, max_themes=2, per_theme=3)
    assert [[e.key for e in t.entries] for t in themes] == [["f1", "f2", "f3"], ["g1", "g2", "g3"]]
    assert "folding" in themes[0].name.lower() or "protein" in themes[0].name.lower()
    assert any(word in themes[1].name.lower() for word in ("galaxy", "dark", "rotation", "halos"))


def test_three_themes_and_the_limit() -> None:
    chemistry = [
        _entry(f"c{i}", f"Ligand binding free energy {i}", "Alchemical binding free energy.")
        for i in range(3)
    ]
    entries = FOLDING + GALAXIES + chemistry
    assert len(group_into_themes(entries, max_themes=3, per_theme=3)) == 3
    assert len(group_into_themes(entries, max_themes=1)) == 1
    assert group_into_themes([]) == []


def test_clustering_needs_no_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_scipy(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError("scipy is not installed")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    for name in [m for m in sys.modules if m == "scipy" or m.startswith("scipy.")]:
        monkeypatch.delitem(sys.modules, name)
    themes = group_into_themes(FOLDING + GALAXIES, max_themes=2, per_theme=3)
    assert len(themes) == 2


def test_average_linkage_agrees_with_scipy_on_separated_data() -> None:
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    rng = np.random.default_rng(1)
    centres = np.eye(6)[:3]
    vectors = np.repeat(centres, 4, axis=0) + rng.random((12, 6)) * 0.2
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ours = average_linkage(vectors, 3)
    theirs = hierarchy.fcluster(
        hierarchy.linkage(vectors, method="average", metric="cosine"), t=3, criterion="maxclust"
    )

    def partition(labels) -> list[list[int]]:  # type: ignore[no-untyped-def]
        return sorted(sorted(i for i, x in enumerate(labels) if x == y) for y in set(labels))

    assert (
        partition(ours) == partition(list(theirs)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    )


def test_a_zero_vector_is_its_own_outlier() -> None:
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 0.0]])
    vectors[:2] /= np.linalg.norm(vectors[:2], axis=1, keepdims=True)
    assert average_linkage(vectors, 2) == [1, 1, 2]
