"""Regenerate docs/cli.md from galcli's own --help output.

    python docs/generate_cli_reference.py          # rewrite docs/cli.md
    python docs/generate_cli_reference.py --check  # exit 1 if docs/cli.md is stale

tests/test_docs.py runs the check, so the reference cannot drift from the code.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "cli.md"
COMMANDS = [
    [],
    ["generate"],
    ["cite"],
    ["check"],
    ["smiles"],
    ["smiles", "name"],
    ["smiles", "validate"],
    ["smiles", "describe"],
    ["explain-formula"],
    ["lit-review"],
    ["detect"],
    ["models"],
    ["models", "list"],
    ["models", "show"],
    ["models", "prepare"],
    ["models", "config"],
    ["log"],
    ["log", "list"],
    ["log", "show"],
    ["log", "flag"],
    ["log", "export"],
    ["log", "delete"],
]


def help_text(command: list[str]) -> str:
    from galcli.cli import main

    os.environ["COLUMNS"] = "100"  # stable wrapping whatever the terminal
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main([*command, "--help"])
    return buffer.getvalue().rstrip() + "\n"


def render() -> str:
    parts = [
        "# galcli command reference",
        "",
        "Generated from `galcli … --help` by `docs/generate_cli_reference.py`; "
        "do not edit by hand.",
        "",
    ]
    for command in COMMANDS:
        title = " ".join(["galcli", *command])
        parts += [f"## `{title}`", "", "```text", help_text(command).rstrip(), "```", ""]
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != text:
            print(
                "docs/cli.md is stale: run python docs/generate_cli_reference.py", file=sys.stderr
            )
            return 1
        return 0
    REFERENCE.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
