"""galcli stays offline by default: without --online nothing of the network code is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.lookup.server import FIXTURES


def test_check_without_online_loads_no_network_code(tmp_path: Path) -> None:
    probe = (
        "import sys, contextlib, io\nfrom galcli.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):"
        f"\n    main(['check', {str(FIXTURES / 'paper.tex')!r}])\n"
        "print(','.join(m for m in ('galcli.lookup', 'galcli.tasks.online_check', "
        "'urllib.request', 'http.client') if m in sys.modules))"
    )
    env = {**os.environ, "GALCLI_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
