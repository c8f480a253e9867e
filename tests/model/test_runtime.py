"""A core install (no torch, no transformers): model commands end with exit 4, one line and
the command that installs the runtime; `galcli models` says what is missing."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from galcli.errors import ExitCode

GALCLI = Path(__file__).resolve().parents[2] / "galcli"
HINT = 'pip install "galcli[model]"'


@pytest.fixture
def no_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import torch` and `import transformers` fail as on an install without them."""
    for name in list(sys.modules):
        if name.split(".")[0] in ("torch", "transformers", "safetensors", "accelerate"):
            monkeypatch.delitem(sys.modules, name)
    for name in ("torch", "transformers", "safetensors", "accelerate"):
        monkeypatch.setitem(sys.modules, name, None)


def _one_line_error(result) -> None:
    assert result.code == ExitCode.MODEL_UNAVAILABLE, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("galcli: error: the model runtime is not installed")
    assert any(HINT in line for line in lines[1:]), result.stderr
    assert "ImportError" not in result.stderr and "Traceback" not in result.stderr
    assert "No module named" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("generate", "Graphene is"),
        ("generate", "Graphene is", "-m", "{tiny}"),
        ("explain-formula", "E = mc^2", "--paraphrase"),  # the built explanation needs none
        ("detect", "-"),
        ("models", "prepare"),
    ],
)
def test_model_commands_exit_4_with_the_install_hint(
    cli, no_runtime, tiny_chat: Path, args: tuple[str, ...]
) -> None:
    argv = [a.replace("{tiny}", str(tiny_chat)) for a in args]
    _one_line_error(cli(*argv, "--no-log" if argv[0] == "generate" else "-q", stdin="Some text."))


def test_models_lists_models_and_says_what_is_missing(cli, no_runtime, tiny_chat: Path) -> None:
    result = cli("models")
    assert result.code == 0
    assert "smollm2-135m-instruct" in result.stdout
    assert "the model runtime is not installed (torch, transformers" in result.stdout
    assert HINT in result.stderr
    doc = cli("models", "--json").json()
    embedded = next(m for m in doc if m["backend"] == "embedded")
    assert embedded["ready"] is False and "torch" in embedded["details"]["missing"]


def test_torch_and_transformers_are_imported_in_one_place() -> None:
    """Every import of torch or transformers in model/ goes through model/runtime.py."""
    offenders = []
    for path in (GALCLI / "model").glob("*.py"):
        if path.name == "runtime.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "torch"]
            offenders += [f"{path.name}: {n}" for n in names if n == "transformers"]
    assert offenders == []
