"""LaTeX formulas: delimiters and labels stripped, macros expanded, parsed by pylatexenc, and
described deterministically (a Unicode rendering, an inventory of symbols, the structure).

Parse errors carry the column in the formula, so the user gets a caret under the problem.
Nothing here needs a model.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from galcli.errors import InputError
from galcli.verify.texlex import (  # noqa: F401  (Definition, parse_definitions: re-exported)
    Definition,
    group,
    mask,
    parse_definitions,
    skip_space,
)

MATH_ENVIRONMENTS = (
    "equation",
    "align",
    "gather",
    "multline",
    "eqnarray",
    "flalign",
    "alignat",
    "displaymath",
    "math",
)
INNER_ENVIRONMENTS = {
    "split",
    "aligned",
    "gathered",
    "alignedat",
    "cases",
    "dcases",
    "rcases",
    "matrix",
    "pmatrix",
    "bmatrix",
    "Bmatrix",
    "vmatrix",
    "Vmatrix",
    "smallmatrix",
    "array",
    "subarray",
    "substack",
    "subequations",
}
_ENVIRONMENT = re.compile(
    r"^\s*\\begin\{(?P<env>(?:"
    + "|".join(MATH_ENVIRONMENTS)
    + r")\*?)\}(?P<body>.*)\\end\{(?P=env)\}\s*$",
    re.S,
)
_DELIMITED = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$"))
_LABELS = re.compile(r"\\label\s*\{[^{}]*\}|\\tag\*?\s*\{[^{}]*\}|\\nonumber\b|\\notag\b")

GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "rho",
    "varrho",
    "sigma",
    "varsigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
    "ell",
    "varpi",
}
CONSTANTS = {"pi", "infty", "hbar", "e", "imath", "jmath", "aleph"}
OPERATORS = {
    "nabla",
    "partial",
    "cdot",
    "times",
    "div",
    "pm",
    "mp",
    "sum",
    "prod",
    "coprod",
    "int",
    "iint",
    "iiint",
    "oint",
    "circ",
    "bullet",
    "otimes",
    "oplus",
    "odot",
    "wedge",
    "vee",
    "cup",
    "cap",
    "setminus",
    "lim",
    "max",
    "min",
    "sup",
    "inf",
    "limsup",
    "liminf",
    "det",
    "dim",
    "ker",
    "deg",
    "gcd",
    "Pr",
    "bigcup",
    "bigcap",
    "bigoplus",
    "bigotimes",
    "land",
    "lor",
    "neg",
    "lnot",
    "star",
    "ast",
    "dagger",
    "triangle",
    "Box",
    "square",
    "frac",
    "dfrac",
    "tfrac",
    "sqrt",
    "binom",
    "forall",
    "exists",
    "prime",
}
RELATIONS = {
    "leq",
    "le",
    "geq",
    "ge",
    "neq",
    "ne",
    "approx",
    "equiv",
    "sim",
    "simeq",
    "cong",
    "propto",
    "in",
    "notin",
    "ni",
    "subset",
    "subseteq",
    "supset",
    "supseteq",
    "to",
    "rightarrow",
    "leftarrow",
    "Rightarrow",
    "Leftarrow",
    "leftrightarrow",
    "Leftrightarrow",
    "iff",
    "implies",
    "mapsto",
    "ll",
    "gg",
    "lesssim",
    "gtrsim",
    "prec",
    "succ",
    "preceq",
    "succeq",
    "perp",
    "parallel",
    "mid",
    "coloneqq",
    "eqqcolon",
    "triangleq",
    "doteq",
    "models",
    "vdash",
}
FUNCTIONS = {
    "sin",
    "cos",
    "tan",
    "cot",
    "sec",
    "csc",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "coth",
    "log",
    "ln",
    "lg",
    "exp",
    "arg",
    "Re",
    "Im",
    "tr",
    "Tr",
    "operatorname",
    "erf",
    "sgn",
    "softmax",
}
STYLES = {
    "mathbf",
    "mathrm",
    "mathit",
    "mathcal",
    "mathbb",
    "mathfrak",
    "mathsf",
    "mathtt",
    "boldsymbol",
    "bm",
    "vec",
    "hat",
    "bar",
    "tilde",
    "dot",
    "ddot",
    "overline",
    "underline",
    "widehat",
    "widetilde",
    "check",
    "breve",
    "acute",
    "grave",
    "mathscr",
    "pmb",
    "overrightarrow",
}
IGNORED = {
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "middle",
    ",",
    ";",
    ":",
    "!",
    " ",
    "quad",
    "qquad",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "limits",
    "nolimits",
    "text",
    "mbox",
    "textrm",
    "textit",
    "textbf",
    "mathrm*",
    "\\",
    "cr",
    "hline",
    "label",
    "nonumber",
    "notag",
    "tag",
    "underbrace",
    "overbrace",
    "phantom",
    "vphantom",
    "hphantom",
    "enspace",
    "thinspace",
    "negthinspace",
    "lbrace",
    "rbrace",
    "langle",
    "rangle",
    "lvert",
    "rvert",
    "lVert",
    "rVert",
    "vert",
    "Vert",
    "lfloor",
    "rfloor",
    "lceil",
    "rceil",
    "ldots",
    "cdots",
    "vdots",
    "ddots",
    "dots",
    "begin",
    "end",
    "stackrel",
    "overset",
    "underset",
    "not",
    "mathstrut",
    "strut",
    "color",
    "textcolor",
    "boxed",
    "cancel",
}
# Argument specs pylatexenc's default database lacks, so that e.g. \dfrac{a}{b} parses as one.
EXTRA_SPECS = {
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
INEQUALITIES = {
    "<",
    ">",
    "\\leq",
    "\\le",
    "\\geq",
    "\\ge",
    "\\neq",
    "\\ne",
    "\\ll",
    "\\gg",
    "\\lesssim",
    "\\gtrsim",
    "\\prec",
    "\\succ",
    "\\preceq",
    "\\succeq",
}
DEFINITIONS = {
    ":=",
    "\\coloneqq",
    "\\triangleq",
    "\\equiv",
    "\\doteq",
    "\\stackrel{def}{=}",
    "\\overset{def}{=}",
    "\\stackrel{\\text{def}}{=}",
    "\\overset{\\text{def}}{=}",
}
SUBSCRIPTS = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=False)
)
SUPERSCRIPTS = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=False))

logging.getLogger("pylatexenc").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Symbol:
    latex: str
    unicode: str
    role: str  # variable, constant, operator, relation, function, subscript, superscript

    def to_dict(self) -> dict[str, str]:
        return {"latex": self.latex, "unicode": self.unicode, "role": self.role}


@dataclass
class Formula:
    source: str  # as given
    latex: str  # delimiters, labels and tags stripped, macros expanded
    environment: str | None = None
    label: str | None = None
    macros_expanded: list[str] = field(default_factory=list)


def caret(latex: str, column: int) -> str:
    """The formula's line holding `column` (1-based) and a caret under that column."""
    start = latex.rfind("\n", 0, max(column - 1, 0)) + 1
    end = latex.find("\n", start)
    line = latex[start : end if end >= 0 else len(latex)]
    return f"  {line}\n  {' ' * (column - 1 - start)}^"


