"""What `check` keeps of .bib files: each defined key, where, what it lacks, and the problems.

A summary is small on purpose: it crosses from a forked child process and lives in a cache
(`bib_cache`), so a large bibliography is parsed once, not on every build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from galcli.bib.duplicates import FirstDefinitions
from galcli.bib.entries import BIBTEX, BibEntry, BibFile
from galcli.problems import WARNING, Problem
from galcli.verify.bibtex import missing_fields

# Fields that name other entries whose data a cited entry uses: a parent cited this way is
# used (biber includes it in the bibliography; BibTeX does once enough children cite it).
PARENT_FIELDS = ("crossref", "xdata", "xref")
_KEY_LIST = re.compile(r"\s*,\s*")


class KeyInfo(NamedTuple):
    """What a check needs to know about one defined key (small, so it crosses processes fast)."""

    key: str
    entry_type: str
    file: str
    line: int
    author: str  # the raw author (or editor) field
    year: str
    missing: tuple[str, ...]  # required fields absent or empty
    parents: tuple[str, ...] = ()  # keys named by crossref, xdata and xref


def parent_keys(entry: BibEntry) -> tuple[str, ...]:
    """The keys of the entries `entry` takes data from (crossref, xdata lists, xref)."""
    keys: list[str] = []
    for name in PARENT_FIELDS:
        if entry.has(name):
            keys += [k for k in _KEY_LIST.split(entry.get(name).strip()) if k]
    return tuple(keys)


@dataclass
class FileSummary:
    """One .bib file as a check sees it: every entry in order (duplicates too) and its problems."""

    path: str
    entries: list[KeyInfo]
    problems: list[Problem]
    broken_keys: list[str]
    macros: int = 0  # @string definitions: a file of journal abbreviations has nothing else

    @classmethod
    def of(cls, bib: BibFile, dialect: str) -> FileSummary:
        parents: dict[str, BibEntry] = {}
        for entry in bib.entries:
            parents.setdefault(entry.key, entry)
        infos = [
            KeyInfo(
                e.key,
                e.entry_type,
                e.file,
                e.line,
                e.author,
                e.year,
                tuple(missing_fields(e, parents, dialect)),
                parent_keys(e),
            )
            for e in bib.entries
        ]
        return cls(
            bib.path, infos, list(bib.problems), list(bib.broken_keys), macros=len(bib.strings)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entries": [list(i) for i in self.entries],
            "problems": [p.to_dict() for p in self.problems],
            "broken_keys": self.broken_keys,
            "macros": self.macros,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileSummary:
        entries = [
            KeyInfo(str(k), str(t), str(f), int(n), str(a), str(y), tuple(m), tuple(p))
            for k, t, f, n, a, y, m, p in data["entries"]
        ]
        problems = [
            Problem(**{**p, "suggestions": tuple(p["suggestions"])}) for p in data["problems"]
        ]
        return cls(data["path"], entries, problems, list(data["broken_keys"]), int(data["macros"]))


@dataclass
class BibSummary:
    """The keys a set of .bib files defines (first definition wins) and their problems."""

    dialect: str = BIBTEX
    files: list[str] = field(default_factory=list)
    entries: dict[str, KeyInfo] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken_keys: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._definitions: FirstDefinitions[KeyInfo] = FirstDefinitions(self.dialect)
        self._definitions.first = self.entries

    def add(self, summary: FileSummary) -> None:
        self.files.append(summary.path)
        self.problems += summary.problems
        if not (summary.entries or summary.problems or summary.broken_keys or summary.macros):
            self.problems.append(
                Problem(
                    "bib_parse_error",
                    WARNING,
                    "no entries in this file: is it a .bib file?",
                    file=summary.path,
                    line=1,
                )
            )
        self.broken_keys.update(summary.broken_keys)
        found = len(self._definitions.problems)
        self._definitions.add_all(summary.entries)
        self.problems += self._definitions.problems[found:]
