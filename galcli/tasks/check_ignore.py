"""What `check` does not report: `% galcli-ignore:` comments and a project's list of kinds.

- `% galcli-ignore: KIND[, KIND]` at the end of a LaTeX line: those kinds, on that line
  (latex/directives.py reads the comments);
- a `% galcli-ignore: KIND` line directly above a .bib entry: those kinds, for that entry
  (bib/directives.py);
- `ignore = ["kind", …]` in a `galcli.toml`, or under `[tool.galcli]` in a `pyproject.toml`, in
  the main file's folder or a parent up to the repository root (the nearest wins): those kinds,
  everywhere.

`tasks/check.py` applies them once, after the rules (and the look-ups) ran; what was suppressed
is kept in the result, counted by kind in `--json` (docs/checks.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli.errors import InputError, Location
from galcli.problems import Kind, Problem

if TYPE_CHECKING:
    from galcli.latex.project import Sources

CONFIG_FILES = ("galcli.toml", "pyproject.toml")  # in one folder, galcli.toml wins


def known_kinds() -> str:
    return ", ".join(kind.value for kind in Kind)


def repository_root(start: Path) -> Path | None:
    """The top of the git work tree holding `start` (the folder with `.git`), or None."""
    try:
        folder = start.resolve()
    except OSError:
        return None
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _kind(name: str, location: Location, where: str) -> Kind:
    try:
        return Kind(name)
    except ValueError:
        raise InputError(
            f"unknown problem kind '{name}' in {where}",
            location=location,
            hint=f"known kinds: {known_kinds()}",
        ) from None


@dataclass(frozen=True)
class ProjectIgnore:
    """The kinds a project's configuration ignores everywhere, and the file that says so."""

    kinds: frozenset[Kind] = frozenset()
    source: Path | None = None


def _shown(path: Path) -> str:
    """A project file as an error names it: relative to the working directory when below it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    from galcli.fileio import input_errors

    with input_errors(path, "configuration file"):
        data = path.read_bytes()
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        location = (
            Location(_shown(path), int(match[1]), int(match[2]))
            if match
            else Location(_shown(path))
        )
        if match is None and "end of document" in str(exc):
            location = Location(_shown(path), data.count(b"\n") + 1)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise InputError(
            f"invalid TOML: {message}",
            location=location,
            hint='galcli reads ignore = ["kind", …] there (docs/checks.md)',
        ) from exc


def _galcli_table(path: Path) -> tuple[dict[str, Any], str] | None:
    """The galcli settings in a project file and how to name them, or None when a
    pyproject.toml has no [tool.galcli] table."""
    data = _read_toml(path)
    if path.name != "pyproject.toml":
        return data, path.name
    tool = data.get("tool")
    table = tool.get("galcli") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise InputError("[tool.galcli] is not a table", location=Location(_shown(path)))
    return table, "[tool.galcli]"


def _line_of(path: Path, text: str) -> int | None:
    """The line of the first quoted `text` in the file (where an unknown kind is written)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, 1) if f'"{text}"' in line), None)


