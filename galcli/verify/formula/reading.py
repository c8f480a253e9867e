"""A formula read out in words, from its parse alone: which relation holds, what is summed over
what, what is divided by what, what a function is applied to.

The row `h^0_t = W^{(e)}u_t + W^{(p)}` reads "h⁰ₜ equals W⁽ᵉ⁾uₜ plus W⁽ᵖ⁾". The
words come from a fixed vocabulary of operations and the formula's own symbols (in Unicode), so
the sentence can say nothing the formula does not: explain-formula prints it as a verified part.
Parts the reader has no words for are written as their Unicode rendering.
"""

from __future__ import annotations

import re
import unicodedata

from galcli.verify.formula.inventory import Row, rows
from galcli.verify.formula.parse import parse, plain_math
from galcli.verify.formula.rendering import modern_fonts, to_unicode
from galcli.verify.formula.units import BIG, POWERS, Unit, units_of
from galcli.verify.formula.vocabulary import DEFINITIONS, FUNCTIONS, UPRIGHT_D

RELATION_WORDS = {
    "=": "equals",
    ":=": "is defined as",
    "\\coloneqq": "is defined as",
    "\\equiv": "is defined as",
    "\\triangleq": "is defined as",
    "\\approx": "is approximately",
    "\\simeq": "is approximately",
    "\\sim": "∼",  # distributed as (statistics) or of the order of (physics): as written
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


def read_row(row: Row) -> str:
    """A row in words: "LEFT RELATION RIGHT", "RELATION RIGHT" for a row that goes on from
    the one before (`&= …`), or the expression alone."""
    if row.right is None or row.relation is None:
        return read_expression(row.latex)
    said = f"{_relation(row.relation)} {_chained(row.right)}"
    return said if row.left is None else f"{read_expression(row.left)} {said}"


def _relation(written: str) -> str:
    return RELATION_WORDS.get(
        written,
        "is defined as" if written in DEFINITIONS else f"is related by {to_unicode(written)} to",
    )


def _chained(right: str) -> str:
    """A row's right side, which may hold further relations: `a = b = c` is "a equals b,
    which equals c" (not "b times = times c")."""
    inner = _ENVIRONMENT.sub(" ", right)  # a matrix's own rows are no rows of the formula
    rest = rows(right)[0] if "\\\\" not in inner else None
    if rest is None or rest.relation is None or rest.left is None or rest.right is None:
        return read_expression(right)
    return f"{read_expression(rest.left)}, which {_relation(rest.relation)} {_chained(rest.right)}"


_ENVIRONMENT = re.compile(r"\\begin\{([A-Za-z]+\*?)\}.*?\\end\{\1\}", re.S)
_PUNCTUATION = re.compile(r"(?:\s|\\[,;:!]|\\q?quad)*(?:[.,;]|\\text\{\s*[.,;]\s*\})\s*$")


# `… = d_{i,t} \qquad \forall i,t`: a condition on the whole row, not a factor of its last term
_FOR_ALL = re.compile(r"(?:\s|\\[,;:!]|\\q?quad(?![A-Za-z])|,)*\\forall(?![A-Za-z])\s*(.*)$", re.S)


def read_expression(latex: str) -> str:
    """An expression in words (its Unicode rendering where words would not help)."""
    # a closing "," or "." is prose, not math, also before a \\tag or \\label (plain_math)
    latex = _PUNCTUATION.sub("", modern_fonts(plain_math(latex)))
    condition = _FOR_ALL.search(latex)
    if condition is not None and condition.start() > 0 and condition.group(1).strip():
        quantified = to_unicode(condition.group(1).strip())
        return f"{read_expression(latex[: condition.start()])}, for all {quantified}"
    try:
        units = units_of(latex, parse(latex))
    except Exception:  # noqa: BLE001 - an expression the reader cannot parse is shown as is
        return to_unicode(latex)
    return _terms(units) or to_unicode(latex)


def _terms(units: list[Unit]) -> str:
    """The terms of one level, joined by "plus" and "minus"."""
    terms: list[tuple[str, list[Unit]]] = [("", [])]
    for unit in units:
        if unit.kind == "sign":
            signs = {"+": "plus", "-": "minus", "±": "plus or minus", "∓": "minus or plus"}
            terms.append((signs[unit.text], []))
        else:
            terms[-1][1].append(unit)
    words: list[str] = []
    for sign, term in terms:
        text = _factors(term)
        if not text:
            continue
        words.append(f"{sign} {text}".strip() if words or sign == "minus" else text)
    return ", ".join(words)


# ∇ with a product: what it does to the factor after it (without one: its gradient)
_NABLA = {"cdot": "the divergence of", "times": "the curl of"}


def _factors(units: list[Unit]) -> str:
    units = _differentials(units, italic=False)
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
            integrand = units[position + 1 :]
            if unit.text in _INTEGRALS:
                integrand = _differentials(integrand)
            rest = _factors(integrand)
            phrase = f"{BIG[unit.text]}{_range(unit.text, unit.scripts)}"
            parts.append(f"{phrase} of {rest}" if rest else phrase)
            break
        if unit.kind == "frac" and (derivative := _derivative(*unit.parts[:2])) is not None:
            parts.append(derivative)  # ∂f/∂t: the partial derivative of f with respect to t
        elif unit.kind == "frac":
            if parts:
                parts.append(None)  # c (a/b): a product, not c applied to a fraction
            top, bottom = (_terms(part) or "?" for part in unit.parts)
            short = len(top) <= 3 and len(bottom) <= 3
            parts.append(
                f"{top}/{bottom}" if short else f"{_wrap(top)} divided by {_divisor(bottom)}"
            )
            parts.append(None)  # (C/ζ²)(1-ζ³): a product, the parenthesis no argument
        elif unit.kind == "sqrt":
            parts.append(f"the square root of {_divisor(_terms(unit.parts[0]))}")
        elif unit.kind in ("abs", "norm"):
            what = "the absolute value" if unit.kind == "abs" else "the norm"
            parts.append(f"{what} of {_wrap(_terms(unit.parts[0]))}")
        elif unit.kind == "power" and parts and parts[-1] is not None:
            parts[-1] = f"{parts[-1]} {unit.text}"
        elif unit.kind == "group":
            inner = _terms(unit.parts[0])
            if inner:
                parts.append(_wrap(inner))
        elif unit.kind == "text" and parts and parts[-1] in ("∇", "∇ squared"):
            what = "the gradient" if parts[-1] == "∇" else "the Laplacian"
            parts[-1] = f"{what} of {unit.text}"  # ∇T, ∇²u
        elif unit.kind == "text":
            parts.append(unit.text)
        elif unit.kind == "prose":
            parts.append(PROSE + unit.text)
    return _join(parts)


PROSE = "\0"  # marks words of the formula's own ("if", ","), joined without "times"

_INTEGRALS = frozenset({"int", "iint", "iiint", "oint"})


def _differentials(units: list[Unit], italic: bool = True) -> list[Unit]:
    """Differentials as written: "f(x) dx", not "f(x) times d times x": an upright d
    (\\mathrm{d}, \\text{d}) before a symbol anywhere, an italic one in an integrand."""
    merged: list[Unit] = []
    for unit in units:
        last = merged[-1] if merged else None
        if (
            unit.kind == "text"
            and last is not None
            and last.kind == "text"
            and last.text == "d"
            and (italic or UPRIGHT_D.fullmatch(last.source.strip()))
        ):
            merged[-1] = Unit("prose", f"d{unit.text}")
        else:
            merged.append(unit)
    return merged


_ORDERS = {"squared": "second ", "cubed": "third "}


def _derivative(top: list[Unit], bottom: list[Unit]) -> str | None:
    """A fraction that is a derivative in Leibniz's notation, in words: `\\frac{df}{dx}`,
    `\\frac{\\partial^2 u}{\\partial x^2}`, `\\frac{d}{dt}` (of what follows); None for any
    other fraction."""
    while len(bottom) == 1 and bottom[0].kind == "group" and bottom[0].parts:
        bottom = bottom[0].parts[0]  # {{\\td s}}: a document's macro's braces
    if not top or not bottom or top[0].kind != "text" or top[0].text not in ("d", "∂"):
        return None
    if bottom[0].kind != "text" or bottom[0].text != top[0].text or len(bottom) < 2:
        return None
    order = ""
    if len(top) > 1 and top[1].kind == "power":
        if top[1].text not in _ORDERS or bottom[-1].kind != "power":
            return None
        order, top, bottom = _ORDERS[top[1].text], [top[0], *top[2:]], bottom[:-1]
    variable = bottom[1:]
    if len(variable) != 1 or variable[0].kind != "text":
        return None  # ∂x ∂y, or more than one variable: read as a fraction
    kind = f"{order}{'partial ' if top[0].text == '∂' else ''}derivative"
    of = _factors(top[1:])
    if not of:
        return f"the {kind} with respect to {variable[0].text} of"  # d/dt, of what follows
    return f"the {kind} of {of} with respect to {variable[0].text}"


def _wrap(text: str) -> str:
    return f"({text})" if ", " in text else text


def _divisor(text: str) -> str:
    """What a fraction divides by or a root is of, in parentheses when it is a product too:
    "1 divided by (4 times π squared)", "the square root of (2 times π)"."""
    return f"({text})" if ", " in text or " times " in text else text


_POWER = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ]+$")  # cos⁻¹, sin², sinⁿ


