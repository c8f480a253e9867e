"""The language server's picture of a workspace (tasks/editor.py): which project a file belongs
to, a project checked from unsaved buffers, and a .bib alone."""

from __future__ import annotations

from pathlib import Path

from galcli.tasks.editor import Workspace, analyse, analyse_bib

BIB = "@misc{knuth, author={Knuth, Donald}, title={The Art}, year=1968}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_belongs_to_the_project_that_includes_it_or_its_root_comment(
    tmp_path: Path,
) -> None:
    main = write(
        tmp_path / "main.tex", "\\documentclass{book}\n\\input{ch/one}\n\\bibliography{refs}\n"
    )
    one = write(tmp_path / "ch" / "one.tex", "\\cite{knuth}\n")
    named = write(tmp_path / "ch" / "two.tex", "% !TEX root = ../main.tex\n\\cite{knuth}\n")
    write(tmp_path / "refs.bib", BIB)
    workspace = Workspace([tmp_path])
    assert workspace.locate(one, {}) == (main, ())
    assert workspace.locate(named, {})[0].resolve() == main.resolve()
    assert workspace.locate(main, {}) == (main, ())


def test_a_chapter_no_project_includes_reads_the_workspace_document_s_bib(tmp_path: Path) -> None:
    write(tmp_path / "main.tex", "\\documentclass{book}\n\\bibliography{refs}\n")
    bib = write(tmp_path / "refs.bib", BIB)
    draft = write(tmp_path / "drafts" / "new.tex", "Art \\cite{knuth, knuht}.\n")
    workspace = Workspace([tmp_path])
    main, bibs = workspace.locate(draft, {})
    assert main == draft and [b.resolve() for b in bibs] == [bib.resolve()]
    analysis = analyse(main, {}, bibs=bibs)
    assert analysis.check is not None
    assert [p.key for p in analysis.check.problems] == ["knuht"]


def test_a_project_is_checked_from_the_buffers_and_remembered(tmp_path: Path) -> None:
    main = write(
        tmp_path / "main.tex", "\\documentclass{book}\n\\input{one}\n\\bibliography{refs}\n"
    )
    one = write(tmp_path / "one.tex", "\\cite{knuth}\n")
    write(tmp_path / "refs.bib", BIB)
    analysis = analyse(main, {one.resolve(): "\\cite{knuth} and \\cite{KNUTH}\n"})
    assert analysis.check is not None
    assert [p.kind.value for p in analysis.check.problems] == ["undefined_key"]
    assert analysis.cited("Knuth") == 2 and analysis.entry("KNUTH") is not None
    workspace = Workspace([tmp_path])
    workspace.remember(analysis)
    assert workspace.analysis_of(one) is analysis
    assert workspace.using(tmp_path / "refs.bib") == [main.resolve()]


def test_the_cite_macros_defined_before_a_file_are_known_in_it(tmp_path: Path) -> None:
    main = write(
        tmp_path / "main.tex",
        "\\documentclass{book}\n\\newcommand{\\refs}[1]{\\citep{#1}}\n\\input{one}\n"
        "\\bibliography{refs}\n",
    )
    one = write(tmp_path / "one.tex", "\\refs{knuth}\n")
    write(tmp_path / "refs.bib", BIB)
    analysis = analyse(main, {})
    assert list(analysis.macros(one)) == list(analysis.macros(main)) == ["refs"]
    assert analysis.cited("knuth") == 1


def test_a_project_without_a_bibliography_says_why(tmp_path: Path) -> None:
    main = write(tmp_path / "main.tex", "\\documentclass{book}\n\\cite{x}\n")
    analysis = analyse(main, {})
    assert analysis.check is None and analysis.error is not None
    assert "names no bibliography" in analysis.error.message


def test_a_bib_alone(tmp_path: Path) -> None:
    bib = write(tmp_path / "refs.bib", BIB + BIB)
    analysis = analyse_bib(bib, {})
    assert analysis.check is not None
    assert [p.kind.value for p in analysis.check.problems] == ["duplicate_key"]
    assert [e.key for e in analysis.entries_in(bib)] == ["knuth", "knuth"]
    missing = analyse_bib(tmp_path / "nope.bib", {})
    assert missing.check is None and "not found" in missing.failures[0].message


def test_a_project_takes_in_and_lets_go_of_files_as_its_main_file_is_edited(
    tmp_path: Path,
) -> None:
    main = write(tmp_path / "main.tex", "\\documentclass{article}\n\\bibliography{refs}\n")
    sec = write(tmp_path / "sec.tex", "\\documentclass{article}\n\\cite{knuth}\n")
    bib = write(tmp_path / "refs.bib", BIB)
    workspace = Workspace([tmp_path])
    assert workspace.remember(analyse(sec, {})) == []  # a project of its own
    assert workspace.remember(analyse_bib(bib, {})) == []  # a .bib checked alone
    including = main.read_text() + "\\input{sec}\n"  # in the editor, not saved
    absorbed = workspace.remember(analyse(main, {main.resolve(): including}))
    assert sorted(absorbed) == sorted([sec.resolve(), bib.resolve()])  # to be forgotten
    assert workspace.mains[sec.resolve()] == main.resolve()
    workspace.remember(analyse(main, {}))  # the \input taken out again
    assert sec.resolve() not in workspace.mains


def test_a_bib_alone_honours_the_ignore_comments_of_its_unsaved_buffer(tmp_path: Path) -> None:
    bib = write(tmp_path / "lonely.bib", "@misc{a, title={One}, title={Two}}\n")
    assert [p.kind.value for p in analyse_bib(bib, {}).check.problems] == ["duplicate_field"]  # type: ignore[union-attr]
    typed = "% galcli-ignore: duplicate_field\n" + bib.read_text()  # not saved
    analysis = analyse_bib(bib, {bib.resolve(): typed})
    assert analysis.check is not None and analysis.check.problems == []
    assert [p.kind.value for p in analysis.check.suppressed] == ["duplicate_field"]
