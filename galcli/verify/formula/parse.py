"""pylatexenc's parse of a formula in math mode, with the checks TeX would make that pylatexenc's
tolerant reader skips (dangling scripts, unpaired \\left/\\right, unknown environments)."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from galcli.verify.formula.source import formula_error
from galcli.verify.formula.vocabulary import EXTRA_SPECS, INNER_ENVIRONMENTS, MATH_ENVIRONMENTS

logging.getLogger("pylatexenc").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def math_context() -> Any:
    from pylatexenc.latexwalker import get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec, SpecialsSpec

    database = get_default_latex_context_db()
    database.add_context_category(
        "galcli-math",
        prepend=True,
        macros=[MacroSpec(name, spec) for name, spec in EXTRA_SPECS.items()],
        # In math a run of ' is a derivative's primes (text mode reads '' as a closing quote).
        specials=[SpecialsSpec("'" * count) for count in (3, 2, 1)],
    )
    return database


_DANGLING_SCRIPT = re.compile(r"(?<!\\)[_^](?=\s*(?:$|[}&^_]|\\\\))")


# Spacing, typesetting and numbering controls that print nothing a reader reads, with their
# dimensions or arguments:
# `\\hspace{2mm}`, `\\kern1pt`, `\\mkern3mu`, `\\rule{0pt}{2ex}`, and `\\xspace` at the end of a
# document's macro (`\\def\\twohalfD{{2.5\\text{D}}\\xspace}`). Blanked before parsing, so that
# "pt" is no symbol and offsets into the formula stay as written.
_DIMENSION = r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*(?:pt|mu|em|ex|mm|cm|in|bp|pc|sp|dd|cc)"
_SPACING = re.compile(
    r"\\(?:[hv]space\*?\s*\{[^{}]*\}|mspace\s*\{[^{}]*\}|rule\s*(?:\[[^][]*\])?\s*\{[^{}]*\}"
    r"\s*\{[^{}]*\}|(?:m?kern|[hm]skip)" + _DIMENSION + r"|(?:xspace|relax|protect|allowbreak"
    r"|nobreak|hfill|hfil|displaybreak|theequation|global)(?![A-Za-z])"
    # numbering and cross-references: "\addtocounter{equation}{1}\tag{\theequation}"
    r"|(?:addtocounter|setcounter)\s*\{[^{}]*\}\s*\{[^{}]*\}"
    r"|(?:stepcounter|refstepcounter|eqref|ref|label|tag\*?)\s*\{(?:[^{}]|\{[^{}]*\})*\}"
    r"|mathop\s*\{\s*\}\s*(?:\\!)?)"  # an empty operator: the spacing before a "d" in dx
    # a label handed to a document's macro: "\savecontent{h = …}{eq:half-plane-height}"
    r"|\{\s*[A-Za-z][\w@]+\s*:[A-Za-z][\w.:@-]{2,}\s*\}"
)


# Commands that print what a known one does: the fractions of xfrac, nicefrac and amsmath
# (a/b in another style), amsmath's old \\operatornamewithlimits.
_RENAMED = {"nicefrac": "\\frac", "sfrac": "\\frac", "cfrac": "\\frac",
            "operatornamewithlimits": "\\operatorname*"}  # fmt: skip
_RENAMING = re.compile(r"\\(" + "|".join(_RENAMED) + r")(?![A-Za-z])")


# An operator in bold is the operator: "n \\boldsymbol{\\cdot} \\boldsymbol{\\nabla} T".
_STYLED_OPERATOR = re.compile(
    r"\\(?:boldsymbol|bm|mathbf|pmb)\s*\{\s*(\\(?:cdot|times|nabla|partial|wedge|circ|otimes"
    r"|odot|oplus))\s*\}"
)


def _unstyled(match: re.Match[str]) -> str:
    """The operator where it stands, its style blanked (what slices the formula at a node's
    offsets reads the operator too)."""
    before, after = match.start(1) - match.start(), match.end() - match.end(1)
    return " " * before + match[1] + " " * after


def plain_math(latex: str) -> str:
    """`latex` as a reader reads it, offsets unchanged: its spacing controls (`_SPACING`)
    blanked, the commands of `_RENAMED` (`\\nicefrac`) written as the known ones (`\\frac`),
    and an operator in bold as the operator."""
    latex = _SPACING.sub(lambda match: " " * len(match.group(0)), latex)
    for _ in range(3):  # \boldsymbol{\mathbf{\nabla}}: a style in a style
        latex, styled = _STYLED_OPERATOR.subn(_unstyled, latex)
        if not styled:
            break
    return _RENAMING.sub(lambda match: _RENAMED[match[1]].ljust(len(match.group(0))), latex)


def parse(latex: str) -> list[Any]:
    """pylatexenc nodes of `latex` in math mode; InputError with a column on bad input."""
    from pylatexenc.latexwalker import LatexEnvironmentNode, LatexWalker, LatexWalkerError

    written, latex = latex, plain_math(latex)  # errors show the formula as written
    walker = LatexWalker(latex, latex_context=math_context(), tolerant_parsing=False)
    try:
        nodes, _, _ = walker.get_latex_nodes(
            parsing_state=walker.make_parsing_state(in_math_mode=True)
        )
    except LatexWalkerError as exc:
        position = getattr(exc, "pos", None)
        message = getattr(exc, "msg", None) or str(exc).splitlines()[0]
        raise formula_error(message.rstrip("."), written, (position or 0) + 1) from exc
    except (RecursionError, IndexError, ValueError, TypeError, AttributeError) as exc:
        raise formula_error(f"cannot parse the formula ({type(exc).__name__})", written, 1) from exc

    if script := _DANGLING_SCRIPT.search(latex):
        what = "superscript" if script.group(0) == "^" else "subscript"
        raise formula_error(
            f"{what} '{script.group(0)}' has no argument",
            written,
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
                    written,
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
                        written,
                        node.pos + 1,
                        hint="math formulas use environments such as aligned, cases or pmatrix",
                    )
            for child in children(node):
                check(child)
        if opened:
            raise formula_error(
                "\\left without a matching \\right",
                written,
                opened[-1].pos + 1,
                hint="close it with \\right) (or \\right. for no delimiter)",
            )

    check(nodes)
    return nodes


def children(node: Any) -> list[list[Any]]:
    lists = []
    if getattr(node, "nodelist", None):
        lists.append(node.nodelist)
    arguments = getattr(getattr(node, "nodeargd", None), "argnlist", None) or []
    for argument in arguments:
        if argument is not None:
            lists.append([argument])
    return lists
