"""Run galcli as on a core install: the [model] and [openai] packages made unimportable.

The subprocess puts a meta path finder first on `sys.meta_path` that refuses every module of
the blocked packages, as if pip had never installed them, then runs galcli's real entry point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import ROOT

# What `pip install galcli` does not install (pyproject.toml's [model] and [openai] extras).
MODEL_RUNTIME = (
    "torch",
    "transformers",
    "safetensors",
    "tokenizers",
    "gguf",
    "accelerate",
    "onnxruntime",
    "onnx",
    "openai",
)

_BLOCKER = """
import importlib.abc, sys

BLOCKED = frozenset(sys.argv[1].split(","))


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
"""

_RUNNER = (
    _BLOCKER
    + """
from galcli.cli import main

code = int(main(sys.argv[2:]))
loaded = sorted(m for m in BLOCKED if m in sys.modules)
if loaded:
    print("blocked modules were loaded: " + ", ".join(loaded), file=sys.stderr)
    code = 99
sys.exit(code)
"""
)


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
    )
    environment.setdefault("GALCLI_NO_LOG", "1")
    return environment


def run_python(
    code: str, *, cwd: Path, blocked: Sequence[str] = MODEL_RUNTIME
) -> subprocess.CompletedProcess[str]:
    """Python `code` in a subprocess where the `blocked` packages cannot be imported."""
    return subprocess.run(
        [sys.executable, "-c", _BLOCKER + code, ",".join(blocked)],
        cwd=cwd,
        env=_environment(None),
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_galcli(
    argv: Sequence[str],
    *,
    cwd: Path,
    blocked: Sequence[str] = MODEL_RUNTIME,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`galcli ARGV` in a subprocess where the `blocked` packages cannot be imported."""
    return subprocess.run(
        [sys.executable, "-c", _RUNNER, ",".join(blocked), *argv],
        cwd=cwd,
        env=_environment(env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def galcli_command(folder: Path, blocked: Sequence[str] = MODEL_RUNTIME) -> dict[str, str]:
    """An environment whose PATH has a `galcli` command in `folder` that runs galcli as on a
    core install: for shell scripts (CI jobs) that call `galcli` by name."""
    folder.mkdir(parents=True, exist_ok=True)
    runner = folder / "galcli_runner.py"
    runner.write_text(_RUNNER, encoding="utf-8")
    command = folder / "galcli"
    command.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "{runner}" "{",".join(blocked)}" "$@"\n',
        encoding="utf-8",
    )
    command.chmod(0o755)
    environment = _environment(None)
    environment["PATH"] = os.pathsep.join((str(folder), environment.get("PATH", "")))
    return environment
