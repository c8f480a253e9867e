"""A formula's pieces at one level, as verify/formula/reading.py words them: a symbol with its
scripts, a big operator with its bounds, a fraction, a root, a group, an absolute value or a
norm, a sign, a product sign, a power; each with the parts inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from galcli.verify.formula.atoms import is_prose
from galcli.verify.formula.parse import children
from galcli.verify.formula.rendering import to_unicode
from galcli.verify.formula.symbols import simple_script as _simple
from galcli.verify.formula.vocabulary import DIFFERENCE, DIMENSIONLESS, FUNCTIONS, RELATIONS

BIG = {
    "sum": "the sum",
    "prod": "the product",
    "bigcup": "the union",
    "bigcap": "the intersection",
    "int": "the integral",
    "oint": "the contour integral",
    "iint": "the double integral",
    "iiint": "the triple integral",
    "max": "the maximum",
    "min": "the minimum",
    "sup": "the supremum",
    "inf": "the infimum",
    "lim": "the limit",
    "argmax": "the argument of the maximum",
    "argmin": "the argument of the minimum",
}
POWERS = {"2": "squared", "3": "cubed", "-1": "inverted"} | {
    transpose: "transposed"
    for transpose in ("T", "\\top", "\\intercal", "\\mathrm{T}", "\\mathsf{T}", "\\rm T")
}


@dataclass
class Unit:
    """A piece of a formula at one level: a symbol with its scripts, a big operator with its
    bounds, a fraction, a root, a group, a sign, or something shown as written."""

    kind: str  # text, big, frac, sqrt, abs, norm, sign, times, group, power, prose
    text: str  # Unicode (text), the operator's name (big), + or - (sign)
    parts: list[list[Unit]] = field(default_factory=list)  # frac: [top, bottom]; sqrt, abs…
    scripts: dict[str, str] = field(default_factory=dict)  # big: "_" and "^" as written
    source: str = ""  # text: the LaTeX it renders


# Letters are read one by one (ab is a times b), as symbols.py names them, but for the names
# written without a macro that are one symbol (Re, We, exp).
_WORDS = sorted(FUNCTIONS | DIMENSIONLESS, key=len, reverse=True)
_TOKEN = re.compile(
    r"(?:" + "|".join(_WORDS) + r")(?![A-Za-z])|[A-Za-z]|\d+(?:\.\d+)?|\.\.\.|\S"
)  # "0, 1, 2, ...": an ellipsis is one token


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


_ELLIPSIS = {"...": "…"}
# Operators between two sets or spaces, read as written ("A ∪ B", not "A times ∪ times B")
_BETWEEN = frozenset(
    "cup cap setminus oplus otimes ominus odot wedge vee circ bigtriangleup triangle star ast "
    "bullet".split()
)


def units_of(latex: str, nodes: list[Any]) -> list[Unit]:
    return _read(latex, _tokens(latex, nodes))


def _read(latex: str, tokens: list[tuple[str, Any]]) -> list[Unit]:
    from pylatexenc.latexwalker import LatexGroupNode, LatexMacroNode

    units: list[Unit] = []
    index = 0
    while index < len(tokens):
        text, node = tokens[index]
        index += 1
        name = getattr(node, "macroname", None)
        if text in ("_", "^") and node is None:
            script = tokens[index][0] if index < len(tokens) else ""
            index += 1
            script = script.strip()  # a control word's source keeps the space after it: "\\top "
            inner = script[1:-1] if script.startswith("{") and script.endswith("}") else script
            last = units[-1] if units else None
            if last is not None and last.kind == "group" and last.source:
                # {\\bvec{r}}_\\theta, {y'}^\\star: the group is the symbol the script is of
                last.kind, last.parts = "text", []
                last.text = to_unicode(last.source)
            if last is not None and last.kind == "big":
                last.scripts[text] = inner
            elif (
                text == "^"
                and re.fullmatch(r"-1|\d|[a-z]", inner)
                and last is not None
                and last.kind == "text"
                and last.source.strip().lstrip("\\") in FUNCTIONS
            ):  # cosh⁻¹ is the inverse function, not 1/cosh, and sin² x the square of sin x:
                # kept as written, applied as cosh and sin are
                last.source = f"{last.source.strip()}^{{{inner}}}"
                last.text = to_unicode(last.source)
            elif text == "^" and inner in POWERS and last is not None:
                units.append(Unit("power", POWERS[inner]))
            elif (
                last is not None
                and last.kind == "text"
                and text == "^"
                and (
                    last.source.strip() == "e"
                    or not _simple(inner)
                    and not (index < len(tokens) and _opens_argument(tokens[index]))
                )
            ):  # an exponent: e^{-x²}, 2^{n+1}; not an index of a function: P_n^{|m|}(x)
                last.text = f"{last.text} to the power {to_unicode(inner)}"
                last.source = f"{last.source}^{{{inner}}}"
            elif last is not None and last.kind == "text":
                last.source = f"{last.source}{text}{{{inner}}}"
                last.text = to_unicode(last.source)
            else:
                units.append(Unit("text", to_unicode(f"{text}{{{inner}}}")))
        elif (name == "{" and (close := _closing(tokens, index - 1)) > index - 1) or (
            name in _PAIRED and (close := _paired(tokens, index - 1)) > index - 1
        ):
            # a set, \\{x \\in \\mathbb{Z} : x \\leq n\\}, a mean ⟨x⟩, an Iverson bracket
            # ⟦i ∈ S⟧: shown as written
            source = " ".join(t for t, _ in tokens[index - 1 : close + 1])
            source = re.sub(r"\s*([_^])\s*", r"\1", source)  # f_0, not f _ 0
            written = " ".join(to_unicode(source).split())
            written = re.sub(r"([{(⟨⟦])\s+|\s+([})⟩⟧])", r"\1\2", written)
            units.append(Unit("text", written, source=source))
            index = close + 1
        elif isinstance(node, LatexMacroNode) and name in _BETWEEN:
            units.append(Unit("prose", to_unicode(text).strip()))  # A ∪ B: read as written
        elif text in ("(", "[") and node is None or name == "left":
            close = _closing(tokens, index - 1)
            bar = _bar(tokens[index]) if name == "left" and index < close else None
            scripted = close + 1 < len(tokens) and tokens[close + 1][0] in ("_", "^")
            if bar and _bar(tokens[close]) == bar and not scripted and index + 1 < close - 1:
                # \left| x \right|, \left\lVert v \right\rVert: as |x| and ‖v‖
                units.append(Unit(bar, "", [_read(latex, tokens[index + 1 : close - 1])]))
                index = close + 1
                continue
            source = "".join(t for t, _ in tokens[index - 1 : close + 1])
            index = close + 1
            rendered = to_unicode(source).strip()
            last = units[-1] if units else None
            if (
                last is not None
                and last.kind == "text"
                and last.text != "/"
                and not last.source.strip()[:1].isdigit()  # 3(b), 2^{n+1}(a): products
                and " to the power " not in last.text  # e^{-x}(1+x) too
            ):  # f(x), p(wₜ | …): applied
                units[-1].source += source
                units[-1].text += rendered
            else:
                units.append(Unit("text", rendered, source=source))
        elif (bar := _bar((text, node))) is not None and (
            end := _closing_bar(tokens, index, bar)
        ) is not None:  # |x|, \\|v\\|: read inside; |s|_G, ‖v‖₂ (a script follows): as written
            source = "".join(t for t, _ in tokens[index - 1 : end + 1])
            inside = tokens[index:end]
            index = end + 1
            scripted = index < len(tokens) and tokens[index][0] in ("_", "^")
            if scripted or not inside:
                units.append(Unit("text", to_unicode(source).strip(), source=source))
            else:
                units.append(Unit(bar, "", [_read(latex, inside)]))
        elif set(text) == {"'"} and units and units[-1].kind == "text":  # f'': its primes
            units[-1].source += text
            units[-1].text = to_unicode(units[-1].source)
        elif text in ("+", "-") and node is None:
            units.append(Unit("sign", text))
        elif text == "!" and node is None and units and units[-1].kind in ("text", "group"):
            units.append(Unit("power", "factorial"))  # n!, (m+p)!
        elif name == "textup":  # a unit (siunits.py): one factor with the number before it
            unit = to_unicode(text).strip()
            last = units[-1] if units else None
            if last is not None and last.kind == "text" and re.fullmatch(r"[\d.\s]+", last.source):
                last.text, last.source = f"{last.text} {unit}", f"{last.source} {text}"
            else:
                units.append(Unit("text", unit, source=text))
        elif (text in (",", ";", ".", "...") and node is None) or (
            name is not None and is_prose(name, text[len(name) + 1 :])
        ):  # "a, \\mbox{if } b > 0", "p_t. N_t = …": words between the math, read as written
            units.append(
                Unit("prose", to_unicode(text).strip() if node else _ELLIPSIS.get(text, text))
            )
        elif (node is None and text in ("=", "<", ">", "|")) or (
            isinstance(node, LatexMacroNode) and name in RELATIONS
        ):  # a relation inside a bracket or a condition: "⟦i ∉ Xₜ⟧", "𝐗₀ | θ", as written
            units.append(Unit("prose", to_unicode(text).strip()))
        elif name == "forall":
            units.append(Unit("prose", "for all"))
        elif isinstance(node, LatexMacroNode) and name in BIG:
            units.append(Unit("big", name))
        elif isinstance(node, LatexMacroNode) and name in ("frac", "dfrac", "tfrac"):
            top, bottom = (units_of(latex, _inner(arg)) for arg in children(node)[:2])
            units.append(Unit("frac", "", [top, bottom]))
        elif isinstance(node, LatexMacroNode) and name == "sqrt":
            units.append(Unit("sqrt", "", [units_of(latex, _inner(children(node)[-1]))]))
        elif isinstance(node, LatexMacroNode) and name in ("cdot", "times"):
            units.append(Unit("times", name))
        elif isinstance(node, LatexMacroNode) and name in ("pm", "mp"):
            units.append(Unit("sign", "±" if name == "pm" else "∓"))
        elif isinstance(node, LatexMacroNode) and name in ("quad", "qquad", "right"):
            continue
        elif isinstance(node, LatexGroupNode):
            units.append(
                Unit("group", "", [units_of(latex, list(node.nodelist or []))], source=text)
            )
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
                units.append(Unit("text", rendered, source=text))
    return units


_PAIRED = {"langle": "rangle", "llbracket": "rrbracket"}


def _paired(tokens: list[tuple[str, Any]], start: int) -> int:
    """The index of the `\\rangle` that closes the `\\langle` at `start` (likewise ⟦ ⟧), or
    `start` when none does."""
    opening = getattr(tokens[start][1], "macroname", None)
    depth = 0
    for index in range(start, len(tokens)):
        name = getattr(tokens[index][1], "macroname", None)
        depth += (name == opening) - (name == _PAIRED.get(opening or ""))
        if depth == 0:
            return index
    return start


def _closing_bar(tokens: list[tuple[str, Any]], start: int, bar: str) -> int | None:
    """The index of the bar that closes |…| from `start` on, outside the parentheses in
    between (`\\big|(\\Delta(i | S) - x)\\big|`), or None."""
    depth = 0
    for index in range(start, len(tokens)):
        text, node = tokens[index]
        if node is None and text in ("(", "["):
            depth += 1
        elif node is None and text in (")", "]"):
            depth -= 1
        elif depth <= 0 and _bar(tokens[index]) == bar:
            return index
    return None


def _opens_argument(token: tuple[str, Any]) -> bool:
    text, node = token
    return (text == "(" and node is None) or getattr(node, "macroname", None) == "left"


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
        elif text in ("(", "[") and node is None or name == "{":
            depth += 1
        elif text in (")", "]") and node is None or name == "}":
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
