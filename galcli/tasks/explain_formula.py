"""`galcli explain-formula`: a formula's deterministic description, and a checked explanation.

The deterministic part needs no model: a Unicode rendering, the inventory of symbols with
their roles, and the structure (equation, inequality, definition; left and right side). The
model then explains the formula step by step from that inventory; every symbol the explanation
names is checked against the formula, and a symbol that is neither in the formula nor said to
be introduced is reported as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from galcli.errors import ExitCode, InputError, Location
from galcli.model.base import Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.tasks.session import HistoryEntry
from galcli.verify.formula import (
    GREEK,
    Definition,
    Formula,
    Row,
    Symbol,
    TexMath,
    inventory,
    math_in_tex,
    parse,
    parse_definitions,
    prepare,
    rows,
    to_unicode,
)

CHAT_SYSTEM = (
    "You explain scientific formulas to researchers, step by step: first what each "
    "symbol means, then the idea of the formula, then the assumptions it rests on. "
    "Use only the symbols of the formula; if you need another symbol, say that you "
    "introduce it."
)
INTRODUCING = re.compile(
    r"\b(let|introduc\w*|defin\w*|denot\w*|we write|we call|new symbol)\b", re.IGNORECASE
)
NOT_SYMBOLS = {"a", "A", "I"}  # one-letter English words


@dataclass
class Explanation:
    latex: str
    unicode: str
    kind: str
    left: str | None
    right: str | None
    symbols: list[Symbol]
    macros_expanded: list[str]
    # every top-level row (an align gives several; kind/left/right are those of a single row)
    rows: list[Row] = field(default_factory=list)
    explanation: str | None = None
    warnings: list[str] = field(default_factory=list)
    model: str | None = None
    provenance: Provenance | None = None
    file: str | None = None
    line: int | None = None
    label: str | None = None
    exit_code = ExitCode.OK

    def history_entry(self) -> HistoryEntry | None:
        if self.model is None:
            return None
        verdicts = {"warnings": len(self.warnings)}
        return HistoryEntry(self.latex, self.explanation or "", self.provenance, verdicts)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "latex": self.latex,
            "unicode": self.unicode,
            "kind": self.kind,
            "left": self.left,
            "right": self.right,
            "rows": [r.to_dict() for r in self.rows],
            "symbols": [s.to_dict() for s in self.symbols],
            "macros_expanded": self.macros_expanded,
            "explanation": self.explanation,
            "warnings": self.warnings,
            "model": self.model,
            "provenance": self.provenance.as_dict() if self.provenance else None,
        }
        if self.file is not None:
            data.update(file=self.file, line=self.line, label=self.label)
        return data


def formula_from_argument(value: str | None) -> Formula:
    """The formula given on the command line, or on stdin for `-` (or a pipe): with or without
    its delimiters, Unicode math allowed."""
    from galcli.fileio import text_argument

    return prepare(text_argument(value, name="LATEX"))


def describe(formula: Formula) -> Explanation:
    """Everything that needs no model. InputError (with column) when the formula is malformed."""
    nodes = parse(formula.latex)
    symbols, unknown = inventory(formula.latex, nodes)
    multline = (formula.environment or "").startswith("multline")  # one equation, broken
    formula_rows = rows(formula.latex, one_equation=multline)
    kind, left, right = formula_rows[0].kind, formula_rows[0].left, formula_rows[0].right
    if len(formula_rows) > 1:
        # Several rows have no one left and right side; each row has its own.
        kinds = {row.kind for row in formula_rows}
        kind, left, right = (kinds.pop() if len(kinds) == 1 else "mixed"), None, None
    warnings = [
        f"\\{name} is not a known LaTeX macro and is not defined in the file's preamble"
        for name in unknown
    ]
    return Explanation(
        latex=formula.latex,
        unicode=to_unicode(formula.latex),
        kind=kind,
        left=left,
        right=right,
        symbols=symbols,
        macros_expanded=formula.macros_expanded,
        rows=formula_rows,
        warnings=warnings,
        label=formula.label,
    )


def _listing(symbols: list[Symbol]) -> str:
    return "; ".join(
        f"{s.unicode} ({s.latex}, {s.role})"
        for s in symbols
        if s.role not in ("relation", "operator")
    )


def explanation_prompt(result: Explanation) -> Prompt:
    listing = _listing(result.symbols)
    user = (
        f"Formula: {result.latex}\nRendered: {result.unicode}\nKind: {result.kind}\n"
        f"Symbols: {listing}\n\nExplain it step by step."
    )
    raw = (
        f"Question: Explain the formula ${result.latex}$ step by step. Its symbols are: "
        f"{listing}.\n\nAnswer: <work>"
    )
    return Prompt(
        raw=raw, stop=("</work>",), messages=(Message("system", CHAT_SYSTEM), Message("user", user))
    )


def _mentioned(text: str) -> list[tuple[str, str]]:
    """(symbol as written, the sentence it is in) for symbol-like mentions in prose."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        for math in re.findall(r"\$([^$]+)\$|\\\((.+?)\\\)", sentence):
            inner = math[0] or math[1]
            try:
                symbols, _ = inventory(inner, parse(inner))
            except InputError:
                continue
            names = [
                s.latex
                for s in symbols
                if s.role in ("variable", "constant") and not s.latex[0].isdigit()
            ]
            # "\mu_0" names one symbol: its base "\mu" is not a mention of its own.
            found += [(n, sentence) for n in names if not any(o.startswith(n + "_") for o in names)]
        prose = re.sub(r"\$[^$]+\$|\\\(.+?\\\)", " ", sentence)
        found += [(m, sentence) for m in re.findall(r"\\[A-Za-z]+", prose) if m[1:] in GREEK]
        found += [(m, sentence) for m in re.findall(r"[α-ωΑ-Ωϵϑϕϱϖ]", prose)]
        found += [
            (m, sentence)
            for m in re.findall(r"(?<![\w\\'’-])([A-Za-z])(?![\w'’-])", prose)
            if m not in NOT_SYMBOLS
        ]
    return found


