"""One reader of LaTeX: `check` and `cite --tex` see the same citations, placeholders included.

Both read the scanner's records (galcli/latex/scan.py); these tests keep it that way on every
placeholder form a draft uses and on every paper of ../shared/corpora/latex.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from galcli.latex.project import scan_project
from galcli.tasks.check import CheckRequest, run_check
from galcli.tasks.cite_tex import TexCiteRequest, project_bibliography

FORMS = r"""\documentclass{article}
\usepackage{biblatex}
\newcommand{\refs}[1]{\citep{#1}}
\begin{document}
A document macro cites \refs{?}.
A volume citation \volcite{3}{?}.
A multicite keeps its first group \cites{knuth}{?}.
Braces in the optional argument \citep[\package{scipy};][]{?}.
A command split over two lines \citep[see][]
{?}.
An empty key list \cite{}.
A real key is kept \cite{knuth, ?}.
A to-do key \cite{TODO}.
% \cite{?} in a comment
\addbibresource{refs.bib}
\end{document}
"""
BIB = "@book{knuth, author={Knuth, Donald}, title={The Art}, publisher={AW}, year=1968}\n"
# (line, column) of each placeholder key above: the `?`, `TODO`, or the inside of `{}`
EXPECTED = [(5, 30), (6, 31), (7, 49), (8, 60), (10, 2), (11, 25), (12, 33), (13, 19)]


def test_every_placeholder_form_is_found_by_both_at_its_own_key(tmp_path: Path) -> None:
    main = tmp_path / "paper.tex"
    main.write_text(FORMS, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    document = project_bibliography(TexCiteRequest(main))[0]
    found = [(p.line, p.column) for p in document.placeholders]
    assert found == EXPECTED
    lines = FORMS.splitlines()
    for line, column in found:  # each is the place of the `?` (or of the empty list)
        assert lines[line - 1][column - 1] in "?}T"
    kept = {p.line: p.kept for p in document.placeholders}
    assert kept[7] == () and kept[12] == ("knuth",)  # a multicite's other group is not this list
    checked = run_check(CheckRequest(main))
    placeholders = [
        (p.line, p.column) for p in checked.problems if p.kind == "citation_placeholder"
    ]
    assert placeholders == EXPECTED
    assert [p.kind for p in checked.problems if p.kind != "citation_placeholder"] == []


def test_a_filled_placeholder_replaces_only_its_key_list(tmp_path: Path) -> None:
    from galcli.tasks.cite_context import fill

    main = tmp_path / "paper.tex"
    main.write_text(FORMS, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    document = project_bibliography(TexCiteRequest(main))[0]
    filled = fill(FORMS, document.placeholders, [["x"]] * len(document.placeholders))
    assert "\\refs{x}" in filled and "\\volcite{3}{x}" in filled
    assert "\\cites{knuth}{x}" in filled and "\\citep[\\package{scipy};][]{x}" in filled
    assert "\\citep[see][]\n{x}" in filled and "\\cite{x}." in filled
    assert "\\cite{knuth,x}" in filled and "\\cite{x}.\n%" in filled
    assert "% \\cite{?} in a comment" in filled


PAPERS = [
    "sympy_peerj2017/paper.tex",
    "scipy_1.0_natmeth2020/paper.tex",
    "simoulin_phd_thesis_biblatex/main.tex",
    "mobley_benchmarksets_perpetual_review/benchmarkset.tex",
]


@pytest.mark.parametrize("paper", PAPERS)
def test_check_and_cite_tex_agree_on_every_citation_of_a_real_paper(
    corpora: Path, tmp_path: Path, paper: str
) -> None:
    """In a copy of the paper, every seventh key becomes `?`: both commands find exactly those
    placeholders, and the same real citations."""
    folder, main_name = paper.split("/")
    copy = tmp_path / folder
    shutil.copytree(corpora / "latex" / folder, copy)
    main = copy / main_name
    keys = [c for c in scan_project(main).citations if c.end > c.start and c.key != "*"]
    chosen = keys[::7]
    for path in {Path(c.file) for c in chosen}:
        text = path.read_text(encoding="utf-8")
        for citation in sorted(
            (c for c in chosen if Path(c.file) == path), key=lambda c: c.start, reverse=True
        ):
            text = (
                text[: citation.start]
                + "?"
                + " " * (citation.end - citation.start - 1)
                + (text[citation.end :])
            )
        path.write_text(text, encoding="utf-8")
    injected = {(c.file, c.line, c.column) for c in chosen}

    checked = run_check(CheckRequest(main))
    document = project_bibliography(TexCiteRequest(main))[0]
    in_check = {
        (p.file, p.line, p.column) for p in checked.problems if p.kind == "citation_placeholder"
    }
    in_cite = {  # `% TODO cite` lines are placeholders of cite --tex, not citations
        (str(p.file), p.line, p.column)
        for p in document.placeholders
        if p.replacement_kind == "keys"
    }
    assert in_check == injected
    # one placeholder per cite command's key list: its first `?` is the place to fill
    first: dict[tuple[str, int], tuple[str, int, int]] = {}
    for c in sorted(chosen, key=lambda c: (c.file, c.start)):
        first.setdefault((c.file, c.command_start), (c.file, c.line, c.column))
    assert in_cite == set(first.values())
    real = {c.key for c in checked.citations if not c.is_placeholder}
    assert set(document.citing_sentences) == real - {"*"}
