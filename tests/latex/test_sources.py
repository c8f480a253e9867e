"""The LaTeX reader's sources: an editor's unsaved buffers before the disk (galcli lsp), and a
scan that goes on past a file it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from galcli.errors import InputError
from galcli.latex.project import Sources, root_of, scan_project


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_buffer_is_read_instead_of_the_file_on_disk(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\documentclass{article}\n\\input{intro}\n")
    intro = write(tmp_path / "intro.tex", "\\cite{on_disk}\n")
    sources = Sources({intro.resolve(): "Unsaved \\cite{in_buffer}.\n"})
    project = scan_project(main, sources=sources)
    assert [c.key for c in project.citations] == ["in_buffer"]
    assert [c.key for c in scan_project(main).citations] == ["on_disk"]  # the disk unchanged


def test_an_unsaved_new_file_is_included(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\documentclass{article}\n\\input{new}\n")
    new = (tmp_path / "new.tex").resolve()
    project = scan_project(main, sources=Sources({new: "\\cite{fresh}\n"}))
    assert project.missing_includes == []
    assert [c.key for c in project.citations] == ["fresh"]


def test_keep_going_reads_an_unreadable_file_as_empty_and_says_why(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\documentclass{article}\n\\input{bad}\n\\cite{a}\n")
    (tmp_path / "bad.tex").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(InputError, match="not valid UTF-8"):
        scan_project(main)
    sources = Sources(keep_going=True)
    project = scan_project(main, sources=sources)
    assert [c.key for c in project.citations] == ["a"]
    assert [str(f.location) for f in sources.failures] == [f"{tmp_path / 'bad.tex'}:1:1"]


def test_a_file_over_the_size_limit_is_not_scanned(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\documentclass{article}\n\\input{huge}\n\\cite{a}\n")
    write(tmp_path / "huge.tex", "\\cite{b} " * 2000)
    sources = Sources(keep_going=True, max_size=10_000)
    project = scan_project(main, sources=sources)
    assert [c.key for c in project.citations] == ["a"]
    assert "a file of 18 kB, over the 10 kB limit" in sources.failures[0].message
    buffer = Sources({main.resolve(): "x" * 20_000}, keep_going=True, max_size=10_000)
    assert scan_project(main, sources=buffer).citations == []


def test_the_root_of_an_included_buffer_is_found_through_the_buffers(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\documentclass{article}\n")
    chapter = write(tmp_path / "chapters" / "one.tex", "\\cite{x}\n")
    assert root_of(chapter).main == chapter  # on disk, nothing includes it yet
    sources = Sources({main.resolve(): "\\documentclass{article}\n\\input{chapters/one}\n"})
    assert root_of(chapter, sources=sources).main == main


def test_the_cite_macros_known_after_each_file_are_kept(tmp_path: Path) -> None:
    main = write(
        tmp_path / "main.tex",
        "\\documentclass{article}\n\\newcommand{\\refs}[1]{\\citep{#1}}\n\\input{a}\n",
    )
    a = write(tmp_path / "a.tex", "\\refs{k}\n")
    project = scan_project(main)
    assert list(project.macros[a]) == list(project.macros[main]) == ["refs"]
