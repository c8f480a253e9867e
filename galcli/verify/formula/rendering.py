"""A readable Unicode rendering of a formula (pylatexenc's latex2text, with Unicode
sub/superscripts, fractions that keep their precedence and function names that keep a space)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from galcli.latex.texlex import group
from galcli.verify.formula.parse import math_context, plain_math
from galcli.verify.formula.vocabulary import (
    CASES,
    CONSTANTS,
    DIFFERENCES,
    EXTRA_SPECS,
    FUNCTIONS,
    GREEK,
    MATRICES,
    MATRIX_BRACKETS,
    OLD_FONTS,
    OPERATOR_GLYPHS,
    OPERATORS,
    RELATIONS,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    is_known_macro,
)

_PRIMES = {1: "′", 2: "″", 3: "‴"}
_PRIME_SCRIPT = re.compile(r"\^\s*(?:\{(?:\s*\\prime(?![A-Za-z]))+\s*\}|\\prime(?![A-Za-z]))")
_SPACED_MACRO = re.compile(r"\\([A-Za-z]+)(?=\s)")
_SYMBOLS = GREEK | CONSTANTS | RELATIONS | (OPERATORS - set(EXTRA_SPECS) - {"frac", "sqrt", "over"})
_LATEX_SYNTAX = re.compile(r"[\\{}$&%~^_#]|''|``|--")
_QUOTES = re.compile(r"(?<!\\)'+")
_SIMPLE_SCRIPT = re.compile(r"(?<!\\)([_^])(?:\{([^{}\\]*)\}|([0-9A-Za-z+\-]))")
_GROUP_SCRIPT = re.compile(r"(?<!\\)([_^])\{((?:[^{}]|\{[^{}]*\})*)\}")


def _grouped_script(match: re.Match[str]) -> str:
    inner = match.group(2).strip()
    if re.fullmatch(r"\\[A-Za-z]+|\S|\([^()]*\)", inner):  # x_\alpha, W^{(p)}: no more parens
        return match.group(1) + inner + ("{}" if inner.startswith("\\") else "")
    return f"{match.group(1)}({inner})"


_DIFFERENCE_SPACE = re.compile(
    r"(\\(?:" + "|".join(sorted(DIFFERENCES)) + r"))\s+"
    r"(?=[A-Za-z]|\\(?!(?:" + "|".join(sorted(FUNCTIONS)) + r")(?![A-Za-z]))[A-Za-z])"
)


_OLD_FONT = re.compile(
    r"\{\s*\\(" + "|".join(OLD_FONTS) + r")(?![A-Za-z])\s*((?:[^{}]|\{[^{}]*\})*)\}"
)


_COMBINING = {"overline": "\u0305", "widehat": "\u0302", "widetilde": "\u0303",
              "underline": "\u0332"}  # fmt: skip
_WIDE_ACCENT = re.compile(
    r"\\(" + "|".join(_COMBINING) + r")(?![A-Za-z])\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
)


_SIZED_OPENING = re.compile(r"(\\left\s*(?:\\[^A-Za-z]|[^\\\s]))\s+")  # not "\langle x"
_NO_DELIMITER = re.compile(r"\\(?:left|right)\s*\.")  # "\left\{ … \right.": no closing brace
_SIZED_CLOSING = re.compile(r"\s+(\\right)(?![A-Za-z])")
_VARIANT_GREEK = re.compile(
    r"\\var(Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega|kappa)(?![A-Za-z])"
)
_BOLD = re.compile(r"\\(?:boldsymbol|bm|pmb)(?![A-Za-z])")
_SINGLE_BAR = re.compile(r"\\[lr]?vert(?![A-Za-z])")
_DOUBLE_BAR = re.compile(r"\\[lr]?Vert(?![A-Za-z])")


def _accented(text: str, mark: str) -> str:
    """Each character of `text` under (or over) a combining `mark`: x̅, t̅y̅ (no spaces)."""
    return "".join(c + mark for c in text)


def modern_fonts(latex: str) -> str:
    """`{\\bf u}_r` as `\\mathbf{u}_r`: a group in an old font declaration as the style command
    a renderer and a reader know."""
    return _OLD_FONT.sub(lambda m: f"\\{OLD_FONTS[m[1]]}{{{m[2].strip()}}}", latex)


_DROPPED = {"ne": "≠", "coloneqq": "≔", "eqqcolon": "≕", "iff": "⟺", "implies": "⟹",
            "land": "∧", "lor": "∨", "neg": "¬", "models": "⊨", "Box": "□",
            "triangle": "△", "vcentcolon": ":"}  # fmt: skip
# textgreek's letters in text (\\text{\\textdelta}, a thesis's variational δ)
_DROPPED |= {
    f"text{name}": unicodedata.lookup(f"GREEK SMALL LETTER {name.upper().replace('MBDA', 'MDA')}")
    for name in "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
    "omicron pi rho sigma tau upsilon phi chi psi omega".split()
}


@lru_cache(maxsize=4096)
def to_unicode(latex: str) -> str:
    """A readable Unicode rendering (pylatexenc's latex2text, with simple sub/superscripts)."""
    from pylatexenc.latex2text import LatexNodes2Text

    if latex in OPERATOR_GLYPHS:
        return OPERATOR_GLYPHS[latex]
    latex = modern_fonts(plain_math(latex).replace("\\operatorname*{", "\\operatorname{"))
    # sized delimiters read as they print: "\\left\\lvert x \\right\\rvert" is |x|, not "|x |"
    latex = _DOUBLE_BAR.sub(r"\\|", _SINGLE_BAR.sub("|", latex))
    latex = _VARIANT_GREEK.sub(r"\\\1", latex)  # \varPhi is an italic Φ
    latex = _BOLD.sub(r"\\mathbf", latex)  # \boldsymbol{r} is as bold as \mathbf{r}
    latex = _SIZED_OPENING.sub(r"\1", _SIZED_CLOSING.sub(r"\1", _NO_DELIMITER.sub(" ", latex)))
    latex = _written_calls(latex)  # \\vb{x} nobody defines: "\\vb{x}"
    # latex2text drops a wide accent with its meaning (\overline{x}^2 is not x², x̄² is)
    latex = _WIDE_ACCENT.sub(
        lambda m: _accented("".join(to_unicode(m[2]).split()), _COMBINING[m[1]]), latex
    )

    def script(match: re.Match[str]) -> str:
        table = SUBSCRIPTS if match.group(1) == "_" else SUPERSCRIPTS
        content = match.group(2) if match.group(2) is not None else match.group(3)
        if content and all(c in table for c in content):
            return "{}" + "".join(table[c] for c in content)  # {} ends a preceding macro name
        return match.group(0)

    # Primes are derivatives, not quotation marks (latex2text reads '' as ”).
    latex = _PRIME_SCRIPT.sub(lambda m: "′" * m.group(0).count("prime"), latex)
    latex = _QUOTES.sub(lambda m: _PRIMES.get(len(m.group(0)), "′" * len(m.group(0))), latex)
    # Simple scripts become Unicode sub/superscripts before latex2text drops their braces.
    latex = _SIMPLE_SCRIPT.sub(script, latex)
    # Other scripts keep their extent: e^{-x²} reads e^(-x²), not e^-x².
    latex = _GROUP_SCRIPT.sub(_grouped_script, latex)
    latex = _SIMPLE_SCRIPT.sub(script, latex)
    # a difference stands against its symbol: ΔG, Δtᵢ, δx (symbols.py reads them as one)
    latex = _DIFFERENCE_SPACE.sub(r"\1{}", latex)
    # latex2text eats the space after a macro (α+ β= γ); an empty group keeps it (α + β = γ).
    latex = _SPACED_MACRO.sub(
        lambda m: m.group(0) + "{}" if _kept_apart(m.group(1)) else m.group(0), latex
    )
    if not _LATEX_SYNTAX.search(plain := latex.replace("{}", "")):
        return " ".join(plain.split())  # x_{12} or a + b: nothing left for latex2text to do
    try:
        from pylatexenc.latexwalker import LatexWalker

        nodes, _, _ = LatexWalker(
            latex, latex_context=math_context(), tolerant_parsing=True
        ).get_latex_nodes()
        text = LatexNodes2Text(
            math_mode="text", latex_context=_fraction_context()
        ).nodelist_to_text(nodes)
    except Exception:  # latex2text is a best effort; the parse already succeeded
        text = latex
    scripts = re.escape("".join({*SUBSCRIPTS.values(), *SUPERSCRIPTS.values()}))
    text = re.sub(f" +(?=[{scripts};,⟧])|(?<=⟦) +", "", " ".join(text.split()))
    # a row that ends in its own punctuation (`x = 1, \\`) needs no second separator
    return re.sub(r"(?<=[,.;]);|;$", "", text).strip()


@lru_cache(maxsize=1)
def _fraction_context() -> Any:
    """latex2text's macros, plus fractions that keep their precedence ((a + b)/(c d)) and the
    macros galcli parses with arguments (\\operatorname, \\binom, \\boldsymbol, …)."""
    from pylatexenc.latex2text import (
        EnvironmentTextSpec,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    def texts(node: Any, l2tobj: Any) -> list[str]:
        arguments = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
        return [
            l2tobj.nodelist_to_text([a]).strip()
            for a in arguments
            if not (hasattr(a, "chars") and a.chars == "*")
        ]

    def wrap(text: str) -> str:
        return text if re.fullmatch(r"[\w.′]+", text) else f"({text})"

    def fraction(node: Any, l2tobj: Any) -> str:  # pylatexenc passes the renderer by that name
        parts = texts(node, l2tobj)
        return "/".join(wrap(p) for p in parts[-2:]) if len(parts) >= 2 else "/"

    def binomial(node: Any, l2tobj: Any) -> str:
        parts = texts(node, l2tobj)
        return f"C({', '.join(parts[-2:])})"

    def content(node: Any, l2tobj: Any) -> str:
        parts = texts(node, l2tobj)
        return parts[-1] if parts else ""

    def substack(node: Any, l2tobj: Any) -> str:
        arguments = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a]
        inner = getattr(arguments[-1], "nodelist", None) or [] if arguments else []
        return ", ".join(", ".join(row) for row in _table(inner, l2tobj))

    special = {
        "frac": fraction,
        "dfrac": fraction,
        "tfrac": fraction,
        "binom": binomial,
        "substack": substack,
    }
    database = get_default_latex_context_db()  # a fresh copy on each call
    # Function names keep a space before their argument (latex2text writes \\sin x as "sinx")
    # and those it does not know (\\tr, \\sgn, \\softmax) no longer vanish.
    functions = sorted(FUNCTIONS - {"operatorname"})
    database.add_context_category(
        "galcli-math-text",
        prepend=True,
        macros=[
            *(
                MacroTextSpec(name, simplify_repl=special.get(name, content))
                for name in {*special, *(n for n, spec in EXTRA_SPECS.items() if spec)}
            ),
            *(MacroTextSpec(name, simplify_repl=f"{name} ") for name in functions),
            MacroTextSpec("\\", simplify_repl="; "),  # a row break ends a row, not a word
            MacroTextSpec("prime", simplify_repl="′"),
            MacroTextSpec("over", simplify_repl="/"),  # plain TeX's {a \over b}
            MacroTextSpec("choose", simplify_repl=" choose "),
            MacroTextSpec("|", simplify_repl="‖"),  # \vert, \Vert … are | and \| by then
            MacroTextSpec("llbracket", simplify_repl="⟦"),
            # relations and connectives latex2text drops ("k \\ne j" read "k j")
            *(MacroTextSpec(name, simplify_repl=glyph) for name, glyph in _DROPPED.items()),
            MacroTextSpec("rrbracket", simplify_repl="⟧"),
        ],
        environments=[
            *(EnvironmentTextSpec(name, simplify_repl=_matrix) for name in MATRICES),
            *(EnvironmentTextSpec(name, simplify_repl=_cases) for name in CASES),
        ],
    )
    # a macro neither galcli nor the document defines shows as written ("[\\nox]ⁱⁿ"): dropped, the
    # formula read "[]ⁱⁿ", and "\\nox + \\foo x" read "+ x" (a warning names it too)
    database.set_unknown_macro_spec(
        MacroTextSpec("", simplify_repl=lambda node, l2tobj: _unknown(node.macroname))
    )
    return database


_CALL = re.compile(r"\\([A-Za-z]+)(?=\{)")


def _written_calls(latex: str) -> str:
    """Each macro nobody defines with a braced argument, as written: its braces printed
    ("\\vb{x}", not "\\vbx")."""
    for match in reversed(list(_CALL.finditer(latex))):
        braced = group(latex, match.end(), "{", "}")
        if braced is None or is_known_macro(match[1]):
            continue
        inside = latex[braced[0] : braced[1]]
        latex = f"{latex[: match.end()]}\\{{{inside}\\}}{latex[braced[1] + 1 :]}"
    return latex


def _unknown(name: str) -> str:
    """A macro latex2text has no text for: nothing for layout galcli knows (\\left, \\quad), the
    name as written for one nobody defines."""
    return "" if is_known_macro(name) else f"\\{name}"


def _kept_apart(name: str) -> bool:
    """A macro that stands for a symbol: a known one, or one nobody defines (shown as written)."""
    return name in _SYMBOLS or not is_known_macro(name)


def _table(nodes: list[Any], l2tobj: Any) -> list[list[str]]:
    """The rows of cells of an environment's body (split at `\\\\` and `&`), as text."""
    table: list[list[str]] = []
    row: list[str] = []
    cell: list[Any] = []
    for node in [*nodes, None]:
        name = getattr(node, "macroname", None)
        if node is None or name in ("\\", "cr") or getattr(node, "specials_chars", "") == "&":
            # a cell's own trailing comma ("x², & …") is the separator the rendering writes
            row.append(" ".join(l2tobj.nodelist_to_text(cell).split()).rstrip(" ,"))
            cell = []
            if node is None or name is not None:
                table.append(row)
                row = []
        else:
            cell.append(node)
    while table and not any(table[-1]):
        table.pop()  # a final \\\\ ends no row
    return table


def _matrix(node: Any, l2tobj: Any) -> str:
    """[1, 0; 0, 1]: cells apart by commas, rows by semicolons, the environment's brackets."""
    opening, closing = MATRIX_BRACKETS.get(node.environmentname, ("[", "]"))
    rows = "; ".join(", ".join(c for c in row if c) for row in _table(node.nodelist or [], l2tobj))
    return f" {opening}{rows}{closing} "


def _cases(node: Any, l2tobj: Any) -> str:
    """{x, if x ≥ 0; −x, otherwise}: each case's value and condition, cases apart by semicolons."""
    rows = "; ".join(", ".join(c for c in row if c) for row in _table(node.nodelist or [], l2tobj))
    return f" {{{rows}}} " if node.environmentname != "rcases" else f" {rows}}} "
