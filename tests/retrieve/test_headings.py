"""A theme's heading is a phrase of its titles (retrieve/headings.py): never a word list, never
a title cut with "…"."""

from __future__ import annotations

from galcli.retrieve.headings import heading, sentence_case

TITLES = [
    "Alchemical Free Energy Methods for Drug Discovery: Progress and Challenges",
    "On the Use of Orientational Restraints and Symmetry Corrections in Alchemical Free Energy "
    "Calculations",
    "Perspective: {{Alchemical}} Free Energy Calculations for Drug Discovery",
]


def test_the_phrase_most_titles_share() -> None:
    assert heading(TITLES) == "Alchemical free energy"


def test_a_phrase_common_to_other_themes_counts_for_less() -> None:
    others = [
        "Alchemical free energy calculations of hydration",
        "Alchemical free energy calculations of solvation",
    ]
    assert heading(TITLES, others) == "Drug discovery"


def test_headings_already_taken_are_not_repeated_or_narrowed() -> None:
    assert heading(TITLES, taken=["Alchemical free energy"]) not in (
        "Alchemical free energy",
        "Free energy",
        "Alchemical free energy calculations",
    )


def test_a_lone_title_gives_its_part_before_the_colon_or_a_whole_phrase() -> None:
    assert heading(["Cucurbit[n]urils: From Mechanism to Structure and Function"]) == (
        "Cucurbit[n]urils"
    )
    long = (
        "The Crystal Structures of the Oligopeptide-Binding Protein OppA Complexed with "
        "Tripeptide and Tetrapeptide Ligands"
    )
    assert heading([long], topic="binding protein") == "Oligopeptide-binding protein OppA"
    assert "…" not in heading([long]) and "," not in heading([long])


def test_sentence_case_keeps_names() -> None:
    assert (
        sentence_case(["Host-Guest", "Binding", "in", "SAMPL4"]) == "Host-guest binding in SAMPL4"
    )
    assert sentence_case(["pKa", "Prediction"]) == "pKa prediction"
    assert sentence_case(["Monte", "Carlo", "Sampling"], ["We use Monte Carlo moves."]) == (
        "Monte Carlo sampling"
    )
