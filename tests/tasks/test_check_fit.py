"""`galcli check --fit`: misfits as problems (text, JSON, exit codes), and on real papers: keys
swapped for other keys of their .bib are found with the right key suggested, and the authors'
own citations raise few alarms.

Word matching only (GALCLI_NO_EMBEDDINGS=1), except one test of the embeddings' path: fast, and
the rule has its own thresholds for it (tasks/cite_fit.py), measured by bench/fit.py.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from galcli.bib.load import dialect_of, load, project_files
from galcli.errors import ExitCode
from galcli.latex.project import scan_project
from galcli.retrieve import embeddings
from galcli.tasks import cite_fit
from tests.retrieve.test_embeddings import (
    exported_graph,  # noqa: F401 (a fixture)
    model_runs,
    needs_export,
    needs_model_package,
)
from tests.tasks.test_cite_fit import bib, sentences


@pytest.fixture
def words_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GALCLI_NO_EMBEDDINGS", "1")


def swapped_project(tmp_path: Path) -> Path:
    """The made-up project of test_cite_fit, its 21st sentence citing the wrong key."""
    (tmp_path / "refs.bib").write_text(bib(), encoding="utf-8")
    main = tmp_path / "main.tex"
    body = "\n\n".join(sentences({20: "bee2005"}))
    main.write_text(f"\\begin{{document}}\n{body}\n\\bibliography{{refs}}\n\\end{{document}}\n")
    return main


def test_a_misfit_is_a_warning_with_suggestions(cli, tmp_path: Path, words_only) -> None:
    main = swapped_project(tmp_path)
    result = cli("check", str(main), "--fit")
    assert result.code == ExitCode.OK  # a warning
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{main}:42:58: warning: 'bee2005' (\"Honeybee waggle dance")
    assert "does not fit its sentence: it ranks" in line
    assert line.endswith("(did you mean 'cache2006', 'salt2003', 'tide2002'?) [citation_misfit]")
    assert result.stderr.rstrip().endswith(
        "--fit: 30 citations judged, 0 too thin to judge (word matching only: no sentence "
        "embeddings)"
    )
    assert cli("check", str(main), "--fit", "--strict").code == ExitCode.FINDINGS
    plain = cli("check", str(main))  # without --fit: not judged
    assert plain.stdout == "" and "--fit" not in plain.stderr


def test_json(cli, tmp_path: Path, words_only) -> None:
    main = swapped_project(tmp_path)
    doc = cli("check", str(main), "--fit", "--json").json()
    [problem] = doc["problems"]
    assert problem["kind"] == "citation_misfit" and problem["severity"] == "warning"
    assert (problem["key"], problem["line"], problem["column"]) == ("bee2005", 42, 58)
    assert problem["suggestions"][0] == "cache2006"
    assert doc["fit"] == {
        "judged": 30,
        "misfits": 1,
        "doubtful": 0,
        "too_thin": 0,
        "thin_entries": 0,
        "vague_sentences": 0,
        "embeddings": False,
    }
    assert doc["ok"] is True
    assert "fit" not in cli("check", str(main), "--json").json()


@needs_model_package
@needs_export
@pytest.mark.usefixtures("exported_graph")
def test_with_embeddings_a_second_run_embeds_nothing(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sentences are embedded once, then read from the cache (sentence embeddings are
    more evidence: on this small made-up .bib the swapped key finds some by chance)."""
    embeddings.embedder.cache_clear()
    main = swapped_project(tmp_path)
    first = cli("check", str(main), "--fit", "--json").json()
    assert first["fit"]["embeddings"] is True and first["fit"]["judged"] == 30
    runs = model_runs(monkeypatch)
    again = cli("check", str(main), "--fit", "--json").json()
    assert again == first and runs == []  # the sentences' vectors came from the cache
    embeddings.embedder.cache_clear()


# Real papers (../shared/corpora/latex), word matching only: swap keys in a copy, as
# bench/fit.py does, and judge every citation.
PAPERS = {
    "sympy": "sympy_peerj2017/paper.tex",
    "scipy": "scipy_1.0_natmeth2020/paper.tex",
    "simoulin": "simoulin_phd_thesis_biblatex/main.tex",
    "mobley": "mobley_benchmarksets_perpetual_review/benchmarkset.tex",
}


def judge(main: Path) -> list[cite_fit.Fit]:
    project = scan_project(main)
    entries = load(project_files(project, ()), dialect_of(project)).entries.values()
    return cite_fit.fit_project(project, list(entries), dense=False).fits


def reported(fit: cite_fit.Fit) -> bool:
    return fit.verdict in (cite_fit.MISFIT, cite_fit.DOUBTFUL)


def test_keys_swapped_in_a_real_paper_are_found(corpora: Path, tmp_path: Path) -> None:
    """mobley (268 entries, 619 citations): 25 keys swapped for others of its .bib;
    bench/fit.py finds about a third of such keys, word matching only."""
    copy = tmp_path / "paper"
    shutil.copytree(corpora / "latex" / "mobley_benchmarksets_perpetual_review", copy)
    main = copy / "benchmarkset.tex"
    project = scan_project(main)
    keys = sorted(load(project_files(project, ())).entries)
    text = main.read_text(encoding="utf-8")
    eligible = [
        c
        for c in project.citations
        if c.key in keys and text[c.start : c.end] == c.key and c.command != "\\nocite"
    ]
    rng = random.Random(31)
    chosen = sorted(rng.sample(eligible, 25), key=lambda c: -c.start)
    swapped = {}
    for citation in chosen:  # from the end: the spans before stay where they are
        other = rng.choice([k for k in keys if k != citation.key])
        text = text[: citation.start] + other + text[citation.end :]
        swapped[(citation.line, citation.column)] = citation.key
    main.write_text(text, encoding="utf-8")
    fits = judge(main)
    found = [f for f in fits if (f.citation.line, f.citation.column) in swapped and reported(f)]
    assert len(found) >= 5
    suggested = [f for f in found if swapped[(f.citation.line, f.citation.column)] in f.better]
    assert len(suggested) >= 2
    own = [f for f in fits if (f.citation.line, f.citation.column) not in swapped]
    assert sum(map(reported, own)) <= 0.03 * len(own)


@pytest.fixture(scope="module")
def unmodified() -> dict[str, list[cite_fit.Fit]]:
    from tests.conftest import CORPORA

    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present in this checkout")
    return {name: judge(CORPORA / "latex" / path) for name, path in PAPERS.items()}


@pytest.mark.parametrize("paper", list(PAPERS))
def test_the_authors_own_citations_raise_few_alarms(
    unmodified: dict[str, list[cite_fit.Fit]], paper: str
) -> None:
    """Measured on the unmodified papers (word matching only): 17 reports on 1,344
    citations (1.3%), 14 of them warnings; scipy has the most, 4 warnings of 165."""
    fits = unmodified[paper]
    judged = [f for f in fits if f.verdict not in (cite_fit.THIN, cite_fit.VAGUE)]
    assert len(judged) >= 0.6 * len(fits)
    assert sum(map(reported, fits)) <= max(2, 0.03 * len(fits))
    warnings = [f for f in fits if f.verdict == cite_fit.MISFIT]
    assert len(warnings) <= max(1, 0.025 * len(fits))


def test_false_alarms_on_all_four_papers(unmodified: dict[str, list[cite_fit.Fit]]) -> None:
    fits = [fit for paper in unmodified.values() for fit in paper]
    assert sum(map(reported, fits)) <= 0.02 * len(fits)
