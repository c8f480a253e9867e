"""Where a key goes in the text as it is typed: the cite command's key list at the cursor, in
every form the scanner knows (tasks/editor_cite.py, for `galcli lsp`'s completion)."""

from __future__ import annotations

from pathlib import Path

import pytest

from galcli.latex.scan import scan_text
from galcli.tasks.editor_cite import KeySite, key_site


def site(written: str) -> KeySite | None:
    """The site at the `|` of `written`."""
    offset = written.index("|")
    text = written.replace("|", "", 1)
    scan = scan_text(text, "t.tex")
    macros = [name for name, macro in scan.macros.items() if macro.key_argument]
    return key_site(text, offset, scan.citations, macros)


def replaced(written: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(what a completion replaces, what is typed of it, the other keys) at the `|`."""
    found = site(written)
    if found is None:
        return None
    text = written.replace("|", "", 1)
    return text[found.start : found.end], found.prefix, found.kept


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("See \\cite{|}.", ("", "", ())),
        ("See \\cite{a,|}.", ("", "", ("a",))),
        ("See \\cite{a, |b}.", ("b", "", ("a",))),
        ("See \\cite{a, sm|ith2020}.", ("smith2020", "sm", ("a",))),
        ("See \\citep[see][p.~3]{knu|}.", ("knu", "knu", ())),
        ("See \\parencite*{|} and more.", ("", "", ())),
        ("See \\volcite{3}{|}.", ("", "", ())),
        ("See \\cites{a}{|}.", ("", "", ())),
        ("See \\cite{smi|\nand the next line.", ("smi", "smi", ())),
        ("See \\cite{a, smi|", ("smi", "smi", ("a",))),
        ("\\newcommand{\\refs}[1]{\\citep{#1}}\nSee \\refs{|}.", ("", "", ())),
    ],
)
def test_the_key_list_at_the_cursor(written: str, expected: tuple) -> None:
    assert replaced(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "See \\cite{a}| and more.",
        "See |\\cite{a}.",
        "See \\citep[s|ee]{a}.",
        "See \\volcite{|3}{a}.",
        "% \\cite{|}",
        "See \\ref{|}.",
        "See \\citestyle{|}.",
        "Plain text|.",
    ],
)
def test_elsewhere_there_is_no_key_to_complete(written: str) -> None:
    assert site(written) is None


def test_the_command_s_start_is_where_the_context_is_read(tmp_path: Path) -> None:
    found = site("One.\nTwo \\citet{|}.")
    assert found is not None and found.command_start == len("One.\nTwo ")


def test_a_request_reads_the_paragraphs_around_it_as_the_whole_file_would(
    tmp_path: Path,
) -> None:
    """The window a request reads gives the context a reading of the whole file gives."""
    from galcli.tasks.cite_context import FileContext
    from galcli.tasks.editor import analyse
    from galcli.tasks.editor_cite import MARGIN, near, query_at

    filler = "".join(
        f"\\section{{Part {n}}}\nWords about topic {n} \\cite{{k{n}}}. More words.\n\n"
        for n in range(400)
    )
    text = (
        "\\documentclass{article}\n\\newcommand{\\refs}[1]{\\citep{#1}}\n\\begin{document}\n"
        + filler
        + "\\section{Binding}\nFree energy of host guest binding \\refs{}.\n\n"
        + filler
        + "\\bibliography{refs}\n\\end{document}\n"
    )
    main = tmp_path / "main.tex"
    main.write_text(text, encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@misc{k1, title={T}}\n", encoding="utf-8")
    analysis = analyse(main, {})
    offset = text.index("\\refs{}") + len("\\refs{")
    place = near(analysis, main, text, offset)
    assert place.start > 0 and len(place.text) < 2 * MARGIN + 500
    assert place.heading is not None and place.heading.startswith("Part ")
    found = key_site(place.text, offset - place.start, place.scan.citations, place.macros)
    assert found is not None and found.prefix == ""
    query = query_at(analysis, main, place, found)
    whole = scan_text(text, str(main))
    full_site = key_site(text, offset, whole.citations, ["refs"])
    assert full_site is not None
    expected = FileContext(text, whole.citations, query.document).query(full_site.command_start)
    assert query == expected
    assert query.heading == "Binding" and query.sentence == "Free energy of host guest binding ."


def test_a_commented_heading_is_not_the_section(tmp_path: Path) -> None:
    from galcli.tasks.editor import analyse
    from galcli.tasks.editor_cite import near

    text = "\\section{Real}\n% \\section{Commented}\n" + "Words.\n\n" * 2000 + "See \\cite{}.\n"
    main = tmp_path / "main.tex"
    main.write_text(text, encoding="utf-8")
    place = near(analyse(main, {}), main, text, text.index("\\cite{") + 6)
    assert place.start > 0 and place.heading == "Real"
