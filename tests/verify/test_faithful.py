"""The one faithfulness check (galcli/verify/faithful.py), on the real failures it must catch:
what the embedded model wrote about formulas, molecules and papers on the default install."""

from __future__ import annotations

import pytest

from galcli.bib.words import content_words
from galcli.verify.faithful import Sources, check

FORMULA = ["\\bar{x} = \\sum_i w_i x_i", "x̄ = ∑ᵢ wᵢxᵢ", "the weighted mean estimate", "the weights"]
ALCHEMLYB = [
    "Alchemical free energy calculations in GROMACS: a Python tool to set up relative free "
    "energy calculations",
    "Klimovich, Pavel V. and Shirts, Michael R. and Mobley, David L.",
    "2015",
    "reproducibility of relative free energy calculations across simulation packages",
]
ETHANOL = ["CCO", "ethanol", "C2H6O", "46.069", "primary alcohol", "hydroxyl"]


@pytest.mark.parametrize(
    ("sentence", "sources", "missing"),
    [
        (  # explain-formula on the default install (issue 29)
            "It is a power series named after Maxwell, proposed in 1947 by M.I.Kozuchitnikov.",
            FORMULA,
            {"1947", "Maxwell", "Kozuchitnikov", "power", "series", "named"},
        ),
        (
            "A trigonometric function called angle-presumption transformation.",
            FORMULA,
            {"trigonometric", "angle-presumption", "transformation", "function", "called"},
        ),
        (  # smiles describe CCO
            "SMILES: C2H6O (Chromic acid).",
            ETHANOL,
            {"SMILES", "Chromic", "acid"},
        ),
        (  # lit-review (issue 30): invented expansions of acronyms
            "A Python tool to set up relative free energy calculations in Generalized "
            "Chromatographic Residue Analysis (GROMACS) using the Python Imaging Tool (PICT) "
            "package.",
            ALCHEMLYB,
            {"Generalized", "Chromatographic", "Residue", "Analysis", "PICT", "Imaging"},
        ),
        ("In this review, J. Computing Chem.", ALCHEMLYB, {"review", "Computing", "Chem"}),
        ("Amber Molecular Dynamics (AmDMM) runs it.", ALCHEMLYB, {"AmDMM", "Amber"}),
    ],
)
def test_invented_content_fails(sentence: str, sources: list[str], missing: set[str]) -> None:
    verdict = check(sentence, sources)
    assert not verdict.ok
    assert missing <= set(verdict.missing), verdict.missing


@pytest.mark.parametrize(
    ("sentence", "sources"),
    [
        ("x̄ is the weighted mean estimate of the xᵢ with the weights wᵢ.", FORMULA),
        (  # an extractive sentence: the entry's own words, attributed with its authors and year
            "Klimovich et al. (2015) describe a Python tool to set up relative free energy "
            "calculations in GROMACS.",
            ALCHEMLYB,
        ),
        ("Ethanol (CCO, C2H6O) is a primary alcohol with a hydroxyl group.", [*ETHANOL, "group"]),
    ],
)
def test_sentences_built_from_their_sources_pass(sentence: str, sources: list[str]) -> None:
    verdict = check(sentence, sources)
    assert verdict.ok, verdict.missing


def test_numbers_years_and_names_are_compared_as_written() -> None:
    sources = Sources.of(["1,000 samples in 2019 with GROMACS and pH 7"])
    assert check("The 1000 samples from 2019.", sources).ok
    assert check("The 1001 samples.", sources).missing == ("1001",)
    assert "the year 2020" in check("Published in 2020.", sources).reason()
    assert check("GROMACS at pH 7.", sources).ok
    assert check("Gromacs.", sources).ok  # the same name, lower case
    assert check("AMBER.", sources).missing == ("AMBER",)


def test_stems_and_connectives() -> None:
    assert check(
        "Moreover, the calculation is reproducible.", ["reproducibility of calculations"]
    ).ok
    assert content_words("The paper describes free energy calculations") == {
        "free",
        "energi",
        "calcul",
    }


def test_a_generation_loop_fails_even_with_known_words() -> None:
    """What the embedded model wrote for `explain-formula --paraphrase` and `smiles describe
    --paraphrase`: only words of the sources, over and over."""
    loop = "The equation z = (| times |_G, minus |T| times |G" + " times |T|" * 12
    verdict = check(loop, ["z", "G", "T", "times", "minus", "the equation"])
    assert not verdict.ok and verdict.repeated in ("times T", "T times")
    assert (
        verdict.reason() == f"repeats '{verdict.repeated}' over and over: a model caught in a loop"
    )
    smiles = "SMILES: 180.0423" + "(O)O" * 20
    assert not check(smiles, ["smiles", "180.0423", "O"]).ok
    assert check("T times T times T is T cubed.", ["T", "times", "cubed"]).ok  # 3 is not a loop


def test_sift_keeps_whole_sentences_only() -> None:
    """`explain-formula --paraphrase` once printed "Here γ (" : the model's last, cut sentence."""
    from galcli.verify.faithful import sift

    kept, rejected = sift("Here γ is the share. Here γ (", ["γ", "the share"])
    assert kept == ["Here γ is the share."]
    assert [(r.sentence, r.reason) for r in rejected] == [
        ("Here γ (", "unfinished: the model stopped mid-sentence")
    ]
