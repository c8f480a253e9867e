"""The TeX lexing helpers shared by the LaTeX scanner and the formula reader."""

from __future__ import annotations

from galcli.latex.scan import scan_text
from galcli.latex.texlex import Definition, arguments, group, mask, parse_definitions


def test_one_definition_parser_reads_every_form() -> None:
    text = (
        "\\newcommand{\\R}{\\mathbb{R}}\n"
        "\\renewcommand*\\norm[1]{\\lVert #1\\rVert}\n"
        "\\providecommand{\\pair}[2][0]{(#1, #2)}\n"
        "\\def\\inner#1#2{\\langle #1, #2\\rangle}\n"
        "\\DeclareMathOperator*{\\argmax}{arg\\,max}\n"
        "% \\newcommand{\\hidden}{x}\n"
    )
    assert parse_definitions(text) == {
        "R": Definition("R", 0, None, "\\mathbb{R}"),
        "norm": Definition("norm", 1, None, "\\lVert #1\\rVert"),
        "pair": Definition("pair", 2, "0", "(#1, #2)"),
        "inner": Definition("inner", 2, None, "\\langle #1, #2\\rangle"),
        "argmax": Definition("argmax", 0, None, "\\operatorname*{arg\\,max}"),
    }


def test_the_scanner_uses_the_shared_parser_for_cite_macros() -> None:
    # An optional first argument with a default used to hide the macro from the scanner.
    text = (
        "\\newcommand{\\refs}[2][see]{\\citep[#1]{#2}}\n"
        "\\def\\mycite#1{\\cite{#1}}\n"
        "\\refs[cf.]{alpha} \\refs{beta} \\mycite{gamma}\n"
    )
    assert [c.key for c in scan_text(text, "x.tex").citations] == ["alpha", "beta", "gamma"]


def test_groups_and_arguments() -> None:
    text = "\\cmd[opt]{a{b}c} {d}"
    assert group(text, 9, "{", "}") == (10, 15)
    spans, end = arguments(text, 4, 2)
    assert [text[s:e] for s, e in spans] == ["a{b}c", "d"]
    assert end == len(text)
    # an escaped brace is no group's: "{\left\{ x \right.}" (a thesis's \twopartdefo body)
    body = "{\n\\left\\{ #1 \\right.\n} rest"
    assert group(body, 0, "{", "}") == (1, body.index("} rest"))
    assert group("{a\\\\}b}", 0, "{", "}") == (1, 4)  # an escaped backslash ends nothing


def test_mask_blanks_comments_but_keeps_offsets() -> None:
    text = "a % b\n\\% c \\\\% d\n"
    assert mask(text) == "a    \n\\% c \\\\   \n"


def test_mathtools_paired_delimiters_are_macros_of_one_argument() -> None:
    text = (
        "\\DeclarePairedDelimiter{\\abs}{\\lvert}{\\rvert}\n"
        "\\DeclarePairedDelimiter\\roundbr{(}{)}\n"
    )
    found = parse_definitions(text)
    assert found["abs"] == Definition("abs", 2, "", "\\left\\lvert #2 \\right\\rvert")
    assert found["abs"].starred and found["roundbr"].body == "\\left( #2 \\right)"
