"""Where a document defines its symbols: the phrases of its own prose that say what a symbol is.

Every inline formula of the project (`$W^{(e)}$`, `\\(x\\)`) is read with its sentence, and the
words around it are matched against the ways papers define notation:

- "where $X$ is/denotes/represents the …", "$X$ stands for …" (`is`);
- "with $X$ the …", "$T$ the temperature and $V$ the volume", "$X$, the …," (`apposition`);
- "let $X$ be …", "we denote by $X$ …", "we denote … by $X$", "we call … $X$" (`let`, `denote`);
- "the token embedding matrix $W^{(e)}$", "the number of iterations …, $N_t$" (`noun`);
- "where $x \\in \\mathbb{R}^n$" (`type`), "$\\beta = 1/k_BT$", "$X := …$" (`equation`);
- `\\nomenclature{$X$}{…}` and glossary entries with a `symbol` or math `name` (`glossary`).

A phrase defines each named symbol of its formula (a list `$u_1 \\cdots u_T$` defines each of
them) under the symbol's keys (verify/formula/symbols.py). Which of them defines a symbol of
one equation is chosen in verify/formula/choice.py.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from galcli.latex.scan import LineIndex
from galcli.latex.sentences import sentence_at
from galcli.latex.structure import Structure, blank
from galcli.latex.texlex import Definition, mask
from galcli.verify.formula.accents import accent_phrases
from galcli.verify.formula.asides import captions, footnotes_apart
from galcli.verify.formula.glossary import glossary_entries
from galcli.verify.formula.lead_in import approximation, lead_in, lead_out
from galcli.verify.formula.macros import expand_macros
from galcli.verify.formula.nouns import MATH, plural
from galcli.verify.formula.plain_text import clean
from galcli.verify.formula.prose import defines, set_off, value_named
from galcli.verify.formula.respectively import respectively
from galcli.verify.formula.shapes import (
    BRACE,
    DEFINING,
    DOTS,
    INLINE,
    RELATION,
    components,
    labelled,
    math_text,
    shapes,
    with_formulas,
)
from galcli.verify.formula.symbols import NamedSymbol
from galcli.verify.formula.tex import DISPLAY

# Ways of defining that say what a symbol is wherever they stand; the others ("the loss $L$",
# "$x \\in \\mathbb{R}^n$") count in the equation's own file only.
STRONG = frozenset({"is", "apposition", "let", "denote", "glossary", "lead-in", "accent"})


@dataclass(frozen=True)
class Phrase:
    """A phrase of the document that defines a symbol."""

    symbol: NamedSymbol  # as the phrase writes it
    text: str  # what it says the symbol is, LaTeX resolved: "the token embedding matrix"
    file: str
    line: int  # 1-based line of the symbol in the phrase
    offset: int  # of the symbol's formula in the file
    how: str  # is, apposition, let, denote, noun, type, equation, component, brace, glossary,
    # lead-in, accent
    family: bool = False  # from a range ($u_1 \\cdots u_T$): it defines every member
    written: str = ""  # the formula of the phrase, as written ("u_1 \\cdots u_T")
    caption: bool = False  # in a figure's or a table's caption, which restates

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "file": self.file, "line": self.line, "how": self.how}

    @property
    def formal(self) -> bool:
        """Whether its formula defines the symbol by `:=` or `\\equiv` (`X \\equiv …`)."""
        return DEFINING.search(self.written) is not None

    @property
    def strong(self) -> bool:
        """Whether it says what the symbol is wherever it stands (`STRONG`, or `formal`), not
        only names it near a formula."""
        return self.how in STRONG or self.formal


# -- reading the prose around a formula ------------------------------------------------------

_PLURAL_VERB = re.compile(r"\s*,?\s*(?:are|were|denote|represent|stand for|refer to)\b", re.I)
# Which ways of defining the words around a formula in prose may use, by its form (a symbol or a
# list: every way): a declaration or a bound is named too ("a tractable distribution
# $\\pi : 2^V \\to R$", "a parameter $\\beta \\geq 0$"); an equation passes what is said of it to
# its left side ("$\\nu = \\mu/\\rho$ is the kinematic viscosity", "the Weber number
# $We \\equiv \\rho V^2 D/\\gamma$"). A value ("$n = 8$") is no definition by itself, and a noun
# before it names the value, not the symbol ("the limit $k = 0$"), but for "a temperature of
# $T = 300$ K" and "we set the penalty to $\\lambda = 0.005$" (prose.value_named).
_SAID_OF = {
    "type": ("noun", "apposition", "is", "let", "denote"),
    "bound": ("noun", "apposition", "is", "let", "denote"),
    "equation": ("is", "let", "denote"),
    "value": ("is", "let", "denote"),
    "definition": ("is", "let", "denote", "noun", "apposition"),
}


@dataclass
class _File:
    path: str
    text: str
    hidden: str  # masked, citations and display math blanked
    lines: LineIndex
    structure: Structure
    macros: dict[str, Definition]


def find_definitions(
    files: dict[str, str],
    citations: Iterable[tuple[str, int, int]] = (),
    macros: dict[str, Definition] | None = None,
) -> list[Phrase]:
    """Every defining phrase of the project's `files` (name → text, in reading order).
    `citations`: (file, start, end) of the citation commands, blanked from the prose; `macros`:
    the document's own macros, expanded in the prose's formulas as in the equations."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for file, start, end in citations:
        spans.setdefault(file, []).append((start, end))
    phrases: list[Phrase] = []
    for path, text in files.items():
        masked = mask(text)
        first = len(phrases)
        phrases += _glossary(path, masked)
        displays = [m.span() for m in DISPLAY.finditer(masked)]
        hidden = blank(masked, spans.get(path, []) + displays)
        hidden, notes = footnotes_apart(hidden)
        lines = LineIndex(text)
        read = _File(path, text, hidden, lines, Structure(hidden), macros or {})
        phrases += _in_prose(read) + _equations(read, text)
        if notes is not None:  # what the footnotes say, each sentence of one on its own
            phrases += _in_prose(_File(path, text, notes, lines, Structure(notes), macros or {}))
        phrases += [
            Phrase(accent, what, path, read.lines(offset)[0], offset, "accent")
            for offset, accent, what in accent_phrases(hidden)
        ]
        if spans_of_captions := captions(masked):
            phrases[first:] = [
                replace(p, caption=True)
                if any(a <= p.offset < b for a, b in spans_of_captions)
                else p
                for p in phrases[first:]
            ]
    return phrases


