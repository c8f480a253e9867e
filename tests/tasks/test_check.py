"""`galcli check` on hand-made projects and on the real papers in ../shared/corpora/latex."""

from __future__ import annotations

from pathlib import Path

import pytest

from galcli.bib.entries import BIBTEX
from galcli.errors import ExitCode
from galcli.latex.project import Sources
from galcli.tasks.check import CheckRequest, run_check

LATEX = "latex"


def project(tmp_path: Path, tex: str, bib: str, name: str = "refs") -> Path:
    (tmp_path / f"{name}.bib").write_text(bib, encoding="utf-8")
    main = tmp_path / "main.tex"
    main.write_text(tex, encoding="utf-8")
    return main


BIB = (
    "@article{smith2020deep, author={Smith, Jane}, title={Deep}, journal={J}, year=2020}\n"
    "@book{doe2019, author={Doe, J.}, title={Book}, publisher={P}, year=2019}\n"
)


def test_clean_project_exits_0(cli, tmp_path: Path) -> None:
    main = project(tmp_path, "\\cite{smith2020deep,doe2019}\\bibliography{refs}", BIB)
    result = cli("check", str(main))
    assert result.code == ExitCode.OK and result.stdout == ""
    assert "0 errors" in result.stderr


def test_undefined_key_is_gcc_style_with_suggestions(cli, tmp_path: Path) -> None:
    main = project(tmp_path, "Text.\n  \\citep{smith2020deeep}\n\\bibliography{refs}", BIB)
    result = cli("check", str(main))
    assert result.code == ExitCode.FINDINGS
    assert result.stdout == (
        f"{main}:2:10: error: undefined citation key 'smith2020deeep' "
        "(did you mean 'smith2020deep'?) [undefined_key]\n"
    )


def test_json_document(cli, tmp_path: Path) -> None:
    main = project(tmp_path, "\\cite{nope}\\cite{doe2019}\\bibliography{refs}", BIB)
    doc = cli("check", str(main), "--json").json()
    assert doc["ok"] is False and doc["citations"] == 2
    assert doc["files"] == [str(main)] and doc["bib_files"] == [str(tmp_path / "refs.bib")]
    [problem] = doc["problems"]
    assert problem == {
        "kind": "undefined_key",
        "severity": "error",
        "key": "nope",
        "file": str(main),
        "line": 1,
        "column": 7,
        "message": "undefined citation key 'nope'",
        "suggestions": [],
    }


def test_warnings_pass_unless_strict(cli, tmp_path: Path) -> None:
    main = project(tmp_path, "\\cite{doe2019}\\bibliography{refs}", BIB)
    assert cli("check", str(main)).code == ExitCode.OK
    strict = cli("check", str(main), "--strict")
    assert strict.code == ExitCode.FINDINGS
    assert "entry 'smith2020deep' is never cited [unused_entry]" in strict.stdout
    assert "unused_entry" in cli("check", str(main), "--unused").stdout


def test_duplicates_across_bib_files_still_define_the_key(cli, tmp_path: Path) -> None:
    main = project(tmp_path, "\\cite{doe2019}", BIB)
    (tmp_path / "more.bib").write_text("@misc{doe2019, title={Again}}\n")
    result = cli(
        "check",
        str(main),
        "--bib",
        str(tmp_path / "refs.bib"),
        "--bib",
        str(tmp_path / "more.bib"),
        "--json",
    )
    assert result.code == ExitCode.OK
    [problem] = result.json()["problems"]
    assert problem["kind"] == "duplicate_key" and problem["file"].endswith("more.bib")


def test_missing_bibliography_and_missing_include(cli, tmp_path: Path) -> None:
    main = project(
        tmp_path, "\\input{gone}\\cite{a}\\bibliography{refs,absent}", "@misc{a, title={A}}"
    )
    problems = cli("check", str(main), "--json").json()["problems"]
    assert {(p["kind"], p["line"]) for p in problems} == {("missing_file", 1)}
    assert len(problems) == 2


