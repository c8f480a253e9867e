"""`galcli explain-formula`: parse, inventory and explain LaTeX formulas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from galcli.cli.options import JSON_OR_LINES_HELP, CommonOptions, Concurrency, common_options
from galcli.cli.session import ModelSession
from galcli.errors import ExitCode, InputError, Location, UsageError

if TYPE_CHECKING:
    from galcli.tasks.explain_formula import Explanation, Formula, TexFormulas, TexMath


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
            "its \\newcommand and \\DeclareMathOperator macros are expanded.",
            show_default=False,
        ),
    ] = None,
    label: Annotated[
        str | None,
        typer.Option("--label", help="The equation with this \\label.", show_default=False),
    ] = None,
    line: Annotated[
        int | None,
        typer.Option("--line", min=1, help="The math around this line.", show_default=False),
    ] = None,
    all_equations: Annotated[
        bool,
        typer.Option(
            "--all", help="Every display equation of the file; one JSON line each with --json."
        ),
    ] = False,
    no_model: Annotated[
        bool,
        typer.Option(
            "--no-model", help="Only the deterministic part: rendering, symbols, structure."
        ),
    ] = False,
    concurrency: Concurrency = 1,
    *,
    opts: CommonOptions,
) -> int:
    """Parse a LaTeX formula, list its symbols and explain it step by step.

    Without a model, galcli prints a Unicode rendering, the structure (equation, inequality,
    definition; left and right side) and an inventory of symbols with their roles. With the
    model, a step-by-step explanation follows, labelled as generated; symbols it names that are
    not in the formula (and not introduced as new) are reported as warnings. Malformed LaTeX
    exits with status 3 and a caret under the problem.

    Unicode math typed directly (α, ħ, ∑, ≤, xᵢ²) is read as the LaTeX it stands for. Each row
    of an align (or of an aligned/split that is the whole formula) is described on its own;
    the rows of a matrix or cases stay inside it. Give one formula at a time.

    \b
    Examples:
      galcli explain-formula '\\nabla \\cdot \\mathbf{E} = \\frac{\\rho}{\\varepsilon_0}'
      echo '$E = mc^2$' | galcli explain-formula -
      galcli explain-formula 'E = ħω' --no-model
      galcli explain-formula --file paper.tex --label eq:loss
      galcli explain-formula --file paper.tex --line 212
      galcli explain-formula --file paper.tex --all --no-model --json
    """
    from galcli.render.explain_formula import show_explanation
    from galcli.tasks.explain_formula import (
        add_explanation,
        describe,
        formula_from_argument,
        load_tex,
        prepare_tex_math,
    )

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
    session = ModelSession(
        opts, command="explain-formula", max_new_tokens=256, repetition_penalty=1.1
    )
    try:
        if file is not None and all_equations:
            return _explain_all(session, load_tex(file), no_model, concurrency)
        if file is not None:
            tex = load_tex(file)
            math = tex.by_label(label) if label is not None else tex.at_line(line)  # type: ignore[arg-type]
            result = _with_location(describe, prepare_tex_math(tex, math), tex.path, math.line)
            result.file, result.line = str(tex.path), math.line
        else:
            result = describe(formula_from_argument(formula))
        # The formula is sound; only now is the model worth loading.
        if not no_model:
            with session.out.draft(session.backend.model_id) as on_text:
                add_explanation(result, session.backend, session.params(), on_text)
            session.record(result)
        show_explanation(session.out, result)
    finally:
        session.close()
    return ExitCode.OK


def _with_location(
    function: Callable[[Formula], Explanation], formula: Formula, path: Path, line: int
) -> Explanation:
    """`function(formula)`, with a parse error placed at the formula's file and line."""
    try:
        return function(formula)
    except InputError as exc:
        exc.location = exc.location or Location(str(path), line)
        raise


def _explain_all(session: ModelSession, tex: TexFormulas, no_model: bool, concurrency: int) -> int:
    from galcli.render.explain_formula import show_explanation_line
    from galcli.tasks.batch import ordered_map
    from galcli.tasks.explain_formula import explain, prepare_tex_math

    displays = [m for m in tex.math if m.display]
    if not displays:
        raise InputError(
            "no display equations in the file",
            location=Location(str(tex.path)),
            hint="display math is \\[…\\], $$…$$ or an equation/align/… environment",
        )
    backend = None if no_model else session.backend
    params = None if no_model else session.params()

    def one(math: TexMath) -> tuple[TexMath, Explanation | InputError]:
        try:
            return math, explain(prepare_tex_math(tex, math), backend, params)
        except InputError as exc:
            return math, exc

    failures = 0
    with session.out.progress("formulas", total=len(displays)) as advance:
        for math, result in ordered_map(one, displays, concurrency):
            if isinstance(result, InputError):
                failures += 1
                show_explanation_line(
                    session.out,
                    None,
                    file=str(tex.path),
                    line=math.line,
                    label=math.label,
                    error=result,
                )
            else:
                result.file, result.line = str(tex.path), math.line
                session.record(result)
                show_explanation_line(session.out, result)
            advance()
    return ExitCode.BAD_INPUT if failures else ExitCode.OK
