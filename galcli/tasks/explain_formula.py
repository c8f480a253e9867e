"""`galcli explain-formula`: a formula explained from verified parts only.

The explanation is built, not generated: the formula's structure read out in words from its
parse (verify/formula/reading.py), and each symbol's definition from the document's own text
with its file and line (verify/formula/definitions.py, found through tasks/formula_context.py),
or "not defined in the document". Standard constants and functions (π, e, log) get the meaning
galcli's vocabulary gives them. Nothing here needs a model; a model may paraphrase the result
only sentence by sentence through the faithfulness check (tasks/formula_paraphrase.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from galcli.errors import ExitCode, InputError, Location
from galcli.provenance.stamp import Provenance
from galcli.tasks.formula_context import Document, TexFormulas, load_tex, prepare_tex_math
from galcli.tasks.session import HistoryEntry
from galcli.verify.faithful import Rejected
from galcli.verify.formula import (
    Formula,
    Row,
    Symbol,
    TexMath,
    inventory,
    parse,
    prepare,
    rows,
    to_unicode,
)
from galcli.verify.formula.choice import Found
from galcli.verify.formula.reading import VOCABULARY, read_row
from galcli.verify.formula.symbols import NamedSymbol, named_symbols
from galcli.verify.formula.units import POWERS
from galcli.verify.formula.vocabulary import MEANINGS

__all__ = [
    "AllFormulas",
    "Explanation",
    "SymbolEntry",
    "TexFormulas",
    "Unreadable",
    "describe",
    "explain_all",
    "explain_in",
    "load_tex",
]


@dataclass
class SymbolEntry:
    """One named symbol of the formula and what the document (or galcli) says it is."""

    symbol: NamedSymbol
    definition: Found | None = None
    meaning: str | None = None  # a standard constant or function, from galcli's vocabulary

    @property
    def unicode(self) -> str:
        return to_unicode(self.symbol.latex)

    @property
    def said_of(self) -> str | None:
        """What the definition speaks of when it is not the symbol as written (Unicode); not
        for a definition that is a formula, which shows it ("mᵢ(S) = ∑ mᵢᵥ" for m₂)."""
        found = self.definition
        if found is None or found.match == "exact" or found.phrase.how in ("equation", "type"):
            return None
        return to_unicode(found.said_of)

    def to_dict(self) -> dict[str, Any]:
        return {
            "latex": self.symbol.latex,
            "unicode": self.unicode,
            "role": self.symbol.role,
            "definition": self.definition.to_dict() if self.definition else None,
            "meaning": self.meaning,
        }


@dataclass
class Explanation:
    latex: str
    unicode: str
    kind: str
    left: str | None
    right: str | None
    symbols: list[SymbolEntry]
    operators: list[Symbol]  # relations and operators, with their roles
    macros_expanded: list[str]
    # every top-level row (an align gives several; kind/left/right are those of a single row)
    rows: list[Row] = field(default_factory=list)
    explanation: str = ""  # built from verified parts
    in_document: bool = False  # symbols were looked up in a document
    paraphrase: str | None = None  # the model's sentences that passed the check
    rejected: list[Rejected] = field(default_factory=list)
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
        verdicts: dict[str, object] = {"kept": self.paraphrase is not None}
        verdicts["rejected"] = len(self.rejected)
        return HistoryEntry(self.latex, self.paraphrase or "", self.provenance, verdicts)

    def sources(self) -> list[str]:
        """Everything the explanation rests on: what a paraphrase may say."""
        parts = [self.latex, self.unicode, self.explanation, VOCABULARY]
        for entry in self.symbols:
            parts += [entry.symbol.latex, entry.unicode, entry.meaning or ""]
            if entry.definition is not None:
                parts.append(entry.definition.phrase.text)
        return parts

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "latex": self.latex,
            "unicode": self.unicode,
            "kind": self.kind,
            "left": self.left,
            "right": self.right,
            "rows": [r.to_dict() for r in self.rows],
            "symbols": [s.to_dict() for s in self.symbols],
            "operators": [s.to_dict() for s in self.operators],
            "macros_expanded": self.macros_expanded,
            "explanation": self.explanation,
            "paraphrase": self.paraphrase,
            "rejected": [r.to_dict() for r in self.rejected],
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


def describe(
    formula: Formula, document: Document | None = None, math: TexMath | None = None
) -> Explanation:
    """Everything that needs no model: structure, symbols with their definitions in `document`
    (the formula `math` of its file), and the explanation built from them. InputError (with
    column) when the formula is malformed."""
    nodes = parse(formula.latex)
    inventoried, unknown = inventory(formula.latex, nodes)
    # a macro the document defines but that programs TeX is kept as written, and is no unknown
    unknown = [name for name in unknown if document is None or name not in document.macros]
    multline = (formula.environment or "").startswith("multline")  # one equation, broken
    formula_rows = rows(formula.latex, one_equation=multline)
    kind, left, right = formula_rows[0].kind, formula_rows[0].left, formula_rows[0].right
    if len(formula_rows) > 1:
        # Several rows have no one left and right side; each row has its own.
        kinds = {row.kind for row in formula_rows}
        kind, left, right = (kinds.pop() if len(kinds) == 1 else "mixed"), None, None
    named = named_symbols(formula.latex, nodes)
    found = document.definitions(named, math) if document and math else {}
    entries = [
        SymbolEntry(s, found.get(s.written_key), None if found.get(s.written_key) else _meaning(s))
        for s in named
    ]
    result = Explanation(
        latex=formula.latex,
        unicode=to_unicode(formula.latex),
        kind=kind,
        left=left,
        right=right,
        symbols=entries,
        operators=[s for s in inventoried if s.role in ("operator", "relation")],
        macros_expanded=formula.macros_expanded,
        rows=formula_rows,
        in_document=document is not None,
        warnings=[
            f"\\{name} is not a known LaTeX macro and is not defined in the file's preamble"
            for name in unknown
        ],
        label=formula.label,
    )
    result.explanation = grounded_text(result)
    return result


def _meaning(symbol: NamedSymbol) -> str | None:
    """What a standard constant or function is; a function's power too: cos⁻¹ is "the inverse
    of the cosine", sin² "the sine, squared", sinⁿ "the sine, to the power n"."""
    if symbol.role not in ("constant", "function") or symbol.sub:
        return None
    meaning = MEANINGS.get(symbol.base)
    if not symbol.sup or meaning is None:
        return meaning
    if symbol.role == "function" and symbol.sup == "-1":
        return f"the inverse of {meaning}"
    if symbol.role == "function" and re.fullmatch(r"\d|[a-z]", symbol.sup):
        return f"{meaning}, " + POWERS.get(symbol.sup, f"to the power {symbol.sup}")
    return None