def test_a_missing_include_names_where_it_was_looked_for(cli, tmp_path: Path) -> None:
    main = project(tmp_path, "\\input{chapters/ch1}\\cite{doe2019}\\bibliography{refs}", BIB)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "ch1.tex").write_text("\\input{sec2}\n\\input{sec3}")
    (tmp_path / "chapters" / "sec3.tex").write_text("beside the including file")
    result = cli("check", str(main))
    assert result.stdout == (
        f"{tmp_path / 'chapters' / 'ch1.tex'}:1:1: error: included file 'sec2' not found in "
        f"{tmp_path} or {tmp_path / 'chapters'} (\\input) [missing_file]\n"
    )
    assert "in 3 files" in result.stderr


def test_unreadable_inputs_exit_3(cli, tmp_path: Path) -> None:
    missing = cli("check", str(tmp_path / "nope.tex"))
    assert missing.code == ExitCode.BAD_INPUT and "LaTeX file not found" in missing.stderr
    main = project(tmp_path, "\\cite{a}", "")
    bad_bib = cli("check", str(main), "--bib", str(tmp_path / "absent.bib"))
    assert bad_bib.code == ExitCode.BAD_INPUT and "bibliography not found" in bad_bib.stderr


def test_a_latin1_bib_is_a_problem_of_that_file_and_the_rest_is_checked(
    cli, tmp_path: Path
) -> None:
    main = project(tmp_path, "\\cite{a,doe2019,nope}\\bibliography{latin,refs}", BIB)
    (tmp_path / "latin.bib").write_bytes("@misc{a,\n title={Caf\xe9}}".encode("latin-1"))
    result = cli("check", str(main))
    assert result.code == ExitCode.FINDINGS  # findings, not an abort
    latin, undefined = result.stdout.splitlines()
    assert latin.startswith(f"{tmp_path / 'latin.bib'}:2:12: error: not valid UTF-8 text")
    assert "iconv -f latin1 -t utf-8" in latin and latin.endswith("[bib_encoding]")
    # its keys still count, and the other .bib is checked as usual
    assert "undefined citation key 'nope'" in undefined
    assert "3 entries in 2 bib files" in result.stderr


def test_a_large_bib_is_read_in_a_child_with_the_same_result(
    cli, tmp_path: Path, monkeypatch
) -> None:
    from galcli.bib import cache, parse
    from galcli.tasks import check

    entries = "".join(
        f"@article{{k{i}, author={{A{i}}}, title={{T{i}}}, journal={{J}}, year={{2000}}}}\n\n"
        for i in range(300)
    )
    main = project(
        tmp_path, "\\cite{k1,k299,kk2}\\bibliography{refs}", entries + "@misc{k1, title={Again}}\n"
    )
    in_process = cli("check", str(main), "--json")
    cache.cache_path(tmp_path / "refs.bib", BIBTEX).unlink()
    monkeypatch.setattr(check, "PARALLEL_BYTES", 0)  # the child, and the bib split in two halves
    monkeypatch.setattr(parse, "PARALLEL_BYTES", 0)
    forked = cli("check", str(main), "--json")
    assert (
        forked.code == in_process.code == ExitCode.FINDINGS and forked.stdout == in_process.stdout
    )
    assert '"duplicate_key"' in forked.stdout and "'kk2'" in forked.stdout
    assert cache.is_cached(tmp_path / "refs.bib", BIBTEX)  # written by the child
    (tmp_path / "latin.bib").write_bytes("@misc{a, title={Caf\xe9}}".encode("latin-1"))
    latin = cli("check", str(main), "--bib", str(tmp_path / "latin.bib"))
    assert latin.code == ExitCode.FINDINGS  # found in the child, reported like any problem
    assert f"{tmp_path / 'latin.bib'}:1:20: error: not valid UTF-8" in latin.stdout


def test_include_cycles_are_errors_and_a_non_bib_file_is_a_warning(cli, tmp_path: Path) -> None:
    main = project(
        tmp_path, "\\input{ch1}\\input{ch3}\\cite{smith2020deep}\\bibliography{refs}", BIB
    )
    (tmp_path / "ch1.tex").write_text("one \\input{ch2}\n")
    (tmp_path / "ch2.tex").write_text("two \\input{ch3}\n\\input{ch1}\n")  # ch3 twice is fine
    (tmp_path / "ch3.tex").write_text("three\n")
    result = cli("check", str(main))
    assert result.code == ExitCode.FINDINGS
    [line] = [line for line in result.stdout.splitlines() if "include_cycle" in line]
    assert line.startswith(
        f"{tmp_path / 'ch2.tex'}:2:1: error: 'ch1' is already being read "
        "(ch1.tex → ch2.tex → ch1.tex)"
    )
    not_bib = cli("check", str(main), "--bib", str(tmp_path / "ch3.tex"))
    assert "ch3.tex:1: warning: no entries in this file: is it a .bib file?" in not_bib.stdout


