"""What `galcli check` does not report: `% galcli-ignore:` comments (one LaTeX line, one .bib
entry) and a project's `ignore` list (galcli/tasks/check_ignore.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from galcli.errors import ExitCode

BIB = (
    "@article{full, author={A, B}, title={T}, journal={J}, year=2000}\n"
    "\n"
    "% galcli-ignore: missing_field\n"
    "@article{quiet, author={C, D}, title={No journal}, year=2001}\n"
    "\n"
    "@article{loud, author={E, F}, title={No journal either}, year=2002}\n"
)
TEX = (
    "\\documentclass{article}\n"
    "\\begin{document}\n"
    "\\cite{full,quiet,loud}\n"
    "First \\cite{nobody} here. % galcli-ignore: undefined_key\n"
    "Again \\cite{nobody} here.\n"
    "\\bibliography{refs}\n"
    "\\end{document}\n"
)


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    folder = tmp_path / "repo" / "paper"
    folder.mkdir(parents=True)
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    (folder / "main.tex").write_text(TEX, encoding="utf-8")
    return folder / "main.tex"


def found(result) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(p["kind"], p["line"]) for p in result.json()["problems"]]


def test_a_comment_silences_one_line_and_one_entry_only(cli, paper: Path) -> None:
    result = cli("check", str(paper), "--json")
    assert result.code == ExitCode.FINDINGS
    # line 4's undefined key is ignored, line 5's (the same key) is not; the entry below the
    # comment lacks its journal silently, the next one does not
    assert found(result) == [("undefined_key", 5), ("missing_field", 6)]
    assert result.json()["suppressed"] == {"missing_field": 1, "undefined_key": 1}
    text = cli("check", str(paper))
    assert "2 ignored" in text.stderr.splitlines()[-1]
    assert f"{paper}:5:" in text.stdout and f"{paper}:4:" not in text.stdout


def test_without_comments_everything_is_reported(cli, paper: Path) -> None:
    paper.write_text(TEX.replace(" % galcli-ignore: undefined_key", ""), encoding="utf-8")
    bib = paper.parent / "refs.bib"
    bib.write_text(BIB.replace("% galcli-ignore: missing_field\n", ""), encoding="utf-8")
    result = cli("check", str(paper), "--json")
    assert found(result) == [
        ("undefined_key", 4),
        ("undefined_key", 5),
        ("missing_field", 3),
        ("missing_field", 5),
    ]
    assert result.json()["suppressed"] == {}


def test_a_comment_kind_must_be_known(cli, paper: Path) -> None:
    paper.write_text(TEX.replace("undefined_key", "undefined_kye"), encoding="utf-8")
    result = cli("check", str(paper))
    assert result.code == ExitCode.BAD_INPUT and result.stdout == ""
    assert f"{paper}:4: unknown problem kind 'undefined_kye'" in result.stderr
    assert "known kinds: undefined_key, citation_placeholder" in result.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("galcli.toml", 'ignore = ["undefined_key", "missing_field"]\n'),
        (
            "pyproject.toml",
            '[project]\nname = "x"\n\n[tool.galcli]\nignore = ["undefined_key", "missing_field"]\n',
        ),
    ],
)
def test_a_project_list_ignores_kinds_everywhere(cli, paper: Path, name: str, text: str) -> None:
    repository = paper.parent.parent
    (repository / ".git").mkdir()
    (repository / name).write_text(text, encoding="utf-8")  # above the main file's folder
    result = cli("check", str(paper), "--json")
    assert result.code == ExitCode.OK and found(result) == []
    assert result.json()["suppressed"] == {"missing_field": 2, "undefined_key": 2}


def test_the_nearest_project_file_wins_and_the_git_root_bounds_the_search(cli, paper: Path) -> None:
    repository = paper.parent.parent
    (repository.parent / "galcli.toml").write_text('ignore = ["undefined_key"]\n', encoding="utf-8")
    (repository / ".git").mkdir()  # the search stops here: the file above is not this project's
    assert ("undefined_key", 5) in found(cli("check", str(paper), "--json"))
    (repository / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (paper.parent / "pyproject.toml").write_text(
        '[tool.galcli]\nignore = ["missing_field"]\n', encoding="utf-8"
    )
    assert found(cli("check", str(paper), "--json")) == [("undefined_key", 5)]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('ignore = ["unused_entry", "undefined_kye"]\n', "unknown problem kind 'undefined_kye'", 1),
        ('\nignore = "unused_entry"\n', "ignore in galcli.toml is not a list", 2),
        ('ignore = ["unused_entry"]\nstrict = true\n', "unknown key 'strict'", 2),
        ("ignore = [\n", "invalid TOML", 2),
    ],
)
def test_a_bad_project_list_is_a_clear_error(
    cli, paper: Path, text: str, message: str, line: int
) -> None:
    config = paper.parent / "galcli.toml"
    config.write_text(text, encoding="utf-8")
    result = cli("check", str(paper))
    assert result.code == ExitCode.BAD_INPUT and result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"galcli: error: {config}:{line}") and message in first
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
