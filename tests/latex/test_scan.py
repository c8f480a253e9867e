from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from galcli.latex.project import scan_project
from galcli.latex.scan import mask, scan_text


def keys(text: str) -> list[str]:
    return [c.key for c in scan_text(text, "t.tex").citations]


@pytest.mark.parametrize(
    "command",
    [
        "cite",
        "citep",
        "citet",
        "citealp",
        "citealt",
        "citeauthor",
        "citeyear",
        "parencite",
        "textcite",
        "autocite",
        "footcite",
        "fullcite",
        "supercite",
        "smartcite",
        "Citet",
        "Citep",
        "Parencite",
        "Textcite",
        "Autocite",
        "citenum",
        "nocite",
    ],
)
def test_every_cite_command(command: str) -> None:
    assert keys(f"\\{command}{{a}}") == ["a"]
    assert keys(f"\\{command}*{{b}}") == ["b"]


def test_optional_arguments_several_keys_and_whitespace() -> None:
    text = "\\citep[see][p.~4]{alpha,  beta ,\n   gamma}"
    assert keys(text) == ["alpha", "beta", "gamma"]
    assert keys("\\parencite [chap. 2] {x}") == ["x"]


def test_positions_are_line_and_column_of_each_key() -> None:
    scan = scan_text("intro\n  \\cite{a,\n b}\n", "f.tex")
    assert [(c.key, c.line, c.column) for c in scan.citations] == [("a", 2, 9), ("b", 3, 2)]


def test_multicite_commands() -> None:
    assert keys("\\cites(pre)(post)[1]{a}[2][3]{b,c}{d} tail") == ["a", "b", "c", "d"]
    assert keys("\\textcites{x}{y}") == ["x", "y"]


def test_comments_are_ignored_but_escaped_percent_is_not_a_comment() -> None:
    assert keys("% \\cite{hidden}\nshown \\cite{a}") == ["a"]
    assert keys("50\\% of cases \\cite{kept} % \\cite{dropped}") == ["kept"]
    assert keys("line break\\\\% \\cite{dropped}") == []


@pytest.mark.parametrize("environment", ["verbatim", "lstlisting", "minted", "comment", "Verbatim"])
def test_verbatim_like_environments_are_ignored(environment: str) -> None:
    text = (
        f"\\begin{{{environment}}}\n\\cite{{no}} % not a comment\n"
        f"\\end{{{environment}}}\\cite{{yes}}"
    )
    assert keys(text) == ["yes"]


def test_verb_and_iffalse_blocks_are_ignored() -> None:
    assert keys("\\verb|\\cite{no}| \\cite{yes}") == ["yes"]
    text = "\\iffalse \\cite{a} \\ifx\\x\\y \\cite{b}\\fi \\cite{c} \\fi \\cite{d}"
    assert keys(text) == ["d"]


def test_nocite_star_is_not_a_key() -> None:
    scan = scan_text("\\nocite{*}\\cite{a}", "t.tex")
    assert scan.nocite_all and [c.key for c in scan.citations] == ["a"]


def test_non_citation_cite_commands_and_macro_parameters() -> None:
    assert keys("\\citetext{free text} \\citestyle{nature}") == []
    assert keys("\\newcommand{\\inlinecite}[1]{\\footnotesize\\citen{#1}} \\inlinecite{k1,k2}") == [
        "k1",
        "k2",
    ]


def test_user_defined_cite_macros_are_followed() -> None:
    text = "\\newcommand{\\refs}[2]{see \\citep{#2} for #1}\n\\refs{details}{k1,k2}"
    assert keys(text) == ["k1", "k2"]
    assert keys("\\def\\mycite#1{\\cite{#1}} \\mycite{z}") == ["z"]


def test_unusual_key_characters() -> None:
    assert keys("\\cite{2011ApJS..192....9T,Dodziuk:2006:,10.7717/peerj-cs.55,Ueno:2005:B&M}") == [
        "2011ApJS..192....9T",
        "Dodziuk:2006:",
        "10.7717/peerj-cs.55",
        "Ueno:2005:B&M",
    ]


