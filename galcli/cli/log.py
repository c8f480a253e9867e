"""`galcli log`: the local history of model runs; flag bad output and export it for a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from galcli.cli.groups import group_with_default
from galcli.cli.options import CommonOptions, common_options
from galcli.errors import ExitCode, UsageError

app = typer.Typer(
    cls=group_with_default("list"),
    help="""The local history of model runs (default: list). Flag bad output; export it to report.

Every model run (generate, cite, smiles, explain-formula, lit-review) is recorded in a SQLite
database in your data directory unless --no-log or GALCLI_NO_LOG=1. Nothing leaves your
machine unless you export it.

\b
Examples:
  galcli log                                  # the last 20 runs
  galcli log show 12
  galcli log flag 12 --category wrong-citation --reason "cites a paper on a different topic"
  galcli log export --flagged -o report.jsonl # attach to a public bug report
  galcli log delete --all
""",
    no_args_is_help=False,
)

CategoryOption = Annotated[
    str,
    typer.Option(
        "--category", "-c", help="wrong-citation, wrong-structure, wrong-formula, harmful or other."
    ),
]


def _history():
    from galcli.tasks.history import open_history

    return open_history()


@app.command("list")
@common_options(model=False)
def list_runs(
    limit: Annotated[int, typer.Option("-n", "--limit", min=1, help="How many runs to show.")] = 20,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only runs with a flag.")] = False,
    *,
    opts: CommonOptions,
) -> int:
    """List recent runs, newest first."""
    from galcli.render.log import show_runs

    show_runs(
        opts.output(),
        _history().runs(limit=limit, flagged=flagged),
    )
    return ExitCode.OK


@app.command("show")
@common_options(model=False)
def show(
    run_id: Annotated[int, typer.Argument(metavar="ID", help="The run's id (see `galcli log`).")],
    *,
    opts: CommonOptions,
) -> int:
    """Show one run in full: arguments, prompt, output, verdicts, timings and flags."""
    from galcli.render.log import show_run

    show_run(opts.output(), _history().get(run_id))
    return ExitCode.OK


@app.command("flag")
@common_options(model=False)
def flag(
    run_id: Annotated[int, typer.Argument(metavar="ID", help="The run to flag.")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="What is wrong with the output.")],
    category: CategoryOption = "other",
    *,
    opts: CommonOptions,
) -> int:
    """Flag a run's output as bad, with a reason, for `galcli log export --flagged`."""
    from galcli.render.log import show_flag

    show_flag(
        opts.output(),
        run_id,
        _history().flag(run_id, reason=reason, category=category),
    )
    return ExitCode.OK


@app.command("export")
@common_options(model=False)
def export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The JSON Lines file to write; - for stdout.")
    ],
    flagged: Annotated[bool, typer.Option("--flagged", help="Only flagged runs.")] = False,
    limit: Annotated[
        int | None, typer.Option("-n", "--limit", min=1, help="At most N runs.")
    ] = None,
    *,
    opts: CommonOptions,
) -> int:
    """Write runs as JSON Lines, to attach to a public bug report (see README: Reporting).

    Read the file before you share it: prompts and outputs are exported as they were.
    """
    from galcli.render.log import show_export
    from galcli.tasks.history import export_lines, export_runs

    runs = _history().runs(limit=limit, flagged=flagged)
    if not runs:
        raise UsageError(
            "no runs to export" + (" (none is flagged)" if flagged else ""),
            hint='flag a run first: galcli log flag ID --reason "…"'
            if flagged
            else "runs are recorded when a model command runs without --no-log",
        )
    to_stdout = str(output) == "-"
    if not to_stdout:
        export_runs(runs, output)
    show_export(
        opts.output(),
        runs,
        export_lines(runs) if to_stdout else None,
        "stdout" if to_stdout else str(output),
    )
    return ExitCode.OK


@app.command("delete")
@common_options(model=False)
def delete(
    run_id: Annotated[int | None, typer.Argument(metavar="[ID]", help="The run to delete.")] = None,
    all_runs: Annotated[bool, typer.Option("--all", help="Delete the whole history.")] = False,
    *,
    opts: CommonOptions,
) -> int:
    """Delete one run (with its flags), or --all of them."""
    if run_id is None and not all_runs:
        raise UsageError("say which run to delete", hint="galcli log delete ID, or --all")
    if run_id is not None and all_runs:
        raise UsageError("give either an ID or --all, not both")
    count = _history().delete(None if all_runs else run_id)
    opts.output().info(f"deleted {count} run{'s' * (count != 1)}")
    return ExitCode.OK
