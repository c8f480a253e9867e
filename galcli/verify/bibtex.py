"""Checks of .bib entries: required fields per type, and summaries of .bib files for `check`.

Summaries are cached per file until the file changes, so an unchanged bibliography costs a read
of its cache, not a parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from galcli.bib.entries import BIBER, BIBTEX, BibEntry, BibFile, duplicate_key_problem, parse_bib
from galcli.problems import WARNING, Problem

# Required fields per entry type, from BibTeX's btxdoc. Each inner tuple lists alternatives of
# which one must be present; biblatex's names (journaltitle, date, institution) are accepted.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year", "date")),
    "booklet": (("title",),),
    "inbook": (
        ("author", "editor"),
        ("title",),
        ("chapter", "pages"),
        ("publisher",),
        ("year", "date"),
    ),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year", "date")),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "conference": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "phdthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "proceedings": (("title",), ("year", "date")),
    "techreport": (("author",), ("title",), ("institution", "school"), ("year", "date")),
    "unpublished": (("author",), ("title",), ("note",)),
}
# Types only biblatex knows (BibTeX styles ignore them, so they are checked for biber only).
BIBLATEX_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "thesis": (("author",), ("title",), ("type",), ("institution", "school"), ("year", "date")),
    "report": (("author",), ("title",), ("type",), ("institution",), ("year", "date")),
    "online": (("author", "editor"), ("title",), ("year", "date"), ("url", "doi", "eprint")),
    "software": (("author", "editor"), ("title",), ("year", "date")),
    "dataset": (("author", "editor"), ("title",), ("year", "date")),
}


def missing_fields(
    entry: BibEntry, parents: dict[str, BibEntry] | None = None, dialect: str = BIBTEX
) -> list[str]:
    """Required fields that are absent or empty (crossref parents supply inherited fields)."""
    rules = REQUIRED.get(entry.entry_type)
    if rules is None and dialect == BIBER:
        rules = BIBLATEX_REQUIRED.get(entry.entry_type)
    if not rules:
        return []
    parent = parents.get(entry.get("crossref")) if parents and "crossref" in entry.fields else None

    def present(name: str) -> bool:
        if entry.has(name):
            return True
        if parent is None:
            return False
        return parent.has(name) or (name == "booktitle" and parent.has("title"))

    return ["/".join(options) for options in rules if not any(present(o) for o in options)]


class KeyInfo(NamedTuple):
    """What a check needs to know about one defined key (small, so it crosses processes fast)."""

    key: str
    entry_type: str
    file: str
    line: int
    author: str  # the raw author (or editor) field
    year: str
    missing: tuple[str, ...]  # required fields absent or empty


@dataclass
class FileSummary:
    """One .bib file as a check sees it: every entry in order (duplicates too) and its problems."""

    path: str
    entries: list[KeyInfo]
    problems: list[Problem]
    broken_keys: list[str]

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
            )
            for e in bib.entries
        ]
        return cls(bib.path, infos, list(bib.problems), list(bib.broken_keys))

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entries": [list(i) for i in self.entries],
            "problems": [p.to_dict() for p in self.problems],
            "broken_keys": self.broken_keys,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileSummary:
        entries = [KeyInfo(*row[:6], tuple(row[6])) for row in data["entries"]]
        problems = [
            Problem(**{**p, "suggestions": tuple(p["suggestions"])}) for p in data["problems"]
        ]
        return cls(data["path"], entries, problems, list(data["broken_keys"]))


@dataclass
class BibSummary:
    """The keys a set of .bib files defines (first definition wins) and their problems."""

    dialect: str = BIBTEX
    files: list[str] = field(default_factory=list)
    entries: dict[str, KeyInfo] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken_keys: set[str] = field(default_factory=set)

    def add(self, summary: FileSummary) -> None:
        self.files.append(summary.path)
        self.problems += summary.problems
        if not summary.entries and not summary.problems and not summary.broken_keys:
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
        for info in summary.entries:
            original = self.entries.setdefault(info.key, info)
            if original is not info:
                self.problems.append(
                    duplicate_key_problem(
                        info.key, info.file, info.line, original.file, original.line
                    )
                )


def _cache_path(path: Path, dialect: str) -> Path:
    import hashlib

    from galcli import paths

    # The path as given is part of the key: problems report it, so `refs.bib` and
    # `paper/refs.bib` (the same file seen from two directories) are cached apart.
    name = hashlib.sha1(f"{path}|{path.resolve()}|{dialect}".encode()).hexdigest()
    return paths.cache_dir() / "bib" / f"{name}.json"


def _identity(path: Path, dialect: str) -> dict[str, Any]:
    from galcli import __version__

    stat = path.stat()
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "dialect": dialect,
        "version": __version__,
    }


def _open_cache(path: Path, dialect: str) -> IO[str] | None:
    """The cache file of `path`, read past its first line (the identity of the file it
    summarizes), or None when there is none or the file has changed since."""
    import json

    try:
        stored = _cache_path(path, dialect).open(encoding="utf-8")
    except OSError:
        return None
    try:
        if json.loads(stored.readline()) == _identity(path, dialect):
            return stored
    except (OSError, ValueError):
        pass
    stored.close()
    return None


def is_cached(path: Path, dialect: str) -> bool:
    """Whether an earlier check stored a summary of `path` as it is now (one short read)."""
    stored = _open_cache(path, dialect)
    if stored is not None:
        stored.close()
    return stored is not None


def cached_file_summary(path: Path, dialect: str) -> FileSummary | None:
    """The summary stored for `path` by an earlier check, if the file has not changed since."""
    import json

    stored = _open_cache(path, dialect)
    if stored is None:
        return None
    with stored:
        try:
            return FileSummary.from_json(json.loads(stored.read()))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # an unusable cache: parse the file


class ParsedSummary(NamedTuple):
    """A file's summary with the identity the file had when it was read, to be cached."""

    path: Path
    identity: dict[str, Any] | None
    summary: FileSummary


