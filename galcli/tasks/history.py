"""The local history of model runs, for `galcli log`: list, show, flag, delete and export."""

from __future__ import annotations

import json
from pathlib import Path

from galcli.fileio import atomic_writer
from galcli.provenance.history import Flag, History, Run

__all__ = ["Flag", "Run", "export_lines", "export_runs", "open_history"]


def open_history() -> History:
    """The history database in the user data directory (created on first use)."""
    return History()


def export_lines(runs: list[Run]) -> list[str]:
    """One JSON object per run, as written by `galcli log export`."""
    return [json.dumps(run.to_dict(), ensure_ascii=False) for run in runs]


def export_runs(runs: list[Run], path: Path) -> None:
    """Write `runs` as JSON Lines to `path`, atomically (a failed export leaves no half file)."""
    with atomic_writer(path, user_file=True) as handle:
        handle.write("".join(line + "\n" for line in export_lines(runs)))
