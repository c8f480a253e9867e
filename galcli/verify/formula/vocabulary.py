"""What galcli knows about math macros: their roles (Greek letters, constants, operators,
relations, functions, styles, layout to ignore), the argument specs pylatexenc lacks, and the
environments a formula may hold. One place, so the parser, the inventory and the renderer agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Display environments that wrap a whole formula (or, for the align family, several).
MATH_ENVIRONMENTS = tuple(
    r"equation align gather multline eqnarray flalign alignat displaymath math".split()
)
# Environments whose rows are separate equations, each with its own number and label.
MULTI_EQUATION = set(r"align gather eqnarray flalign alignat".split())
# Environments inside a formula: their `\\` and `&` belong to them, never to the formula.
INNER_ENVIRONMENTS = set(
    r"split aligned gathered alignedat cases dcases rcases matrix pmatrix bmatrix Bmatrix "
    r"vmatrix Vmatrix smallmatrix array subarray substack subequations".split()
)
# Inner environments that lay out rows of cells (a matrix, cases), rendered row by row.
MATRICES = set("matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix array subarray".split())
CASES = set("cases dcases rcases".split())
MATRIX_BRACKETS = {
    "pmatrix": ("(", ")"),
    "bmatrix": ("[", "]"),
    "Bmatrix": ("{", "}"),
    "vmatrix": ("|", "|"),
    "Vmatrix": ("‖", "‖"),
}

# Styles that draw the same symbol: \textbf{u} and \mathbf{u} are one symbol.
SAME_STYLE = {
    "textbf": "mathbf",
    "bm": "mathbf",
    "boldsymbol": "mathbf",
    "pmb": "mathbf",
    "textrm": "mathrm",
    "text": "mathrm",
    "mbox": "mathrm",
    "operatorname": "mathrm",
    "textit": "mathit",
    "textsf": "mathsf",
    "texttt": "mathtt",
    "textup": "mathrm",  # a unit, as verify/formula/siunits.py writes it
}
# TeX's font declarations, which style the rest of their group (`{\\bf u}` is `\\mathbf{u}`),
# and the style command each stands for
OLD_FONTS = {"bf": "mathbf", "rm": "mathrm", "it": "mathit", "cal": "mathcal", "sf": "mathsf",
             "tt": "mathtt", "bm": "mathbf", "mit": "mathit"}  # fmt: skip

GREEK = set(
    r"alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    r"nu xi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta "
    r"Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell varpi varkappa".split()
) | {
    f"var{capital}"
    for capital in "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
}
CONSTANTS = set(r"pi infty hbar e imath jmath aleph".split())
OPERATORS = set(
    r"nabla partial cdot times div pm mp sum prod coprod int iint iiint oint circ bullet "
    r"otimes oplus odot wedge vee cup cap setminus lim max min sup inf limsup liminf det dim "
    r"ker deg gcd Pr bigcup bigcap bigoplus bigotimes land lor neg lnot star ast dagger "
    r"triangle Box square frac dfrac tfrac sqrt binom forall exists prime over choose atop".split()
)
RELATIONS = set(
    r"leq le geq ge neq ne approx equiv sim simeq cong propto in notin ni subset subseteq "
    r"supset supseteq to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow "
    r"Leftrightarrow iff implies mapsto ll gg lesssim gtrsim prec succ preceq succeq perp "
    r"parallel mid coloneqq eqqcolon triangleq doteq models vdash vcentcolon".split()
)
FUNCTIONS = set(
    r"sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh coth log ln lg exp arg Re Im "
    r"tr Tr operatorname erf sgn softmax det dim ker deg gcd Pr atan asin acos".split()
)
# The dimensionless numbers of transport and fluid mechanics, written as two letters that are
# one symbol (We is the Weber number, not W·e). Those that read as a product too often (Ma for
# m·a, De, Le, Da) are left out.
DIMENSIONLESS = set("Re We Oh Bo Ca Fr Pe Ra Kn Nu Sc Sh Ri Wi Ek Gr".split())
# A difference written before a symbol: ΔG, Δt_i, δx are one quantity each (symbols.py reads
# them so, rendering.py writes them so, reading.py reads them out so).
DIFFERENCES = frozenset({"Delta", "delta"})
DIFFERENCE = re.compile(r"(?:\\(?:" + "|".join(sorted(DIFFERENCES)) + r")(?![A-Za-z])\s*)+")
STYLES = set(
    r"mathbf mathrm mathit mathcal mathbb mathfrak mathsf mathtt boldsymbol bm vec hat bar "
    r"tilde dot ddot overline underline widehat widetilde check breve acute grave mathscr pmb "
    r"overrightarrow".split()
)
# Layout, spacing, delimiters and text: no symbol of their own (their arguments are walked).
IGNORED = set(
    r"left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr middle quad qquad "
    r"displaystyle textstyle scriptstyle limits nolimits text mbox textrm textit textbf cr "
    r"hline label nonumber notag tag underbrace overbrace phantom vphantom hphantom enspace "
    r"thinspace negthinspace lbrace rbrace langle rangle lvert rvert lVert rVert vert Vert "
    r"lfloor rfloor lceil rceil ldots cdots vdots ddots dots begin end stackrel overset "
    r"underset not mathstrut strut color textcolor boxed cancel llbracket rrbracket "
    r"mathop mathbin mathrel mathord mathopen mathclose mathpunct mathinner textnormal "
    r"substack medmath mathlarger mathsmaller smash mathclap mathllap mathrlap cramped".split()
) | {",", ";", ":", "!", " ", "\\", "mathrm*"}
# Argument specs pylatexenc's default database lacks, so that e.g. \dfrac{a}{b} parses as one.
EXTRA_SPECS = {
    "textup": "{",
    "dfrac": "{{",
    "tfrac": "{{",
    "binom": "{{",
    "boldsymbol": "{",
    "bm": "{",
    "operatorname": "*{",
    "mathscr": "{",
    "pmb": "{",
    "widehat": "{",
    "widetilde": "{",
    "overrightarrow": "{",
    "underbrace": "{",
    "overbrace": "{",
    "boxed": "{",
    "cancel": "{",
    "text": "{",
    "textrm": "{",
    "mbox": "{",
    "stackrel": "{{",
    "overset": "{{",
    "underset": "{{",
    "phantom": "{",
    "color": "{",
    "textcolor": "{{",
    "coloneqq": "",
    "substack": "{",
}
INEQUALITIES = set(
    r"< > \leq \le \geq \ge \neq \ne \ll \gg \lesssim \gtrsim \prec \succ \preceq \succeq".split()
)
DEFINITIONS = set(
    r":= \coloneqq \triangleq \equiv \doteq \stackrel{def}{=} \overset{def}{=} "
    r"\stackrel{\text{def}}{=} \overset{\text{def}}{=} \vcentcolon= \mathrel{:}=".split()
) | {"\\vcentcolon =", "\\mathrel{:} ="}
SUBSCRIPTS = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=False)
)
SUPERSCRIPTS = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=False))

OPERATOR_GLYPHS = {
    "\\frac": "/",
    "\\dfrac": "/",
    "\\tfrac": "/",
    "\\sqrt": "√",
    "\\binom": "binom",
    "\\prime": "′",
    "\\over": "/",
}


def is_known_macro(name: str) -> bool:
    """A macro galcli or pylatexenc's text renderer knows (others are worth a warning)."""
    if name in GREEK | CONSTANTS | OPERATORS | RELATIONS | FUNCTIONS | STYLES | IGNORED:
        return True
    if name in OLD_FONTS or name in SAME_STYLE or name in ("bot", "top", "|"):  # {\bf u}, ⊤, ‖
        return True
    return _text_context().get_macro_spec(name) is not None


