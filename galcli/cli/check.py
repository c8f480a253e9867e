"""`galcli check`: citation problems in a LaTeX project (no model; fast enough for every build)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from galcli.cli.options import CommonOptions, common_options
from galcli.problems import kinds_help


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
    Exit status: 0 clean, 1 errors found (--strict: warnings too), 3 unreadable input.

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
    """
    from galcli.render.check import show_check
    from galcli.settings import load_settings
    from galcli.tasks.check import CheckRequest, find_main_file, run_check

    out = opts.output()
    config = None
    if online:
        from galcli.tasks.check import check_bib_alone
        from galcli.tasks.online_check import load_lookup_config

        config = load_lookup_config()
        if main is None and bib:  # a .bib alone: every entry, wherever galcli runs
            with out.progress("looking up references", total=None) as advance:
                result = check_bib_alone(list(bib), config, advance)
            show_check(out, result)
            return result.exit_code
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
    show_check(out, result)
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
