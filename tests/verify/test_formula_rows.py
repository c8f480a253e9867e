"""Rows and cells at the top level only (issue 21 item 1): matrices, cases, substack and
nested aligned keep their own rows; an align's rows are described one by one."""

from __future__ import annotations

import pytest

from galcli.verify.formula import (
    environment_arguments,
    math_in_tex,
    parse,
    prepare,
    rows,
    structure,
    to_unicode,
)

INNER = ["matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix"]


@pytest.mark.parametrize("environment", [*INNER, "array", "cases", "dcases", "rcases"])
def test_a_row_break_inside_an_inner_environment_does_not_cut_the_formula(
    environment: str,
) -> None:
    spec = "{cc}" if environment == "array" else ""
    inner = f"\\begin{{{environment}}}{spec} 1 & 0 \\\\ 0 & 1 \\end{{{environment}}}"
    latex = prepare(f"M = {inner} + B").latex
    parse(latex)
    assert structure(latex) == ("equation", "M", f"{inner} + B")
    assert [r.right for r in rows(latex)] == [f"{inner} + B"]


def test_substack_and_an_aligned_inside_an_align_keep_their_rows() -> None:
    latex = prepare(
        "\\begin{align} s &= \\sum_{\\substack{i<n \\\\ j<m}} x_{ij} \\\\ "
        "t &= \\begin{aligned} a \\\\ b \\end{aligned} \\end{align}"
    ).latex
    assert [(r.left, r.right) for r in rows(latex)] == [
        ("s", "\\sum_{\\substack{i<n \\\\ j<m}} x_{ij}"),
        ("t", "\\begin{aligned} a \\\\ b \\end{aligned}"),
    ]


def test_an_align_given_directly_has_both_rows() -> None:
    latex = prepare("\\begin{align} a &= b \\\\ c &= d \\end{align}").latex
    assert [(r.kind, r.left, r.right) for r in rows(latex)] == [
        ("equation", "a", "b"),
        ("equation", "c", "d"),
    ]
    assert to_unicode(latex) == "a = b; c = d"


@pytest.mark.parametrize("joint", ["\\quad\\text{and}", "\\qquad \\text{ or },", "\\, \\mbox{and}"])
def test_a_word_that_joins_a_row_to_the_next_is_no_part_of_its_right_side(joint: str) -> None:
    # the drop-impact letter of bench/data/heldout3: "… \\Omega_{\\nu,i}(t)\\quad\\text{and}\\\\"
    rows_written = f"\\varepsilon_i &\\sim a {joint} \\\\ \\varepsilon_s &\\sim b"
    latex = prepare(f"\\begin{{align}} {rows_written} \\end{{align}}").latex
    assert [r.right for r in rows(latex)] == ["a", "b"]
    assert rows(prepare("\\[ x = y \\text{ and more} \\]").latex)[0].right == "y \\text{ and more}"


def test_a_split_that_is_the_whole_formula_gives_its_rows_and_continues_the_chain() -> None:
    latex = prepare("\\[ \\begin{split} a &= b \\\\ &\\leq c \\end{split} \\]").latex
    assert [(r.kind, r.left, r.right) for r in rows(latex)] == [
        ("equation", "a", "b"),
        ("inequality", "a", "c"),
    ]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M = \begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix} + B", "M = [1, 0; 0, 1] + B"),
        (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(a, b; c, d)"),
        (r"\begin{vmatrix} a & b \\ c & d \\ \end{vmatrix}", "|a, b; c, d|"),
        (
            r"f(x) = \begin{cases} x & x \geq 0 \\ -x & x < 0 \end{cases}",
            "f(x) = {x, x ≥ 0; -x, x < 0}",
        ),
        (r"\sum_{\substack{i<n \\ j<m}} x", "∑_(i<n, j<m) x"),
    ],
)
def test_matrices_and_cases_render_row_by_row(latex: str, text: str) -> None:
    assert to_unicode(latex) == text


def test_a_multline_is_one_equation() -> None:
    formula = prepare("\\begin{multline} a + b \\\\ + c = d \\end{multline}")
    assert [(r.left, r.right) for r in rows(formula.latex, one_equation=True)] == [
        ("a + b + c", "d")
    ]


def test_a_row_without_a_relation_continues_the_one_before() -> None:
    latex = prepare("\\begin{align} a &= b + c \\\\ &\\quad + d \\\\ e &= f \\end{align}").latex
    assert [(r.left, r.right) for r in rows(latex)] == [
        ("a", "b + c \\quad + d"),
        ("e", "f"),
    ]


def test_in_a_file_a_continuation_row_stays_with_its_equation() -> None:
    text = (
        "x\n\\begin{align}\n a &= b + c \\nonumber \\\\\n &\\quad + d \\label{eq:a}\\\\\n"
        " e &= f\n\\end{align}\n"
    )
    found = [(m.line, m.label, structure(prepare(m.source).latex)) for m in math_in_tex(text)]
    assert found == [
        (3, "eq:a", ("equation", "a", "b + c \\quad + d")),
        (5, None, ("equation", "e", "f")),
    ]


@pytest.mark.parametrize(
    "label", ["\\labeq{generative:token-proba-m+1}", "\\eqlabel{a/b}", "\\label{x+y}"]
)
def test_a_label_or_a_documents_label_macro_is_no_part_of_the_formula(label: str) -> None:
    formula = prepare(f"\\hat{{y}} = \\operatorname{{softmax}}(h W) {label}")
    assert "lab" not in formula.latex and formula.latex.endswith("(h W)")


def test_the_arguments_of_a_redefined_math_environment_are_no_part_of_the_formula() -> None:
    preamble = "\\renewenvironment{equation}[1]{\\[}{\\]}\n"
    body = (
        "\\begin{equation}{https://example.org/nb.ipynb}\n"
        "  f = m a \\label{eq:f}\n\\end{equation}\n"
    )
    (math,) = math_in_tex(preamble + body)
    assert (math.line, math.label) == (2, "eq:f")
    assert "f = m a" in math.source and "https" not in math.source
    # the redefinition may sit in another file of the project (the preamble, a style file)
    (math,) = math_in_tex(body, arguments=environment_arguments(preamble))
    assert "https" not in math.source
    assert "https" in math_in_tex(body)[0].source