def formula_error(message: str, latex: str, column: int, *, hint: str | None = None) -> InputError:
    column = max(1, min(column, len(latex) + 1))
    return InputError(
        f"{message} (column {column})",
        detail=caret(latex, column),
        hint=hint or "fix the LaTeX; galcli parses formulas with pylatexenc",
    )


# -- from text to a formula -----------------------------------------------------------------


def _label(source: str) -> str | None:
    label = re.search(r"\\label\s*\{([^{}]*)\}", source)
    return label.group(1).strip() if label else None


def strip_math(text: str) -> tuple[str, str | None, str | None]:
    """(math content, environment or delimiter, label) of a formula given with or without its
    `$…$`, `\\(…\\)`, `\\[…\\]`, `$$…$$` or `equation`/`align`/… wrapper."""
    body, environment = text.strip(), None
    match = _ENVIRONMENT.match(body)
    if match:
        body, environment = match["body"], match["env"]
    else:
        for opening, closing in _DELIMITED:
            if (
                body.startswith(opening)
                and body.endswith(closing)
                and len(body) >= len(opening) + len(closing)
            ):
                body, environment = body[len(opening) : len(body) - len(closing)], opening + closing
                break
    label = _label(body)
    body = _LABELS.sub(" ", body).strip()
    # A final row break ends nothing (LaTeX ignores it; pylatexenc would wait for a next row).
    body = re.sub(r"(\\\\(\[[^\]]*\])?\s*)+$", "", body).rstrip()
    return body, environment, label