def _equations(file: _File, text: str) -> list[Phrase]:
    """Display equations that define their left side: `L \\equiv …` or `X := …`, and an
    equation a sentence leads into ("the expectation value is given by the formula" before
    `\\langle x \\rangle = …`): each defines that symbol for the formulas elsewhere."""
    from galcli.verify.formula.source import strip_math
    from galcli.verify.formula.tex import math_in_tex

    found: list[Phrase] = []
    block = -1  # where the environment of the row before ends
    displays = DEFINING.search(text) or re.search(r"\\begin|\$\$|\\\[", text)
    maths = math_in_tex(text) if displays else []
    rows = Counter(math.block_end for math in maths)
    for math in maths:
        later_row, block = math.block_end == block, math.block_end
        body = strip_math(math.source)[0]
        if file.macros:
            body = expand_macros(body, file.macros)[0]
        # "\\underbrace{\\sqrt{2\\pi r}}_{g_0}": g₀ is that root, in this display too; its
        # line is that of the same brace as written (before the macros were expanded)
        braces = [m.start() for m in BRACE.finditer(math.source)]
        for label, what, at in labelled(body):
            ordinal = len(BRACE.findall(body[:at]))
            line = file.lines(math.start + braces[min(ordinal, len(braces) - 1)])[0]
            found.append(
                Phrase(label, math_text(what), file.path, line, math.start, "brace",
                       written=f"{label.latex} = {what}")
            )  # fmt: skip
        written = re.sub(r"\\label\{[^{}]*\}|\\nonumber|\\notag", " ", body)
        # the prose before the display (a later row's too: the rows before it are blanked)
        end = math.start
        while end > 0 and file.hidden[end - 1].isspace():
            end -= 1
        start = file.structure.paragraph(max(end - 1, 0))[0]
        symbols, form = shapes(written.replace("&", " "))
        approximate = False  # a relation by ∼ or ≈ that only the words after it name
        if not symbols and (read := approximation(file.hidden[start:end], written, file.macros)):
            (symbols, form), approximate = shapes(read[0]), read[1]
        if not symbols or form not in ("definition", "equation"):
            continue
        if form == "definition":  # := or ≡: "f(x) = …" states, it does not define
            found.append(
                Phrase(
                    symbols[0],
                    math_text(written),
                    file.path,
                    math.line,
                    math.start,
                    "equation",
                    written=body,
                )
            )  # and a sentence that leads into it names it too ("Its Fourier transform is")
        if (
            form == "equation"
            and not approximate
            and _DISPLAY_CUE.search(file.hidden[max(start, end - 40) : end])
        ):
            # "where \begin{equation} k = \sin\alpha/\cos\gamma \end{equation}": the
            # display says what its left side is, for the formula it follows
            found.append(
                Phrase(symbols[0], math_text(written), file.path, math.line, math.start,
                       "equation", written=body)
            )  # fmt: skip
        subject = lead_in(file.hidden[start:end], file.macros) if not approximate else ""
        # a later row is named only by a plural ("the spectral flux of kinetic and potential
        # energy are defined as" two rows; "a weight matrix" is the first row's)
        if subject and (not later_row or _PLURAL.search(subject)):
            line = file.lines(max(end - 1, 0))[0]
            found.append(Phrase(symbols[0], subject, file.path, line, end - 1, "lead-in"))
        # the words after the display: "where \\[…\\] is the rotational component" (of its one
        # row), "… are spectral transfer and conversion terms" (of every row)
        after = file.hidden[math.block_end : file.structure.paragraph(math.block_end)[1]]
        closing, plural = lead_out(file.hidden[start:end][-40:], after[:300], file.macros)
        if closing and (plural or rows[math.block_end] == 1):
            at = math.block_end + len(after) - len(after.lstrip())
            found.append(Phrase(symbols[0], closing, file.path, file.lines(at)[0], at, "lead-in"))
    return found


