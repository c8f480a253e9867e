from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from galcli.errors import InputError
from galcli.verify.formula import (
    expand_macros,
    inventory,
    math_in_tex,
    parse,
    parse_definitions,
    prepare,
    strip_math,
    structure,
    to_unicode,
)
from galcli.verify.formula.symbols import named_symbols


def roles(latex: str) -> dict[str, set[str]]:
    symbols, _ = inventory(latex, parse(latex))
    found: dict[str, set[str]] = {}
    for symbol in symbols:
        found.setdefault(symbol.role, set()).add(symbol.latex)
    return found


@pytest.mark.parametrize(
    "text, body, environment",
    [
        ("$E = mc^2$", "E = mc^2", "$$"),
        ("$$a+b$$", "a+b", "$$$$"),
        ("\\(x\\)", "x", "\\(\\)"),
        ("\\[ y \\]", "y", "\\[\\]"),
        ("\\begin{equation*} z \\label{eq:z} \\end{equation*}", "z", "equation*"),
        (
            "\\begin{align} a &= b \\nonumber \\\\ c &= d \\tag{3} \\\\ \\end{align}",
            "a &= b   \\\\ c &= d",
            "align",
        ),
        ("x^2", "x^2", None),
    ],
)
def test_delimiters_labels_and_tags_are_stripped(text: str, body: str, environment) -> None:
    stripped, env, _ = strip_math(text)
    assert stripped == body and env == environment


def test_label_is_kept_aside() -> None:
    assert strip_math("\\begin{equation}\\label{eq:loss} L = 0\\end{equation}")[2] == "eq:loss"


def test_preamble_macros_are_expanded() -> None:
    definitions = parse_definitions(
        "\\newcommand{\\vect}[1]{\\mathbf{#1}}\n\\renewcommand*{\\R}{\\mathbb{R}}\n"
        "\\DeclareMathOperator*{\\argmax}{arg\\,max}\n\\def\\half#1{\\frac{#1}{2}}\n"
        "\\newcommand{\\norm}[2][2]{\\|#2\\|_{#1}}\n% \\newcommand{\\ignored}{x}\n"
    )
    assert set(definitions) == {"vect", "R", "argmax", "half", "norm"}
    expanded, used = expand_macros(
        "\\argmax_{x \\in \\R} \\vect{x} + \\half{y} + \\norm{z} + \\norm[1]{w}", definitions
    )
    assert expanded == (
        "\\operatorname*{arg\\,max}_{x \\in \\mathbb{R}} \\mathbf{x} + \\frac{y}{2}"
        " + \\|z\\|_{2} + \\|w\\|_{1}"
    )
    assert used == ["argmax", "R", "vect", "half", "norm"]


def test_an_argument_after_a_control_word_stays_apart_from_it() -> None:
    definitions = parse_definitions("\\newcommand{\\norm}[1]{\\left\\lVert#1\\right\\rVert}")
    expanded, _ = expand_macros("\\norm{q_j}_2 + \\norm{\\alpha}", definitions)
    assert expanded == "\\left\\lVert q_j\\right\\rVert_2 + \\left\\lVert\\alpha\\right\\rVert"
    assert to_unicode(prepare(expanded).latex) == "‖qⱼ‖₂ + ‖α‖"


def test_ensuremath_in_a_macro_is_the_formula_it_wraps() -> None:
    # the acoustics thesis of bench/data/heldout6: \\x_0 is the symbol x₀ (not a wrapped x
    # and a stray 0), \\H{0}{2} is H₀⁽²⁾ however it is spaced, a sum keeps its group
    definitions = parse_definitions(
        "\\newcommand{\\x}{\\ensuremath{\\mathbf{x}}}\\newcommand{\\xs}{\\ensuremath{\\x_s}}"
        "\\renewcommand{\\H}[2]{\\ensuremath{\\,H_{#1}^{(#2)}\\!}}"
        "\\newcommand{\\ab}{\\ensuremath{a+b}}"
    )
    expanded = expand_macros("\\H{0}{2}(|\\x - \\xs|) + \\ab^2", definitions)[0]
    assert expanded == "\\,H_{0}^{(2)}\\!(|\\mathbf{x} - \\mathbf{x}_s|) + {a+b}^2"
    symbols = named_symbols(expanded, parse(expanded))
    assert [s.latex for s in symbols] == ["H_{0}^{(2)}", "\\mathbf{x}", "\\mathbf{x}_s", "a", "b"]