def expand_macros(
    latex: str, definitions: dict[str, Definition], depth: int = 8
) -> tuple[str, list[str]]:
    """Replace uses of `definitions` in `latex` (nested uses too, `depth` rounds at most)."""
    used: list[str] = []
    if not definitions:
        return latex, used
    pattern = re.compile(
        r"\\("
        + "|".join(sorted(map(re.escape, definitions), key=len, reverse=True))
        + r")(?![A-Za-z@])"
    )
    for _ in range(depth):
        pieces, position, changed = [], 0, False
        for match in pattern.finditer(latex):
            if match.start() < position:
                continue
            definition = definitions[match.group(1)]
            cursor, arguments = match.end(), []
            if definition.default is not None:
                optional = group(latex, skip_space(latex, cursor), "[", "]")
                if optional:
                    arguments.append(latex[optional[0] : optional[1]])
                    cursor = optional[1] + 1
                else:
                    arguments.append(definition.default)
            while len(arguments) < definition.arguments:
                cursor = skip_space(latex, cursor)
                braced = group(latex, cursor, "{", "}")
                if braced:
                    arguments.append(latex[braced[0] : braced[1]])
                    cursor = braced[1] + 1
                elif cursor < len(latex):
                    token = re.match(r"\\[A-Za-z@]+|.", latex[cursor:], re.S).group(0)
                    arguments.append(token)
                    cursor += len(token)
                else:
                    break
            body = definition.body
            for index, argument in enumerate(arguments, 1):
                body = body.replace(f"#{index}", argument)
            pieces += [latex[position : match.start()], body]
            position, changed = cursor, True
            if definition.name not in used:
                used.append(definition.name)
        if not changed:
            break
        latex = "".join(pieces) + latex[position:]
    return latex, used


def prepare(text: str, definitions: dict[str, Definition] | None = None) -> Formula:
    body, environment, label = strip_math(text)
    if not body:
        raise InputError("the formula is empty", hint="give a LaTeX formula, e.g. 'E = mc^2'")
    expanded, used = expand_macros(body, definitions or {})
    return Formula(
        source=text, latex=expanded, environment=environment, label=label, macros_expanded=used
    )


# -- parsing --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _context() -> Any:
    from pylatexenc.latexwalker import get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec

    database = get_default_latex_context_db()
    database.add_context_category(
        "galcli-math",
        prepend=True,
        macros=[MacroSpec(name, spec) for name, spec in EXTRA_SPECS.items()],
    )
    return database


_DANGLING_SCRIPT = re.compile(r"(?<!\\)[_^](?=\s*(?:$|[}&^_]|\\\\))")


def parse(latex: str) -> list[Any]:
    """pylatexenc nodes of `latex` in math mode; InputError with a column on bad input."""
    from pylatexenc.latexwalker import LatexEnvironmentNode, LatexWalker, LatexWalkerError

    walker = LatexWalker(latex, latex_context=_context(), tolerant_parsing=False)
    try:
        nodes, _, _ = walker.get_latex_nodes(
            parsing_state=walker.make_parsing_state(in_math_mode=True)
        )
    except LatexWalkerError as exc:
        position = getattr(exc, "pos", None)
        message = getattr(exc, "msg", None) or str(exc).splitlines()[0]
        raise formula_error(message.rstrip("."), latex, (position or 0) + 1) from exc
    except (RecursionError, IndexError, ValueError, TypeError, AttributeError) as exc:
        raise formula_error(f"cannot parse the formula ({type(exc).__name__})", latex, 1) from exc

    if script := _DANGLING_SCRIPT.search(latex):
        what = "superscript" if script.group(0) == "^" else "subscript"
        raise formula_error(
            f"{what} '{script.group(0)}' has no argument",
            latex,
            script.start() + 1,
            hint=f"write what it applies to, e.g. x{script.group(0)}{{2}}",
        )

    def check(nodelist: list[Any]) -> None:
        opened: list[Any] = []  # \\left … \\right pair up within one group, as in TeX
        for node in nodelist or []:
            name = getattr(node, "macroname", None)
            if name == "left":
                opened.append(node)
            elif name == "right" and not opened:
                raise formula_error(
                    "\\right without a matching \\left",
                    latex,
                    node.pos + 1,
                    hint="pair every \\right with a \\left in the same group",
                )
            elif name == "right":
                opened.pop()
            if isinstance(node, LatexEnvironmentNode):
                name = node.environmentname.rstrip("*")
                if name not in INNER_ENVIRONMENTS and name not in MATH_ENVIRONMENTS:
                    raise formula_error(
                        f"unknown environment '{node.environmentname}' in a formula",
                        latex,
                        node.pos + 1,
                        hint="math formulas use environments such as aligned, cases or pmatrix",
                    )
            for child in _children(node):
                check(child)
        if opened:
            raise formula_error(
                "\\left without a matching \\right",
                latex,
                opened[-1].pos + 1,
                hint="close it with \\right) (or \\right. for no delimiter)",
            )

    check(nodes)
    return nodes


