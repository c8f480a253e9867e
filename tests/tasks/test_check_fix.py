"""`galcli check --diff` / `--fix` without the network: repeated fields and DOIs written as URLs,
every other byte kept (galcli/tasks/check_fix.py, galcli/bib/edit.py)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from galcli.errors import ExitCode
from tests.conftest import Result

TEX = (
    "\\documentclass{article}\n\\begin{document}\n\\nocite{*}\n\\bibliography{refs}\n"
    "\\end{document}\n"
)
BIB = """% My references (a comment galcli keeps)
@string{nat = {Nature}}

@article{twice,
  author  = {Doe, Jane},
  title   = {A title},
  journal = nat,
  year    = {2020},
  Year    = 2021,
  title   = "Another title",
  doi     = {https://doi.org/10.1000/abc\\_1},
}

@Article{plain,
    Author = {Roe, Richard},
    Title = {{Protected Title}},
    Journal = {J. Ex.} # { Letters},
    Year = {2019},
    Doi = {doi:10.1000/XYZ},
}

@misc{kept, title={Not a DOI}, doi={doi.org/nature-2020-broken}, note={a, b}, year=2000}
@misc{dx, title={T}, year=2001, doi = "http://dx.doi.org/10.1002/%28SICI%291097-4571"}
"""
FIXED = """% My references (a comment galcli keeps)
@string{nat = {Nature}}

@article{twice,
  author  = {Doe, Jane},
  title   = {A title},
  journal = nat,
  year    = {2020},
  doi     = {10.1000/abc\\_1},
}

@Article{plain,
    Author = {Roe, Richard},
    Title = {{Protected Title}},
    Journal = {J. Ex.} # { Letters},
    Year = {2019},
    Doi = {10.1000/XYZ},
}

@misc{kept, title={Not a DOI}, doi={doi.org/nature-2020-broken}, note={a, b}, year=2000}
@misc{dx, title={T}, year=2001, doi = "10.1002/(SICI)1097-4571"}
"""


@pytest.fixture
def paper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "main.tex").write_text(TEX, encoding="utf-8")
    (folder / "refs.bib").write_bytes(BIB.encode("utf-8"))
    monkeypatch.chdir(folder)
    return folder


def test_fix_removes_repeated_fields_and_makes_url_dois_bare(
    cli: Callable[..., Result], paper: Path
) -> None:
    bib = paper / "refs.bib"
    bib.chmod(0o640)
    result = cli("check", "main.tex", "--fix", "--json")
    assert bib.read_text(encoding="utf-8") == FIXED  # and not one other byte
    assert stat.S_IMODE(bib.stat().st_mode) == 0o640  # the file keeps its permissions
    assert not (paper / "refs.bib.bak").exists()  # a backup only when asked
    document = result.json()
    fixes = document["fixes"]
    assert fixes["applied"] is True and fixes["corrected"] == 1
    assert [(c["key"], c["field"], c["action"]) for c in fixes["changes"]] == [
        ("twice", "year", "remove"),
        ("twice", "title", "remove"),
        ("twice", "doi", "replace"),
        ("plain", "doi", "replace"),
        ("dx", "doi", "replace"),
    ]
    assert [p["kind"] for p in document["problems"]] == []  # the repeated fields are gone
    assert result.code == ExitCode.OK
    again = cli("check", "main.tex", "--fix")
    assert bib.read_text(encoding="utf-8") == FIXED and "nothing to fix" in again.stderr


def test_diff_shows_the_same_change_and_changes_nothing(
    cli: Callable[..., Result], paper: Path, tmp_path: Path
) -> None:
    bib = paper / "refs.bib"
    result = cli("check", "main.tex", "--diff")
    assert bib.read_bytes() == BIB.encode("utf-8")
    patch = result.stdout
    assert patch.startswith("--- a/refs.bib\n+++ b/refs.bib\n")
    assert "-  Year    = 2021,\n" in patch and '-  title   = "Another title",\n' in patch
    # the problems went to stderr; stdout is a patch that applies as it is
    assert "[duplicate_field]" in result.stderr and "[duplicate_field]" not in patch
    if shutil.which("patch") is None:
        pytest.skip("no patch program")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "refs.bib").write_bytes(BIB.encode("utf-8"))
    subprocess.run(["patch", "-p1", "-s"], input=patch.encode(), cwd=copy, check=True)
    assert (copy / "refs.bib").read_text(encoding="utf-8") == FIXED


def test_crlf_and_a_byte_order_mark_are_kept(cli: Callable[..., Result], paper: Path) -> None:
    bib = paper / "refs.bib"
    bib.write_bytes(b"\xef\xbb\xbf" + BIB.replace("\n", "\r\n").encode("utf-8"))
    cli("check", "main.tex", "--fix", "--backup")
    assert bib.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode("utf-8")
    assert (paper / "refs.bib.bak").read_bytes() == b"\xef\xbb\xbf" + BIB.replace(
        "\n", "\r\n"
    ).encode("utf-8")


def test_an_ignored_problem_is_not_fixed(cli: Callable[..., Result], paper: Path) -> None:
    bib = paper / "refs.bib"
    bib.write_text(
        BIB.replace("@article{twice", "% galcli-ignore: duplicate_field\n@article{twice")
    )
    cli("check", "main.tex", "--fix")
    text = bib.read_text(encoding="utf-8")
    assert "  Year    = 2021,\n" in text and '"Another title"' in text
    assert "doi     = {10.1000/abc\\_1}" in text  # a DOI as a URL is no problem kind: made bare


def test_a_linked_bib_is_written_through_its_link(
    cli: Callable[..., Result], paper: Path, tmp_path: Path
) -> None:
    real = tmp_path / "shared" / "refs.bib"
    real.parent.mkdir()
    (paper / "refs.bib").rename(real)
    (paper / "refs.bib").symlink_to(real)
    cli("check", "main.tex", "--fix")
    assert (paper / "refs.bib").is_symlink() and real.read_text(encoding="utf-8") == FIXED


def test_a_read_only_bib_is_left_untouched_with_a_clear_error(
    cli: Callable[..., Result], paper: Path
) -> None:
    bib = paper / "refs.bib"
    bib.chmod(0o444)
    result = cli("check", "main.tex", "--fix")
    assert result.code == ExitCode.BAD_INPUT
    assert bib.read_bytes() == BIB.encode("utf-8") and stat.S_IMODE(bib.stat().st_mode) == 0o444
    assert "refs.bib: this .bib file is read-only, so --fix changed no .bib file" in result.stderr
    assert "chmod u+w refs.bib" in result.stderr and "Traceback" not in result.stderr
    assert "[duplicate_field]" in result.stdout  # the check itself was reported
    assert [p.name for p in paper.iterdir() if p.name.startswith(".refs.bib")] == []
    diff = cli("check", "main.tex", "--diff")  # --diff needs no write access
    assert diff.code == ExitCode.OK and diff.stdout.startswith("--- a/refs.bib")


def test_an_unparsable_bib_is_left_untouched_with_a_clear_error(
    cli: Callable[..., Result], paper: Path
) -> None:
    bib = paper / "refs.bib"
    broken = BIB + "\n@article{open, title = {never closed,\n"
    bib.write_text(broken, encoding="utf-8")
    before = os.stat(bib).st_mtime_ns
    result = cli("check", "main.tex", "--fix", "--backup")
    assert result.code == ExitCode.BAD_INPUT
    assert bib.read_text(encoding="utf-8") == broken and os.stat(bib).st_mtime_ns == before
    assert not (paper / "refs.bib.bak").exists()
    first = result.stderr.splitlines()[-2]
    assert first.startswith("galcli: error: refs.bib:25: this .bib file does not parse")
    assert "so --fix changed no .bib file" in first
    assert cli("check", "main.tex", "--diff").stdout == ""  # and nothing is proposed for it


def test_a_latin1_bib_is_never_rewritten(cli: Callable[..., Result], paper: Path) -> None:
    bib = paper / "refs.bib"
    data = BIB.replace("Doe, Jane", "Do\u00eb, Jane").encode("latin-1")
    bib.write_bytes(data)
    result = cli("check", "main.tex", "--fix")
    assert result.code == ExitCode.BAD_INPUT and bib.read_bytes() == data
    assert "not valid UTF-8" in result.stderr