def _transform(text: str) -> bool:
    """A script capital (ℱ, ℒ, 𝒵): a transform, applied to the braces after it."""
    return len(text) == 1 and "SCRIPT CAPITAL" in unicodedata.name(text, "")


def _join(parts: list[str | None]) -> str:
    """Factors joined by "times"; a parenthesis right after a function is its argument, unless
    a product sign stands between them (`∇ × (b c)`, None in `parts`)."""
    joined: list[str] = []
    explicit = divided = loose = False
    for part in parts:
        if part is None:
            explicit = True
            continue
        if part.startswith(PROSE):  # "a, if b": the formula's own words, as written
            words = part[len(PROSE) :]
            if joined and words in (",", ";", "."):
                joined[-1] += words
            else:
                joined.append(words)
            loose = True
            continue
        if loose:
            joined.append(part)
            loose = explicit = False
            continue
        if part == "/" and joined:
            divided = True  # 2 ln(n)/n: what follows divides what comes before
            continue
        if divided:
            joined.append(f"divided by {part}")
            divided = False
        elif joined and joined[-1].endswith(" of"):
            joined[-1] = f"{joined[-1]} {part}"  # the divergence of 𝐄
        elif (
            joined
            and part.startswith("(")
            and not joined[-1].endswith(")")
            and not explicit
            and not joined[-1].split()[-1][:1].isdigit()  # 2ⁿ⁺¹(a) is a product
            and " to the power " not in joined[-1]  # e^{-x}(1+x) too
        ):
            joined[-1] = f"{joined[-1]}{part}"  # f(x), p(wₜ | …): applied, written as is
        elif joined and part.startswith("{") and _transform(joined[-1]) and not explicit:
            joined[-1] = f"{joined[-1]}{part}"  # ℱ{g}: a transform of what the braces hold
        elif joined and _POWER.sub("", joined[-1].split()[-1]) in FUNCTIONS and not explicit:
            joined[-1] = f"{joined[-1]} {part}"  # ln ℒ, sin² θ: applied without parentheses
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
    if name in _INTEGRALS:
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
        *BIG.values(),
        *POWERS.values(),
        *_NABLA.values(),
        *_ORDERS.values(),
        "times plus minus over from to of up as divided by square root power row here where "
        "is are not defined in the document given said an index formula equation absolute "
        "value norm for all partial derivative with respect which",
    ]
)
