"""LaTeX formulas: delimiters and labels stripped, macros expanded, parsed by pylatexenc, and
described deterministically (a Unicode rendering, an inventory of symbols, the structure).

One module per job: `vocabulary` (what each macro is), `source` (from the user's text to a
formula), `macros` (expansion of a document's own macros), `parse` (pylatexenc, with the
checks TeX makes), `inventory` (symbols and structure), `rendering` (Unicode) and `tex` (the
math of a .tex file). Parse errors carry the column in the formula, so the user gets a caret
under the problem. Nothing here needs a model.
"""

from galcli.latex.texlex import Definition, parse_definitions
from galcli.verify.formula.inventory import Row, Symbol, inventory, rows, structure
from galcli.verify.formula.macros import expand_macros
from galcli.verify.formula.parse import parse
from galcli.verify.formula.rendering import to_unicode
from galcli.verify.formula.source import Formula, caret, formula_error, prepare, strip_math
from galcli.verify.formula.tex import TexMath, environment_arguments, math_in_tex, split_rows
from galcli.verify.formula.vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    GREEK,
    OPERATORS,
    RELATIONS,
    is_known_macro,
)

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "GREEK",
    "OPERATORS",
    "RELATIONS",
    "Definition",
    "Formula",
    "Row",
    "Symbol",
    "TexMath",
    "caret",
    "environment_arguments",
    "expand_macros",
    "formula_error",
    "inventory",
    "is_known_macro",
    "math_in_tex",
    "parse",
    "parse_definitions",
    "prepare",
    "rows",
    "split_rows",
    "strip_math",
    "structure",
    "to_unicode",
]