def grounded_text(result: Explanation) -> str:
    """The explanation from verified parts: the rows read out, then what each symbol is."""
    if len(result.rows) == 1:
        sentences = [_capital(read_row(result.rows[0])) + "."]
    else:
        sentences = [f"Row {number}: {read_row(row)}." for number, row in enumerate(result.rows, 1)]
    said = []
    for entry in result.symbols:
        if entry.definition is not None:
            said.append(_defined(entry))
        elif entry.meaning is not None:
            said.append(f"{entry.unicode} is {entry.meaning}")
    if said:
        sentences.append("Here " + "; ".join(said) + ".")
    if result.in_document:
        undefined = [
            e.unicode
            for e in result.symbols
            if e.definition is None and e.meaning is None and e.symbol.role != "index"
        ]
        if undefined:
            what = "is" if len(undefined) == 1 else "are"
            sentences.append(f"{', '.join(undefined)} {what} not defined in the document.")
    return " ".join(sentences)


def _defined(entry: SymbolEntry) -> str:
    assert entry.definition is not None
    phrase = entry.definition.phrase
    where = f"{phrase.file}:{phrase.line}"
    text = phrase.text
    if phrase.how in ("type", "equation"):
        said = f"{entry.unicode} is given by {text}"
    elif text.split()[0].lower() in ("the", "a", "an", "each", "one", "its", "our", "their"):
        # the phrase may open its sentence ("The phenotype $x$ …"); here it is mid-sentence
        said = f"{entry.unicode} is {text[:1].lower()}{text[1:]}"
    else:
        said = f"{entry.unicode}: {text}"
    if entry.said_of is not None:
        said += f" (said of {entry.said_of})"
    return f"{said} ({where})"