def _children(node: Any) -> list[list[Any]]:
    lists = []
    if getattr(node, "nodelist", None):
        lists.append(node.nodelist)
    arguments = getattr(getattr(node, "nodeargd", None), "argnlist", None) or []
    for argument in arguments:
        if argument is not None:
            lists.append([argument])
    return lists


# -- describing -----------------------------------------------------------------------------

OPERATOR_GLYPHS = {
    "\\frac": "/",
    "\\dfrac": "/",
    "\\tfrac": "/",
    "\\sqrt": "√",
    "\\binom": "binom",
    "\\prime": "′",
}


def to_unicode(latex: str) -> str:
    """A readable Unicode rendering (pylatexenc's latex2text, with simple sub/superscripts)."""
    from pylatexenc.latex2text import LatexNodes2Text

    if latex in OPERATOR_GLYPHS:
        return OPERATOR_GLYPHS[latex]
    latex = latex.replace("\\operatorname*{", "\\operatorname{")

    def script(match: re.Match[str]) -> str:
        table = SUBSCRIPTS if match.group(1) == "_" else SUPERSCRIPTS
        content = match.group(2) if match.group(2) is not None else match.group(3)
        if content and all(c in table for c in content):
            return "{}" + "".join(table[c] for c in content)  # {} ends a preceding macro name
        return match.group(0)

    # Simple scripts become Unicode sub/superscripts before latex2text drops their braces.
    latex = re.sub(r"(?<!\\)([_^])(?:\{([^{}\\]*)\}|([0-9A-Za-z+\-]))", script, latex)
    try:
        from pylatexenc.latexwalker import LatexWalker

        nodes, _, _ = LatexWalker(
            latex, latex_context=_context(), tolerant_parsing=True
        ).get_latex_nodes()
        text = LatexNodes2Text(
            math_mode="text", latex_context=_fraction_context()
        ).nodelist_to_text(nodes)
    except Exception:  # latex2text is a best effort; the parse already succeeded
        text = latex
    scripts = re.escape("".join({*SUBSCRIPTS.values(), *SUPERSCRIPTS.values()}))
    return re.sub(f" +(?=[{scripts}])", "", " ".join(text.split()))


@lru_cache(maxsize=1)
def _fraction_context() -> Any:
    """latex2text's macros, plus fractions that keep their precedence ((a + b)/(c d)) and the
    macros galcli parses with arguments (\\operatorname, \\binom, \\boldsymbol, …)."""
    from pylatexenc.latex2text import MacroTextSpec, get_default_latex_context_db

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

    special = {"frac": fraction, "dfrac": fraction, "tfrac": fraction, "binom": binomial}
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
        ],
    )
    return database


def _macro_latex(latex: str, node: Any) -> str:
    return latex[node.pos : node.pos + node.len]


