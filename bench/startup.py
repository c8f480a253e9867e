"""bench/startup.py: how fast galcli starts, against `python -c "import typer"` in the same run.

Target: `galcli --help` <= 2x the time of importing typer (medians, interleaved runs).

    python bench/startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import sys

from common import galcli_command, report, time_commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    timed = time_commands(
        {
            "typer": [sys.executable, "-c", "import typer"],
            "help": galcli_command("--help"),
            "version": galcli_command("--version"),
            "check --help": galcli_command("check", "--help"),
        },
        repeat=args.repeat,
    )
    report(
        "startup",
        [(f"{name}", seconds, "s") for name, seconds in timed.items()],
        [
            ("galcli --help / import typer", timed["help"] / timed["typer"], "<= 2"),
            ("galcli --version / import typer", timed["version"] / timed["typer"], "<= 2"),
        ],
    )


if __name__ == "__main__":
    main()
