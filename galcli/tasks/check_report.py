"""Where a check's problems are, as CI services place them: paths relative to the repository
root and fingerprints that stay the same from run to run.

SARIF (GitHub code scanning), GitHub annotations and GitLab Code Quality all want a file path
relative to the repository root (the git work tree's top, else the working directory), and the
two reports that track problems across commits want a fingerprint that does not change when
lines move: a hash of the kind, the path, the key and the text of the problem's line (the
message, for a problem without a line), numbered when the same one occurs again in a file.
render/check_ci.py writes the formats (docs/checks.md).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from galcli.problems import Problem
from galcli.tasks.check_ignore import repository_root

if TYPE_CHECKING:
    from galcli.tasks.check import CheckResult


@dataclass(frozen=True)
class Located:
    problem: Problem
    path: str | None  # POSIX, relative to the root when inside it; None: the problem has no file
    inside: bool  # `path` is relative to the root
    fingerprint: str  # 32 hex digits
    occurrence: int  # 1 for the first problem with this fingerprint, 2 for the next…


@dataclass(frozen=True)
class CIReport:
    root: Path
    located: list[Located]


def _relative(file: str | None, root: Path) -> tuple[str | None, bool]:
    if file is None:
        return None, False
    path = Path(os.path.realpath(file))
    try:
        return path.relative_to(root).as_posix(), True
    except ValueError:
        return path.as_posix(), False


class _Lines:
    """The text of a problem's line: the LaTeX texts the check read, the .bib files read
    again (each once)."""

    def __init__(self, result: CheckResult) -> None:
        self.texts = {os.path.realpath(f): t.split("\n") for f, t in result.texts.items()}
        self.bibs = {os.path.realpath(f) for f in result.bib_files}

    def get(self, file: str | None, line: int | None) -> str | None:
        if file is None or line is None:
            return None
        key = os.path.realpath(file)
        if key not in self.texts and key in self.bibs and Path(key).is_file():
            from galcli.bib.edit import read_source

            self.texts[key] = read_source(Path(key)).text.split("\n")
        lines = self.texts.get(key)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1].strip()


def ci_report(result: CheckResult, cwd: Path | None = None) -> CIReport:
    directory = (cwd or Path.cwd()).resolve()
    root = repository_root(directory) or directory
    lines = _Lines(result)
    seen: dict[str, int] = {}
    located = []
    for problem in result.problems:
        path, inside = _relative(problem.file, root)
        text = lines.get(problem.file, problem.line)
        parts = [problem.kind.value, path or "", problem.key or "", text or problem.message]
        fingerprint = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
        seen[fingerprint] = seen.get(fingerprint, 0) + 1
        located.append(Located(problem, path, inside, fingerprint, seen[fingerprint]))
    return CIReport(root, located)
