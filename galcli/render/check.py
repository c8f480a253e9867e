"""Citation problems (`galcli check`), gcc style: FILE:LINE:COLUMN: severity: message [kind]."""

from __future__ import annotations

from galcli.problems import ERROR, Problem
from galcli.render.core import Output, styled
from galcli.tasks.check import CheckResult

STYLE = {ERROR: "bold red", "warning": "yellow"}


def problem_line(problem: Problem) -> str:
    location = ":".join(
        str(part) for part in (problem.file, problem.line, problem.column) if part is not None
    )
    text = f"{location}: {problem.severity}: {problem.message}"
    if problem.suggestions:
        text += " (did you mean " + ", ".join(f"'{s}'" for s in problem.suggestions) + "?)"
    return f"{text} [{problem.kind}]"


def show_check(out: Output, result: CheckResult) -> None:
    if result.online is not None:
        from galcli.render.references import show_online_summary

        show_online_summary(out, result.online)
    if out.json_mode:
        out.write_json(result.to_dict())
        return
    if out.stdout_is_terminal():
        for problem in result.problems:
            location, _, rest = problem_line(problem).partition(f" {problem.severity}:")
            out.out.print(
                styled(location, " ", (f"{problem.severity}:", STYLE[problem.severity]), rest)
            )
    else:
        for problem in result.problems:
            out.write(problem_line(problem))
    errors, warnings = len(result.errors), len(result.warnings)
    out.info(
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}; "
        f"{result.citations} citations in {len(result.files)} file{'s' * (len(result.files) != 1)}, "
        f"{result.entries} entries in {len(result.bib_files)} bib file{'s' * (len(result.bib_files) != 1)}"
    )
