"""The atoms of one level of a parsed formula, as symbols.py names symbols from them: runs of
letters, digits, macro symbols (`\\alpha`, `\\mathbf{u}`, `{\\bf u}`), script marks, primes,
operators with their arguments, groups; and the one token a script mark takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from galcli.verify.formula.vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    GREEK,
    IGNORED,
    OLD_FONTS,
    OPERATORS,
    RELATIONS,
    SAME_STYLE,
    STYLES,
)


@dataclass
class Atom:
    kind: str  # letters, digits, base (a macro symbol), mark (_ or ^), op, group, other
    text: str
    start: int
    end: int
    node: Any = None


_CHAR_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?|'+|\S")


def atoms_of(latex: str, nodes: list[Any]) -> list[Atom]:
    """What one level of a formula holds, in order (groups and macro arguments unopened)."""
    from pylatexenc.latexwalker import (
        LatexCharsNode,
        LatexGroupNode,
        LatexMacroNode,
        LatexSpecialsNode,
    )

    atoms: list[Atom] = []
    for node in nodes or []:
        start, end = node.pos, node.pos + node.len
        source = latex[start:end]
        if isinstance(node, LatexCharsNode):
            for match in _CHAR_TOKEN.finditer(node.chars):
                token, at = match.group(0), node.pos + match.start()
                kind = (
                    "letters"
                    if token[0].isalpha()
                    else "digits"
                    if token[0].isdigit()
                    else "mark"
                    if token in ("_", "^")
                    else "prime"
                    if token[0] == "'"
                    else "other"
                )
                atoms.append(Atom(kind, token, at, at + len(token)))
        elif isinstance(node, LatexSpecialsNode):
            chars = node.specials_chars
            kind = "mark" if chars in ("_", "^") else "prime" if set(chars) == {"'"} else "other"
            atoms.append(Atom(kind, chars, start, end, node))
        elif (
            isinstance(node, LatexGroupNode)
            and not (atoms and atoms[-1].kind == "mark")  # N_{\\rm ind} keeps its script whole
            and (style := _old_style(node)) is not None
        ):
            inner = _styled(style, atoms_of(latex, node.nodelist[1:]))
            if inner:  # as written, the group is part of its first and last symbol
                inner[0] = Atom(inner[0].kind, inner[0].text, start, inner[0].end, inner[0].node)
                inner[-1] = Atom(inner[-1].kind, inner[-1].text, inner[-1].start, end,
                                  inner[-1].node)  # fmt: skip
            atoms += inner
        elif isinstance(node, LatexGroupNode):
            atoms.append(Atom("group", source, start, end, node))
        elif isinstance(node, LatexMacroNode):
            name = node.macroname
            if name == "operatorname":  # \\operatorname{III}: a function of the document's own
                atoms.append(Atom("base", source, start, end))
            elif name in GREEK or name in CONSTANTS or name in FUNCTIONS:
                atoms.append(Atom("base", f"\\{name}", start, end))
            elif name in STYLES or name in SAME_STYLE:
                if is_prose(name, source[len(name) + 1 :]):
                    atoms.append(Atom("other", source, start, end))  # its words are no symbols
                elif re.search(r"[A-Za-z0-9]", source[len(name) + 1 :]):
                    atoms.append(Atom("base", source, start, end))
            elif name in OPERATORS:
                atoms.append(Atom("op", f"\\{name}", start, end, node))
            elif name in RELATIONS or name in IGNORED or not name.isalpha():
                atoms.append(Atom("other", source, start, end, node))
            else:  # a macro galcli does not know: a symbol of the document's own
                atoms.append(Atom("base", f"\\{name}", start, end))
        else:
            atoms.append(Atom("other", source, start, end, node))
    return atoms


# Text in a formula that is prose, not a name: "\\mbox{if } b > 0", "\\text{for all } i",
# "\\textrm{otherwise}" (a name is one word: \\text{RMSD}, \\mbox{i}).
_TEXT = frozenset({"text", "mbox", "textrm", "textit", "textnormal", "textsf"})
_CONNECTIVES = frozenset(
    "if otherwise else for and or where with when all any each such that as on in at to of "
    "is are else subject s.t. iff".split()
)


def is_prose(name: str, argument: str) -> bool:
    """Whether a text command's `argument` (with its braces) is prose rather than a name; a
    unit is written `\\textup{km/s}` (verify/formula/siunits.py)."""
    words = argument.strip().strip("{}").split()
    if name == "textup":
        return True
    if name == "mathrm":  # \\mathrm{max} is a name, \\mathrm{Sex = Male} a condition
        return len(words) > 1 and any(word in ("=", "<", ">") for word in words)
    return name in _TEXT and (len(words) > 1 or bool(words) and words[0].lower() in _CONNECTIVES)


def _old_style(node: Any) -> str | None:
    """The style a group declares first (`{\\bf u}`), or None."""
    first = (node.nodelist or [None])[0]
    name = getattr(first, "macroname", None)
    arguments = getattr(getattr(first, "nodeargd", None), "argnlist", None)
    return OLD_FONTS.get(name) if name and not any(arguments or []) else None


def _styled(style: str, atoms: list[Atom]) -> list[Atom]:
    """The atoms of a group in an old font declaration, each letter in its style (`{\\bf e_z}`
    is `\\mathbf{e}_z`: TeX sets the script in bold too, but a reader names it by its base)."""
    styled: list[Atom] = []
    for atom in atoms:
        if styled and styled[-1].kind == "mark":
            styled.append(atom)  # a script names the symbol's index, in any font
        elif atom.kind == "letters":
            styled += [Atom("base", f"\\{style}{{{letter}}}", atom.start + i, atom.start + i + 1)
                       for i, letter in enumerate(atom.text)]  # fmt: skip
        elif atom.kind == "base" and re.fullmatch(r"\\[A-Za-z]+", atom.text):
            styled.append(Atom("base", f"\\{style}{{{atom.text}}}", atom.start, atom.end))
        else:
            styled.append(atom)
    return styled


def script_target(atoms: list[Atom], index: int) -> Atom | None:
    """The argument of a script mark at `index` - 1: TeX takes one token, so `x_12` is x₁ then
    2 and `x_ij` is xᵢ then j (the rest stays in `atoms`)."""
    if index >= len(atoms):
        return None
    atom = atoms[index]
    if atom.kind in ("letters", "digits") and len(atom.text) > 1:
        atoms.insert(index + 1, Atom(atom.kind, atom.text[1:], atom.start + 1, atom.end))
        atom = atoms[index] = Atom(atom.kind, atom.text[0], atom.start, atom.start + 1)
    return atom