def test_project_follows_includes_and_finds_bibliographies(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "main.tex").write_text(
        "\\input{chapters/one}\n\\include{two}\n\\input{missing}\n\\subfile{three.tex}\n"
        "\\import{chapters/}{four}\n\\bibliography{refs,more}\n\\input{chapters/one}\n"
    )
    (tmp_path / "chapters" / "one.tex").write_text("\\cite{one}")
    (tmp_path / "two.tex").write_text("\\citep{two}\\input{chapters/one}")
    (tmp_path / "three.tex").write_text("\\cite{three}")
    (tmp_path / "chapters" / "four.tex").write_text("\\subimport{sub/}{five}")
    (tmp_path / "chapters" / "sub").mkdir()
    (tmp_path / "chapters" / "sub" / "five.tex").write_text("\\cite{five}")
    (tmp_path / "refs.bib").write_text("")
    project = scan_project(tmp_path / "main.tex")
    assert sorted(c.key for c in project.citations) == ["five", "one", "three", "two"]
    assert len(project.files) == 6  # each file once
    assert [(r.name, r.line) for r in project.missing_includes] == [("missing", 3)]
    bibs = {r.name: r.resolved for r in project.bibliographies}
    assert bibs["refs"] == tmp_path / "refs.bib" and bibs["more"] is None
    assert not project.uses_biblatex


def test_an_include_path_may_use_a_macro_of_the_document(tmp_path: Path) -> None:
    """A thesis that writes `\\def\\PATH{.}` and `\\import{\\PATH/chapter/}{chapter}`."""
    (tmp_path / "intro").mkdir()
    (tmp_path / "main.tex").write_text(
        "\\def \\PATH {.}\n\\newcommand{\\chapters}{intro}\n"
        "\\import{\\PATH/intro/}{intro}\n\\input{\\chapters/more}\n\\input{\\unknown/x}\n"
    )
    (tmp_path / "intro" / "intro.tex").write_text("\\cite{one}")
    (tmp_path / "intro" / "more.tex").write_text("\\cite{two}")
    project = scan_project(tmp_path / "main.tex")
    assert sorted(c.key for c in project.citations) == ["one", "two"]
    assert [r.name for r in project.missing_includes] == ["\\unknown/x"]


def test_biblatex_projects_are_recognised(tmp_path: Path) -> None:
    main = tmp_path / "main.tex"
    main.write_text(
        "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{lib.bib}\n% \\bibliography{old}\n"
    )
    project = scan_project(main)
    assert project.uses_biblatex
    assert [r.name for r in project.bibliographies] == ["lib.bib"]


@given(st.text(alphabet=st.sampled_from(list("\\%{}[]()\n ab*#,verbatimcitefbgn")), max_size=200))
def test_mask_keeps_length_and_newlines(text: str) -> None:
    masked = mask(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]


@given(st.text(max_size=300))
def test_scanning_never_crashes(text: str) -> None:
    scan = scan_text(text, "fuzz.tex")
    for citation in scan.citations:
        assert citation.line >= 1 and citation.column >= 1
        assert citation.command_start <= citation.start <= citation.end <= citation.command_end
        # the key's span holds the key (an empty list: only white space; a key a macro's body
        # cites literally: the macro's name)
        written = text[citation.start : citation.end]
        assert written.strip() == citation.key or written.startswith("\\")


def test_records_keep_the_key_span_and_the_whole_command() -> None:
    text = "See \\citep[p.~4]{a, b}\n and \\cite{}."
    a, b, empty = scan_text(text, "t.tex").citations
    assert text[a.start : a.end] == "a" and text[b.start : b.end] == "b"
    assert text[a.command_start : a.command_end] == "\\citep[p.~4]{a, b}"
    assert (b.command_start, b.command_end) == (a.command_start, a.command_end)
    assert empty.key == "" and empty.is_placeholder and text[empty.start : empty.end] == ""
    assert text[empty.command_start : empty.command_end] == "\\cite{}"


VOLUME_COMMANDS = ["volcite", "pvolcite", "fvolcite", "ftvolcite", "svolcite", "tvolcite"]


@pytest.mark.parametrize(
    "command", [*VOLUME_COMMANDS, "avolcite", *(c.capitalize() for c in VOLUME_COMMANDS)]
)
def test_volume_citations_cite_the_key_not_the_volume(command: str) -> None:
    assert keys(f"\\{command}{{3}}{{zz}}") == ["zz"]
    assert keys(f"\\{command}{{2}}[12]{{zz}}") == ["zz"]
    assert keys(f"\\{command}[see]{{IV}}[p.~4]{{a}} and \\cite{{b}}") == ["a", "b"]
    scan = scan_text(f"\\{command}{{3}}{{zz}}", "t.tex")
    assert [(c.key, c.column) for c in scan.citations] == [("zz", len(command) + 6)]


