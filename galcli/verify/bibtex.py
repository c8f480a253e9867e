"""Reading .bib files with bibtexparser 2, the way BibTeX and biber read them.

Entries bibtexparser rejects for a recoverable reason still define their key, as they do for
BibTeX: a duplicated field keeps the first value, a duplicated key keeps the first entry, and each
defect is reported as a warning. Entries that cannot be parsed at all are reported with their
line. For biblatex projects, lines starting with `%` are comments (biber reads them so, BibTeX
does not).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from galcli.fileio import read_text
from galcli.verify.problems import ERROR, WARNING, Problem

BIBER = "biber"
BIBTEX = "bibtex"

# Required fields per entry type, from BibTeX's btxdoc. Each inner tuple lists alternatives of
# which one must be present; biblatex's names (journaltitle, date, institution) are accepted.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year", "date")),
    "booklet": (("title",),),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages"), ("publisher",), ("year", "date")),
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

MONTHS = {m: m.capitalize() for m in
          ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")}


def _split_concatenation(raw: str) -> list[str]:
    """Split `a # "b" # {c}` at the top-level `#` signs."""
    parts, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:index])
            start = index + 1
    parts.append(raw[start:])
    return parts


def resolve_value(raw: str, strings: dict[str, str]) -> str:
    """What BibTeX makes of a field value: enclosing delimiters removed, macros expanded."""
    raw = raw.strip()
    if not raw or raw[0] in "{\"":
        if "#" not in raw:
            return _unwrap(raw)
    pieces = []
    for part in _split_concatenation(raw):
        part = part.strip()
        if part[:1] in ("{", '"'):
            pieces.append(_unwrap(part))
        elif part.isdigit():
            pieces.append(part)
        else:
            name = part.lower()
            pieces.append(strings.get(name, MONTHS.get(name, part)))
    return "".join(pieces)


_KEY_IN_RAW = re.compile(r"@\s*[A-Za-z]+\s*[{(]\s*([^,\s=}]*)")
_ABORTED = re.compile(r"block \(line (\d+)\) aborted on line \d+ due to (.*)", re.S)
_COMMENT_LINE = re.compile(r"(?m)^[ \t]*%[^\n]*")


@dataclass
class BibEntry:
    key: str
    entry_type: str
    fields: dict[str, str]  # raw values as written: braces, quotes, macros and `#` kept
    file: str
    line: int
    strings: dict[str, str] = field(default_factory=dict, repr=False)

    def get(self, name: str) -> str:
        """A field's value with enclosing braces/quotes removed and @string macros resolved."""
        raw = self.fields.get(name)
        return resolve_value(raw, self.strings).strip() if raw is not None else ""

    def has(self, name: str) -> bool:
        """Whether a field is present and not empty (`{}`, `""`); a macro counts as a value."""
        raw = self.fields.get(name)
        if raw is None:
            return False
        raw = raw.strip()
        if raw[:1] in ("{", '"') and "#" not in raw:
            return bool(_unwrap(raw).strip())
        return bool(raw)

    @property
    def title(self) -> str:
        return self.get("title")

    @property
    def author(self) -> str:
        return self.get("author") or self.get("editor")

    @property
    def year(self) -> str:
        year = self.get("year") or self.get("date")[:4]
        match = re.search(r"\d{4}", year)
        return match.group(0) if match else ""

    @property
    def abstract(self) -> str:
        return self.get("abstract")

    @property
    def keywords(self) -> str:
        return self.get("keywords")


