"""The sentences of `lit-review`, built by deletion and attribution only (tasks/review_prose.py)
and ranked for the topic (tasks/review_notes.py)."""

from __future__ import annotations

import pytest

from galcli.bib.words import content_words
from galcli.tasks.review_notes import ranked_sentences
from galcli.tasks.review_prose import (
    CITEP,
    CITET,
    TEMPLATE_WORDS,
    attributed,
    compress,
    opening,
    plain,
    plural,
    third_person,
    title_only,
)
from galcli.verify.faithful import check


@pytest.mark.parametrize(
    ("sentence", "compressed"),
    [
        (
            "Here, we present alchemlyb (a Python library) to analyze free energy calculations "
            "[12, 14].",
            "We present alchemlyb to analyze free energy calculations.",
        ),
        (
            "In this paper, we show that the hydration free energy (HFE) converges.",
            "We show that the hydration free energy converges.",
        ),
        (
            "Background: The periplasmic protein OppA binds peptides.",
            "The periplasmic protein OppA binds peptides.",
        ),  # fmt: skip
        (
            "Moreover, however, the estimate $\\Delta G (T)$ agrees.",
            "The estimate $\\Delta G (T)$ agrees.",
        ),  # fmt: skip
        ("Cucurbit[7]uril binds guests", "Cucurbit[7]uril binds guests."),
    ],
)
def test_compress_only_deletes(sentence: str, compressed: str) -> None:
    assert compress(sentence) == compressed
    assert content_words(compressed) <= content_words(sentence)


def test_a_long_sentence_loses_the_clauses_after_a_semicolon() -> None:
    head = " ".join(["binding"] * 30)
    tail = " ".join(["hydration"] * 30)
    assert compress(f"{head}; {tail}.") == f"B{head[1:]}."


@pytest.mark.parametrize(
    ("core", "singular", "template"),
    [
        ("We present alchemlyb.", False, f"{CITET} present alchemlyb."),
        ("We present alchemlyb.", True, f"{CITET} presents alchemlyb."),
        ("We also discuss our results.", True, f"{CITET} also discusses their results."),
        ("We developed a model of us.", True, f"{CITET} developed a model of them."),
        ("This paper presents a new estimator.", False, f"{CITET} present a new estimator."),
        ("This review summarizes methods.", False, f"{CITET} summarize methods."),
        ("This study is a benchmark.", False, f"The study by {CITET} is a benchmark."),
    ],
)
def test_a_paper_speaking_of_itself_is_attributed_to_its_authors(
    core: str, singular: bool, template: str
) -> None:
    assert attributed(core, 0, singular, lambda word: False) == template


def test_other_sentences_take_the_forms_in_turn() -> None:
    core = "Alchemical calculations compute binding free energies."
    writes_lower = {"alchemical"}.__contains__
    forms = [attributed(core, turn, False, writes_lower) for turn in range(3)]
    assert forms == [
        f"Alchemical calculations compute binding free energies {CITEP}.",
        f"{CITET} report that alchemical calculations compute binding free energies.",
        f"According to {CITET}, alchemical calculations compute binding free energies.",
    ]
    # a first word the entry never writes in lower case may be a name: only the first form
    assert attributed("Gaussian processes fit.", 1, False, lambda w: False) == (
        f"Gaussian processes fit {CITEP}."
    )
    assert attributed("GROMACS runs it.", 1, False, lambda w: False).startswith(f"{CITET} report")


def test_verbs() -> None:
    assert [third_person(v) for v in ["present", "discuss", "apply", "do", "found", "can"]] == [
        "presents",
        "discusses",
        "applies",
        "does",
        "found",
        "can",
    ]
    assert [plural(v) for v in ["presents", "discusses", "applies", "has", "matches"]] == [
        "present",
        "discuss",
        "apply",
        "have",
        "match",
    ]


def test_template_words_make_no_claim() -> None:
    """What the templates add is reporting vocabulary, not content about any paper."""
    claims = content_words(TEMPLATE_WORDS) - content_words(
        "report according paper title hand known study studies work review group subject "
        "concern address first further other several"
    )
    assert claims == set()
    for turn in range(4):
        sentence = opening("Free energy calculations", turn)
        assert check(sentence, ["Free energy calculations", TEMPLATE_WORDS]).ok
        assert content_words(sentence) - content_words(TEMPLATE_WORDS) == {
            "free",
            "energi",
            "calcul",
        }
    for turn in range(3):
        text = plain(title_only("Galaxy rotation curves.", turn), "Nobody (2019)", "")
        assert "Galaxy rotation curves" in text and text.count("title") == 1
        assert check(text, ["Galaxy rotation curves", "Nobody 2019", TEMPLATE_WORDS]).ok
    assert check("They used their model on them.", ["used model"]).ok  # from "we", "our", "us"


def test_ranked_sentences_prefer_the_topic_and_a_paper_speaking_of_itself() -> None:
    abstract = (
        "Proteins are large. These results show binding free energies. We compute binding "
        "free energies of ligands. Binding free energies of ligands matter a lot for design."
    )
    ranked = ranked_sentences(abstract, "binding free energies of ligands")
    assert ranked[0] == "We compute binding free energies of ligands."
    assert ranked[-1] == "Proteins are large."  # short and off topic
    assert ranked.index("These results show binding free energies.") == 2  # leans on before