_TUPLE = re.compile(r"=\s*(?:\\left)?(?:\(|\\\{)")
_REGION = re.compile(
    r"\b(?:region|regime|limit|case|range|domain|interval|half-plane|half-space|area|zone|bound)s?$",
    re.I,
)
_PLURAL = re.compile(r"\band\b|[^su]s$|\b(?:spectra|data|criteria|phenomena|maxima|minima)$")
_CUE = re.compile(
    r"\b(?:where|with|for|let|given|and|set|define|defining|here|notation)\s*,?\s*$", re.I
)
_DISPLAY_CUE = re.compile(r"\b(?:where|with|here|let|define|defining|notation)\s*[,:]?\s*$", re.I)
_JOIN = re.compile(r"[\s~]*(?:,|,?[\s~]*and|,?[\s~]*or)?[\s~]*")


def _groups(hidden: str, maths: list[re.Match[str]]) -> list[list[int]]:
    """Runs of formulas that one phrase speaks of together: "$f$ and $g$ are …", "($a$, $b$,
    and $c$ are constants)", "two encoders $f$ and $g$"."""
    groups: list[list[int]] = []
    for index, match in enumerate(maths):
        if groups and _JOIN.fullmatch(hidden[maths[groups[-1][-1]].end() : match.start()]):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _in_prose(file: _File) -> list[Phrase]:
    hidden = file.hidden
    maths = _Maths(INLINE.finditer(hidden))
    found: list[Phrase] = []
    for group in _groups(hidden, maths):
        first, last = maths[group[0]], maths[group[-1]]
        p_start, p_end = file.structure.paragraph(first.start())
        s_start, s_end = sentence_at(hidden[p_start:p_end], first.start() - p_start)
        s_start, s_end = p_start + s_start, p_start + s_end
        # what the words around the whole run say of each of its formulas, when it is plural
        # ("$f$ and $g$ are …", "two encoders $f$ and $g$")
        shared: list[tuple[str, str]] = []
        each = [shared]  # what each formula of the run is said to be, in turn
        opening = False  # a cue before the run's first formula
        if len(group) > 1:
            before = _prose(hidden, maths, s_start, first.start())[-160:]
            after = _prose(hidden, maths, last.end(), s_end)[:240]
            # "Here $u_x = …$, $u_y = …$, and $v_z = …$": the cue before the first is each one's
            opening = _CUE.search(before) is not None
            shared = [
                (how, what)
                for how, what in defines(before, after)
                if (how == "noun" and what.endswith("s"))
                or (how == "is" and _PLURAL_VERB.match(after))  # not "when $a$, $b$ is …"
                or how in ("let", "denote")
                # "($x$, $y$)", "with $\\alpha$ and $\\beta$ the hyperparameters of the prior"
                or (how == "apposition" and (before.rstrip().endswith("(") or _plural(what)))
            ]
            # "$W$ and $\\tau$ are the height of the Gaussian and the deposition stride,
            # respectively": each its own part
            each = respectively(shared, len(group), after)
        for index, own in zip(group, each, strict=True):
            match = maths[index]
            content = match["a"] if match["a"] is not None else match["b"]
            before = _prose(hidden, maths, s_start, match.start())[-200:]
            after = _prose(hidden, maths, match.end(), s_end)[:240]
            # the words first (cheap): most formulas of a paper define nothing, and only those
            # that may are parsed
            mine = defines(before, after)  # ("$m_2$ are the … masses": the split one, not this)
            words = mine + own if own == shared else own + [w for w in mine if w not in shared]
            cued = opening or _CUE.search(before) is not None
            # "an excess of $\gamma = \Delta\Delta G > 0$": the noun names the left side
            valued = value_named(before) if "=" in content else ""
            # (a tuple names its components: "$\\xi = (\\xi_1, …, \\xi_d)$")
            if not (words or valued or DEFINING.search(content) or _TUPLE.search(content)
                    or (cued and RELATION.search(content))):  # fmt: skip
                continue
            if file.macros:
                content = expand_macros(content, file.macros)[0]
            symbols, form = shapes(content)
            if not symbols:
                continue
            # "the unit vector normal … $\vec n = (n_x, n_y, n_z)$": the noun names the vector,
            # and the tuple its components
            parts = components(content) if form == "equation" else ()
            said = _SAID_OF.get("definition" if parts else form)
            patterns = [w for w in words if said is None or w[0] in said]
            family = form == "list" and len({sym.base for sym in symbols}) == 1
            if form == "list" and not family:  # "the joint $x, y$ distribution" is neither
                patterns = [w for w in patterns if w[0] != "noun" or w[1].endswith("s")]
            if form == "list":  # "in $(x', y)$ coordinates" names them, it counts nothing
                patterns = [w for w in patterns if w[0] != "count"]
            if form == "equation" and (named := set_off(before, words) or valued):
                patterns.append(("noun", named))
            elif form == "value" and valued:  # "we set the penalty to $\lambda = 0.005$"
                patterns.append(("noun", valued))
            if form == "bound":  # "the region $x < 0$" names a region, not x
                patterns = [w for w in patterns if w[0] != "noun" or not _REGION.search(w[1])]
            if form == "definition" or (form in ("type", "equation") and cued):
                patterns.append(("equation" if form == "definition" else form, math_text(content)))
            if not patterns and not parts:
                continue
            line, _ = file.lines(match.start())
            whole = math_text(symbols[0].latex)
            if patterns:
                how, what = patterns[0]
                text = _readable(what, maths, file.macros)
                for symbol in symbols:
                    found.append(
                        Phrase(symbol, text, file.path, line, match.start(), how, family, content)
                    )
                whole += "" if how == "equation" else f", {text}"
            ranged = DOTS.search(content) is not None  # (ξ₁(x), …, ξ_d(x)): each ξᵢ too
            found += [
                Phrase(part, f"a component of {whole}", file.path, line, match.start(),
                       "component", ranged, written=content)
                for part in parts
            ]  # fmt: skip
    return found