@dataclass
class BibFile:
    path: str
    entries: list[BibEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # keys that appear in blocks bibtexparser could not parse; they still count as defined
    broken_keys: list[str] = field(default_factory=list)


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


def parse_bib(path: Path, *, dialect: str = BIBTEX, text: str | None = None) -> BibFile:
    """Parse a .bib file. Raises InputError when it cannot be read at all."""
    import bibtexparser
    from bibtexparser import model

    source = read_text(path, what="bibliography") if text is None else text
    if dialect == BIBER:
        source = _COMMENT_LINE.sub(lambda m: " " * len(m.group(0)), source)
    logger = logging.getLogger("bibtexparser")
    handler = _Messages()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        # No middleware: values are unwrapped and macros resolved lazily, only for the fields
        # galcli reads (BibEntry.get), which halves the parse time on large files.
        library = bibtexparser.parse_string(source, parse_stack=[])
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    reasons = {}
    for message in handler.records:
        if aborted := _ABORTED.search(message):
            reasons[int(aborted[1])] = " ".join(aborted[2].split())

    strings = {block.key.lower(): "" for block in library.strings}
    for block in library.strings:  # in file order, so later strings may use earlier ones
        strings[block.key.lower()] = resolve_value(block.value, strings)
    result = BibFile(path=str(path))
    blocks = sorted([*library.entries, *library.failed_blocks], key=lambda b: b.start_line or 0)
    for block in blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            names = ", ".join(sorted(getattr(block, "duplicate_keys", []) or []))
            result.problems.append(Problem(
                "duplicate_field", WARNING,
                f"entry '{entry.key}' repeats field {names or 'names'}; the first value is used",
                key=entry.key, file=str(path), line=line))
            result.entries.append(_entry(entry, path, strings, first_wins=True))
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            result.entries.append(_entry(block.ignore_error_block, path, strings))
        elif isinstance(block, model.ParsingFailedBlock):
            key_match = _KEY_IN_RAW.match(block.raw or "")
            key = key_match.group(1) if key_match and key_match.group(1) else None
            reason = reasons.get(block.start_line or 0) or str(getattr(block, "error", "") or "") \
                or "syntax error"
            what = f"entry '{key}'" if key else "a block"
            result.problems.append(Problem(
                "bib_parse_error", ERROR, f"cannot parse {what}: {reason}", key=key,
                file=str(path), line=line))
            if key:
                result.broken_keys.append(key)
        elif isinstance(block, model.Entry):
            result.entries.append(_entry(block, path, strings))
    return result


def _unwrap(value: str) -> str:
    """Strip one pair of enclosing braces or quotes."""
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


def _entry(block: object, path: Path, strings: dict[str, str], *, first_wins: bool = False) -> BibEntry:
    fields: dict[str, str] = {}
    for item in block.fields:  # type: ignore[attr-defined]
        name = item.key.lower()
        if not (first_wins and name in fields):
            fields[name] = item.value if isinstance(item.value, str) else str(item.value)
    return BibEntry(key=block.key, entry_type=block.entry_type.lower(),  # type: ignore[attr-defined]
                    fields=fields, file=str(path), line=(block.start_line or 0) + 1,  # type: ignore[attr-defined]
                    strings=strings)


def missing_fields(entry: BibEntry, parents: dict[str, BibEntry] | None = None,
                   dialect: str = BIBTEX) -> list[str]:
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


def _duplicate(key: str, file: str, line: int, original_file: str, original_line: int) -> Problem:
    return Problem("duplicate_key", WARNING,
                   f"duplicate key '{key}' (first defined at {original_file}:{original_line}); "
                   "BibTeX and biber use the first and skip this one",
                   key=key, file=file, line=line)


def first_definitions(bib_files: list[BibFile]) -> tuple[dict[str, BibEntry], list[Problem]]:
    """Each key's first definition across `bib_files` (in order), as BibTeX and biber resolve
    it, and a `duplicate_key` warning for every later one."""
    first: dict[str, BibEntry] = {}
    duplicates: list[Problem] = []
    for bib in bib_files:
        for entry in bib.entries:
            original = first.setdefault(entry.key, entry)
            if original is not entry:
                duplicates.append(_duplicate(entry.key, entry.file, entry.line, original.file, original.line))
    return first, duplicates


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
        infos = [KeyInfo(e.key, e.entry_type, e.file, e.line, e.author, e.year,
                         tuple(missing_fields(e, parents, dialect))) for e in bib.entries]
        return cls(bib.path, infos, list(bib.problems), list(bib.broken_keys))

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "entries": [list(i) for i in self.entries],
                "problems": [p.to_dict() for p in self.problems], "broken_keys": self.broken_keys}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileSummary:
        entries = [KeyInfo(*row[:6], tuple(row[6])) for row in data["entries"]]
        problems = [Problem(**{**p, "suggestions": tuple(p["suggestions"])}) for p in data["problems"]]
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
        self.broken_keys.update(summary.broken_keys)
        for info in summary.entries:
            original = self.entries.setdefault(info.key, info)
            if original is not info:
                self.problems.append(_duplicate(info.key, info.file, info.line, original.file, original.line))


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
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "dialect": dialect, "version": __version__}


def cached_file_summary(path: Path, dialect: str) -> FileSummary | None:
    """The summary stored for `path` by an earlier check, if the file has not changed since."""
    import json

    try:
        stored = json.loads(_cache_path(path, dialect).read_text(encoding="utf-8"))
        if stored.get("identity") == _identity(path, dialect):
            return FileSummary.from_json(stored["summary"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache, or an unusable one: parse the file
    return None


def file_summary(path: Path, dialect: str) -> FileSummary:
    """Parse `path` (unless its summary is cached) and remember the result for next time.

    A Makefile runs `galcli check` on every build while the .bib rarely changes; parsing a
    large .bib with bibtexparser is most of a check's time.
    """
    import json

    from galcli.fileio import atomic_write_text

    cached = cached_file_summary(path, dialect)
    if cached is not None:
        return cached
    summary = FileSummary.of(parse_bib(path, dialect=dialect), dialect)
    try:
        atomic_write_text(_cache_path(path, dialect), json.dumps(
            {"identity": _identity(path, dialect), "summary": summary.to_json()}))
    except OSError:
        pass  # a read-only cache costs the parse next time, nothing else
    return summary


def summarize(paths: list[Path], dialect: str) -> BibSummary:
    summary = BibSummary(dialect=dialect)
    for path in paths:
        summary.add(file_summary(path, dialect))
    return summary


def load_bibliography(paths: list[Path]) -> tuple[list[BibEntry], list[Problem]]:
    """Entries of several .bib files, first definition of each key wins; with the problems
    found while reading them."""
    files = [parse_bib(path) for path in paths]
    first, duplicates = first_definitions(files)
    return list(first.values()), [p for f in files for p in f.problems] + duplicates
