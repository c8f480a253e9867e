"""examples/ci: the GitHub Actions and GitLab CI jobs run as written on a core install.

The commands are read out of the workflow files, so the test and the examples cannot drift.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.core_install import run_galcli

CI = ROOT / "examples" / "ci"


def github_commands() -> list[str]:
    workflow = yaml.safe_load((CI / "github-workflow.yml").read_text(encoding="utf-8"))
    return [
        step["run"].strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "run" in step
    ]


def gitlab_commands() -> list[str]:
    jobs = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    return [command.strip() for job in jobs.values() for command in job["script"]]


@pytest.fixture
def paper_repository(tmp_path: Path) -> Path:
    """A user's paper repository: examples/paper plus the example SMILES file."""
    repository = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "paper", repository)
    shutil.copy(CI / "molecules.smi", repository)
    return repository


@pytest.mark.parametrize("commands", [github_commands, gitlab_commands], ids=["github", "gitlab"])
def test_the_ci_job_installs_the_core_and_its_checks_pass(
    commands: object, paper_repository: Path
) -> None:
    lines = commands()  # type: ignore[operator]
    installs = [line for line in lines if line.startswith("pip install")]
    assert installs == ["pip install galcli"]  # the core: no [model] extra, no torch
    checks = [shlex.split(line) for line in lines if line.startswith("galcli ")]
    assert [argv[:2] for argv in checks] == [["galcli", "check"], ["galcli", "smiles"]]
    for argv in checks:
        done = run_galcli(argv[1:], cwd=paper_repository)
        assert done.returncode == 0, f"{shlex.join(argv)}:\n{done.stderr}"


def test_the_ci_job_fails_on_a_bad_citation_and_a_bad_smiles(paper_repository: Path) -> None:
    with (paper_repository / "paper.tex").open("a", encoding="utf-8") as tex:
        tex.write("\n% appended by the test\n\\cite{nobody2099}\n")
    with (paper_repository / "molecules.smi").open("a", encoding="utf-8") as smi:
        smi.write("C1CC broken ring\n")
    expected = {"check": "nobody2099", "smiles": "molecules.smi:5"}
    for line in github_commands():
        if line.startswith("galcli "):
            argv = shlex.split(line)[1:]
            done = run_galcli(argv, cwd=paper_repository)
            assert done.returncode == 1, done.stderr
            assert expected[argv[0]] in done.stdout + done.stderr