def inventory(
    latex: str, nodes: list[Any], known: set[str] | None = None
) -> tuple[list[Symbol], list[str]]:
    """The formula's symbols with their roles, and the macros nobody defines (warnings)."""
    from pylatexenc.latexwalker import (
        LatexCharsNode,
        LatexCommentNode,
        LatexGroupNode,
        LatexMacroNode,
        LatexMathNode,
        LatexSpecialsNode,
    )

    symbols: dict[tuple[str, str], Symbol] = {}
    unknown: list[str] = []
    known = known or set()

    def add(source: str, role: str) -> None:
        source = source.strip()
        if source and (source, role) not in symbols:
            symbols[(source, role)] = Symbol(source, to_unicode(source), role)

    def chars(text: str, script_role: str | None) -> None:
        for token in re.findall(r"\d+(?:\.\d+)?|[A-Za-z]|:=|<=|>=|!=|[=<>+\-*/!|,']", text):
            if script_role:
                add(token, script_role)
            elif token[0].isdigit():
                add(token, "constant")
            elif token.isalpha():
                add(token, "variable")
            elif token in ("=", "<", ">", ":=", "<=", ">=", "!="):
                add(token, "relation")
            elif token not in (",", "'"):
                add(token, "operator")

    def walk(nodelist: list[Any], script_role: str | None = None) -> None:
        pending_script: str | None = None
        previous: str | None = None  # LaTeX of the last base symbol, for x_i style names

        def scripted(target: str, role: str) -> None:
            """A subscript names a new symbol together with its base: x_i, \\varepsilon_0."""
            if previous and role == "subscript" and script_role is None and len(target) <= 12:
                add(
                    f"{previous}_{target}"
                    if len(target) == 1 or target.startswith("\\")
                    else f"{previous}_{{{target}}}",
                    "variable",
                )

        for node in nodelist or []:
            if isinstance(node, LatexCharsNode):
                for match in re.finditer(r"([A-Za-z0-9])?([_^])(\S)?|[^_^]+", node.chars):
                    if match.group(2):
                        base, mark, target = match.group(1), match.group(2), match.group(3)
                        role = "subscript" if mark == "_" else "superscript"
                        if base:
                            chars(base, script_role)
                            previous = base if base.isalpha() else None
                        if target:
                            chars(target, role)
                            scripted(target, role)
                            pending_script = None
                        else:
                            pending_script = role
                    else:
                        chars(match.group(0), script_role)
                        letters = re.findall(r"[A-Za-z]\s*$", match.group(0))
                        previous = letters[-1].strip() if letters else None
                continue
            if isinstance(node, LatexGroupNode):
                if pending_script:
                    inner = _macro_latex(latex, node)[1:-1]
                    scripted(inner, pending_script)
                    walk(node.nodelist, pending_script)
                    pending_script = None
                else:
                    walk(node.nodelist, script_role)
                previous = None
                continue
            if isinstance(node, LatexMacroNode):
                name = node.macroname
                source = _macro_latex(latex, node)
                role = script_role or pending_script
                if pending_script:
                    scripted(source, pending_script)
                pending_script = None
                base = None
                if name in GREEK:
                    add(source, role or "variable")
                    base = source
                elif name in CONSTANTS:
                    add(source, role or "constant")
                elif name in RELATIONS:
                    add(source, "relation")
                elif name in FUNCTIONS:
                    add(source if name == "operatorname" else f"\\{name}", role or "function")
                elif name in OPERATORS:
                    add(f"\\{name}", "operator")
                    for child in _children(node):
                        walk(child, script_role)
                elif name in STYLES:
                    add(source, role or "variable")
                    base = source
                elif name in IGNORED or name in known:
                    for child in _children(node):
                        if name not in (
                            "text",
                            "mbox",
                            "textrm",
                            "label",
                            "tag",
                            "color",
                            "textcolor",
                        ):
                            walk(child, script_role)
                else:
                    if name not in unknown and not is_known_macro(name):
                        unknown.append(name)
                    add(f"\\{name}", role or "variable")
                    base = f"\\{name}"
                previous = base
                continue
            if isinstance(node, LatexSpecialsNode):
                if node.specials_chars in ("^", "_"):
                    pending_script = "superscript" if node.specials_chars == "^" else "subscript"
                continue
            if isinstance(node, (LatexMathNode,)) or hasattr(node, "nodelist"):
                if not isinstance(node, LatexCommentNode):
                    walk(getattr(node, "nodelist", []), script_role)
                previous = None

    walk(nodes)
    return list(symbols.values()), unknown


