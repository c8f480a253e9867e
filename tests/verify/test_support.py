"""Support scoring of generated sentences by the cited entries."""

from __future__ import annotations

from galcli.bib.entries import BibEntry
from galcli.verify.support import ABSTRACT, TITLE_ONLY, score, support

WITH_ABSTRACT = BibEntry(
    "a",
    "article",
    {
        "title": "{Alchemical free energy calculations}",
        "abstract": "{Binding free energies of ligands are computed with molecular dynamics.}",
    },
    "t.bib",
    1,
)
TITLE_ONLY_ENTRY = BibEntry(
    "b", "article", {"title": "{Galaxy rotation curves}", "journal": "{Astron. J.}"}, "t.bib", 1
)


def test_supported_and_unsupported_sentences() -> None:
    good = score("Binding free energies of ligands are computed.", [WITH_ABSTRACT])
    assert good.supported and good.value == 1.0 and good.evidence == ABSTRACT
    bad = score("Quantum gravity governs galaxy rotation.", [WITH_ABSTRACT])
    assert not bad.supported and bad.value == 0.0
    assert "below threshold" in bad.describe()


def test_a_sentence_without_content_words_cannot_be_scored_and_is_not_supported() -> None:
    result = score("It is as it was.", [WITH_ABSTRACT])
    assert not result.scorable and not result.supported
    assert result.describe() == "cannot be scored: no content words"
    assert support("It is as it was.", [WITH_ABSTRACT]) == 0.0


def test_function_and_reporting_words_are_not_claims() -> None:
    result = score("The authors show which ligands were computed.", [WITH_ABSTRACT])
    assert result.words == 2 and result.value == 1.0  # ligands, computed


def test_an_entry_without_abstract_is_title_and_venue_evidence() -> None:
    result = score("Galaxy rotation curves were measured.", [TITLE_ONLY_ENTRY])
    assert result.evidence == TITLE_ONLY
    assert result.value == 0.75  # galaxy, rotation, curves (title) of + measured
    assert "no abstract" in score("Quasars were measured.", [TITLE_ONLY_ENTRY]).describe()
    assert score("Astron.", [TITLE_ONLY_ENTRY]).value == 1.0  # the venue counts
