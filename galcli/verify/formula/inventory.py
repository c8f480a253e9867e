"""The symbols of a parsed formula with their roles, and its structure (equation, inequality,
definition; left and right side)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from galcli.verify.formula.parse import children
from galcli.verify.formula.rendering import to_unicode
from galcli.verify.formula.rows import (
    outside_groups,
    outside_parentheses,
    split_cells,
    split_rows,
    unwrap,
)
from galcli.verify.formula.source import formula_error
from galcli.verify.formula.vocabulary import (
    CONSTANTS,
    DEFINITIONS,
    FUNCTIONS,
    GREEK,
    IGNORED,
    INEQUALITIES,
    OPERATORS,
    RELATIONS,
    STYLES,
    is_known_macro,
)


@dataclass(frozen=True)
class Symbol:
    latex: str
    unicode: str
    # variable, constant, operator, relation, function, derivative (f′), subscript, superscript
    role: str

    def to_dict(self) -> dict[str, str]:
        return {"latex": self.latex, "unicode": self.unicode, "role": self.role}


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
            # A script lists symbols; the relations and operators in it (i=1, -x) keep their role.
            if script_role and token[0].isalnum():
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
        prime_run: str | None = None  # the derivative the last node added (f''), if any

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
            if not (isinstance(node, LatexSpecialsNode) and set(node.specials_chars) == {"'"}):
                prime_run = None
            if isinstance(node, LatexCharsNode):
                for match in re.finditer(r"([A-Za-z0-9])?([_^])(\S)?|[^_^]+", node.chars):
                    if match.group(2):
                        base, mark, target = match.group(1), match.group(2), match.group(3)
                        role: str | None = "subscript" if mark == "_" else "superscript"
                        if base:
                            chars(base, script_role)
                            previous = base if base.isalpha() else None
                        if target:
                            chars(target, role)
                            scripted(target, role or "")
                            pending_script = None
                        else:
                            pending_script = role
                    else:
                        chars(match.group(0), script_role)
                        letters = re.findall(r"[A-Za-z]\s*$", match.group(0))
                        previous = letters[-1].strip() if letters else None
                continue
            if isinstance(node, LatexGroupNode):
                primes = _macro_latex(latex, node)[1:-1].count("\\prime")
                if pending_script == "superscript" and re.fullmatch(
                    r"(?:\s*\\prime\s*)+", _macro_latex(latex, node)[1:-1]
                ):
                    add(f"{previous or ''}{chr(39) * primes}", "derivative")  # f^{\prime\prime}
                    pending_script = None
                    continue
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
                elif name == "prime":
                    add(f"{previous or ''}'", "derivative")
                    base = previous
                elif name in OPERATORS:
                    add(f"\\{name}", "operator")
                    for child in children(node):
                        walk(child, script_role)
                elif name in STYLES:
                    add(source, role or "variable")
                    base = source
                elif name in IGNORED or name in known:
                    for child in children(node):
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
            if isinstance(node, LatexSpecialsNode) and set(node.specials_chars) == {"'"}:
                # f'' is f″; a longer run comes in two nodes and stays one derivative
                marks = node.specials_chars
                if prime_run is not None and (prime_run, "derivative") in symbols:
                    del symbols[(prime_run, "derivative")]
                    marks = prime_run[len(previous or "") :] + marks
                prime_run = f"{previous or ''}{marks}"
                add(prime_run, "derivative")
                continue
            if isinstance(node, LatexSpecialsNode):
                if node.specials_chars in ("^", "_"):
                    pending_script = "superscript" if node.specials_chars == "^" else "subscript"
                continue
            if isinstance(node, (LatexMathNode,)) or hasattr(node, "nodelist"):
                if not isinstance(node, LatexCommentNode):
                    walk(getattr(node, "nodelist", []), script_role)
                previous = None

    try:
        walk(nodes)
    except RecursionError as exc:  # the parse went deep enough; the walk needs a few more frames
        raise formula_error("the formula is nested too deeply to describe", latex, 1) from exc
    return list(symbols.values()), unknown


@dataclass(frozen=True)
class Row:
    """One top-level row of a formula (an align has several) and how it reads."""

    latex: str
    kind: str  # definition, equation, inequality or expression
    left: str | None
    right: str | None
    unicode: str = ""
    relation: str | None = None  # as written: "=", "\\leq", ":="

    def to_dict(self) -> dict[str, str | None]:
        return {
            "latex": self.latex,
            "unicode": self.unicode,
            "kind": self.kind,
            "left": self.left,
            "right": self.right,
        }


def rows(latex: str, *, one_equation: bool = False) -> list[Row]:
    """The formula's top-level rows (those of an align, or of an `aligned`/`split` that is the
    whole formula), each with its kind and sides; `\\\\` inside matrices, cases or
    `\\substack` does not end a row. A row with no relation after one with a relation
    continues it (`&\\quad + d`); with `one_equation` (multline) all rows are one."""
    body = unwrap(latex)
    texts = [text for _, text in split_rows(body)]
    if one_equation and texts:
        texts = [" ".join(texts)]
    found: list[Row] = []
    for text in texts:
        row = _row(text)
        if row.kind == "expression" and found and found[-1].kind != "expression":
            last = found[-1]  # a long right side broken over lines
            found[-1] = Row(
                f"{last.latex} {row.latex}",
                last.kind,
                last.left,
                f"{last.right or ''} {row.latex}",
                relation=last.relation,
            )
            continue
        if row.left is None and row.kind != "expression" and found and found[-1].left:
            # `&= c` continues a chain: its left side is the previous row's
            row = Row(row.latex, row.kind, found[-1].left, row.right, relation=row.relation)
        found.append(row)
    if len(found) == 1:  # one row reads like the whole formula (rendered once, by the caller)
        return [replace(found[0], unicode=to_unicode(latex))]
    return [replace(row, unicode=to_unicode(row.latex)) for row in found] or [
        Row(latex.strip(), "expression", None, None, to_unicode(latex))
    ]


def continues(text: str) -> bool:
    """Whether a row (after the first) only continues the previous one: it has no relation."""
    return _row(text).kind == "expression"


def structure(latex: str) -> tuple[str, str | None, str | None]:
    """(kind, left side, right side) of the first row (see `rows`)."""
    first = rows(latex)[0]
    return first.kind, first.left, first.right


# ≈, ∝, ∼ hold between two sides as = does (`k(\\tau) \\approx …` is no product with ≈ in it)
_RELATIONS = sorted(
    DEFINITIONS | INEQUALITIES | {"=", "\\approx", "\\simeq", "\\sim", "\\propto", "\\cong"},
    key=len,
    reverse=True,
)


# "\\quad\\text{and}" closing a row joins it to the next in words: no part of the formula
_CONNECTIVE = re.compile(
    r"(?:\s|\\q?quad\b|\\[,;:! ])*\\(?:text|textrm|mbox)\{\s*(?:and|or)\s*\}[\s,.]*$"
)


def _row(text: str) -> Row:
    # `&` at the top level only marks where rows align; inside a matrix or cases it stays.
    row = " ".join(" ".join(split_cells(text)).split())
    row = _CONNECTIVE.sub("", row)
    outside = outside_parentheses(outside_groups(row))
    for index, char in enumerate(outside):
        if char == " " and row[index] != " " or char in "{}":
            continue  # inside a group or an environment
        for relation in _RELATIONS:
            if not row.startswith(relation, index):
                continue
            end = index + len(relation)
            if relation[0] == "\\" and row[end : end + 1].isalpha():
                continue  # \leqslant is not \le
            if relation in ("<", ">") and row[index - 5 : index] in ("\\left", "right"):
                continue
            kind = (
                "definition"
                if relation in DEFINITIONS
                else "inequality"
                if relation in INEQUALITIES
                else "equation"
            )
            left, right = row[:index].strip() or None, row[end:].strip() or None
            return Row(row, kind, left, right, relation=relation)
    return Row(row, "expression", None, None)
