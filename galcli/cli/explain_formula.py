"""`galcli explain-formula`: parse, inventory and explain LaTeX formulas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from galcli.cli.options import (
    JSON_OR_LINES_HELP,
    CommonOptions,
    Concurrency,
    NoModel,
    Paraphrase,
    common_options,
    wants_model,
)
from galcli.cli.session import ModelSession
from galcli.errors import UsageError

if TYPE_CHECKING:
    from galcli.render import Output
    from galcli.tasks.explain_formula import Explanation, Unreadable


@common_options(model=True, json_help=JSON_OR_LINES_HELP)
def explain_formula(
    formula: Annotated[
        str | None,
        typer.Argument(
            metavar="[LATEX|-]",
            help="The formula, with or without $…$ / \\[…\\] / equation; "
            "- (or a pipe) reads stdin.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="Take the formula from this .tex file (with --label, --line or --all); "
            "the \\newcommand and \\DeclareMathOperator macros of its project (its main "
            "file's preamble included) are expanded.",
            show_default=False,
        ),
    ] = None,
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            help="The equation with this \\label: in the file, else in a file of its project "
            "(--file main.tex finds a label in a chapter it \\inputs).",
            show_default=False,
        ),
    ] = None,
    line: Annotated[
        int | None,
        typer.Option("--line", min=1, help="The math around this line.", show_default=False),
    ] = None,
    all_equations: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every display equation of the file and of the files it \\inputs (of the "
            "whole document for a main file); one JSON line each with --json.",
        ),
    ] = False,
    paraphrase: Paraphrase = False,
    no_model: NoModel = False,
    concurrency: Concurrency = 1,
    *,
    opts: CommonOptions,
) -> int:
    """Explain a LaTeX formula from its parse and from the document it comes from.

    galcli reads the formula's structure out in words (what is summed over what, what is
    divided by what, which relation holds) and, with --file, finds each symbol's definition in
    the document's own text ("where $X$ is …", "let $X$ be …", "the loss $L$", glossary and
    nomenclature entries), in the file and every file of its project, with file:line. A symbol
    the document never defines is said to be so, never guessed. Standard constants and
    functions (π, e, log) get their usual meaning. No model is needed or loaded: on the corpus
    papers a model's paraphrase added nothing the built explanation lacks (docs/explain-formula.md).
    With --paraphrase (or -m MODEL) the model rewrites it, and a sentence that names a symbol,
    number, person or law the formula and its definitions lack is rejected on stderr.

    Unicode math typed directly (α, ħ, ∑, ≤, xᵢ²) is read as the LaTeX it stands for. Each row
    of an align is explained on its own. Malformed LaTeX exits with status 3 and a caret under
    the problem.

    \b
    Examples:
      galcli explain-formula '\\nabla \\cdot \\mathbf{E} = \\frac{\\rho}{\\varepsilon_0}'
      echo '$E = mc^2$' | galcli explain-formula -
      galcli explain-formula --file paper.tex --label eq:loss
      galcli explain-formula --file chapters/model.tex --line 212 --json | jq '.symbols[]'
      galcli explain-formula --file paper.tex --all --json > formulas.jsonl
      galcli explain-formula --file paper.tex --label eq:loss --paraphrase
    """
    from galcli.render.explain_formula import show_explanation
    from galcli.tasks.explain_formula import (
        describe,
        explain_all,
        explain_in,
        formula_from_argument,
        load_tex,
    )
    from galcli.tasks.formula_context import Document
    from galcli.tasks.formula_paraphrase import paraphrase as rewrite

    selectors = sum([label is not None, line is not None, all_equations])
    if file is None and selectors:
        raise UsageError(
            "--label, --line and --all need --file",
            hint="galcli explain-formula --file paper.tex --label eq:1",
        )
    if file is not None and (formula is not None or selectors != 1):
        raise UsageError(
            "with --file, give exactly one of --label, --line or --all (and no LATEX)",
            hint="galcli explain-formula --file paper.tex --label eq:loss",
        )
    use_model = wants_model(paraphrase, no_model, opts)
    with ModelSession(opts, command="explain-formula", max_new_tokens=256) as session:
        out = session.out
        tex = load_tex(file) if file is not None else None
        if tex is not None and label is not None:  # the file, or the project file that has it
            tex = tex.with_label(label)

        def paraphrased(result: Explanation) -> Explanation:
            return rewrite(result, session.backend, session.params()) if use_model else result

        if tex is not None and all_equations:
            with out.progress("formulas", total=None) as advance:
                batch = explain_all(
                    tex.with_included(),
                    paraphrased if use_model else None,
                    concurrency=concurrency,
                    record=session.record,
                    on_result=lambda result: _shown(out, result, advance),
                )
            return batch.exit_code
        if tex is not None:
            math = tex.by_label(label) if label is not None else tex.at_line(line or 1)
            result = explain_in(tex, math, Document.around(tex))
        else:
            result = describe(formula_from_argument(formula))
        if use_model:  # the formula is sound; only now is the model worth loading
            with out.draft(session.backend.model_id) as on_text:
                result = rewrite(result, session.backend, session.params(), on_text)
            session.record(result)
        show_explanation(out, result)
    return result.exit_code


def _shown(out: Output, result: Explanation | Unreadable, advance: Callable[[], None]) -> None:
    from galcli.render.explain_formula import show_explanation_line, show_unreadable_line
    from galcli.tasks.explain_formula import Unreadable

    if isinstance(result, Unreadable):
        show_unreadable_line(out, result)
    else:
        show_explanation_line(out, result)
    advance()
