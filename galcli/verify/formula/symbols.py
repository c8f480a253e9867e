"""The named symbols of a formula, as a reader names them: a base with the scripts that belong
to it (`W^{(e)}`, `h^n_t`, `\\sigma_i^2`, `\\mathsf{layer}`), each with a key that two ways of
writing the same symbol share (`h^{n}_{t}` and `h_t^n`), and a looser `shape` key under which
`h^{n-1}_t` and `h^n_t` are the same symbol at other indices.

A definition in the document (verify/formula/definitions.py) is matched to a formula's symbol by
these keys: a definition of `T_i` is not one of `T`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from galcli.verify.formula.atoms import Atom, atoms_of, script_target
from galcli.verify.formula.vocabulary import (
    CONSTANTS,
    DIFFERENCE,
    DIMENSIONLESS,
    FUNCTIONS,
    GREEK,
    SAME_STYLE,
    UPRIGHT_D,
)

# Scripts that say how a symbol is used, not which symbol it is: a power, a transpose, an
# inverse, an optimum. `x^2` is the symbol x; `W^{(e)}` is its own symbol.
_OPERATION_SCRIPT = re.compile(r"^(?:[234]|-[12]|-?1/2|T|\\top|\\intercal|\\dagger)$")
# An index expression: letters, digits and +/- only (n-1, t+k, i, 2): its shape is "*".
_INDEX = re.compile(r"^[A-Za-z0-9+\-,]+$")
# a subscript that is a word (a label), not a run of index letters (`ijk`)
_LABEL = re.compile(r"min|(?![i-n]+$)[A-Za-z]{3,}")


@dataclass(frozen=True)
class NamedSymbol:
    latex: str  # as written in the formula
    base: str  # normalised: "W", "\\sigma", "\\mathbf{u}"
    sub: str | None
    sup: str | None
    role: str  # variable, function, constant, index (bound by a sum, product, limit)
    start: int  # offset in the formula
    end: int
    # written with a subscript that is an expression (`g_{t-T_i}`), not part of its name: the
    # symbol at some index, a member of the family `g_s` names
    indexed: bool = False

    @property
    def key(self) -> str:
        """Equal for two ways of writing one symbol: a script upright or not is one label
        (`N_\\mathrm{e}` and `N_e`, `T_\\text{eff}` and `T_{eff}`)."""
        sup = None if self.sup is None or _OPERATION_SCRIPT.match(self.sup) else self.sup
        return _key(self.base, _italic(self.sub), _italic(sup))

    @property
    def written_key(self) -> str:
        """The symbol with every script as written (`\\sigma_i^2`, not `\\sigma_i`)."""
        return _key(self.base, self.sub, self.sup)

    @property
    def shape(self) -> str:
        """Equal for the same symbol at neighbouring indices (`h^{n-1}_t` and `h^n_t`, `w_{t-k}`
        and `w_{t+k}`): the index letters of each script, without the offsets."""
        sup = None if self.sup is None or _OPERATION_SCRIPT.match(self.sup) else self.sup
        return _key(self.base, _shape(self.sub), _shape(sup))

    @property
    def base_key(self) -> str:
        """The symbol it is a component of: `p` for `p^{(k)}`, `\\hat{p}_\\theta` for
        `\\hat{p}_\\theta^{(k)}`; itself otherwise (`x^l`, the lower bound, is not `x`, and
        `x_j` may be an element of `x` or a symbol of its own)."""
        sup = None if self.sup is None or _OPERATION_SCRIPT.match(self.sup) else self.sup
        if sup is not None and re.fullmatch(r"\(.+\)", sup):
            return _key(self.base, self.sub, None)
        return self.key

    @property
    def family(self) -> str:
        """Equal for every member of an indexed family (`u_1`, `u_T`, `u_{i-k}`): how a range
        `$u_1 \\cdots u_T$` that a document defines names each of its members."""
        sup = None if self.sup is None or _OPERATION_SCRIPT.match(self.sup) else self.sup
        sub = "*" if self.indexed and self.sub is None else self.sub
        family = [_member(sub, subscript=True), _member(sup)]
        return _key(self.base, *family) if any(f == "*" for f in family) else ""


def _member(script: str | None, subscript: bool = False) -> str | None:
    if script is None or _LABEL.fullmatch(script):
        return script  # a word: y_{model}, ĝ_{obs} are no members of y_i, ĝ_k
    return "*" if _INDEX.match(script) or (subscript and wildcard(script)) else script


def wildcard(script: str | None) -> bool:
    """A subscript that stands for any index: `o_\\star` ("the costs $o_\\star$" are o_{i,r}
    for each i and r), `f_\\cdot` (`x^*`, `x_*` are an optimum, a test point: no wildcards)."""
    return script is not None and re.fullmatch(r"\\(?:star|ast|cdot|bullet)", script) is not None


def _shape(script: str | None) -> str | None:
    """An index without its offsets, item by item: `t-s,s` is `t,s` (the offsets of `I_{t-s}`
    and `M_{t-s,s}` shift the index of `I_t` and `M_{t,s}`)."""
    if script is None or not _INDEX.match(script):
        return script
    items = [_OFFSET.sub("", item) for item in script.split(",")]
    letters = ",".join(re.sub(r"[^A-Za-z]", "", item) for item in items)
    return f"~{letters}" if letters.strip(",") else script


_OFFSET = re.compile(r"(?<=[A-Za-z])(?:[+-][A-Za-z0-9]+)+$")  # t-s → t, n+1 → n, i-j → i


def _italic(script: str | None) -> str | None:
    return None if script is None else _UPRIGHT.sub(r"\1", script)


_UPRIGHT = re.compile(r"\\mathrm\{([^{}]*)\}")


def _key(base: str, sub: str | None, sup: str | None) -> str:
    return base + (f"_{{{sub}}}" if sub is not None else "") + (f"^{{{sup}}}" if sup else "")


def normalise(latex: str) -> str:
    """LaTeX without white space (nor TeX's spacing: `\\,`), styles that draw alike made one
    (`\\textbf` is `\\mathbf`), and no braces around a one-token script: `h^{n}_{ t }` →
    `h^n_t`."""
    text = _OLD_FONT.sub(_font, latex)  # {\rm e} is \mathrm{e}, not \rme
    text = re.sub(r"\s+|\\[,;:!]", "", text)  # thin spaces too: x_{n,2\,j}
    text = re.sub(r"\\(text|textbf|bm|boldsymbol|pmb|textrm|mbox|operatorname|textit|textsf"
                  r"|texttt)(?![A-Za-z])", _style, text)  # fmt: skip
    return re.sub(r"([_^])\{(\\?[A-Za-z]+|\\[^A-Za-z]|[^{}\\])\}", r"\1\2", text)


_OLD_FONT = re.compile(
    r"\{\s*\\(rm|bf|it|sf|tt)\s+([^{}]*?)\s*\}|^\s*\\(rm|bf|it|sf|tt)\s+([^{}]*?)\s*$"
)


def _font(match: re.Match[str]) -> str:
    font, text = (match[1], match[2]) if match[1] else (match[3], match[4])
    return f"\\math{font}{{{text}}}"


def _style(match: re.Match[str]) -> str:
    return "\\" + SAME_STYLE.get(match.group(1), match.group(1))


def named_symbols(latex: str, nodes: list[Any]) -> list[NamedSymbol]:
    """The named symbols of a parsed formula (`parse.parse`), in order, each once; the scripts
    of sums, products and limits hold its index symbols (role "index")."""
    found: dict[str, NamedSymbol] = {}
    differentials = _differentials(latex)
    for symbol in _symbols(latex, atoms_of(latex, nodes), None):
        if symbol.start in differentials or (symbol.role == "index" and symbol.base == "\\infty"):
            continue  # a differential's d; ∞ as a bound of a sum
        found.setdefault(symbol.written_key, symbol)
    return list(found.values())


_D = r"(d)(?=\s*(?:\\[A-Za-z]+|[A-Za-z]|\^))"  # d before what it is the differential of
_LEIBNIZ = re.compile(r"\\[dt]?frac\s*\{\s*" + _D + r"[^{}]*\}\s*\{[\s{]*" + _D)
_INTEGRAL = re.compile(r"\\(?:i{1,3}nt|oint)(?![A-Za-z])")


def _differentials(latex: str) -> set[int]:
    """Where the formula writes a differential's d, which is no symbol: an upright d
    anywhere, the d's of a derivative (`\\frac{dv}{ds}`), a d before a symbol after an
    integral sign (`\\int f(x) dx`)."""
    found = {match.start() for match in UPRIGHT_D.finditer(latex)}
    for match in _LEIBNIZ.finditer(latex):
        found |= {match.start(1), match.start(2)}
    if integral := _INTEGRAL.search(latex):
        lone = re.compile(r"(?<![A-Za-z\\])" + _D)
        found |= {match.start() for match in lone.finditer(latex, integral.end())}
    return found


def _script_text(atom: Atom) -> str:
    return normalise(atom.text[1:-1] if atom.kind == "group" else atom.text)


def _symbols(latex: str, atoms: list[Atom], role: str | None) -> list[NamedSymbol]:
    found: list[NamedSymbol] = []
    index = 0
    while index < len(atoms):
        atom = atoms[index]
        index += 1
        if atom.kind == "other" and atom.text == "|":
            close = next((j for j in range(index, len(atoms)) if atoms[j].text == "|"), None)
            if (
                close is not None
                and close + 1 < len(atoms)
                and atoms[close + 1].text == "_"
                and all(a.kind in ("letters", "base") for a in atoms[index:close])
                and "\\right" not in {a.text for a in atoms[index:close]}
            ):  # |s|_G: a quantity of its own (the count of s in G), named with its subscript
                atom = Atom("base", latex[atom.start : atoms[close].end], atom.start,
                             atoms[close].end)  # fmt: skip
                index = close + 1
        if (
            atom.kind == "letters"
            and len(atom.text) > 1
            and atom.text not in FUNCTIONS | DIMENSIONLESS
        ):
            # letters are a product of one-letter symbols (bxy is b·x·y), as TeX sets them;
            # a function's name written without its macro (softmax) is one
            atoms.insert(index, Atom("letters", atom.text[1:], atom.start + 1, atom.end))
            atom = Atom("letters", atom.text[0], atom.start, atom.start + 1)
        while (
            atom.kind == "base"
            and DIFFERENCE.fullmatch(latex[atom.start : atom.end].strip())
            and index < len(atoms)
            and atoms[index].kind in ("letters", "base")
            and atoms[index].text.lstrip("\\") not in FUNCTIONS
        ):  # ΔG, Δt_i, δx: a difference and what it is of are one quantity
            following = atoms[index]
            if following.kind == "letters" and len(following.text) > 1:
                atoms[index] = Atom("letters", following.text[1:], following.start + 1,
                                     following.end)  # fmt: skip
                stop, of = following.start + 1, following.text[0]
            else:
                del atoms[index]
                stop, of = following.end, following.text
            # named \Delta{t}: a key of its own, not the macro \Deltat
            atom = Atom("base", f"{atom.text.strip()}{{{of}}}", atom.start, stop)
        if atom.kind in ("letters", "base", "op"):
            scripts: dict[str, str] = {}
            end = written_end = atom.end
            while index < len(atoms) and atoms[index].kind in ("mark", "prime"):
                mark = atoms[index]
                if mark.kind == "prime":
                    scripts["'"] = scripts.get("'", "") + mark.text
                    end = written_end = mark.end
                    index += 1
                    continue
                target = script_target(atoms, index + 1)
                if target is None or mark.text in scripts:
                    break
                script = _script_text(target)
                end, index = target.end, index + 2
                if atom.kind == "op":  # a sum's or a limit's bounds: its index symbols
                    found += _inside(latex, target) + _letters_as_index(target)
                elif atom.text == "e" or not simple_script(script):
                    # an exponent (e^{…}) or an expression in a script: not part of the
                    # symbol's name, and its own symbols count
                    found += _expression(latex, target, role)
                    if mark.text == "_" and atom.kind in ("letters", "base"):
                        scripts.setdefault("index", script)  # the symbol at some index
                    continue
                scripts[mark.text] = script
                written_end = end
            if atom.kind == "op":  # \frac{a}{b}, \sqrt{x}: what it applies to
                for child in _children(atom.node) if atom.node is not None else []:
                    found += _symbols(latex, atoms_of(latex, child), role)
                continue
            base = normalise(atom.text) + scripts.get("'", "")
            symbol_role = role or _role(atom.text)
            found.append(
                NamedSymbol(
                    latex[atom.start : written_end].rstrip(),
                    base,
                    scripts.get("_"),
                    scripts.get("^"),
                    symbol_role,
                    atom.start,
                    end,
                    "index" in scripts and "_" not in scripts,
                )
            )
        elif atom.kind == "group":
            found += _symbols(latex, atoms_of(latex, list(atom.node.nodelist or [])), role)
        elif atom.node is not None:
            for child in _children(atom.node):
                found += _symbols(latex, atoms_of(latex, child), role)
    return found


def _inside(latex: str, atom: Atom) -> list[NamedSymbol]:
    """The index symbols inside a script group (`{i=1}` of a sum)."""
    if atom.kind != "group":
        return []
    return [
        NamedSymbol(s.latex, s.base, s.sub, s.sup, "index", s.start, s.end)
        for s in _symbols(latex, atoms_of(latex, list(atom.node.nodelist or [])), "index")
    ]


def simple_script(script: str) -> bool:
    """A script that names which symbol it is (`i`, `n-1`, `(e)`, `\\theta`, `\\text{PV}`,
    `2.5\\text{D}`), not an expression whose own symbols matter (`c(f(s), g(s))`,
    `-\\frac{x}{2}`)."""
    return bool(
        _INDEX.match(script)
        or _GREEK_INDEX.fullmatch(script)
        or re.fullmatch(
            r"\(\w+\)|(?:\d+(?:\.\d+)?)?\\[A-Za-z]+(?:\{[^{}]*\})?|[*'+-]|\\[A-Za-z]+[*']?"
            r"|\\[A-Za-z]+\s*\d+",
            script,
        )  # "2.5\text{D}": a number and a word name a variant; so does "\sharp 0"
    )


# Several indices, one of them a Greek letter: `K_{i\ell}`, `f_{\ell,t}`, `\Omega_{\nu,s}`.
_GREEK_INDEX = re.compile(
    r"(?:[A-Za-z0-9+\-,]|\\(?:" + "|".join(sorted(GREEK)) + r")(?![A-Za-z]))+"
)


def _expression(latex: str, atom: Atom, role: str | None) -> list[NamedSymbol]:
    if atom.kind != "group":
        return []
    return _symbols(latex, atoms_of(latex, list(atom.node.nodelist or [])), role)


def _letters_as_index(atom: Atom) -> list[NamedSymbol]:
    if atom.kind in ("letters", "base"):
        return [NamedSymbol(atom.text, normalise(atom.text), None, None, "index", atom.start,
                            atom.end)]  # fmt: skip
    return []


def _children(node: Any) -> list[list[Any]]:
    from galcli.verify.formula.parse import children

    return children(node)


def _role(text: str) -> str:
    name = text[1:].split("{")[0] if text.startswith("\\") else ""
    if name in CONSTANTS or text == "e":
        return "constant"
    if name in FUNCTIONS or (len(text) >= 3 and text.isalpha()):
        return "function"
    return "variable"
