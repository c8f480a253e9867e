"""Citation problems (`galcli check`), gcc style: FILE:LINE:COLUMN: severity: message [kind];
with --online, the warning when a service could not be asked and a tally, on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.problems import ERROR, NOTE, WARNING, Problem
from galcli.render.core import Output, counted, styled

if TYPE_CHECKING:
    from galcli.tasks.check import CheckResult
    from galcli.tasks.cite_fit import FitReport
    from galcli.tasks.online_check import OnlineReport

STYLE = {ERROR: "bold red", WARNING: "yellow", NOTE: "cyan"}


def problem_message(problem: Problem) -> str:
    """The message with its suggestions, as every format writes it."""
    text = problem.message
    if problem.suggestions:
        text += " (did you mean " + ", ".join(f"'{s}'" for s in problem.suggestions) + "?)"
    return text


def problem_line(problem: Problem) -> str:
    location = ":".join(
        str(part) for part in (problem.file, problem.line, problem.column) if part is not None
    )
    return f"{location}: {problem.severity}: {problem_message(problem)} [{problem.kind}]"


def summary_line(result: CheckResult) -> str:
    """`0 errors, 1 warning; 1 citation in 1 file, 12 entries in 1 bib file` (and notes)."""
    findings = [counted(len(result.errors), "error"), counted(len(result.warnings), "warning")]
    if result.notes:
        findings.append(counted(len(result.notes), "note"))
    if result.suppressed:
        findings.append(f"{len(result.suppressed)} ignored")
    return (
        f"{', '.join(findings)}; {counted(len(result.citations), 'citation')} in "
        f"{counted(len(result.files), 'file')}, {counted(result.entries, 'entry', 'entries')} "
        f"in {counted(len(result.bib_files), 'bib file')}"
    ) + (fit_summary(result.fit) if result.fit is not None else "")


def fit_summary(fit: FitReport) -> str:
    """`; --fit: 612 citations judged, 36 too thin to judge` (and when embeddings were off)."""
    return (
        f"; --fit: {counted(fit.judged, 'citation')} judged, {fit.not_judged} too thin to judge"
        + ("" if fit.dense or not fit.judged else " (word matching only: no sentence embeddings)")
    )


def show_check(out: Output, result: CheckResult, *, to_stderr: bool = False) -> None:
    """The problems on stdout (`to_stderr`: on stderr, when stdout carries a diff)."""
    if result.online is not None:
        show_online_summary(out, result.online)
    if out.json_mode:
        out.write_json(result.to_dict())
        return
    if to_stderr:
        for problem in result.problems:
            out.err.print(styled(problem_line(problem)))
    elif out.stdout_is_terminal():
        for problem in result.problems:
            location, _, rest = problem_line(problem).partition(f" {problem.severity}:")
            out.out.print(
                styled(location, " ", (f"{problem.severity}:", STYLE[problem.severity]), rest)
            )
    else:
        for problem in result.problems:
            out.write(problem_line(problem))
    out.info(summary_line(result))


VERDICT_WORDS = (
    ("verified", "verified"),
    ("reference_metadata_mismatch", "with wrong details"),
    ("reference_not_found", "not found"),
    ("reference_retracted", "retracted"),
    ("doi_malformed", "with a malformed DOI"),
    ("unchecked", "unchecked"),
)


def show_online_summary(out: Output, report: OnlineReport) -> None:
    for warning in report.warnings:
        out.warn(warning)
    total = len(report.references)
    counts = ", ".join(
        f"{report.count(verdict)} {words}"
        for verdict, words in VERDICT_WORDS
        if report.count(verdict)
    )
    out.info(
        f"online: {counted(total, 'entry', 'entries')} looked up"
        + (f" ({counts})" if counts else "")
        + f"; {counted(report.requests, 'request')}, "
        f"{counted(report.from_cache, 'answer')} from the cache"
    )
