"""Check a LaTeX paper's citations from Python (the task behind `galcli check`).

python check_paper.py ../paper/paper.tex
"""

import sys
from pathlib import Path

from galcli.tasks.check import CheckRequest, run_check

result = run_check(
    CheckRequest(main=Path(sys.argv[1] if len(sys.argv) > 1 else "../paper/paper.tex"), unused=True)
)
print(f"{len(result.citations)} citations, {result.entries} entries, ok={result.ok}")
for problem in result.problems:
    print(f"{problem.file}:{problem.line}: {problem.severity}: {problem.message} [{problem.kind}]")
sys.exit(result.exit_code)