def test_paired_delimiters_and_empty_argument_tests_expand_as_tex_would() -> None:
    # the applied-maths thesis of bench/data/heldout4: mathtools' \\DeclarePairedDelimiter (used
    # starred, sized or plain) and "\\ifx\\relax#1\\relax … \\else … \\fi"
    definitions = parse_definitions(
        "\\DeclarePairedDelimiter{\\abs}{\\lvert}{\\rvert}\\DeclarePairedDelimiter{\\rb}{(}{)}\n"
        "\\newcommand*{\\optsup}[1]{%\n  \\ifx \\relax #1\\relax\n  \\else\n    ^{#1}%\n  \\fi\n}\n"
        "\\newcommand{\\save}[2]{#1\\global\\@namedef{save@#2}{#1}}"
    )
    expanded, used = expand_macros(
        "\\abs{x} + \\abs*{y} + \\rb[\\big]{a} + T\\optsup{2} + u\\optsup{}", definitions
    )
    assert " ".join(expanded.split()) == (
        "\\left\\lvert x \\right\\rvert + \\left\\lvert y \\right\\rvert"
        " + \\left( a \\right) + T^{2} + u"
    )
    # the script is the symbol's, as TeX reads it: T^{2} is T², h\\optsup{v} one symbol
    assert [s.latex for s in named_symbols(expanded, parse(expanded))][-2:] == ["T^{2}", "u"]
    assert to_unicode(expanded) == "|x| + |y| + (a) + T² + u"
    # a copy kept by \\@namedef prints nothing: \\save{x}{a} prints x
    assert expand_macros("\\save{x}{a}", definitions) == ("x ", ["save"])
    # a macro that programs TeX prints what no reading of its body tells: kept as written
    programs = parse_definitions(
        "\\newcommand{\\use}[1]{\\@ifundefined{s@#1}{??}{\\@nameuse{s@#1}}}"
    )
    assert expand_macros("\\use{eq:a}", programs) == ("\\use{eq:a}", [])
    # and the label it is handed is no formula: no symbols e, q, a
    written = "\\use{eq:half-plane}"
    assert [s.key for s in named_symbols(written, parse(written))] == ["\\use"]
    assert used == ["abs", "rb", "optsup"]
    assert (
        to_unicode("\\left\\{ \\begin{array}{ll} 1, & x > 0 \\end{array} \\right.")
        == "{ [1, x > 0]"
    )


def test_a_macro_after_a_control_word_and_a_control_symbol_macro_expand_apart() -> None:
    # the ML thesis of bench/data/heldout2: \\def\\*#1{\\bm{#1}} in its core.sty, and
    # "\\epsilon\\pmin", which read as one unknown macro \\epsilonp
    definitions = parse_definitions(
        "\\def\\*#1{\\bm{#1}}\n\\newcommand{\\pmin}{p_{\\textrm{min}}}\n"
    )
    expanded, used = expand_macros("\\det(\\*L_S) + \\epsilon\\pmin", definitions)
    assert expanded == "\\det(\\bm{L}_S) + \\epsilon p_{\\textrm{min}}" and used == ["*", "pmin"]
    assert to_unicode("y = \\operatornamewithlimits{argmax}_x f") == "y = argmaxₓ f"


def test_nested_and_recursive_macros_terminate() -> None:
    definitions = parse_definitions(
        "\\newcommand{\\a}{\\b}\\newcommand{\\b}{x}\\newcommand{\\loop}{\\loop y}"
    )
    assert expand_macros("\\a", definitions)[0] == "x"
    assert expand_macros("\\loop", definitions)[0].count("y") <= 8


