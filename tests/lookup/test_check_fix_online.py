"""`galcli check --online --diff` / `--fix` against the stand-in Crossref and OpenAlex: what the
look-up proved wrong is corrected, a certain match's DOI added, and nothing else changes."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.lookup.server import FakeServices

# The fixture .bib with what the look-up proves: silver2017go (found by its DOI) has the wrong
# first author and year and its DOI as a URL; hochreiter1997lstm (found by title and author)
# lacks its DOI. The fabricated, malformed and retracted entries stay as they are.
CHANGES = {
    "  author  = {Hassabis, Demis and Silver, David and Huang, Aja},\n": (
        "  author  = {Silver, David and Huang, Aja and Maddison, Chris J.},\n"
    ),
    "  year    = {2017},\n": "  year    = {2016},\n",
    "  doi     = {https://doi.org/10.1038/nature16961},\n": "  doi     = {10.1038/nature16961},\n",
    "  year    = {1997},\n": "  year    = {1997},\n  doi     = {10.1162/neco.1997.9.8.1735},\n",
}


def expected_fix(original: str) -> str:
    lines = original.splitlines(keepends=True)
    for old in CHANGES:
        assert lines.count(old) == 1, old
    return "".join(CHANGES.get(line, line) for line in lines)


@pytest.fixture
def bib(paper: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(paper.parent)
    return paper.parent / "references.bib"


def test_diff_corrects_the_wrong_entry_adds_the_doi_and_leaves_the_rest(
    cli: Callable[..., Result], services: FakeServices, bib: Path, tmp_path: Path
) -> None:
    original = bib.read_text(encoding="utf-8")
    result = cli("check", "paper.tex", "--online", "--diff")
    assert bib.read_text(encoding="utf-8") == original  # --diff writes nothing
    assert result.code == 1  # the fabricated entry and the malformed DOI are still errors
    patch = result.stdout
    removed = [line[1:] for line in patch.splitlines(keepends=True) if line.startswith("-  ")]
    added = [line[1:] for line in patch.splitlines(keepends=True) if line.startswith("+  ")]
    replaced = {old: new for old, new in CHANGES.items() if old not in new}
    assert sorted(removed) == sorted(replaced)
    assert sorted(added) == sorted(
        [*replaced.values(), "  doi     = {10.1162/neco.1997.9.8.1735},\n"]
    )
    changed = {line.split("=")[0].strip() for line in removed + added}
    assert changed == {"author", "year", "doi"}  # the fabricated entry's lines are not among them
    assert "silver2017go: year: {2017} → {2016} (Crossref has '2016')" in result.stderr
    if shutil.which("patch") is not None:
        copy = tmp_path / "applied"
        copy.mkdir()
        shutil.copy(bib, copy / "references.bib")
        subprocess.run(["patch", "-p1", "-s"], input=patch.encode(), cwd=copy, check=True)
        assert (copy / "references.bib").read_text(encoding="utf-8") == expected_fix(original)


def test_fix_writes_exactly_those_changes(
    cli: Callable[..., Result], services: FakeServices, bib: Path
) -> None:
    original = bib.read_text(encoding="utf-8")
    result = cli("check", "paper.tex", "--online", "--fix", "--json")
    assert bib.read_text(encoding="utf-8") == expected_fix(original)  # every other byte kept
    document = result.json()
    assert document["fixes"]["applied"] is True
    changes = {(c["key"], c["field"]): c for c in document["fixes"]["changes"]}
    assert set(changes) == {
        ("hochreiter1997lstm", "doi"),
        ("silver2017go", "doi"),
        ("silver2017go", "author"),
        ("silver2017go", "year"),
    }
    assert changes[("hochreiter1997lstm", "doi")]["action"] == "add"
    assert changes[("silver2017go", "year")]["kind"] == "reference_metadata_mismatch"
    # The corrected mismatch is no longer reported; the others are, at their new lines.
    kinds = {p["key"]: (p["kind"], p["line"]) for p in document["problems"]}
    assert kinds == {
        "fabricated2021quantum": ("reference_not_found", 25),
        "broken2020doi": ("doi_malformed", 45),
        "wakefield1998": ("reference_retracted", 53),
    }
    lines = bib.read_text(encoding="utf-8").splitlines()
    assert all(lines[line - 1].startswith(f"@article{{{key}") for key, (_, line) in kinds.items())
    again = cli("check", "paper.tex", "--online", "--json")
    verdicts = {r["key"]: r["verdict"] for r in again.json()["references"]}  # type: ignore[index]
    assert verdicts["silver2017go"] == "verified" and verdicts["hochreiter1997lstm"] == "verified"
    assert verdicts["fabricated2021quantum"] == "reference_not_found"
    assert cli("check", "paper.tex", "--online", "--fix").stderr.count("nothing to fix") == 1


def test_a_title_search_match_with_another_year_is_not_corrected(
    cli: Callable[..., Result], services: FakeServices, bib: Path
) -> None:
    """Found by title and author, but dated otherwise: it may be another version of the work
    (a preprint, a conference paper), so neither the year nor the DOI is written."""
    text = bib.read_text(encoding="utf-8").replace("  year    = {1997},\n", "  year    = {1999},\n")
    bib.write_text(text, encoding="utf-8")
    result = cli("check", "paper.tex", "--online", "--diff")
    assert "hochreiter1997lstm" not in result.stdout
    assert "hochreiter1997lstm: not fixed: found by a title search, not by DOI" in result.stderr


def test_an_ignored_mismatch_is_not_corrected(
    cli: Callable[..., Result], services: FakeServices, bib: Path
) -> None:
    text = bib.read_text(encoding="utf-8").replace(
        "@article{silver2017go",
        "% galcli-ignore: reference_metadata_mismatch\n@article{silver2017go",
    )
    bib.write_text(text, encoding="utf-8")
    patch = cli("check", "paper.tex", "--online", "--diff").stdout
    changed = [line for line in patch.splitlines() if line[:1] in "+-" and line[1:2] == " "]
    assert changed == [  # the URL form of the DOI needs no look-up: it is made bare still
        "+  doi     = {10.1162/neco.1997.9.8.1735},",
        "-  doi     = {https://doi.org/10.1038/nature16961},",
        "+  doi     = {10.1038/nature16961},",
    ]
