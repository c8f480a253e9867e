"""The examples in examples/ run as their READMEs say (no TeX engine needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"


def environment(tmp_path: Path, *, jq: bool = True) -> dict[str, str]:
    """PATH with this Python's `galcli` first; without jq when asked."""
    bindir = Path(sys.executable).parent
    path = [str(bindir)]
    if jq:
        path.append(os.environ.get("PATH", "/usr/bin:/bin"))
    else:
        tools = tmp_path / "tools"
        tools.mkdir()
        for tool in (
            "sh",
            "awk",
            "tr",
            "sed",
            "mktemp",
            "rm",
            "cat",
            "env",
            "grep",
            "python3",
            "java",
        ):
            found = shutil.which(tool)
            if found:
                (tools / tool).symlink_to(found)
        path.append(str(tools))
    return {**os.environ, "PATH": os.pathsep.join(path), "GALCLI_NO_LOG": "1"}


def run(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    copy = tmp_path / "paper"
    shutil.copytree(EXAMPLES / "paper", copy)
    return copy


def test_make_check_passes_on_the_example_paper(paper: Path, tmp_path: Path) -> None:
    done = run(["make", "check"], paper, environment(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "0 errors, 0 warnings; 8 citations" in done.stderr


def test_make_check_fails_the_build_on_an_undefined_key(paper: Path, tmp_path: Path) -> None:
    tex = paper / "paper.tex"
    tex.write_text(tex.read_text().replace("lowe2011opsin}", "lowe2011opsn}"))
    done = run(["make", "check"], paper, environment(tmp_path))
    assert done.returncode != 0
    assert (
        "paper.tex:21:47: error: undefined citation key 'lowe2011opsn' "
        "(did you mean 'lowe2011opsin'?)" in done.stdout
    )


def test_make_cite_suggest(paper: Path, tmp_path: Path) -> None:
    done = run(
        ["make", "-s", "cite-suggest", "CITE_FLAGS=--no-model"], paper, environment(tmp_path)
    )
    lines = done.stdout.splitlines()
    assert [line.split(":")[1] for line in lines] == ["19", "23", "25"]
    assert "robertson2009bm25" in lines[0] and "kirchenbauer2023watermark" in lines[1]
    assert "lewis2020rag" in lines[2] and all("\\citep{" in line for line in lines)


def test_latexmkrc_is_valid_perl_that_runs_the_check() -> None:
    if shutil.which("perl") is None:
        pytest.skip("no perl")
    rc = EXAMPLES / "paper" / "latexmkrc"
    assert subprocess.run(["perl", "-c", str(rc)], capture_output=True).returncode == 0
    assert 'system("galcli check paper.tex")' in rc.read_text()


@pytest.mark.parametrize("jq", [True, False], ids=["jq", "python-fallback"])
def test_pipeline_scripts(tmp_path: Path, jq: bool) -> None:
    if jq and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    env = environment(tmp_path, jq=jq)
    folder = EXAMPLES / "pipeline"
    rows = run(["sh", "keep_valid_rows.sh", "molecules.csv", "smiles"], folder, env)
    assert rows.returncode == 0, rows.stderr
    assert [line.split(",")[1] for line in rows.stdout.splitlines()] == [
        "name",
        "ethanol",
        "benzene",
        "caffeine",
        "aspirin",
    ]
    assert "molecules.csv:4: invalid SMILES 'C1CC': unclosed ring" in rows.stderr
    table = run(["sh", "names_to_smiles.sh", "names.txt"], folder, env)
    lines = [line.split("\t") for line in table.stdout.splitlines()]
    assert lines[0] == ["name", "smiles", "identity", "sources"]
    assert lines[1][:3] == ["caffeine", "Cn1c(=O)c2c(ncn2C)n(C)c1=O", "confirmed"]
    assert lines[4][:3] == ["Napthalene", "", "none"]
    cites = run(
        ["sh", "cite_sentences.sh", "abstract.txt", "../paper/refs.bib", "--no-model"], folder, env
    )
    assert cites.returncode == 0, cites.stderr
    keys = [line.split("\t")[1] for line in cites.stdout.splitlines()]
    assert len(keys) == 3 and keys[1].startswith("\\citep{lewis2020rag")
    assert "kirchenbauer2023watermark" in keys[2]


def test_python_examples(tmp_path: Path) -> None:
    folder = EXAMPLES / "python"
    env = environment(tmp_path)
    check = run([sys.executable, "check_paper.py", "../paper/paper.tex"], folder, env)
    assert check.returncode == 0 and check.stdout.startswith("8 citations, 12 entries, ok=True")
    names = run([sys.executable, "resolve_names.py", "caffeine", "Napthalene"], folder, env)
    assert "caffeine: Cn1c(=O)c2c(ncn2C)n(C)c1=O C8H10N4O2" in names.stdout
    assert "Napthalene: not found (did you mean naphthalene?)" in names.stdout
    cite = run(
        [
            sys.executable,
            "cite_sentence.py",
            "Watermarks let anyone test generated text.",
            "../paper/refs.bib",
            "--no-model",
        ],
        folder,
        env,
    )
    assert cite.stdout.splitlines()[0].startswith("kirchenbauer2023watermark\t")


@pytest.mark.slow
def test_pre_commit_hooks_through_try_repo(tmp_path: Path) -> None:
    """Install galcli's hooks the way pre-commit users do, in a fresh git repository."""
    if (
        shutil.which("git") is None
        or shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None
    ):
        pytest.skip("git or pre-commit is missing")
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES / "paper", project)
    (project / "molecules.smi").write_text("CCO ethanol\nC1CC broken\n")
    env = {
        **environment(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
    }
    for argv in (
        ["git", "init", "-q"],
        ["git", "add", "."],
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x"],
    ):
        assert run(argv, project, env).returncode == 0
    pre_commit = str(Path(sys.executable).parent / "pre-commit")
    # the first try-repo builds the hook's environment (the core install: minutes on 2 cores)
    check = run(
        [pre_commit, "try-repo", str(ROOT), "galcli-check", "--all-files"], project, env, 1200
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Passed" in check.stdout
    smiles = run(
        [pre_commit, "try-repo", str(ROOT), "galcli-smiles-validate", "--all-files"],
        project,
        env,
        1200,
    )
    assert smiles.returncode != 0 and "unclosed ring" in smiles.stdout
