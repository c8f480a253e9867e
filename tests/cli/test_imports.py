"""Startup stays light: no torch, transformers or rdkit unless a command needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PAPER = EXAMPLES / "paper"

NO_MODEL_RUNS = [
    ["check", str(PAPER / "paper.tex")],
    ["smiles", "validate", "-"],
    ["smiles", "caffeine", "--no-model"],
    ["explain-formula", r"E = mc^2", "--no-model"],
    [
        "cite",
        "a green-list watermark for language models",
        "-b",
        str(PAPER / "refs.bib"),
        "--no-model",
    ],
]


@pytest.mark.parametrize("argv", NO_MODEL_RUNS, ids=lambda argv: " ".join(argv[:2]))
def test_runs_without_a_model_never_import_torch_or_transformers(argv: list[str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "galcli", *argv],
        input="CCO\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not imported & {"torch", "transformers"}, argv
