"""A formula read out in words, from its parse alone: which relation holds, what is summed over
what, what is divided by what, what a function is applied to.

The row `h^0_t = W^{(e)}u_t + W^{(p)}` reads "h⁰ₜ equals W⁽ᵉ⁾uₜ plus W⁽ᵖ⁾". The
words come from a fixed vocabulary of operations and the formula's own symbols (in Unicode), so
the sentence can say nothing the formula does not: explain-formula prints it as a verified part.
Parts the reader has no words for are written as their Unicode rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from galcli.verify.formula.inventory import Row
from galcli.verify.formula.parse import children, parse
from galcli.verify.formula.rendering import modern_fonts, to_unicode
from galcli.verify.formula.symbols import simple_script as _simple
from galcli.verify.formula.vocabulary import DEFINITIONS, DIFFERENCE, DIMENSIONLESS, FUNCTIONS

RELATION_WORDS = {
    "=": "equals",
    ":=": "is defined as",
    "\\coloneqq": "is defined as",
    "\\equiv": "is defined as",
    "\\triangleq": "is defined as",
    "\\approx": "is approximately",
    "\\simeq": "is approximately",
    "\\sim": "is of the order of",
    "\\propto": "is proportional to",
    "<": "is less than",
    ">": "is greater than",
    "\\le": "is at most",
    "\\leq": "is at most",
    "\\ge": "is at least",
    "\\geq": "is at least",
    "\\neq": "is not equal to",
    "\\ne": "is not equal to",
    "\\in": "is in",
    "\\to": "tends to",
}
_BIG = {
    "sum": "the sum",
    "prod": "the product",
    "bigcup": "the union",
    "bigcap": "the intersection",
    "int": "the integral",
    "oint": "the contour integral",
    "max": "the maximum",
    "min": "the minimum",
    "sup": "the supremum",
    "inf": "the infimum",
    "lim": "the limit",
    "argmax": "the argument of the maximum",
    "argmin": "the argument of the minimum",
}
_POWERS = {"2": "squared", "3": "cubed", "-1": "inverted", "T": "transposed", "\\top": "transposed"}


def read_row(row: Row) -> str:
    """A row in words: "LEFT RELATION RIGHT", or the expression alone."""
    if row.left is None or row.right is None or row.relation is None:
        return read_expression(row.latex)
    relation = RELATION_WORDS.get(
        row.relation,
        "is defined as"
        if row.relation in DEFINITIONS
        else f"is related by {to_unicode(row.relation)} to",
    )
    return f"{read_expression(row.left)} {relation} {read_expression(row.right)}"


_PUNCTUATION = re.compile(r"(?:\s|\\[,;:!]|\\q?quad)*[.,;]\s*$")


# `… = d_{i,t} \qquad \forall i,t`: a condition on the whole row, not a factor of its last term
_FOR_ALL = re.compile(r"(?:\s|\\[,;:!]|\\q?quad(?![A-Za-z])|,)*\\forall(?![A-Za-z])\s*(.*)$", re.S)


def read_expression(latex: str) -> str:
    """An expression in words (its Unicode rendering where words would not help)."""
    latex = _PUNCTUATION.sub("", modern_fonts(latex))  # a closing "," or ".": prose, not math
    condition = _FOR_ALL.search(latex)
    if condition is not None and condition.start() > 0 and condition.group(1).strip():
        quantified = to_unicode(condition.group(1).strip())
        return f"{read_expression(latex[: condition.start()])}, for all {quantified}"
    try:
        units = _units(latex, parse(latex))
    except Exception:  # noqa: BLE001 - an expression the reader cannot parse is shown as is
        return to_unicode(latex)
    return _terms(units) or to_unicode(latex)


@dataclass
class _Unit:
    """A piece of a formula at one level: a symbol with its scripts, a big operator with its
    bounds, a fraction, a root, a group, a sign, or something shown as written."""

    kind: str  # text, big, frac, sqrt, abs, norm, sign, times, group, power
    text: str  # Unicode (text), the operator's name (big), + or - (sign)
    parts: list[list[_Unit]] = field(default_factory=list)  # frac: [top, bottom]; sqrt, abs…
    scripts: dict[str, str] = field(default_factory=dict)  # big: "_" and "^" as written
    source: str = ""  # text: the LaTeX it renders


# Letters are read one by one (ab is a times b), as symbols.py names them, but for the names
# written without a macro that are one symbol (Re, We, exp).
_WORDS = sorted(FUNCTIONS | DIMENSIONLESS, key=len, reverse=True)
_TOKEN = re.compile(r"(?:" + "|".join(_WORDS) + r")(?![A-Za-z])|[A-Za-z]|\d+(?:\.\d+)?|\S")


def _tokens(latex: str, nodes: list[Any]) -> list[tuple[str, Any]]:
    """(LaTeX, node or None) for each token of one level: characters one by one (TeX takes
    one as a script's argument), every other node whole."""
    from pylatexenc.latexwalker import LatexCharsNode, LatexSpecialsNode

    tokens: list[tuple[str, Any]] = []
    for node in nodes:
        if isinstance(node, LatexCharsNode):
            tokens += [(m.group(0), None) for m in _TOKEN.finditer(node.chars)]
        elif isinstance(node, LatexSpecialsNode):
            tokens.append((node.specials_chars, None))
        else:
            tokens.append((_source(latex, node), node))
    return tokens


_SINGLE_BARS = {"vert", "lvert", "rvert"}
_DOUBLE_BARS = {"|", "Vert", "lVert", "rVert"}


def _bar(token: tuple[str, Any]) -> str | None:
    """ "abs" for a single bar (| or \\vert), "norm" for a double one (\\| or \\Vert)."""
    text, node = token
    name = getattr(node, "macroname", None)
    if node is None and text == "|" or name in _SINGLE_BARS:
        return "abs"
    return "norm" if name in _DOUBLE_BARS else None


def _units(latex: str, nodes: list[Any]) -> list[_Unit]:
    return _read(latex, _tokens(latex, nodes))


def _read(latex: str, tokens: list[tuple[str, Any]]) -> list[_Unit]:
    from pylatexenc.latexwalker import LatexGroupNode, LatexMacroNode

    units: list[_Unit] = []
    index = 0
    while index < len(tokens):
        text, node = tokens[index]
        index += 1
        name = getattr(node, "macroname", None)
        if text in ("_", "^") and node is None:
            script = tokens[index][0] if index < len(tokens) else ""
            index += 1
            inner = script[1:-1] if script.startswith("{") and script.endswith("}") else script
            last = units[-1] if units else None
            if last is not None and last.kind == "big":
                last.scripts[text] = inner
            elif text == "^" and inner in _POWERS and last is not None:
                units.append(_Unit("power", _POWERS[inner]))
            elif (
                last is not None
                and last.kind == "text"
                and text == "^"
                and (last.source.strip() == "e" or not _simple(inner))
            ):  # an exponent: e^{-x²}, 2^{n+1}
                last.text = f"{last.text} to the power {to_unicode(inner)}"
                last.source = f"{last.source}^{{{inner}}}"
            elif last is not None and last.kind == "text":
                last.source = f"{last.source}{text}{{{inner}}}"
                last.text = to_unicode(last.source)
            else:
                units.append(_Unit("text", to_unicode(f"{text}{{{inner}}}")))
        elif text in ("(", "[") and node is None or name == "left":
            close = _closing(tokens, index - 1)
            source = "".join(t for t, _ in tokens[index - 1 : close + 1])
            index = close + 1
            rendered = to_unicode(source).strip()
            if units and units[-1].kind == "text" and units[-1].text != "/":  # f(x), p(wₜ | …)
                units[-1].source += source
                units[-1].text += rendered
            else:
                units.append(_Unit("text", rendered, source=source))
        elif (bar := _bar((text, node))) is not None and (
            end := next((j for j in range(index, len(tokens)) if _bar(tokens[j]) == bar), None)
        ) is not None:  # |x|, \\|v\\|: read inside; |s|_G, ‖v‖₂ (a script follows): as written
            source = "".join(t for t, _ in tokens[index - 1 : end + 1])
            inside = tokens[index:end]
            index = end + 1
            scripted = index < len(tokens) and tokens[index][0] in ("_", "^")
            if scripted or not inside:
                units.append(_Unit("text", to_unicode(source).strip(), source=source))
            else:
                units.append(_Unit(bar, "", [_read(latex, inside)]))
        elif set(text) == {"'"} and units and units[-1].kind == "text":  # f'': its primes
            units[-1].source += text
            units[-1].text = to_unicode(units[-1].source)
        elif text in ("+", "-") and node is None:
            units.append(_Unit("sign", text))
        elif isinstance(node, LatexMacroNode) and name in _BIG:
            units.append(_Unit("big", name))
        elif isinstance(node, LatexMacroNode) and name in ("frac", "dfrac", "tfrac"):
            top, bottom = (_units(latex, _inner(arg)) for arg in children(node)[:2])
            units.append(_Unit("frac", "", [top, bottom]))
        elif isinstance(node, LatexMacroNode) and name == "sqrt":
            units.append(_Unit("sqrt", "", [_units(latex, _inner(children(node)[-1]))]))
        elif isinstance(node, LatexMacroNode) and name in ("cdot", "times"):
            units.append(_Unit("times", name))
        elif isinstance(node, LatexMacroNode) and name == "pm":
            units.append(_Unit("sign", "±"))
        elif isinstance(node, LatexMacroNode) and name in ("quad", "qquad", "right"):
            continue
        elif isinstance(node, LatexGroupNode):
            units.append(_Unit("group", "", [_units(latex, list(node.nodelist or []))]))
        else:
            rendered = to_unicode(text).strip()
            last = units[-1] if units else None
            if (
                last is not None
                and last.kind == "text"
                and DIFFERENCE.fullmatch(last.source.strip())
                and (text.isalpha() or (name is not None and name.isalpha()))
                and name not in FUNCTIONS
            ):  # ΔG, δx: a difference and what it is of, one quantity (symbols.py)
                last.source = f"{last.source.strip()} {text}"
                last.text = to_unicode(last.source)
                continue
            if rendered and text.isdigit() and units and units[-1].kind == "text":
                last = units[-1]
                if last.source.replace(".", "").isdigit():  # 1 then 2: the number 12
                    last.source += text
                    last.text = to_unicode(last.source)
                    continue
            if rendered:
                units.append(_Unit("text", rendered, source=text))
    return units


def _closing(tokens: list[tuple[str, Any]], start: int) -> int:
    """The index of the token that closes the bracket opened at `start` (the last one when
    it is never closed); `\\left` and `\\right` take the delimiter after them along."""
    depth = 0
    index = start
    while index < len(tokens):
        text, node = tokens[index]
        name = getattr(node, "macroname", None)
        if name in ("left", "right"):
            depth += 1 if name == "left" else -1
            index += 1  # its delimiter: \\left| … \\right|
            if depth == 0:
                return min(index, len(tokens) - 1)
        elif text in ("(", "[") and node is None:
            depth += 1
        elif text in (")", "]") and node is None:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(tokens) - 1


def _inner(nodes: list[Any]) -> list[Any]:
    from pylatexenc.latexwalker import LatexGroupNode

    if len(nodes) == 1 and isinstance(nodes[0], LatexGroupNode):
        return list(nodes[0].nodelist or [])
    return nodes


def _source(latex: str, node: Any) -> str:
    return latex[node.pos : node.pos + node.len]


def _terms(units: list[_Unit]) -> str:
    """The terms of one level, joined by "plus" and "minus"."""
    terms: list[tuple[str, list[_Unit]]] = [("", [])]
    for unit in units:
        if unit.kind == "sign":
            terms.append(({"+": "plus", "-": "minus", "±": "plus or minus"}[unit.text], []))
        else:
            terms[-1][1].append(unit)
    words: list[str] = []
    for sign, term in terms:
        text = _factors(term)
        if not text:
            continue
        words.append(f"{sign} {text}".strip() if words or sign == "minus" else text)
    return ", ".join(words)


# ∇ with a product: what it does to the factor after it
_NABLA = {"cdot": "the divergence of", "times": "the curl of"}


def _factors(units: list[_Unit]) -> str:
    parts: list[str | None] = []  # None: an explicit product sign before the next factor
    for position, unit in enumerate(units):
        if unit.kind == "times":
            nabla = parts and parts[-1] == "∇" and unit.text in _NABLA
            if nabla:
                parts[-1] = _NABLA[unit.text]
            else:
                parts.append(None)
            continue
        if unit.kind == "big":
            rest = _factors(units[position + 1 :])
            phrase = f"{_BIG[unit.text]}{_range(unit.text, unit.scripts)}"
            parts.append(f"{phrase} of {rest}" if rest else phrase)
            break
        if unit.kind == "frac":
            if parts:
                parts.append(None)  # c (a/b): a product, not c applied to a fraction
            top, bottom = (_terms(part) or "?" for part in unit.parts)
            short = len(top) <= 3 and len(bottom) <= 3
            parts.append(f"{top}/{bottom}" if short else f"{_wrap(top)} divided by {_wrap(bottom)}")
        elif unit.kind == "sqrt":
            parts.append(f"the square root of {_terms(unit.parts[0])}")
        elif unit.kind in ("abs", "norm"):
            what = "the absolute value" if unit.kind == "abs" else "the norm"
            parts.append(f"{what} of {_wrap(_terms(unit.parts[0]))}")
        elif unit.kind == "power" and parts and parts[-1] is not None:
            parts[-1] = f"{parts[-1]} {unit.text}"
        elif unit.kind == "group":
            inner = _terms(unit.parts[0])
            if inner:
                parts.append(_wrap(inner))
        elif unit.kind == "text":
            parts.append(unit.text)
    return _join(parts)


def _wrap(text: str) -> str:
    return f"({text})" if ", " in text else text


def _join(parts: list[str | None]) -> str:
    """Factors joined by "times"; a parenthesis right after a function is its argument, unless
    a product sign stands between them (`∇ × (b c)`, None in `parts`)."""
    joined: list[str] = []
    explicit = divided = False
    for part in parts:
        if part is None:
            explicit = True
            continue
        if part == "/" and joined:
            divided = True  # 2 ln(n)/n: what follows divides what comes before
            continue
        if divided:
            joined.append(f"divided by {part}")
            divided = False
        elif joined and joined[-1].endswith(" of"):
            joined[-1] = f"{joined[-1]} {part}"  # the divergence of 𝐄
        elif joined and part.startswith("(") and not joined[-1].endswith(")") and not explicit:
            joined[-1] = f"{joined[-1]}{part}"  # f(x), p(wₜ | …): applied, written as is
        elif joined:
            joined.append(f"times {part}")
        else:
            joined.append(part)
        explicit = False
    return " ".join(joined)


def _range(name: str, scripts: dict[str, str]) -> str:
    below, above = scripts.get("_"), scripts.get("^")
    if below is None and above is None:
        return ""
    if name in ("int", "oint"):
        ends = [
            f"from {to_unicode(below)}" if below else "",
            f"to {to_unicode(above)}" if above else "",
        ]
        return " " + " ".join(e for e in ends if e)
    if name == "lim" and below is not None:
        return f" as {to_unicode(below)}"
    if below is not None and "=" in below and above is not None:
        variable, start = below.split("=", 1)
        return f" over {to_unicode(variable)} from {to_unicode(start)} to {to_unicode(above)}"
    over = f" over {to_unicode(below)}" if below is not None else ""
    return over + (f" up to {to_unicode(above)}" if above is not None else "")


# Every word the reader writes besides the formula's own symbols (a paraphrase may use them).
VOCABULARY = " ".join(
    [
        *RELATION_WORDS.values(),
        *_BIG.values(),
        *_POWERS.values(),
        "times plus minus over from to of up as divided by square root power row here where "
        "is are not defined in the document given said an index formula equation absolute "
        "value norm",
    ]
)
