"""Helpers shared by the benchmarks: timing whole commands and printing ratios.

Every benchmark compares galcli with a baseline measured in the same run on the same machine,
and reports medians, so the numbers are ratios rather than absolute claims.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


def galcli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "galcli", *args]


def time_command(
    argv: Sequence[str],
    *,
    repeat: int = 5,
    env: dict[str, str] | None = None,
    accept: Sequence[int] = (0,),
    stdin: bytes | None = None,
    cwd: str | None = None,
) -> float:
    """Median wall time of running `argv` to completion. `python -m galcli` imports the galcli
    of its working directory first: to time another checkout, run it with `cwd` there."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        completed = subprocess.run(
            argv, capture_output=True, env={**os.environ, **(env or {})}, input=stdin, cwd=cwd
        )
        times.append(time.perf_counter() - started)
        if completed.returncode not in accept:
            raise SystemExit(
                f"{' '.join(argv)} failed ({completed.returncode}):\n"
                f"{completed.stderr.decode()[-2000:]}"
            )
    return statistics.median(times)


def time_commands(
    commands: dict[str, Sequence[str]],
    *,
    repeat: int = 5,
    accept: Sequence[int] = (0,),
    env: dict[str, str] | None = None,
) -> dict[str, float]:
    """Median wall time of each command, run interleaved (a, b, a, b, …) so that a change in
    machine load during the run affects all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            times[name].append(time_command(argv, repeat=1, accept=accept, env=env))
    return {name: statistics.median(values) for name, values in times.items()}


def time_call(function: Callable[[], object], *, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(
    title: str, rows: Sequence[tuple[str, float, str]], ratios: Sequence[tuple[str, float, str]]
) -> None:
    """Print measured rows (name, value, unit) and ratios (name, ratio, target)."""
    print(f"\n## {title}")
    width = max(len(name) for name, *_ in [*rows, *ratios])
    for name, value, unit in rows:
        print(f"  {name:<{width}}  {value:10.3f} {unit}")
    for name, ratio, target in ratios:
        print(f"  {name:<{width}}  {ratio:10.2f}x   (target {target})")
