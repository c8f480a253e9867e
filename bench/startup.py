"""bench/startup.py: how fast galcli starts, against `python -c "import typer"` in the same run.

Target: `galcli --help` <= 1.4x the time of importing typer (medians, interleaved runs).

Bytecode caching is switched on for the measured commands (a PYTHONDONTWRITEBYTECODE in the
environment would make galcli, but not the installed typer, compile its modules on every start;
pip installs write the caches), and every command runs once unmeasured first.

    python bench/startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from common import galcli_command, report, time_commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "typer": [sys.executable, "-c", "import typer"],
        "help": galcli_command("--help"),
        "version": galcli_command("--version"),
        "check --help": galcli_command("check", "--help"),
    }
    for argv in commands.values():  # write the bytecode caches
        subprocess.run(argv, capture_output=True, check=True)
    timed = time_commands(commands, repeat=args.repeat)
    report(
        "startup",
        [(f"{name}", seconds, "s") for name, seconds in timed.items()],
        [
            ("galcli --help / import typer", timed["help"] / timed["typer"], "<= 1.4"),
            ("galcli --version / import typer", timed["version"] / timed["typer"], "<= 2"),
        ],
    )


if __name__ == "__main__":
    main()