def unknown_mentions(text: str, symbols: list[Symbol]) -> list[str]:
    """Symbols the explanation names that are not in the formula and not introduced."""
    known = set()
    for symbol in symbols:
        known |= {symbol.latex, symbol.unicode, symbol.latex.lstrip("\\")}
        known |= set(re.findall(r"\\[A-Za-z]+|[A-Za-z]", symbol.latex))
        known |= set(symbol.unicode)
    flagged: list[str] = []
    for mention, sentence in _mentioned(text):
        name = mention.lstrip("\\")
        if mention in known or name in known or f"\\{name}" in known:
            continue
        if INTRODUCING.search(sentence) or mention in flagged:
            continue
        flagged.append(mention)
    return flagged


def add_explanation(
    result: Explanation,
    backend: Backend,
    params: GenerationParams | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Explanation:
    """Ask the model to explain a described formula, and check what it says."""
    params = params or GenerationParams()
    prompt = explanation_prompt(result)
    text = backend.generate(prompt, params, on_text).text.strip()
    result.explanation = text
    result.model = backend.model_id
    result.provenance = provenance_for(backend, prompt, params)
    if not text:
        result.warnings.append("the model wrote no explanation")
    for mention in unknown_mentions(text, result.symbols):
        result.warnings.append(
            f"the explanation mentions {mention}, which is not in the formula "
            "and is not introduced as a new symbol"
        )
    return result


def explain(
    formula: Formula,
    backend: Backend | None = None,
    params: GenerationParams | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Explanation:
    result = describe(formula)
    return result if backend is None else add_explanation(result, backend, params, on_text)


# -- formulas from a .tex file --------------------------------------------------------------


@dataclass
class TexFormulas:
    path: Path
    definitions: dict[str, Definition]
    math: list[TexMath]

    def by_label(self, label: str) -> TexMath:
        for math in self.math:
            if math.label == label:
                return math
        labels = [m.label for m in self.math if m.label]
        from rapidfuzz import process

        close = process.extractOne(label, labels) if labels else None
        hint = (
            f"did you mean '{close[0]}'?"
            if close and close[1] >= 70
            else f"{len(labels)} labelled equations in the file"
            if labels
            else "the file has no labelled equations"
        )
        raise InputError(
            f"no equation with \\label{{{label}}}", location=Location(str(self.path)), hint=hint
        )

    def at_line(self, line: int) -> TexMath:
        containing = [m for m in self.math if m.line <= line <= m.end_line]
        if containing:
            return min(containing, key=lambda m: (not m.display, m.end_line - m.line))
        raise InputError(
            f"no math at line {line}",
            location=Location(str(self.path), line),
            hint="give a line inside an equation, or use --label or --all",
        )


def load_tex(path: Path) -> TexFormulas:
    """The file's display and inline math, and the macros its preamble (and includes) define."""
    from galcli.fileio import read_text
    from galcli.latex.project import scan_project

    text = read_text(path, what="LaTeX file")
    definitions: dict[str, Definition] = {}
    try:
        files = scan_project(path).files
    except InputError:
        files = [path]
    for file in files:
        other = text if file == path else read_text(file, what="LaTeX file")
        definitions.update(
            {k: v for k, v in parse_definitions(other).items() if k not in definitions}
        )
    return TexFormulas(path, definitions, math_in_tex(text, inline=True))


def prepare_tex_math(tex: TexFormulas, math: TexMath) -> Formula:
    try:
        return prepare(math.source, tex.definitions)
    except InputError as exc:
        exc.location = Location(str(tex.path), math.line)
        raise