@pytest.mark.parametrize(
    "latex, column, message",
    [
        ("\\frac{a}{b", 11, "expecting '}'"),
        ("a + }", 5, "closing brace"),
        ("\\frac{a}", 1, "arguments of macro"),
        ("\\begin{foo} x \\end{foo}", 1, "unknown environment 'foo'"),
        ("x\\hspace{2mm} + \\frac{a}{b", 27, "expecting '}'"),  # shown as written, spacing too
    ],
)
def test_parse_errors_have_a_column_and_a_caret(latex: str, column: int, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse(latex)
    assert f"(column {column})" in info.value.message and message in info.value.message
    assert info.value.detail.splitlines() == ["  " + latex, "  " + " " * (column - 1) + "^"]


def test_inventory_roles() -> None:
    found = roles("\\nabla \\cdot \\mathbf{E} = \\frac{\\rho}{\\varepsilon_0}")
    assert found["variable"] >= {"\\mathbf{E}", "\\rho", "\\varepsilon_0"}
    assert found["operator"] >= {"\\nabla", "\\cdot"} and found["relation"] == {"="}
    assert found["subscript"] == {"0"}
    more = roles("\\sum_{i=1}^{N} \\sin(\\omega t_i) + \\pi \\leq e^{x}")
    assert (
        "\\sin" in more["function"] and "\\pi" in more["constant"] and "\\leq" in more["relation"]
    )
    assert {"i", "1"} <= more["subscript"] and {"N", "x"} <= more["superscript"]


def test_structure() -> None:
    assert structure("E = mc^2") == ("equation", "E", "mc^2")
    assert structure("x \\leq \\alpha") == ("inequality", "x", "\\alpha")
    assert structure("f(x) := x^2")[0] == "definition"
    assert structure("\\frac{a=b}{c}") == ("expression", None, None)
    assert structure("a &= b \\\\ c &< d")[0] == "equation"


def test_unicode_rendering() -> None:
    assert (
        to_unicode("\\nabla \\cdot \\mathbf{E} = \\frac{\\rho}{\\varepsilon_0}") == "∇ · 𝐄 = ρ/ε₀"
    )
    assert to_unicode("E = mc^2") == "E = mc²"
    assert to_unicode("x_{ij}") == "xᵢⱼ"
    # a wide accent keeps its meaning: the mean of x squared is not the square of the mean
    assert to_unicode("\\overline{x^2} - \\overline{x}^2") == "x̅²̅ - x̅²"
    assert to_unicode("\\overline{t y}") == "t̅y̅" and to_unicode("\\widehat{\\chi}") == "χ̂"
    # spacing commands and their dimensions print nothing ("y\\kern2pt z" is no "y2pt z")
    assert to_unicode("x\\hspace{1em} + y\\kern2pt z\\xspace") == "x + y z"
    # amsmath's italic capitals, sized bars and fraction variants print as what they are
    assert to_unicode("\\varPhi + \\varTheta_i") == "Φ + Θᵢ"
    assert (
        to_unicode("\\left\\lvert x \\right\\rvert + \\left\\lVert v \\right\\rVert") == "|x| + ‖v‖"
    )
    assert to_unicode("\\nicefrac{a}{b} + \\sfrac{1}{2}") == "a/b + 1/2"


def test_a_macro_nobody_defines_shows_as_written_and_layout_still_goes() -> None:
    # heldout10's \\con{\\nox} and the HiSPARC thesis' hepparticles read "[]ⁱⁿ" and "→ + ."
    assert to_unicode("[\\nox]^{in}(t) + \\foo x") == "[\\nox]ⁱⁿ(t) + \\foo x"
    assert to_unicode("\\left( a \\right) \\quad \\big| x") == "(a) | x"
    assert to_unicode("\\vb{x} = \\qty(a+b)") == "\\vb{x} = \\qty(a+b)"  # no \\usepackage{physics}
    assert to_unicode("\\Ppizero \\to \\Pphoton + \\Pphoton") == "\\Ppizero → \\Pphoton + \\Pphoton"


def test_math_in_a_tex_file() -> None:
    text = (
        "Inline $a+b$ here.\n% $$commented$$\n\\begin{equation}\\label{eq:one}\n x = 1\n"
        "\\end{equation}\n\\[ y \\]\n"
    )
    found = math_in_tex(text, inline=True)
    assert [(m.line, m.display, m.label) for m in found] == [
        (1, False, None),
        (3, True, "eq:one"),
        (6, True, None),
    ]
    assert [m.line for m in math_in_tex(text)] == [3, 6]


def test_two_inline_formulas_side_by_side_are_no_display() -> None:
    # the obliquity paper's "from $\\sim$$40\\degr$ to $\\sim$$140\\degr$": TeX closes the
    # first formula and opens the second; a display $$…$$ holds no lone $
    text = "from $\\sim$$40\\degr$ to $\\sim$$140\\degr$. Then\n$$ x = 1 $$\nand $a$, \\$5."
    found = math_in_tex(text, inline=True)
    assert sorted((m.source, m.display) for m in found) == [
        ("$$ x = 1 $$", True),
        ("$140\\degr$", False),
        ("$40\\degr$", False),
        ("$\\sim$", False),
        ("$\\sim$", False),
        ("$a$", False),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("\\{}[]()^_&$%#=+-ab01 ")
            + [
                "\\frac",
                "\\sqrt",
                "\\left",
                "\\right",
                "\\begin{align}",
                "\\end{align}",
                "\\alpha",
                "\\\\",
                "\\mathbf",
                "\\label{x}",
                "\\begin{cases}",
                "\\end{cases}",
                "\\sum",
                "\\text{",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_no_formula_string_crashes(text: str) -> None:
    try:
        formula = prepare(text)
        symbols, _ = inventory(formula.latex, parse(formula.latex))
        structure(formula.latex)
        to_unicode(formula.latex)
    except InputError as exc:
        assert exc.message  # a clean, reportable error
    else:
        assert all(s.role for s in symbols)


def test_every_display_equation_of_the_corpora_parses(corpora: Path) -> None:
    lines = (
        (corpora / "formulas" / "display_equations.jsonl").read_text(encoding="utf-8").splitlines()
    )
    for line in lines:
        record = json.loads(line)
        formula = prepare(record["latex"])
        parse(formula.latex)
    assert len(lines) == 159


def test_each_row_of_an_align_is_its_own_formula_with_its_label_and_line() -> None:
    text = (
        "intro\n\\begin{align}\n  x &= 1 \\label{eq:b}\\\\\n"
        "  y &= \\tr A \\label{eq:c}\n\\end{align}\n"
        "\\begin{gather*}\n f(x) = \\begin{cases} 1 & x>0 \\\\ 0 & \\text{else}"
        "\\end{cases}\\\\[2pt]\n"
        " g = {a \\\\ b} \\\\\n\\end{gather*}\n"
        "\\begin{equation} a = b \\end{equation}\n"
    )
    found = [(m.line, m.label, structure(prepare(m.source).latex)[1]) for m in math_in_tex(text)]
    assert found == [
        (3, "eq:b", "x"),
        (4, "eq:c", "y"),
        (7, None, "f(x)"),
        (8, None, "g"),
        (10, None, "a"),
    ]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"y = \tr A", "y = tr A"),
        (r"\sin x + \sgn(x)", "sin x + sgn (x)"),
        (r"\log_2 n", "log₂ n"),
    ],
)
def test_function_names_survive_the_unicode_rendering(latex: str, text: str) -> None:
    assert to_unicode(latex) == text