@pytest.mark.parametrize("command", ["volcites", "pvolcites", "Ftvolcites", "Avolcites"])
def test_volume_multicites_cite_every_second_group(command: str) -> None:
    text = f"\\{command}(all)(end)[see]{{1}}[12]{{k1}}{{2}}{{k2}}[pre]{{3}}[5]{{k3}} tail {{x}}"
    assert keys(text) == ["k1", "k2", "k3"]


def test_remote_and_url_resources_are_not_files(tmp_path: Path) -> None:
    main = tmp_path / "main.tex"
    main.write_text(
        "\\usepackage{biblatex}\n\\addbibresource[location=remote]{http://example.org/a,b.bib}\n"
        "\\addbibresource{https://example.org/c.bib}\n\\addbibresource[label=x]{local.bib}\n"
    )
    (tmp_path / "local.bib").write_text("@misc{a, title={A}}\n")
    project = scan_project(main)
    assert [(r.name, r.remote, r.resolved, r.line) for r in project.bibliographies] == [
        ("http://example.org/a,b.bib", True, None, 2),  # one resource, commas and all
        ("https://example.org/c.bib", True, None, 3),
        ("local.bib", False, tmp_path / "local.bib", 4),
    ]


def test_a_definition_cites_where_it_is_used_not_where_it_is_written() -> None:
    assert keys("\\newcommand{\\pycite}{\\cite{python}} never used") == []
    assert keys("\\def\\refs{see \\citep{a,b}}") == []
    scan = scan_text("\\newcommand\\pycite{\\cite{python}}\nUse \\pycite, and \\pycite.", "t.tex")
    assert [(c.key, c.line, c.column, c.command) for c in scan.citations] == [
        ("python", 2, 5, "\\pycite"),
        ("python", 2, 18, "\\pycite"),
    ]
    # with an argument and a literal key, and an optional first argument
    text = (
        "\\newcommand{\\both}[1]{\\cite{fixed,#1}}\\both{k}"
        "\\newcommand{\\opt}[2][p.~1]{\\citep[#1]{#2}}\\opt{m}\\opt[2]{n}"
    )
    assert keys(text) == ["k", "fixed", "m", "n"]


def test_a_definition_in_the_preamble_counts_in_included_files(tmp_path: Path) -> None:
    (tmp_path / "main.tex").write_text(
        "\\newcommand{\\sw}{\\cite{scipy}}\\newcommand{\\unused}{\\cite{nobody}}\\input{ch}"
    )
    (tmp_path / "ch.tex").write_text("Software \\sw.")
    project = scan_project(tmp_path / "main.tex")
    assert [(c.key, Path(c.file).name, c.column) for c in project.citations] == [
        ("scipy", "ch.tex", 10)
    ]


def test_input_resolves_from_the_main_file_directory_first(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "main.tex").write_text("\\input{chapters/ch1}")
    (tmp_path / "chapters" / "ch1.tex").write_text("\\input{sec2}\\input{sec3}\\input{gone}")
    (tmp_path / "sec2.tex").write_text("\\cite{root}")
    (tmp_path / "sec2").write_text("not TeX: \\cite{noextension}")  # sec2.tex is tried first
    (tmp_path / "chapters" / "sec2.tex").write_text("\\cite{beside}")
    (tmp_path / "chapters" / "sec3.tex").write_text("\\cite{fallback}")
    project = scan_project(tmp_path / "main.tex")
    assert [c.key for c in project.citations] == ["root", "fallback"]
    [missing] = project.missing_includes
    assert missing.name == "gone" and missing.searched == (tmp_path, tmp_path / "chapters")


TOKENS = [
    "\\volcite",
    "\\Pvolcites",
    "\\cites",
    "\\cite",
    "\\newcommand",
    "\\def",
    "\\x",
    "\\addbibresource",
    "[location=remote]",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "#1",
    "[2]",
    "a",
    "http://h/b.bib",
    ",",
    "%",
    "\n",
    " ",
]


@given(st.lists(st.sampled_from(TOKENS), max_size=60))
@example(["\\cites", "{", "}"])  # an empty key list is the placeholder `\cite{}`, not a key
def test_volume_citations_definitions_and_resources_never_crash(tokens: list[str]) -> None:
    text = "".join(tokens)
    scan = scan_text(text, "fuzz.tex")
    for citation in scan.citations:
        assert not citation.key.startswith("#") and citation.line >= 1
        # the one empty key is the placeholder an empty key list (`\cite{}`) stands for
        assert citation.key or not text[citation.start : citation.end].strip()
    assert all(name and line >= 1 for name, line, *_ in scan.bibliographies)
