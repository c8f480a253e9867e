"""From the text a user gives to a formula: delimiters, environment, labels and tags stripped,
the document's macros expanded. Errors carry the column and a caret line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from galcli.errors import InputError
from galcli.latex.texlex import Definition
from galcli.verify.formula.macros import expand_macros
from galcli.verify.formula.rows import LABELS, outside_groups
from galcli.verify.formula.unicode_math import unicode_to_latex
from galcli.verify.formula.vocabulary import MATH_ENVIRONMENTS

_ENVIRONMENT = re.compile(
    r"^\s*\\begin\{(?P<env>(?:"
    + "|".join(MATH_ENVIRONMENTS)
    + r")\*?)\}(?P<body>.*)\\end\{(?P=env)\}\s*$",
    re.S,
)
_DELIMITED = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$"))


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


def label_of(source: str) -> str | None:
    """The first \\label{…} in `source`, if any."""
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
    label = label_of(body)
    body = LABELS.sub(" ", body).strip()
    # A final row break ends nothing (LaTeX ignores it; pylatexenc would wait for a next row).
    body = re.sub(r"(\\\\(\[[^\]]*\])?\s*)+$", "", body).rstrip()
    return body, environment, label


def prepare(text: str, definitions: dict[str, Definition] | None = None) -> Formula:
    body, environment, label = strip_math(text)
    if not body:
        raise InputError("the formula is empty", hint="give a LaTeX formula, e.g. 'E = mc^2'")
    body = unicode_to_latex(body)
    # A `$` left at the top level means the text held several formulas ('$x^2$ and $y$'), or a
    # stray one; `$…$` inside \text{…} is fine.
    if dollar := re.search(r"(?<!\\)\$", outside_groups(body)):
        raise formula_error(
            "'$' inside the formula: is this several formulas, or text around one?",
            body,
            dollar.start() + 1,
            hint="give one formula at a time, e.g. 'x^2'; for a document, use "
            "--file paper.tex with --all, --label or --line",
        )
    expanded, used = expand_macros(body, definitions or {})
    return Formula(
        source=text, latex=expanded, environment=environment, label=label, macros_expanded=used
    )
