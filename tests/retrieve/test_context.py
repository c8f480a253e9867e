"""Context ranking: what a document says where it cites a key finds that key again."""

from __future__ import annotations

from galcli.bib.entries import BibEntry
from galcli.retrieve.context import ContextQuery, ContextRanker


def entry(key: str, title: str) -> BibEntry:
    return BibEntry(key=key, entry_type="article", fields={"title": title}, file="r.bib", line=1)


ENTRIES = [
    entry("choi2018", "Learning to compose task-specific tree structures"),
    entry("gumbel2017", "Categorical reparameterization with Gumbel-softmax"),
    entry("tree2015", "Improved semantic representations from tree-structured LSTM networks"),
]


def test_an_entry_is_found_by_the_sentences_that_cite_it_elsewhere() -> None:
    query = ContextQuery(sentence="The ST-Gumbel encoder reaches 86.0 on SNLI.")
    alone = ContextRanker(ENTRIES)
    assert [r.entry.key for r in alone.rank(query, 3)][:1] == ["gumbel2017"]  # by its title
    cited = {"choi2018": ["ST-Gumbel composes trees with a straight-through Gumbel encoder."]}
    ranker = ContextRanker(ENTRIES, citing_sentences=cited)
    ranked = ranker.rank(query, 3)
    assert ranked[0].entry.key == "choi2018"
    assert ranker.coverage("ST-Gumbel encoder", ENTRIES[0]) == 1.0  # the floor sees it too
    assert alone.coverage("ST-Gumbel encoder", ENTRIES[0]) == 0.0


def test_keys_cited_with_the_paragraphs_citations_rank_as_partners() -> None:
    query = ContextQuery(sentence="Recursive encoders", cocited=("tree2015",))
    ranker = ContextRanker(ENTRIES, cocitations={"tree2015": {"choi2018": 3, "gumbel2017": 1}})
    assert [r.entry.key for r in ranker.rank(query, 2)] == ["choi2018", "gumbel2017"]
    excluded = ContextQuery(sentence="Recursive encoders", exclude=frozenset({"choi2018"}))
    assert "choi2018" not in {r.entry.key for r in ranker.rank(excluded, 3)}