def remember_file_summary(parsed: ParsedSummary, dialect: str) -> None:
    import json

    from galcli.fileio import atomic_write_text

    if parsed.identity is None:
        return
    try:
        atomic_write_text(
            _cache_path(parsed.path, dialect),
            json.dumps(parsed.identity) + "\n" + json.dumps(parsed.summary.to_json()),
        )
    except OSError:
        pass  # a read-only cache costs the parse next time, nothing else


def _parse_summary(path: Path, dialect: str, *, parallel: bool = False) -> ParsedSummary:
    try:  # taken before reading: a file that changes meanwhile is parsed again next time
        identity = _identity(path, dialect)
    except OSError:
        identity = None  # parse_bib reports it
    bib = parse_bib(path, dialect=dialect, parallel=parallel)
    return ParsedSummary(path, identity, FileSummary.of(bib, dialect))


def file_summary(
    path: Path, dialect: str, *, deferred: list[ParsedSummary] | None = None, parallel: bool = False
) -> FileSummary:
    """The summary of `path`: from the cache unless the file changed, else parsed and cached.

    A Makefile runs `galcli check` on every build while the .bib rarely changes; parsing a
    large .bib with bibtexparser is most of a check's time. With `deferred`, a parsed file is
    appended there for the caller to remember_file_summary() later instead of cached now.
    """
    cached = cached_file_summary(path, dialect)
    if cached is not None:
        return cached
    parsed = _parse_summary(path, dialect, parallel=parallel)
    if deferred is None:
        remember_file_summary(parsed, dialect)
    else:
        deferred.append(parsed)
    return parsed.summary


def summarize(
    paths: list[Path],
    dialect: str,
    *,
    deferred: list[ParsedSummary] | None = None,
    parallel: bool = False,
) -> BibSummary:
    summary = BibSummary(dialect=dialect)
    for path in paths:
        summary.add(file_summary(path, dialect, deferred=deferred, parallel=parallel))
    return summary
