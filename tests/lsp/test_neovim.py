"""`galcli lsp` in a real editor: headless Neovim (0.7 from Debian's packages, or later) opens an
\\input file of a copy of a real paper, attaches the server with its built-in LSP client, and
reads back the diagnostics, the completion items, and the diagnostics cleared by an edit.
Skipped where Neovim is not installed (.ci/run installs it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.conftest import server_env

NVIM = shutil.which("nvim")
SCRIPT = Path(__file__).with_name("neovim_client.lua")


@pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed")
def test_neovim_shows_the_diagnostics_and_completes_keys(corpora: Path, tmp_path: Path) -> None:
    assert NVIM is not None
    paper = tmp_path / "sympy"
    shutil.copytree(corpora / "latex" / "sympy_peerj2017", paper)
    numerics = paper / "numerics.tex"
    lines = numerics.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if "\\cite{GMPY}" in line)
    completion_row = next(i for i, line in enumerate(lines) if "\\cite{" in line and i != row)
    column = lines[completion_row].index("\\cite{") + len("\\cite{")
    seen = tmp_path / "seen.txt"
    env = server_env(
        tmp_path / "home",
        TEST_FILE=str(numerics),
        TEST_ROOT=str(paper),
        TEST_PYTHON=sys.executable,
        TEST_OUT=str(seen),
        TEST_LINE=str(completion_row + 1),
        TEST_COL=str(column),
        TEST_FIX_FROM="{GMPY}",
        TEST_FIX_TO="{gmpy}",
    )
    done = subprocess.run(
        [NVIM, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {SCRIPT}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=paper,
    )
    report = seen.read_text(encoding="utf-8") if seen.exists() else ""
    assert done.returncode == 0, report + done.stderr
    said = report.splitlines()
    assert "diagnostics true" in said, report
    (diagnostic,) = [s for s in said if s.startswith("diagnostic ")]
    start = lines[row].index("{GMPY}") + 1
    assert diagnostic.startswith(f"diagnostic {row} {start} {start + 4} 2 galcli undefined_key ")
    assert "'GMPY' is defined only as 'gmpy'" in diagnostic
    (completion,) = [s for s in said if s.startswith("completion ")]
    count, labels = completion.split()[1:]
    assert int(count) >= 5 and len(labels.split(",")) == 5
    assert "cleared true" in said and "stopped true" in said, report


def test_ci_installs_neovim_for_this_test() -> None:
    from tests.conftest import ROOT

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install -y -qq neovim" in ci