def test_no_bibliography_at_all_is_a_usage_error(cli, tmp_path: Path) -> None:
    main = tmp_path / "main.tex"
    main.write_text("\\cite{a}")
    result = cli("check", str(main))
    assert result.code == ExitCode.USAGE and "--bib" in result.stderr


def test_volume_citations_check_the_key(cli, tmp_path: Path) -> None:
    main = project(
        tmp_path, "\\volcite{3}{zz}\\pvolcite{2}[12]{doe2019}\\Volcites{1}{x}{2}{doe2019}", BIB
    )
    doc = cli("check", str(main), "--bib", str(tmp_path / "refs.bib"), "--json").json()
    assert [p["key"] for p in kinds(doc, "undefined_key")] == ["zz", "x"]
    assert doc["citations"] == 4


def test_a_remote_bibliography_is_skipped_with_a_note(cli, tmp_path: Path) -> None:
    main = project(
        tmp_path,
        "\\usepackage{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\addbibresource[location=remote]{http://example.org/x.bib}\n\\cite{doe2019}",
        BIB,
    )
    result = cli("check", str(main), "--strict", "--unused")
    assert result.stdout.splitlines()[0] == (
        f"{main}:3:34: note: remote bibliography 'http://example.org/x.bib' skipped: galcli "
        "reads local files only, so keys defined only there are reported as undefined "
        "[remote_bibliography]"
    )
    assert "missing_file" not in result.stdout and "1 note" in result.stderr
    assert result.code == ExitCode.FINDINGS  # smith2020deep is unused; the note fails nothing
    alone = project(tmp_path, "\\cite{doe2019}\\addbibresource{https://example.org/x.bib}", BIB)
    assert cli("check", str(alone), "--bib", str(tmp_path / "refs.bib")).code == ExitCode.OK


def test_strict_counts_crossref_and_xdata_parents_as_used(cli, tmp_path: Path) -> None:
    bib = (
        "@inproceedings{child, author={A}, title={T}, crossref={Proc2020}}\n"
        "@proceedings{proc2020, title={Proceedings}, year=2020, xdata={pub}}\n"
        "@xdata{pub, publisher={P}}\n@xdata{other, publisher={Q}}\n"
        "@misc{alone, title={Never cited}}\n"
    )
    main = project(tmp_path, "\\cite{child}\\bibliography{refs}", bib)
    result = cli("check", str(main), "--strict", "--json")
    unused = [p["key"] for p in kinds(result.json(), "unused_entry")]
    assert unused == ["other", "alone"]  # crossref (any letter case) and its xdata are used


def test_the_same_bib_named_twice_is_read_once(cli, tmp_path: Path, monkeypatch) -> None:
    main = project(tmp_path, "\\cite{doe2019}\\bibliography{refs,./refs}", BIB)
    monkeypatch.chdir(tmp_path)
    for args in (["main.tex"], ["main.tex", "--bib", "refs.bib", "--bib", "./refs.bib"]):
        doc = cli("check", *args, "--json").json()
        assert doc["problems"] == [] and doc["bib_files"] == ["refs.bib"], args
    (tmp_path / "ch.tex").write_text("\\bibliography{refs}")
    main.write_text("\\cite{doe2019}\\bibliography{refs}\\input{ch}")  # named again there
    assert cli("check", "main.tex", "--json").json()["problems"] == []


def test_unused_definitions_cite_nothing(cli, tmp_path: Path) -> None:
    main = project(
        tmp_path,
        "\\newcommand{\\old}{\\cite{gone2001}}\\newcommand{\\bk}{\\citep{doe2019}}\n"
        "\\bibliography{refs}\nA book \\bk.",
        BIB,
    )
    doc = cli("check", str(main), "--json").json()
    assert doc["problems"] == [] and doc["citations"] == 1


