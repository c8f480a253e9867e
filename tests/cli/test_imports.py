"""Startup stays light: no torch, transformers or rdkit unless a command needs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "rdkit")


def heavy_modules_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    return [m for m in completed.stdout.strip().split(",") if m]


def test_importing_the_cli_is_light() -> None:
    assert heavy_modules_after("import galcli.cli") == []


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--version"], ["generate", "--help"], ["models", "--help"], ["models", "config"]],
)
def test_help_and_version_import_nothing_heavy(argv: list[str]) -> None:
    code = (
        "import contextlib, io\nfrom galcli.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({argv!r})"
    )
    assert heavy_modules_after(code) == []