def _plural(phrase: str) -> bool:  # not "the bounds of integration" of `x_1 < x < x_2`
    return plural(phrase) and not _REGION.search(phrase.split(" of ")[0])


def _prose(hidden: str, maths: Sequence[re.Match[str]], start: int, end: int) -> str:
    """The prose between two offsets, each inline formula in it written as MATH + its index."""
    starts = [m.start() for m in maths] if not isinstance(maths, _Maths) else maths.starts
    first = bisect.bisect_left(starts, start)
    pieces, position = [], start
    for index in range(first, len(maths)):
        match = maths[index]
        if match.start() >= end:
            break
        pieces += [clean(hidden[position : match.start()]), f"{MATH}{index}{MATH}"]
        position = match.end()
    pieces.append(clean(hidden[position:end]))
    return "".join(pieces).strip()


class _Maths(list):  # type: ignore[type-arg]
    """The inline formulas of a file, with their start offsets for bisection."""

    def __init__(self, matches: Iterable[re.Match[str]]) -> None:
        super().__init__(matches)
        self.starts = [m.start() for m in self]


def _readable(text: str, maths: Sequence[re.Match[str]], macros: dict[str, Definition]) -> str:
    """A phrase with its formulas rendered in Unicode, the document's macros expanded ("the
    wave vector $\\k$" is 𝐤, not the ogonek accent \\k is in text)."""

    def latex_of(index: int) -> str:
        math = maths[index]
        return expand_macros(math["a"] if math["a"] is not None else math["b"], macros)[0]

    return with_formulas(text, latex_of).strip(" ,")


def _glossary(path: str, masked: str) -> list[Phrase]:
    """Nomenclature and glossary entries whose name or symbol is a formula."""
    lines = LineIndex(masked)
    found = []
    for offset, written, description in glossary_entries(masked):
        math = re.fullmatch(r"\s*\$(.+)\$\s*", written)
        if math is None:
            continue
        symbols, form = shapes(math.group(1))
        for symbol in symbols if form in ("one", "list") else []:
            found.append(Phrase(symbol, clean(description), path, lines(offset)[0], offset,
                                "glossary"))  # fmt: skip
    return found