def test_counts_are_in_the_right_number(cli, tmp_path: Path) -> None:
    main = project(tmp_path, "\\cite{doe2019}\\bibliography{refs}", BIB.splitlines()[1])
    assert cli("check", str(main)).stderr == (
        "galcli: 0 errors, 0 warnings; 1 citation in 1 file, 1 entry in 1 bib file\n"
    )
    main.write_text("\\cite{doe2019,none}\\bibliography{refs}\\bibliography{more}")
    (tmp_path / "more.bib").write_text("@misc{x, title={X}}\n@misc{X, title={Y}}\n")
    assert cli("check", str(main)).stderr == (
        "galcli: 1 error, 1 warning; 2 citations in 1 file, 3 entries in 2 bib files\n"
    )


def test_a_bib_given_as_the_main_file_says_what_check_takes(cli, tmp_path: Path) -> None:
    project(tmp_path, "", BIB)
    result = cli("check", str(tmp_path / "refs.bib"))
    assert result.code == ExitCode.USAGE
    assert "is a .bib file: galcli check takes the main .tex file" in result.stderr
    hint = "echo '\\nocite{*}' | galcli check - --bib "
    assert hint in result.stderr
    # and the hint works: every entry is checked
    (tmp_path / "refs.bib").write_text(BIB + "@article{bare, title={T}}\n")
    alone = cli("check", "-", "--bib", str(tmp_path / "refs.bib"), stdin="\\nocite{*}\n")
    assert alone.code == ExitCode.OK and "@article{bare} lacks required fields" in alone.stdout


@pytest.mark.parametrize(
    ("page", "after", "commands"),
    [("README.md", "**`galcli check`", 2), ("docs/checks.md", "## How it reads the project", 4)],
)
def test_the_documented_example_is_what_the_example_paper_gives(
    cli, tmp_path: Path, monkeypatch, page: str, after: str, commands: int
) -> None:
    import re
    import shutil
    import subprocess

    from tests.conftest import ROOT

    text = (ROOT / page).read_text(encoding="utf-8")
    block = re.search(r"```console\n(.*?)```", text[text.index(after) :], re.S)
    assert block is not None
    paper = tmp_path / "paper"
    shutil.copytree(ROOT / "examples" / "paper", paper)
    monkeypatch.chdir(paper)
    code, shown = 0, []
    for entry in re.split(r"^\$ ", block[1], flags=re.M)[1:]:
        line, _, expected = entry.partition("\n")
        for command in line.split(" && "):  # what is shown is the last command's output
            if command.startswith("galcli check"):
                result = cli(*command.split()[1:])
                code, output = result.code, result.stdout + result.stderr
            elif command == "echo $?":
                output = f"{code}\n"
            else:
                output = subprocess.run(command, shell=True, capture_output=True, text=True).stdout
        shown.append((line, output))
        assert output == expected, line
    assert len(shown) == commands


# -- the real papers -------------------------------------------------------------------------


def check_paper(cli, corpora: Path, main: str, *args: str) -> tuple[int, dict]:
    result = cli("check", str(corpora / LATEX / main), "--json", *args)
    return result.code, result.json()


def kinds(doc: dict, kind: str) -> list[dict]:
    return [p for p in doc["problems"] if p["kind"] == kind]


def test_sympy_paper(cli, corpora: Path) -> None:
    code, doc = check_paper(cli, corpora, "sympy_peerj2017/paper.tex")
    assert doc["citations"] == 75 and len(doc["files"]) == 16 and doc["entries"] == 302
    # The only undefined keys are four that exist with other letter case; BibTeX accepts them.
    undefined = {
        (p["key"], Path(p["file"]).name, p["line"], p["severity"], p["suggestions"][0])
        for p in kinds(doc, "undefined_key")
    }
    assert undefined == {
        ("bronstein2005integration", "calculus.tex", 32, "warning", "Bronstein2005integration"),
        ("fu2006automated", "simplification.tex", 44, "warning", "Fu2006automated"),
        ("GMPY", "numerics.tex", 93, "warning", "gmpy"),
        (
            "Zienkiewicz2013finite",
            "projects_that_depend_on_sympy.tex",
            54,
            "warning",
            "zienkiewicz2013finite",
        ),
    }
    [missing] = kinds(doc, "missing_file")
    assert (Path(missing["file"]).name, missing["line"]) == (
        "paper.tex",
        65,
    ) and "authors" in missing["message"]
    assert code == ExitCode.FINDINGS