@pytest.mark.parametrize(
    ("latex", "message", "column"),
    [
        ("a^", "superscript '^' has no argument", 2),
        ("a^{2}_", "subscript '_' has no argument", 6),
        (r"\left( x", r"\left without a matching \right", 1),
        (r"x \right)", r"\right without a matching \left", 3),
        (r"{\left( x} \right)", r"\left without a matching \right", 2),
    ],
)
def test_what_tex_would_reject_is_a_parse_error_with_its_column(
    latex: str, message: str, column: int
) -> None:
    with pytest.raises(InputError) as raised:
        parse(latex)
    assert raised.value.message == f"{message} (column {column})"


@pytest.mark.parametrize(
    "latex", [r"a^ + b", r"f\left(\frac{a}{b}\right)^2", r"\_x + y_1", r"\left. x \right|"]
)
def test_valid_scripts_and_delimiters_still_parse(latex: str) -> None:
    parse(latex)


# -- item 2: Unicode math typed directly -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "latex", "role"),
    [
        ("α + β = γ", "\\alpha", "variable"),
        ("α + β = γ", "\\gamma", "variable"),
        ("E = ħω", "\\hbar", "constant"),
        ("E = ħω", "\\omega", "variable"),
        ("∑ᵢ xᵢ² ≤ ∞", "\\sum", "operator"),
        ("∑ᵢ xᵢ² ≤ ∞", "\\leq", "relation"),
        ("∑ᵢ xᵢ² ≤ ∞", "\\infty", "constant"),
        ("∫₀¹ f(x) dx", "\\int", "operator"),
        ("∂f/∂t = ∇²f", "\\partial", "operator"),
        ("∂f/∂t = ∇²f", "\\nabla", "operator"),
        ("x ∈ ℝ", "\\in", "relation"),
    ],
)
def test_unicode_math_is_read_as_the_latex_it_stands_for(typed: str, latex: str, role: str) -> None:
    formula = prepare(typed)
    assert latex in roles(formula.latex)[role]


