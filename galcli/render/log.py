"""Run history (`galcli log`): lists, one run in full, flags and exports."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from galcli.render.core import Output, counted

if TYPE_CHECKING:
    from galcli.tasks.history import Flag, Run

REPORT_HINT = (
    "review it for private text, then attach it to an issue at "
    "https://github.com/galcli/galcli/issues (label: model-output)"
)


def _one_line(text: str | None, width: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def show_runs(out: Output, runs: list[Run]) -> None:
    if out.json_mode:
        out.write_json([run.to_dict() for run in runs])
        return
    for run in runs:
        flags = f"  [flagged: {', '.join(f.category for f in run.flags)}]" if run.flags else ""
        out.write(
            f"{run.id:>5}  {run.created}  {run.command:<15} {run.model or '-':<24} "
            f"{_one_line(run.prompt)}{flags}"
        )
    if not runs:
        out.info("the history is empty")


def show_run(out: Output, run: Run) -> None:
    if out.json_mode:
        out.write_json(run.to_dict())
        return
    rows = [
        ("id", run.id),
        ("created", run.created),
        ("command", run.command),
        ("arguments", json.dumps(run.arguments, ensure_ascii=False)),
        ("model", run.model),
        ("model sha256", run.model_sha256),
        ("watermark", run.watermark),
        ("galcli", run.version),
        ("timings", json.dumps(run.timings)),
        ("verdicts", json.dumps(run.verdicts, ensure_ascii=False)),
    ]
    for key, value in rows:
        out.write(f"{key + ':':<14}{value if value is not None else '-'}")
    out.write(f"prompt:\n{run.prompt or ''}\noutput:\n{run.output or ''}")
    for flag in run.flags:
        out.write(f"flag:         {flag.category} ({flag.created}): {flag.reason}")


def show_flag(out: Output, run_id: int, flag: Flag) -> None:
    if out.json_mode:
        out.write_json({"id": run_id, **flag.to_dict()})
        return
    out.info(
        f"flagged run {run_id} as {flag.category}; export flagged runs with "
        "`galcli log export --flagged -o report.jsonl`"
    )


def show_export(out: Output, runs: list[Run], lines: list[str] | None, destination: str) -> None:
    """Report an export; `lines` are written to stdout when the destination is "-"."""
    if lines:
        out.write("\n".join(lines))
    out.info(f"wrote {counted(len(runs), 'run')} to {destination}; {REPORT_HINT}")