def test_sympy_supplement_is_clean(cli, corpora: Path) -> None:
    code, doc = check_paper(cli, corpora, "sympy_peerj2017/supplement.tex")
    assert code == ExitCode.OK and doc["citations"] == 17 and kinds(doc, "undefined_key") == []


def test_scipy_paper_with_custom_inlinecite(cli, corpora: Path) -> None:
    code, doc = check_paper(cli, corpora, "scipy_1.0_natmeth2020/paper.tex")
    assert code == ExitCode.OK and doc["citations"] == 165 and len(doc["files"]) == 7
    assert kinds(doc, "undefined_key") == []
    assert {p["key"] for p in kinds(doc, "missing_field")} == {
        "mathworks-globe-97",
        "esri-revenue",
        "bloom-wolfram",
        "matlab",
    }


def test_simoulin_thesis_biblatex(cli, corpora: Path) -> None:
    code, doc = check_paper(cli, corpora, "simoulin_phd_thesis_biblatex/main.tex")
    # 489 live cites; the commented-out mccoy_2019, miller_95 and dhodosh_15 are not reported.
    assert code == ExitCode.OK and doc["citations"] == 489 and len(doc["files"]) == 15
    assert kinds(doc, "undefined_key") == [] and kinds(doc, "bib_parse_error") == []
    assert doc["entries"] == 282  # biber reads %-lines as comments


def test_mobley_review_duplicate_key(cli, corpora: Path) -> None:
    code, doc = check_paper(cli, corpora, "mobley_benchmarksets_perpetual_review/benchmarkset.tex")
    assert code == ExitCode.OK and doc["citations"] == 619
    [duplicate] = kinds(doc, "duplicate_key")
    assert duplicate["key"] == "gallicchio_binding_2010" and duplicate["line"] == 981
    assert kinds(doc, "undefined_key") == []
    strict_code, strict = check_paper(
        cli, corpora, "mobley_benchmarksets_perpetual_review/benchmarkset.tex", "--strict"
    )
    assert strict_code == ExitCode.FINDINGS and len(kinds(strict, "unused_entry")) == 27


def test_commented_keys_and_macro_parameters_are_not_citations(cli, corpora: Path) -> None:
    from galcli.latex.project import scan_project

    paper = corpora / LATEX / "scipy_1.0_natmeth2020/paper.tex"
    project = scan_project(paper)
    lines = {c.line for c in project.citations if c.file == str(paper)}
    # 36: the body of \newcommand{\inlinecite}[1]{…\citen{#1}}; 809, 1099, 1106: `%` comments
    assert not lines & {36, 809, 1099, 1106} and 632 in lines
    cited = {c.key for c in project.citations}
    assert "sparse-regress" not in cited and not any(k.startswith("#") for k in cited)
    # cited only in a comment, so an unused entry
    _, doc = check_paper(cli, corpora, "scipy_1.0_natmeth2020/paper.tex", "--unused")
    assert "sparse-regress" in {p["key"] for p in kinds(doc, "unused_entry")}


def test_check_reads_an_editors_buffers_before_the_disk(tmp_path: Path) -> None:
    main = tmp_path / "paper.tex"
    main.write_text(
        "\\documentclass{article}\n\\begin{document}\n\\cite{knuth}\n"
        "\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{knuth, title={T}, author={K}, year=1968}\n", encoding="utf-8")
    assert run_check(CheckRequest(main)).problems == []
    buffers = {
        main.resolve(): main.read_text(encoding="utf-8").replace("knuth", "knuht"),
        bib.resolve(): bib.read_text(encoding="utf-8") + "@misc{knuth, title={Again}}\n",
    }
    result = run_check(CheckRequest(main, sources=Sources(buffers)))
    assert sorted(p.kind.value for p in result.problems) == ["duplicate_key", "undefined_key"]
    assert result.project is not None and result.project.main == main
    assert run_check(CheckRequest(main)).problems == []  # the files themselves unchanged