def structure(latex: str) -> tuple[str, str | None, str | None]:
    """(kind, left side, right side): kind is definition, equation, inequality or expression,
    read from the first top-level relation of the first row."""
    row = re.split(r"\\\\", latex, maxsplit=1)[0].replace("&", " ")
    depth, index = 0, 0
    relations = sorted(DEFINITIONS | INEQUALITIES | {"="}, key=len, reverse=True)
    while index < len(row):
        char = row[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            for relation in relations:
                if row.startswith(relation, index) and not (
                    relation[0] == "\\"
                    and row[index + len(relation) : index + len(relation) + 1].isalpha()
                ):
                    if relation in ("<", ">") and row[index - 5 : index] in ("\\left", "right"):
                        continue
                    kind = (
                        "definition"
                        if relation in DEFINITIONS
                        else "inequality"
                        if relation in INEQUALITIES
                        else "equation"
                    )
                    return (
                        kind,
                        row[:index].strip() or None,
                        row[index + len(relation) :].strip() or None,
                    )
        index += 1
    return "expression", None, None


def is_known_macro(name: str) -> bool:
    """A macro galcli or pylatexenc's text renderer knows (others are worth a warning)."""
    if name in GREEK | CONSTANTS | OPERATORS | RELATIONS | FUNCTIONS | STYLES | IGNORED:
        return True
    return _text_context().get_macro_spec(name) is not None


@lru_cache(maxsize=1)
def _text_context() -> Any:
    from pylatexenc.latex2text import get_default_latex_context_db

    return get_default_latex_context_db()


# -- formulas in a .tex file ----------------------------------------------------------------


@dataclass(frozen=True)
class TexMath:
    source: str  # the math with its delimiters or environment
    line: int  # first line (1-based)
    end_line: int
    label: str | None
    display: bool


_DISPLAY = re.compile(
    r"\\begin\{(?P<env>(?:" + "|".join(MATH_ENVIRONMENTS) + r")\*?)\}.*?\\end\{(?P=env)\}"
    r"|\\\[.*?\\\]|\$\$.*?\$\$",
    re.S,
)
_INLINE = re.compile(r"\\\(.*?\\\)|(?<![\\$])\$(?!\$)(?:[^$\\]|\\.)+?\$", re.S)


# Environments whose rows are separate equations, each with its own number and label.
MULTI_EQUATION = {"align", "gather", "eqnarray", "flalign", "alignat"}
_ROW_TOKEN = re.compile(r"\\(?:begin|end)\{[^}]*\}|\\\\(?:\s*\[[^\]]*\])?|\\[{}]|[{}]")


def split_rows(body: str) -> list[tuple[int, str]]:
    """(offset, text) of the top-level rows of `body`: `\\\\` inside braces or inner
    environments (cases, matrices) does not end a row; empty rows are dropped."""
    rows, depth, start = [], 0, 0
    for token in _ROW_TOKEN.finditer(body):
        text = token.group(0)
        if text == "{" or text.startswith("\\begin"):
            depth += 1
        elif text == "}" or text.startswith("\\end"):
            depth -= 1
        elif text.startswith("\\\\") and depth == 0:
            rows.append((start, body[start : token.start()]))
            start = token.end()
    rows.append((start, body[start:]))
    return [(offset, row) for offset, row in rows if _LABELS.sub("", row).strip()]


def math_in_tex(text: str, *, inline: bool = False) -> list[TexMath]:
    """Display math (and, with `inline`, inline math) of a .tex file, comments removed. Each row
    of an align/gather/eqnarray is its own formula, with its own line and label."""
    masked = mask(text)
    found: list[TexMath] = []
    taken: list[tuple[int, int]] = []
    for pattern, display in ((_DISPLAY, True), (_INLINE, False)) if inline else ((_DISPLAY, True),):
        for match in pattern.finditer(masked):
            if any(start <= match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            source = match.group(0)
            line = masked.count("\n", 0, match.start()) + 1
            environment = (match.groupdict().get("env") or "").rstrip("*")
            rows = (
                split_rows(source[source.index("}") + 1 : source.rindex("\\end")])
                if environment in MULTI_EQUATION
                else []
            )
            if len(rows) < 2:
                found.append(
                    TexMath(source, line, line + source.count("\n"), _label(source), display)
                )
                continue
            body_start = source.index("}") + 1
            for offset, row in rows:
                first = body_start + offset + len(row) - len(row.lstrip())
                row_line = line + source.count("\n", 0, first)
                wrapped = f"\\begin{{{match['env']}}}{row.strip()}\\end{{{match['env']}}}"
                found.append(
                    TexMath(
                        wrapped, row_line, row_line + row.strip().count("\n"), _label(row), display
                    )
                )
    return sorted(found, key=lambda m: m.line)
