"""`check --fit`'s scoring (tasks/cite_fit.py): a key typed for another is found, with the key
that fits suggested; what the document says elsewhere counts for a key, a co-cited key never
against it; entries and sentences with too little text are not judged.

The project is made up: 30 works on 30 unrelated subjects, each cited once in a sentence about
its subject, one paragraph per subject. Word matching only (no sentence embeddings): fast, and
the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from galcli.bib.load import load
from galcli.latex.project import scan_project
from galcli.problems import Kind
from galcli.tasks import cite_fit
from galcli.tasks.cite_context import read_document

SUBJECTS = {
    "fold2001": ("Protein folding pathways from molecular dynamics", "protein folding pathways"),
    "graph1999": ("Graph coloring heuristics for register allocation", "register allocation"),
    "ice2010": ("Sea ice thickness from satellite altimetry", "sea ice thickness"),
    "bee2005": ("Honeybee waggle dance and foraging distance", "honeybee waggle dance"),
    "quake2012": ("Earthquake early warning from seismic waves", "earthquake early warning"),
    "coral2015": ("Coral reef bleaching under ocean warming", "coral reef bleaching"),
    "vowel2003": ("Vowel harmony in Turkic languages", "vowel harmony"),
    "bread2018": ("Sourdough bread fermentation by lactic bacteria", "sourdough fermentation"),
    "comet2009": ("Cometary nuclei outgassing near perihelion", "cometary outgassing"),
    "sleep2011": ("Sleep spindles and memory consolidation", "sleep spindles"),
    "glass2004": ("Glass transition of amorphous polymers", "glass transition"),
    "wolf2016": ("Wolf reintroduction and elk browsing in Yellowstone", "wolf reintroduction"),
    "bridge1998": ("Suspension bridge flutter under wind loads", "suspension bridge flutter"),
    "vaccine2020": ("Messenger RNA vaccine lipid nanoparticles", "lipid nanoparticles"),
    "chess2017": ("Chess endgame tablebases by retrograde analysis", "chess endgame tablebases"),
    "wine2014": ("Tannin polymerization during red wine aging", "red wine aging"),
    "solar2019": ("Perovskite solar cell stability under humidity", "perovskite solar cells"),
    "tide2002": ("Tidal dissipation in shallow seas", "tidal dissipation"),
    "ant2013": ("Ant colony pheromone trail formation", "pheromone trails"),
    "dune2008": ("Sand dune migration in deserts", "sand dune migration"),
    "cache2006": ("Processor cache replacement policies", "cache replacement policies"),
    "opera2001": ("Baroque opera staging conventions", "baroque opera staging"),
    "rust2021": ("Memory safety of the Rust borrow checker", "borrow checker"),
    "moss2007": ("Desiccation tolerance of mosses", "moss desiccation tolerance"),
    "lens2012": ("Gravitational lensing by galaxy clusters", "gravitational lensing"),
    "yeast2010": ("Yeast prion inheritance", "yeast prions"),
    "salt2003": ("Salt marsh accretion and sea level rise", "salt marsh accretion"),
    "jazz1995": ("Improvisation in bebop jazz", "bebop improvisation"),
    "knot2000": ("Knot invariants from quantum groups", "knot invariants"),
    "hail2011": ("Hailstone growth in supercell storms", "hailstone growth"),
}
KEYS = list(SUBJECTS)


def bib(extra: str = "") -> str:
    return extra + "".join(
        f"@article{{{key}, author={{Author, A.}}, title={{{title}}}, journal={{J}}, "
        f"year={{2000}}}}\n"
        for key, (title, _) in SUBJECTS.items()
    )


def sentences(cited: dict[int, str] | None = None) -> list[str]:
    """One paragraph per subject, citing its own key (or `cited[i]` instead)."""
    cited = cited or {}
    return [
        f"Here we study {words} in detail~\\cite{{{cited.get(i, key)}}}."
        for i, (key, (_, words)) in enumerate(SUBJECTS.items())
    ]


def fits(tmp_path: Path, paragraphs: list[str], extra_bib: str = "") -> list[cite_fit.Fit]:
    (tmp_path / "refs.bib").write_text(bib(extra_bib), encoding="utf-8")
    main = tmp_path / "main.tex"
    body = "\n\n".join(paragraphs)
    main.write_text(f"\\begin{{document}}\n{body}\n\\bibliography{{refs}}\n\\end{{document}}\n")
    entries = list(load([tmp_path / "refs.bib"]).entries.values())
    return cite_fit.fit_project(scan_project(main), entries, dense=False).fits


def by_key(found: list[cite_fit.Fit], key: str) -> list[cite_fit.Fit]:
    return [fit for fit in found if fit.citation.key == key]


def test_genuine_citations_fit(tmp_path: Path) -> None:
    found = fits(tmp_path, sentences())
    assert len(found) == 30
    assert {fit.verdict for fit in found} == {cite_fit.FITS}
    assert all(fit.support == 1 for fit in found)  # its own words rank it first


def test_a_swapped_key_is_a_misfit_with_the_right_key_suggested(tmp_path: Path) -> None:
    # The sentence on cache replacement (the 21st) cites the honeybee paper, which the 4th
    # cites too (far enough for that not to count as "cited nearby").
    found = fits(tmp_path, sentences({20: "bee2005"}))
    wrong = [fit for fit in by_key(found, "bee2005") if fit.citation.line > 8]
    [misfit] = wrong
    assert misfit.verdict == cite_fit.MISFIT and misfit.better[0] == "cache2006"
    assert misfit.support > cite_fit.SUPPORT_RANK and misfit.rank > 1
    # Its own, right citation is not disturbed by the wrong one.
    assert [fit.verdict for fit in by_key(found, "bee2005") if fit is not misfit] == ["fits"]
    problem = misfit.problem()
    assert problem is not None and problem.kind == Kind.CITATION_MISFIT
    assert problem.severity == "warning" and problem.suggestions[0] == "cache2006"
    assert "Honeybee waggle dance and foraging distance" in problem.message
    assert f"ranks {misfit.rank}" in problem.message
    # Where the key itself is written: line and column of `bee2005` in its \cite.
    text = (tmp_path / "main.tex").read_text().splitlines()[problem.line - 1]
    assert text[problem.column - 1 :].startswith("bee2005}")
    assert sum(fit.verdict != cite_fit.FITS for fit in found) == 1  # and nothing else


def test_a_key_is_not_evidence_for_itself_but_its_other_citations_are(tmp_path: Path) -> None:
    paragraphs = sentences()
    (tmp_path / "refs.bib").write_text(bib(), encoding="utf-8")
    main = tmp_path / "main.tex"
    paragraphs[20] += " Later work refines tidal dissipation estimates~\\cite{fold2001}."
    main.write_text("\n\n".join(paragraphs), encoding="utf-8")
    document = read_document(scan_project(main), every_citation=True)
    entries = list(load([tmp_path / "refs.bib"]).entries.values())
    scorer = cite_fit.FitScorer(entries, document, dense=False)
    [ice] = [c for c in document.citations if c.citation.key == "ice2010"]
    others = scorer.evidence.scores(ice)["other citations"]
    assert others[scorer.position["ice2010"]] == 0  # cited once: its sentence is not evidence
    # fold2001 is cited in a sentence about tidal dissipation too: that counts for it where
    # tide2002 is cited (the other sentence shares "tidal dissipation").
    [tide] = [c for c in document.citations if c.citation.key == "tide2002"]
    evidence = scorer.evidence.scores(tide)["other citations"]
    assert evidence[scorer.position["fold2001"]] > 0
    assert evidence[scorer.position["tide2002"]] == 0  # leave one out


def test_a_co_cited_key_is_no_evidence_against_another(tmp_path: Path) -> None:
    paragraphs = sentences()
    paragraphs[0] = (
        "Protein folding pathways differ from register allocation~\\cite{fold2001,graph1999}."
    )
    found = fits(tmp_path, paragraphs)
    [graph_here] = [f for f in by_key(found, "graph1999") if f.citation.line == 2]
    [fold_here] = by_key(found, "fold2001")
    for fit, partner in ((graph_here, "fold2001"), (fold_here, "graph1999")):
        assert fit.verdict == cite_fit.FITS
        assert fit.candidates == len(SUBJECTS) - 1  # the co-cited key does not compete
        assert partner not in fit.better


def test_too_thin_to_judge(tmp_path: Path) -> None:
    paragraphs = sentences()
    paragraphs.append("We use the NumPy array library~\\cite{numpy} and Zyxwv~\\cite{zyx}.")
    paragraphs.append("As shown before~\\cite{fold2001}.")  # a sentence that names nothing
    extra = "@misc{numpy, title={NumPy array library}}\n@article{zyx, title={Qwerty uiop}}\n"
    found = fits(tmp_path, paragraphs, extra)
    [numpy] = by_key(found, "numpy")
    [zyx] = by_key(found, "zyx")
    assert numpy.verdict == zyx.verdict == cite_fit.THIN
    assert "bare name" in numpy.reason and "words" in zyx.reason
    vague = [fit for fit in by_key(found, "fold2001") if fit.citation.line > 60]
    assert [fit.verdict for fit in vague] == [cite_fit.VAGUE]
    report = cite_fit.FitReport(found)
    assert report.to_dict()["too_thin"] == 3 and report.judged == len(found) - 3
    assert all(fit.problem() is None for fit in (numpy, zyx, *vague))


@pytest.mark.parametrize(
    ("number", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd")]
)
def test_ordinals(number: int, text: str) -> None:
    assert cite_fit._ordinal(number) == text
