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


def test_a_bibliography_index_is_cached_and_queried_without_bm25s(tmp_path, monkeypatch) -> None:
    import subprocess
    import sys

    from galcli import paths

    monkeypatch.setenv("GALCLI_CACHE_DIR", str(tmp_path))
    entries = [
        entry("g", title="Graphene membranes", abstract="Filters for water."),
        entry("z", title="Zeolite catalysts", author='M{\\"u}ller, Hans'),
        entry("e", title="Graphene electronics"),
    ]
    fresh = BM25Index(entries)
    (saved,) = (paths.cache_dir() / "bm25").glob("*.npz")
    expected = [(h.entry.key, round(h.score, 5)) for h in fresh.search("graphene water", 3)]
    assert expected[0][0] == "g" and len(expected) == 2
    # A second index over the same entries is the saved one, read in a process that never
    # imports bm25s (nor scipy): same ranking, same scores, same coverage.
    script = (
        "import sys\n"
        "from galcli.bib.entries import BibEntry\n"
        "from galcli.retrieve.bm25 import BM25Index\n"
        "def e(key, **f):\n"
        "    return BibEntry(key=key, entry_type='article', fields=f, file='x', line=1)\n"
        "index = BM25Index([e('g', title='Graphene membranes', abstract='Filters for water.'),"
        " e('z', title='Zeolite catalysts', author='M{\\\\\"u}ller, Hans'),"
        " e('e', title='Graphene electronics')])\n"
        "print([(h.entry.key, round(h.score, 5)) for h in index.search('graphene water', 3)])\n"
        "print(index.search('Müller', 1)[0].entry.key,"
        " index.coverage('graphene water', index.entries[0]))\n"
        "print('bm25s' in sys.modules, 'scipy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [str(expected), "z 1.0", "False False"]
    # A damaged cache file is rebuilt, not trusted.
    for damage in (b"not an index", b"PK\x03\x04 a cut-off zip"):
        saved.write_bytes(damage)
        again = BM25Index(entries)
        hits = [(h.entry.key, round(h.score, 5)) for h in again.search("graphene water", 3)]
        assert hits == expected


def test_a_changed_entry_gets_a_new_index() -> None:
    before = BM25Index([entry("a", title="Graphene membranes"), entry("b", title="Zeolites")])
    after = BM25Index([entry("a", title="Perovskite cells"), entry("b", title="Zeolites")])
    assert before.search("graphene", 1)[0].entry.key == "a"
    assert after.search("graphene", 1) == []
