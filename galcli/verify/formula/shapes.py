"""What a formula written in prose can define: its symbols and its form ("$x$", a list
"$x_1, \\ldots, x_n$", "$x \\in S$", "$0 \\leq x \\leq 1$", "$X \\equiv …$", "$X = …$"), read by
verify/formula/definitions.py with the words around it; and the inline formulas of prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from galcli.errors import InputError
from galcli.latex.texlex import group, skip_space
from galcli.verify.formula.nouns import MATH
from galcli.verify.formula.symbols import NamedSymbol, named_symbols
from galcli.verify.formula.vocabulary import DEFINITIONS, FUNCTIONS

INLINE = re.compile(r"\\\((?P<a>.*?)\\\)|(?<!\\)\$(?!\$)(?P<b>(?:[^$\\]|\\.)+?)\$", re.S)

# := and its other spellings (vocabulary.DEFINITIONS; \\stackrel{\\Delta}{=} and the like too)
DEFINING = re.compile(
    "|".join(re.escape(d) for d in sorted(DEFINITIONS, key=len, reverse=True))
    + r"|\\(?:stackrel|overset)\{(?:[^{}]|\{[^{}]*\})*\}\{=\}|\\eqqcolon"
)
RELATION = re.compile(
    r"(?<![<>!\\])=|<|>|\\(?:in|notin|subset|subseteq|leq?|geq?|neq?|approx|sim|simeq|propto|"
    r"to|mapsto|rightarrow|ll|gg|mid|colon)(?![A-Za-z])|(?<!\\):"
)


@lru_cache(maxsize=4096)
def shapes(content: str) -> tuple[tuple[NamedSymbol, ...], str]:
    """The symbols a formula in prose can define, and its form: "one" symbol (with its
    arguments), a "list" of them, a "type" declaration (x ∈ S, f: A → B), a "bound" (0 ≤ x ≤ 1,
    k > 0), a "definition" (X := …, X ≡ …), an "equation" (X = …), a "value" (n = 8), or "other"
    (defines nothing). A bound says what a symbol ranges over, and a value what it is set to,
    not what it is: only the words around them define it ("$0 \\leq x \\leq 1$ is the
    distance", "$N = 100$ is the number of samples")."""
    from galcli.verify.formula.parse import parse, plain_math

    text = plain_math(content).strip()
    text = re.sub(r",?\s*\\forall\b.*$", "", text, flags=re.S)  # h_k, ∀k ∈ C(j)
    text = _RANGE_OF_SET.sub(r"\1", text)  # {t_i}_{i=1}^N is the t_i
    text = _BRACED_SUBSCRIPT.sub(r"\1^", text)  # {\sigma_n}^2 is \sigma_n^2
    bounds = _BOUNDS.fullmatch(text)
    if bounds:  # 0 ≤ x ≤ 1 bounds x, as x ∈ [0, 1] does
        text = bounds["symbol"] + " \\in " + text
    relation = _outside(DEFINING, text) or _outside(RELATION, text)
    left = text[: relation.start()] if relation else text
    if relation is not None and DEFINING.fullmatch(relation.group(0)):
        # "t = \\tau_\\rho \\equiv D_0/V_0": what ≡ defines stands right before it
        left = left[max((m.end() for m in _all_outside(_EQUALS, left)), default=0) :]
    try:
        named = named_symbols(left, parse(left))
    except InputError:
        return (), "other"
    # a standard function is no symbol of the document's: "$\\cos\\theta$" and "$\\sin(x) = …$"
    # define nothing (not θ, not x); a function of its own (\\operatorname{III}_T(t) ≡ …) may
    if not named or _standard(named[0]):
        return (), "other"
    symbols = [s for s in named if not _standard(s)]
    # a symbol inside another's script is no item of its own (the T of R_{1:T})
    symbols = [s for s in symbols if not any(o.start <= s.start and s.end <= o.end
                                             and o is not s for o in symbols)]  # fmt: skip
    first = symbols[0]
    applied = re.match(r"\s*(?:\\left)?\(", left[first.end :]) and left.startswith(first.latex)
    if relation is not None:
        word = relation.group(0)
        kind = (
            "definition"
            if DEFINING.fullmatch(word)
            else "bound"
            if bounds or _SIGN.match(text[relation.start() :])
            else "type"
            if word in ("\\in", ":", "\\colon", "\\subset", "\\subseteq")
            else "value"
            if word == "=" and _VALUE.match(text[relation.start() :])
            else "equation"
            if word == "="
            else "other"
        )
        one = len(symbols) == 1 or applied
        return ((first,), kind) if one and kind != "other" else ((), "other")
    if applied:
        return (first,), "one"  # f(x), P(u_1 … u_T): the function is the symbol
    # The formula must be its symbols and nothing else ("\\cos \\theta" is not θ): one symbol
    # (written once or more: $GG$), or a list of them set apart by commas or dots ("\\rho V_0^2"
    # is a product, not a list).
    bare = sorted({_bare(s.latex) for s in symbols}, key=len, reverse=True)  # x_1 before x
    written = "|".join(map(re.escape, bare))
    for piece in _items(text):
        piece = _bare(piece)
        if piece and not (
            len(set(re.findall(written, piece))) == 1 and not re.sub(written, "", piece)
        ):
            return (), "other"
    return tuple(symbols), ("one" if len(symbols) == 1 else "list")


DOTS = re.compile(r"\\[cl]?dots|\.\.\.")  # a range written with dots: "ξ₁, …, ξ_d"
_TUPLE_RIGHT = re.compile(
    r"\s*(?:\\left)?\(\s*(?P<items>(?:[^()]|\([^()]*\))*?)\s*(?:\\right)?\)\s*[.,;]?\s*"
)
# a set written out: "$\bm{w} = \{w_0, w_1\}$"
_SET_RIGHT = re.compile(
    r"\s*(?:\\left)?\\\{\s*(?P<items>(?:[^{}]|\{[^{}]*\})*?)\s*(?:\\right)?\\\}\s*[.,;]?\s*"
)


def components(content: str) -> tuple[NamedSymbol, ...]:
    """The symbols of the tuple (or set) an equation in prose sets its left side to: n_x, n_y,
    n_z of "$\\vec n = (n_x, n_y, n_z)$", a and c of "$\\alpha = (a, c)$", w_0 and w_1 of
    "$\\bm{w} = \\{w_0, w_1\\}$"; () for any other right side."""
    from galcli.verify.formula.parse import plain_math

    text = plain_math(content).strip()
    relation = _outside(RELATION, text)
    if relation is None or relation.group(0) != "=":
        return ()
    right = _TUPLE_RIGHT.fullmatch(text[relation.end() :])
    if right is None and (right := _SET_RIGHT.fullmatch(text[relation.end() :])):
        # a set with dots is a range of members ("$U=\{u_{i-k} \cdots u_{i-1}\}$ the
        # context of the token at position $i$"), whose ends are no components to name
        right = None if DOTS.search(right["items"]) else right
    if right is None or len(items := [i for i in _items(right["items"]) if i.strip()]) < 2:
        return ()
    parts = [shapes(item) for item in items]
    if any(form != "one" or len(found) != 1 for found, form in parts):
        return ()
    return tuple(found[0] for found, _ in parts)


def _outside(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of `pattern` outside braces and parentheses: the relation of
    `p(x_{0:T} \\mid \\theta) = …` is its "=", not the ":" of a subscript nor a "\\mid"."""
    return next(_all_outside(pattern, text), None)


_EQUALS = re.compile("=")


def _all_outside(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match of `pattern` outside braces and parentheses, in order."""
    for match in pattern.finditer(text):
        before = re.sub(r"\\[{}()]", "", text[: match.start()])
        if before.count("{") == before.count("}") and before.count("(") == before.count(")"):
            yield match


def _standard(symbol: NamedSymbol) -> bool:
    """A standard function ("\\cos\\theta"), or Landau's O ("scales as $\\mathcal{O}(N)$")."""
    return (
        symbol.role == "function" and symbol.base.lstrip("\\") in FUNCTIONS
    ) or symbol.base == "\\mathcal{O}"


_LIST_SEPARATOR = re.compile(r",|\\,|\\[cl]?dots[b]?|\.\.\.")
_LAYOUT = re.compile(
    r"\\(?:[;!{}]|(?:left|right|quad|forall|[bB]ig[lr]?|math(?:op|ord|bin|rel))(?![A-Za-z]))"
    r"|[\s(){}]"
)


# A symbol between two bounds ("0 \\leq x \\leq 1"), and a bound that declares what precedes it
# ("k > 0", "\\beta \\geq 0"): both say what a symbol ranges over, as x ∈ S does.
_LESS = r"(?:<|\\le(?:q|qslant)?(?![A-Za-z]))"
_BOUNDS = re.compile(
    rf"\s*-?[\w.\\]+\s*{_LESS}\s*(?P<symbol>[^<>=]+?)\s*{_LESS}\s*-?[\w.\\]+\s*[.,]?\s*"
)
# The range of a collection: "\\{t_i\\}_{i=1}^N".
_RANGE_OF_SET = re.compile(r"(\\\}|\\right\\\})\s*_\{[^{}]*\}(?:\s*\^(?:\{[^{}]*\}|\\?\w+))?")
_BRACED_SUBSCRIPT = re.compile(r"\{\s*(\\?[A-Za-z]+_(?:\{[^{}]*\}|\\?\w))\s*\}\^")
# A value ("n = 8") says what n is set to, not what n is: a number, in scientific notation or
# not, and its units ("$A = 1\\,\\mathrm{ppm}^2$", "$\\eta = 3 \\times 10^{-4}$",
# "$\\gamma = 60^\\circ$", "$\\gamma = \\SI{60}{\\degree}$").
_NUMBER = (
    r"(?:-|\\(?:pm|mp)\s*)?(?:\d+(?:\.\d+)?(?:\s*\\times\s*10\^\{?-?\d+\}?)?|10\^\{?-?\d+\}?"
    r"|\\(?:SI|qty|num|ang)\s*\{[^{}]*\}(?:\s*\{[^{}]*\})?)"
)
_UNITS = (
    r"(?:\s*(?:\\[,;:! ]|~)?\s*(?:\\(?:mathrm|text|textrm|textup|rm|si|unit)\s*\{[^{}]*\}"
    r"(?:\^\{?-?\d+\}?)?|\^\s*\{?\\circ\}?|\\degree(?![A-Za-z])))*"
)
# and a place given as plus or minus another symbol ("the walls $\\phi = \\pm\\alpha$")
_VALUE = re.compile(r"=\s*(?:" + _NUMBER + _UNITS + r"|\\(?:pm|mp)\s*\\?[A-Za-z]+)\s*[.,]?\s*$")
_SIGN = re.compile(
    r"(?:>|<|\\(?:[gl]eq?(?:slant)?|ll|gg)(?![A-Za-z]))\s*-?\d+(?:\.\d+)?\s*[.,]?\s*$"
)


BRACE = re.compile(r"\\(?:under|over)brace(?![A-Za-z])\s*")


def labelled(latex: str) -> list[tuple[NamedSymbol, str, int]]:
    """(symbol, what it names, offset of its brace) for each brace of a formula labelled with
    a symbol: `\\underbrace{\\sqrt{2\\pi r}}_{g_0}` names the square root g₀,
    `\\overbrace{…}^{D(x)}` names it D(x). A value (`_0`, `_\\infty`) or a relation
    (`_{\\varepsilon(t = \\tau)}`: ε at one time) is no name."""
    found = []
    for brace in BRACE.finditer(latex):
        inner = group(latex, brace.end(), "{", "}")
        at = skip_space(latex, inner[1] + 1) if inner else len(latex)
        if inner is None or latex[at : at + 1] not in ("_", "^"):
            continue
        at = skip_space(latex, at + 1)
        braced = group(latex, at, "{", "}")
        single = re.match(r"\\?\w*", latex[at:])  # _0, _\infty
        label = latex[braced[0] : braced[1]] if braced else single.group(0) if single else ""
        symbols, form = shapes(label) if not RELATION.search(label) else ((), "other")
        if form == "one" and symbols[0].role != "constant":
            found.append((symbols[0], latex[inner[0] : inner[1]].strip(), brace.start()))
    return found


def _items(latex: str) -> list[str]:
    """The items of a list in a formula: split at its commas and dots outside braces (the
    commas of `g_{r,t}` are the subscript's)."""
    items, depth, start = [], 0, 0
    for match in re.finditer(r"\\[{}]|[{}]|" + _LIST_SEPARATOR.pattern, latex):
        if match.group() in ("\\{", "\\}"):
            continue  # a brace written out: "\\{u_1 \\cdots u_T\\}"
        if match.group() in ("{", "}"):
            depth += 1 if match.group() == "{" else -1
        elif depth == 0:
            items.append(latex[start : match.start()])
            start = match.end()
    return [*items, latex[start:]]


def _bare(latex: str) -> str:
    """A formula without its layout: spacing, braces, parentheses and delimiter sizes."""
    return _LAYOUT.sub("", latex)


def with_formulas(text: str, latex_of: Callable[[int], str]) -> str:
    """`text` with each formula marked in it (MATH + index + MATH, as verify/formula/prose.py
    writes prose) in Unicode: `latex_of(index)` is the formula's LaTeX."""
    return re.sub(MATH + r"(\d+)" + MATH, lambda m: math_text(latex_of(int(m[1]))), text)


def math_text(latex: str) -> str:
    """A formula as text, without the sentence's punctuation that closes it ("c = εσ/k,")."""
    from galcli.verify.formula.rendering import to_unicode

    latex = re.sub(r"(?:\s|(?<!\\)[,.;])+$", "", latex)
    try:
        return to_unicode(latex.strip())
    except Exception:  # noqa: BLE001 - a formula the renderer cannot read stays as written
        return latex.strip()
