"""`galcli check`: citation problems in a LaTeX project (no model; fast enough for every build)."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from galcli.cli.options import CommonOptions, common_options
from galcli.errors import UsageError
from galcli.problems import kinds_help

if TYPE_CHECKING:
    from galcli.render import Output
    from galcli.tasks.check import CheckResult


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"


@common_options(model=False)
def check(
    main: Annotated[
        Path | None,
        typer.Argument(
            metavar="[MAIN.tex]",
            help="The main .tex file of the project, or - to read it from stdin [default: the one "
            ".tex file with \\documentclass in the current directory].",
            show_default=False,
        ),
    ] = None,
    bib: Annotated[
        list[Path] | None,
        typer.Option(
            "--bib",
            "-b",
            help="A .bib file to check against (repeatable); default: the files "
            "named by \\bibliography / \\addbibresource.",
        ),
    ] = None,
    unused: Annotated[
        bool, typer.Option("--unused", help="Also report entries never cited.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Report unused entries too, and fail (exit 1) on warnings as well."
        ),
    ] = False,
    online: Annotated[
        bool,
        typer.Option(
            "--online",
            help="Also look each checked entry up (Crossref, OpenAlex; needs the network): is it "
            "a real work with the title, first author, year and journal it claims?",
        ),
    ] = False,
    output_format: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output: text (default), json (= --json), sarif (GitHub code scanning), github "
            "(workflow annotations) or gitlab (a Code Quality report). The exit status is the "
            "same in every format.",
            show_default=False,
        ),
    ] = None,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Write a unified diff of the .bib files that fixes what can be fixed (repeated "
            "fields, DOIs written as URLs; with --online, what the look-up proved wrong, and "
            "missing DOIs of certain matches) to stdout; the problems go to stderr. Nothing is "
            "changed.",
        ),
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Make those fixes in the .bib files (each written atomically, every other "
            "byte kept), then report what is left.",
        ),
    ] = False,
    backup: Annotated[
        bool, typer.Option("--backup", help="With --fix: keep each old file as FILE.bak.")
    ] = False,
    fit: Annotated[
        bool,
        typer.Option(
            "--fit",
            help="Also judge whether each cited entry fits the sentence that cites it (its "
            "words, its meaning, the other places that cite it, the works cited with it); "
            "report keys that fit far worse than other entries of the .bib as citation_misfit "
            "(a warning; a note when unsure), with the better-fitting keys. Offline; uses "
            "sentence embeddings when installed (GALCLI_NO_EMBEDDINGS=1: words only).",
        ),
    ] = False,
    *,
    opts: CommonOptions,
) -> int:
    """Check the citations of a LaTeX project against its .bib files.

    Follows \\input, \\include, \\subfile and \\import from MAIN; knows natbib and biblatex cite
    commands (volume citations too) and the document's own cite macros; ignores comments,
    verbatim and \\iffalse blocks. Problems are printed gcc style
    (FILE:LINE:COLUMN: severity: message [kind]) so editors can jump to them.

    \b
    Problem kinds, by their usual severity (docs/checks.md says what each means):
    {kinds}
    {online} (--bib FILE without MAIN.tex: every entry of the .bib).
    Exit status: 0 clean, 1 errors found (--strict: warnings too), 3 unreadable input (or a .bib
    that --fix cannot write: read-only, or not parsable).

    \b
    Ignoring a problem: `% galcli-ignore: KIND[, KIND]` at the end of a LaTeX line ignores those
    kinds on that line; the same comment on the line above a .bib entry ignores them for that
    entry; `ignore = ["unused_entry"]` in galcli.toml (or [tool.galcli] in pyproject.toml) beside
    MAIN or in a folder above it (up to the git root) ignores kinds everywhere. --json counts
    what was ignored ("suppressed").

    \b
    Examples:
      galcli check paper.tex
      galcli check                    # the .tex file with \\documentclass in this directory
      galcli check thesis/main.tex --bib refs.bib --strict
      galcli check paper.tex --json | jq '.problems[] | select(.kind == "undefined_key")'
      galcli check benchmarkset.tex --fit   # cited keys that do not fit their sentence:
        benchmarkset.tex:904:100: warning: 'Chung:2016:Prog.Med.Chem.' ("Progress in
        Medicinal Chemistry") does not fit its sentence: it ranks 241st of 267 entries,
        and no better than 187th by any single measure (did you mean
        'Lucas:2013:Angew.Chem.Int.Ed.', 'Chung:2011:J.Med.Chem.',
        'Zhao:2014:Bioorg.Med.Chem.Lett'?) [citation_misfit]
        galcli: 0 errors, 4 warnings, 1 note; 619 citations in 1 file, 268 entries in 1
        bib file; --fit: 615 citations judged, 4 too thin to judge
      echo '\\nocite{*}' | galcli check - --bib refs.bib   # a .bib file alone
      GALCLI_MAILTO=you@example.org galcli check paper.tex --online
      galcli check --bib refs.bib --online --json | jq '.references[]'
      galcli check paper.tex --format github          # annotations in a GitHub Actions step
      galcli check paper.tex --format sarif > galcli.sarif
      galcli check paper.tex --format gitlab > gl-code-quality-report.json
      galcli check paper.tex --online --diff > fixes.patch   # review, then: git apply fixes.patch
      galcli check paper.tex --fix --backup          # repeated fields, DOIs written as URLs
    """
    from galcli.settings import load_settings
    from galcli.tasks.check import CheckRequest, find_main_file, run_check

    fmt = _format(opts, output_format, diff, fix, backup)
    opts = replace(opts, json=fmt == CheckFormat.json)
    out = opts.output()
    config = None
    if online:
        from galcli.tasks.check import check_bib_alone
        from galcli.tasks.online_check import load_lookup_config

        config = load_lookup_config()
        if main is None and bib:  # a .bib alone: every entry, wherever galcli runs
            with out.progress("looking up references", total=None) as advance:
                result = check_bib_alone(list(bib), config, advance)
            return _finish(out, result, fmt, diff, fix, backup)
    request = CheckRequest(
        main=main or find_main_file(Path.cwd()),
        bibs=tuple(bib or ()),
        unused=unused,
        strict=strict,
        online=config,
        fit=fit,
        embeddings=fit and load_settings({}).embeddings,
    )
    if config is None:
        result = run_check(request)
    else:
        with out.progress("looking up references", total=None) as advance:
            result = run_check(replace(request, on_reference=advance))
    return _finish(out, result, fmt, diff, fix, backup)


def _format(
    opts: CommonOptions, given: CheckFormat | None, diff: bool, fix: bool, backup: bool
) -> CheckFormat:
    """The output format (--json is -f json), and the options that exclude each other."""
    if opts.json and given not in (None, CheckFormat.json):
        raise UsageError(
            f"--json and --format {given.value} ask for two outputs",
            hint="--json is short for --format json: give one of them",
        )
    fmt = CheckFormat.json if opts.json else (given or CheckFormat.text)
    if diff and fix:
        raise UsageError(
            "--diff shows the fixes and --fix makes them: give one",
            hint="galcli check paper.tex --diff, then galcli check paper.tex --fix",
        )
    if diff and fmt not in (CheckFormat.text, CheckFormat.json):
        raise UsageError(
            f"--diff writes the diff to stdout, where --format {fmt.value} writes its report",
            hint="run them apart: galcli check --diff > fixes.patch; galcli check -f "
            f"{fmt.value} > report",
        )
    if backup and not fix:
        raise UsageError("--backup keeps the files that --fix changes", hint="add --fix")
    return fmt


def _finish(
    out: Output, result: CheckResult, fmt: CheckFormat, diff: bool, fix: bool, backup: bool
) -> int:
    """Plan and make the fixes (--diff, --fix), then write the report in `fmt`."""
    from galcli.errors import InputError
    from galcli.render.check import show_check
    from galcli.render.check_fix import show_fix_notes

    failed: InputError | None = None
    if diff or fix:
        from galcli.render.check_fix import show_diff
        from galcli.tasks.check_fix import apply_fixes, plan_fixes, take_out_corrected

        result.fixes = plan_fixes(result)
        if fix:
            try:
                apply_fixes(result.fixes, backup=backup)
            except InputError as exc:  # nothing was written: report, then fail with exit 3
                failed = exc
            take_out_corrected(result)
        if diff and fmt == CheckFormat.text:
            show_diff(out, result.fixes)
            show_check(out, result, to_stderr=True)
    if not (diff and fmt == CheckFormat.text):
        if fmt in (CheckFormat.text, CheckFormat.json):
            show_check(out, result)
        else:
            from galcli.render.check_ci import show_ci
            from galcli.tasks.check_report import ci_report

            show_ci(out, result, ci_report(result), fmt.value)
    if failed is not None:
        raise failed
    if result.fixes is not None:
        show_fix_notes(out, result.fixes)
    return result.exit_code


def _wrapped(text: str) -> str:
    """`text` wrapped as the lines of a `\\b` block of the help (kept as written there)."""
    import textwrap

    lines = [
        wrapped
        for line in text.splitlines()
        for wrapped in textwrap.wrap(line, 84, subsequent_indent="  ")
    ]
    return "\n    ".join(lines)


check.__doc__ = (
    (check.__doc__ or "")
    .replace("{kinds}", _wrapped(kinds_help(online=False)))
    .replace("{online}", _wrapped("--online adds " + kinds_help(online=True)))
)
