"""The light install (issue 19): `pip install galcli` is enough for every command that loads no
model, and the model runtime is an extra."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tests.conftest import ROOT
from tests.core_install import MODEL_RUNTIME, run_galcli

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PAPER = ROOT / "examples" / "paper"


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_core_install_has_no_model_runtime() -> None:
    core = names(PROJECT["dependencies"])
    assert not core & set(MODEL_RUNTIME)
    assert {"typer", "rich", "bibtexparser", "pylatexenc", "rdkit", "bm25s"} <= core


def test_the_extras_add_the_model_runtime_and_the_test_extra_pulls_everything() -> None:
    extras = PROJECT["optional-dependencies"]
    assert set(MODEL_RUNTIME) - {"openai"} <= names(extras["model"])
    assert "torch<2.14" in "".join(extras["model"]).replace(">=2.2,", "")
    assert names(extras["openai"]) == {"openai"}
    assert names(extras["lsp"]) == {"pygls", "lsprotocol"}  # `galcli lsp` (docs/editors.md)
    assert not names(extras["lsp"]) & set(MODEL_RUNTIME)
    assert extras["all"] == ["galcli[model,openai,lsp]"]
    assert "galcli[all]" in extras["test"]
    assert {"pytest-lsp", "pytest-asyncio"} <= names(extras["test"])


def test_the_pre_commit_hooks_install_the_core_only() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"galcli-check", "galcli-smiles-validate"}
    for hook in hooks:
        assert hook["language"] == "python"  # pip installs the repository: the core
        assert not hook.get("additional_dependencies")  # nothing beyond it


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(PAPER, tmp_path / "paper")
    smi = tmp_path / "paper" / "molecules.smi"
    smi.write_text("CCO ethanol\nOC(=O)c1ccccc1 benzoic acid\n", encoding="utf-8")
    return tmp_path / "paper"


def assert_clean(done: object) -> None:
    stderr = getattr(done, "stderr", "")
    assert "Traceback" not in stderr and "ImportError" not in stderr, stderr


def test_check_runs_without_the_model_runtime(project: Path) -> None:
    done = run_galcli(["check", "paper.tex"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert "0 errors" in done.stderr
    assert_clean(done)


def test_smiles_validate_runs_without_the_model_runtime(project: Path) -> None:
    done = run_galcli(["smiles", "validate", "molecules.smi"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[1].startswith("O=C(O)c1ccccc1")
    assert_clean(done)


def test_explain_formula_runs_without_the_model_runtime(project: Path) -> None:
    done = run_galcli(["explain-formula", "E = m c^2"], cwd=project)  # no model by default
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\s+E\s+variable", done.stdout, re.M)
    assert "E equals m times c squared." in done.stdout
    assert_clean(done)


def test_smiles_name_no_model_runs_without_the_model_runtime(project: Path) -> None:
    done = run_galcli(["smiles", "caffeine", "--no-model"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert "Cn1c(=O)c2c(ncn2C)n(C)c1=O" in done.stdout
    assert_clean(done)


def test_cite_no_model_ranks_by_bm25_and_says_how_to_get_embeddings(project: Path) -> None:
    done = run_galcli(
        ["cite", "Retrieval-augmented generation for knowledge-intensive NLP", "-b", "refs.bib"]
        + ["--no-model", "-k", "2"],
        cwd=project,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "lewis2020rag"
    notes = [line for line in done.stderr.splitlines() if "BM25 alone" in line]
    assert len(notes) == 1 and 'pip install "galcli[model]"' in notes[0]
    assert_clean(done)


def test_a_blocked_package_really_is_unimportable(project: Path) -> None:
    """The harness itself: a command that needs the model cannot quietly import it."""
    done = run_galcli(["generate", "hello", "--max-new-tokens", "1"], cwd=project)
    assert done.returncode not in (0, 99), done.stderr


@pytest.mark.parametrize("command", [["check", "--help"], ["smiles", "validate", "--help"]])
def test_importtime_shows_no_model_runtime_for_checker_help(command: list[str]) -> None:
    """Issue 19's own probe: `python -X importtime -m galcli check --help`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "galcli", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "typer" in imported  # the probe sees imports at all
    assert not imported & {"torch", "transformers", "onnxruntime", "rdkit"}


def test_lsp_on_a_core_install_says_what_to_install(tmp_path: Path) -> None:
    done = run_galcli(["lsp"], cwd=tmp_path, blocked=(*MODEL_RUNTIME, "pygls", "lsprotocol"))
    assert done.returncode == 4, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("galcli: error: the language server is not installed")
    assert 'pip install "galcli[lsp]"' in done.stderr and "Traceback" not in done.stderr