def _capital(text: str) -> str:
    """A sentence's first letter in capitals when it is a word ("the sum …"), never a symbol."""
    first = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if first in ("the", "minus", "plus") else text


def explain_in(tex: TexFormulas, math: TexMath, document: Document | None) -> Explanation:
    """`describe` for the formula `math` of a .tex file, a parse error placed at its line."""
    formula = prepare_tex_math(tex, math)
    try:
        result = describe(formula, document, math)
    except InputError as exc:
        exc.location = exc.location or Location(str(tex.path), math.line)
        raise
    result.file, result.line = str(tex.path), math.line
    result.label = result.label or math.label  # also one a label macro writes
    return result


def definitions_at(
    tex: TexFormulas, math: TexMath, document: Document | None = None
) -> dict[NamedSymbol, Found | None]:
    """Each named symbol of the formula `math` of `tex`, with the phrase of its project that
    defines it (None: not defined in the document)."""
    result = explain_in(tex, math, document or Document.around(tex))
    return {entry.symbol: entry.definition for entry in result.symbols}


@dataclass(frozen=True)
class Unreadable:
    """A formula of `--all` that does not parse: reported at its line, the others go on."""

    math: TexMath
    file: str
    error: InputError
    exit_code = ExitCode.BAD_INPUT

    def history_entry(self) -> None:
        return None


@dataclass
class AllFormulas:
    """Every display formula of a file, each explained or found unreadable."""

    results: list[Explanation | Unreadable]

    @property
    def exit_code(self) -> ExitCode:
        unreadable = any(isinstance(r, Unreadable) for r in self.results)
        return ExitCode.BAD_INPUT if unreadable else ExitCode.OK


def explain_all(
    texes: Sequence[TexFormulas],
    paraphrase: Callable[[Explanation], Explanation] | None = None,
    *,
    concurrency: int = 1,
    record: Callable[[Explanation | Unreadable], object] | None = None,
    on_result: Callable[[Explanation | Unreadable], None] | None = None,
) -> AllFormulas:
    """`explain_in` for every display formula of each of `texes` (a file and the files it
    includes), in order (`paraphrase`d when given)."""
    from galcli.tasks.batch import run_batch

    displays = [(tex, m) for tex in texes for m in tex.math if m.display]
    if not displays:
        where = "the file" if len(texes) == 1 else f"the file and the {len(texes) - 1} it includes"
        raise InputError(
            f"no display equations in {where}",
            location=Location(str(texes[0].path)),
            hint="display math is \\[…\\], $$…$$ or an equation/align/… environment",
        )
    documents: dict[int, Document] = {}  # one per file, made when its first formula comes

    def one(item: tuple[TexFormulas, TexMath]) -> Explanation | Unreadable:
        tex, math = item
        try:
            document = documents.get(id(tex)) or documents.setdefault(id(tex), Document.around(tex))
            result = explain_in(tex, math, document)
        except InputError as exc:
            return Unreadable(math, str(tex.path), exc)
        return paraphrase(result) if paraphrase is not None else result

    batch = run_batch(
        one,
        displays,
        concurrency=concurrency,
        record=record,
        on_result=None if on_result is None else lambda _, result: on_result(result),
    )
    return AllFormulas(batch.results)