def read_project_ignore(path: Path) -> ProjectIgnore | None:
    """The `ignore` list of one project file; None when it has no galcli settings."""
    found = _galcli_table(path)
    if found is None:
        return None
    table, where = found
    unknown = sorted(key for key in table if key != "ignore")
    if unknown:
        raise InputError(
            f"unknown key '{unknown[0]}' in {where}",
            location=Location(_shown(path), _line_of_key(path, unknown[0])),
            hint='galcli reads ignore = ["kind", …] there (docs/checks.md)',
        )
    names = table.get("ignore", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InputError(
            f"ignore in {where} is not a list of problem kinds",
            location=Location(_shown(path), _line_of_key(path, "ignore")),
            hint=f'ignore = ["unused_entry"]; known kinds: {known_kinds()}',
        )
    kinds = frozenset(
        _kind(name, Location(_shown(path), _line_of(path, name)), f"{where} ignore")
        for name in names
    )
    return ProjectIgnore(kinds, path)


def _line_of_key(path: Path, key: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"\s*{re.escape(key)}\s*=")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def project_ignore(folder: Path) -> ProjectIgnore:
    """The nearest project file with galcli settings, from `folder` (the main file's) up to
    the repository root (only `folder` itself outside a git work tree)."""
    try:
        start = folder.resolve()
    except OSError:
        return ProjectIgnore()
    top = repository_root(start)
    folders = [start]
    if top is not None:
        folders += [p for p in start.parents if p == top or top in p.parents]
    for candidate in folders:
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file() and (found := read_project_ignore(path)) is not None:
                return found
    return ProjectIgnore()


def _identity(file: str) -> str:
    return os.path.realpath(file)


@dataclass
class Ignores:
    """Where each kind is ignored: whole lines of LaTeX files, line ranges of .bib entries, and
    the project's kinds everywhere."""

    project: ProjectIgnore = field(default_factory=ProjectIgnore)
    lines: dict[tuple[str, int], frozenset[Kind]] = field(default_factory=dict)
    entries: dict[str, list[tuple[int, int, frozenset[Kind]]]] = field(default_factory=dict)

    def covers(self, problem: Problem) -> bool:
        if problem.kind in self.project.kinds:
            return True
        if problem.file is None or problem.line is None:
            return False
        file = _identity(problem.file)
        if problem.kind in self.lines.get((file, problem.line), frozenset()):
            return True
        return any(
            first <= problem.line <= last and problem.kind in kinds
            for first, last, kinds in self.entries.get(file, ())
        )


def read_ignores(
    texts: Mapping[str, str],
    bib_files: Iterable[str],
    project: ProjectIgnore,
    sources: Sources | None = None,
) -> Ignores:
    """The `galcli-ignore` comments of the LaTeX `texts` (file -> text) and the .bib files;
    InputError (exit 3) for a kind galcli does not know. With an editor's `sources`, the .bib
    files are read from its buffers, and an unknown kind (a comment being typed) is recorded
    in its failures, shown at the comment, instead of stopping the whole check."""
    from galcli.bib.directives import ignored_entries, ignored_entries_in
    from galcli.latex.directives import ignored_lines

    def kinds(names: Iterable[str], where: Location) -> frozenset[Kind]:
        found = set()
        for name in names:
            try:
                found.add(_kind(name, where, "a galcli-ignore comment"))
            except InputError as exc:
                if sources is None:
                    raise
                sources.failures.append(exc)
        return frozenset(found)

    ignores = Ignores(project)
    for file, text in texts.items():
        for line, names in ignored_lines(text).items():
            ignores.lines[(_identity(file), line)] = kinds(names, Location(file, line))
    for file in bib_files:
        path = Path(file)
        if sources is not None and sources.is_file(path):
            comments = ignored_entries(sources.read(path, what=".bib file"))
        elif path.is_file():
            comments = ignored_entries_in(path)
        else:
            continue
        for found in comments:
            ignores.entries.setdefault(_identity(file), []).append(
                (found.entry_line, found.last_line, kinds(found.kinds, Location(file, found.line)))
            )
    return ignores


def suppress(problems: list[Problem], ignores: Ignores) -> tuple[list[Problem], list[Problem]]:
    """(the problems to report, those an ignore covers)."""
    kept: list[Problem] = []
    suppressed: list[Problem] = []
    for problem in problems:
        (suppressed if ignores.covers(problem) else kept).append(problem)
    return kept, suppressed


def counts(problems: list[Problem]) -> dict[str, int]:
    """How many problems of each kind (for `--json`'s `suppressed`)."""
    found: dict[str, int] = {}
    for problem in problems:
        found[problem.kind.value] = found.get(problem.kind.value, 0) + 1
    return dict(sorted(found.items()))
