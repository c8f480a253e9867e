"""The one way galcli reads .bib files: which files a project uses, and their entries.

`load` parses each file once (through `cache`), keeps each key's first definition as BibTeX
and biber do, and gathers every problem found on the way (parse failures, repeated fields and
keys, encodings). `check`, `cite`, `cite --tex`, `lit-review`, `check --online` and the language
server all read bibliographies here (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from galcli.bib import cache
from galcli.bib.entries import BIBTEX, BibEntry, BibFile, first_definitions, unique_paths
from galcli.bib.parse import parse_bib
from galcli.problems import WARNING, Kind, Problem

if TYPE_CHECKING:
    from galcli.latex.project import LatexProject


@dataclass
class Bibliography:
    """The entries of a set of .bib files (first definition of each key wins), in order."""

    dialect: str = BIBTEX
    files: list[BibFile] = field(default_factory=list)
    entries: dict[str, BibEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # keys of blocks bibtexparser could not parse: defined for BibTeX, so never "undefined"
    broken_keys: set[str] = field(default_factory=set)

    @property
    def paths(self) -> list[str]:
        return [f.path for f in self.files]

    def extend(self, files: Sequence[BibFile]) -> None:
        """Add more files (a bibliography an included file names), after those already read."""
        self.files += files
        for bib in files:
            self.problems += bib.problems
            self.broken_keys.update(bib.broken_keys)
            if not (bib.entries or bib.problems or bib.broken_keys or bib.strings):
                self.problems.append(
                    Problem(
                        Kind.BIB_PARSE_ERROR,
                        WARNING,
                        "no entries in this file: is it a .bib file?",
                        file=bib.path,
                        line=1,
                    )
                )
        self.entries, duplicates = first_definitions(self.files, self.dialect)
        self.problems = [p for p in self.problems if p.kind != Kind.DUPLICATE_KEY] + duplicates


def load(
    paths: Sequence[Path],
    dialect: str = BIBTEX,
    *,
    parallel: bool = False,
    overlay: Mapping[Path, str] | None = None,
) -> Bibliography:
    """The bibliography of `paths` (each file once, however it is spelled). A file whose
    resolved path is in `overlay` (an editor's unsaved buffer) is parsed from that text."""
    bibliography = Bibliography(dialect)
    files = unique_paths(list(paths))
    bibliography.extend([read_file(p, dialect, parallel, overlay) for p in files])
    return bibliography


def read_file(
    path: Path,
    dialect: str = BIBTEX,
    parallel: bool = False,
    overlay: Mapping[Path, str] | None = None,
) -> BibFile:
    """One .bib file: from `overlay` when it holds the file (never cached: it is not saved),
    else from the disk through the cache."""
    if overlay:
        try:
            text = overlay.get(path.resolve())
        except OSError:
            text = None
        if text is not None:
            return parse_bib(path, dialect=dialect, text=text.removeprefix("\ufeff"))
    return cache.load_file(path, dialect, parallel=parallel)[0]


def project_files(project: LatexProject, given: Sequence[Path] = ()) -> list[Path]:
    """The .bib files to read for `project`: those `given` (--bib), else those its
    `\\bibliography` / `\\addbibresource` commands name and that exist, each once."""
    if given:
        return unique_paths(list(given))
    return unique_paths([r.resolved for r in project.bibliographies if r.resolved is not None])


def dialect_of(project: LatexProject) -> str:
    """biber's reading rules for a biblatex project, BibTeX's otherwise."""
    from galcli.bib.entries import BIBER

    return BIBER if project.uses_biblatex else BIBTEX
