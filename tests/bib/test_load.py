"""The one way .bib files are read (galcli/bib/load.py): first definitions, problems."""

from __future__ import annotations

from pathlib import Path

from galcli.bib.entries import BIBER, BIBTEX, first_definitions
from galcli.bib.load import Bibliography, load
from galcli.bib.parse import parse_bib


def summary_of(tmp_path: Path, files: dict[str, str], dialect: str = BIBTEX) -> Bibliography:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load([tmp_path / name for name in files], dialect)


def test_keys_differing_only_in_case_are_duplicates_for_bibtex(tmp_path: Path) -> None:
    one = summary_of(tmp_path, {"one.bib": "@misc{Smith2020, title={A}}\n@misc{smith2020, x={}}"})
    [problem] = one.problems
    assert (problem.kind, problem.key, problem.line) == ("duplicate_key", "smith2020", 2)
    assert "differs only in letter case from 'Smith2020'" in problem.message
    assert f"{tmp_path / 'one.bib'}:1" in problem.message and "BibTeX" in problem.message
    across = summary_of(
        tmp_path, {"a.bib": "@misc{Smith2020, title={A}}", "b.bib": "@misc{SMITH2020, t={}}"}
    )
    assert [(p.kind, p.file) for p in across.problems] == [
        ("duplicate_key", str(tmp_path / "b.bib"))
    ]


def test_biber_keeps_case_variants_but_warns(tmp_path: Path) -> None:
    summary = summary_of(
        tmp_path, {"r.bib": "@misc{Smith2020, t={A}}\n@misc{smith2020, t={B}}"}, BIBER
    )
    assert set(summary.entries) == {"Smith2020", "smith2020"}
    [problem] = summary.problems
    assert "biber keeps both" in problem.message and "possible typo" in problem.message


def test_exact_duplicates_are_reported_once_by_the_one_finder(tmp_path: Path) -> None:
    text = "@misc{k, t={1}}\n@misc{k, t={2}}\n@misc{K, t={3}}\n"
    summary = summary_of(tmp_path, {"r.bib": text})
    first, problems = first_definitions([parse_bib(tmp_path / "r.bib")])
    assert [(p.line, p.message) for p in summary.problems] == [
        (p.line, p.message) for p in problems
    ]
    assert [p.line for p in problems] == [2, 3] and first["k"].get("t") == "1"


def test_the_same_file_named_twice_is_read_once(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "x.bib").write_text("@misc{a, title={A}}\n@misc{b, title={B}}\n")
    monkeypatch.chdir(tmp_path)
    loaded = load([Path("x.bib"), Path("./x.bib"), tmp_path / "x.bib"], BIBTEX)
    assert (
        loaded.paths == ["x.bib"] and loaded.problems == [] and list(loaded.entries) == ["a", "b"]
    )


def test_a_bib_of_string_macros_only_is_valid(tmp_path: Path) -> None:
    abbreviations = '@string{jcp = "J. Chem. Phys."}\n@String{jacs = {J. Am. Chem. Soc.}}\n'
    assert summary_of(tmp_path, {"abbrev.bib": abbreviations}).problems == []
    empty = summary_of(tmp_path, {"notes.bib": "just some text\n"})
    assert [p.message for p in empty.problems] == ["no entries in this file: is it a .bib file?"]


def test_a_bib_buffer_is_parsed_instead_of_the_file(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{old, title={Old}}\n", encoding="utf-8")
    overlay = {bib.resolve(): "@misc{new, title={New}}\n@misc{other, title={O}}\n"}
    assert list(load([bib], overlay=overlay).entries) == ["new", "other"]
    assert list(load([bib]).entries) == ["old"]