@lru_cache(maxsize=1)
def _text_context() -> Any:
    from pylatexenc.latex2text import get_default_latex_context_db

    return get_default_latex_context_db()


# What a standard constant or function is, for a symbol the document does not define itself
# (keyed as `verify.formula.symbols` normalises a symbol's base).
MEANINGS = {
    "\\pi": "the constant π, the ratio of a circle's circumference to its diameter",
    "e": "Euler's number, the base of the natural logarithm",
    "\\infty": "infinity",
    "\\hbar": "the reduced Planck constant",
    "\\log": "the logarithm",
    "\\ln": "the natural logarithm",
    "\\lg": "the base-10 logarithm",
    "\\exp": "the exponential function",
    "\\sin": "the sine",
    "\\cos": "the cosine",
    "\\tan": "the tangent",
    "\\sinh": "the hyperbolic sine",
    "\\cosh": "the hyperbolic cosine",
    "\\tanh": "the hyperbolic tangent",
    "\\arcsin": "the inverse sine",
    "\\arccos": "the inverse cosine",
    "\\arctan": "the inverse tangent",
    "\\asin": "the inverse sine",
    "\\acos": "the inverse cosine",
    "\\atan": "the inverse tangent",
    "\\cot": "the cotangent",
    "\\coth": "the hyperbolic cotangent",
    "\\sec": "the secant",
    "\\csc": "the cosecant",
    "\\sgn": "the sign function",
    "\\det": "the determinant",
    "\\tr": "the trace",
    "\\Tr": "the trace",
    "\\erf": "the error function",
    "\\softmax": "the softmax function",
    "softmax": "the softmax function",
    "\\Re": "the real part",
    "\\Im": "the imaginary part",
}


# An upright d (\\mathrm{d}, \\text{d}) is a differential's, never a symbol (symbols.py leaves it
# out of the table, reading.py reads "dx").
UPRIGHT_D = re.compile(r"\\(?:mathrm|text|textrm|operatorname)\s*\{\s*d\s*\}")