def test_unicode_scripts_become_one_script() -> None:
    assert prepare("xᵢ₁² + y⁻¹").latex == "x_{i1}^{2} + y^{-1}"


# -- item 3: the inventory lists symbols in scripts, primes, one formula at a time -----------


@pytest.mark.parametrize(
    ("latex", "subscripts", "superscripts", "elsewhere"),
    [
        (r"\sum_{i=1}^{n} x_i", {"i", "1"}, {"n"}, {"=": "relation"}),
        (r"e^{-x^2}", set(), {"x", "2"}, {"-": "operator"}),
        (r"x_{i+1} \leq y_{j-1}", {"i", "1", "j"}, set(), {"+": "operator", "-": "operator"}),
        (r"\int_{a<x}^{b} f", {"a", "x"}, {"b"}, {"<": "relation"}),
        (r"\prod_{k \neq 0} k", {"k", "0"}, set(), {"\\neq": "relation"}),
    ],
)
def test_scripts_list_symbols_not_relations_or_operators(
    latex: str, subscripts: set[str], superscripts: set[str], elsewhere: dict[str, str]
) -> None:
    found = roles(latex)
    assert found.get("subscript", set()) == subscripts
    assert found.get("superscript", set()) == superscripts
    for symbol, role in elsewhere.items():
        assert symbol in found[role]


@pytest.mark.parametrize(
    ("latex", "text", "derivatives"),
    [
        ("f''(x)", "f″(x)", {"f''"}),
        ("f'(x) + g'''(y)", "f′(x) + g‴(y)", {"f'", "g'''"}),
        ("y'''' = 0", "y′′′′ = 0", {"y''''"}),
        (r"\phi' = 1", "ϕ′ = 1", {"\\phi'"}),
        (r"f^{\prime\prime}(x) + y^\prime", "f′′(x) + y′", {"f''", "y'"}),
    ],
)
def test_primes_are_derivatives_not_quotation_marks(
    latex: str, text: str, derivatives: set[str]
) -> None:
    assert to_unicode(latex) == text
    assert roles(latex)["derivative"] == derivatives


@pytest.mark.parametrize("text", ["$x^2$ and $y$", "$$a$$ $$b$$", "x $ y", "\\(a\\) or $b$"])
def test_several_formulas_in_one_argument_are_an_error_with_a_column(text: str) -> None:
    with pytest.raises(InputError) as raised:
        prepare(text)
    assert "'$' inside the formula" in raised.value.message
    assert "(column " in raised.value.message


def test_dollars_inside_text_are_not_stray() -> None:
    parse(prepare(r"x = 1 \text{ if $y > 0$}").latex)


def test_plain_tex_fractions_and_double_brackets_are_known() -> None:
    latex = r"{1\over x} + \llbracket a \rrbracket"
    assert inventory(latex, parse(latex))[1] == []  # no "unknown macro" warnings
    assert to_unicode(latex) == "1/x + ⟦a⟧"


@pytest.mark.parametrize(
    ("latex", "printed"),
    [
        # the cosmic-ray thesis of bench/data/heldout2 writes its quantities with siunitx
        ("R = \\SI{108}{\\kilo\\parsec} E_{\\si{\\exa\\eV}}",
         "R = 108\\,\\textup{kpc} E_{\\textup{EeV}}"),
        ("\\SI{2e3}{\\meter}", "2 \\times 10^{3}\\,\\textup{m}"),
        ("\\SI{e18}{\\eV}", "10^{18}\\,\\textup{eV}"),
        ("\\SI{9.81}{\\meter\\per\\second\\squared}", "9.81\\,\\textup{m/s²}"),
        ("\\qty{3}{km/s} + \\num{-999}", "3\\,\\textup{km/s} + -999"),
    ],
)  # fmt: skip
def test_siunitx_quantities_are_written_as_they_print(latex: str, printed: str) -> None:
    from galcli.verify.formula.siunits import written

    assert written(latex) == printed


def test_a_unit_is_no_symbol_and_reads_as_written() -> None:
    expanded = expand_macros("R = \\SI{108}{\\kilo\\parsec} \\frac{E_{\\si{\\exa\\eV}}}{Z}", {})[0]
    assert [s.latex for s in named_symbols(expanded, parse(expanded))] == [
        "R",
        "E_{\\textup{EeV}}",
        "Z",
    ]
    assert to_unicode(expanded) == "R = 108 kpc (E_(EeV))/Z"
