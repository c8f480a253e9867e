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
from typing import IO, Any, NamedTuple

from galcli.fileio import read_text
from galcli.forked import Forked
from galcli.verify.problems import ERROR, WARNING, Problem

BIBER = "biber"
BIBTEX = "bibtex"

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

MONTHS = {
    m: m.capitalize()
    for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
}


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
    if not raw or raw[0] in '{"':
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
_BLOCK_START = re.compile(r"(?<=\n)@[A-Za-z]+\s*[{(]")
PARALLEL_BYTES = 256 * 1024  # below this, forking costs more than it saves


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


class _Block(NamedTuple):
    """What galcli keeps of one bibtexparser block: small, so it crosses processes cheaply."""

    kind: str  # "entry", "string" or "failed"
    line: int  # 1-based line in the file
    key: str | None
    entry_type: str = ""
    fields: tuple[tuple[str, str], ...] = ()  # raw values; a repeated field keeps its first value
    note: str = ""  # entry: the names of repeated fields; failed: why it could not be parsed


def _blocks(source: str, first_line: int = 0) -> list[_Block]:
    """bibtexparser's blocks of `source` (which starts on line `first_line` + 1 of its file)."""
    import bibtexparser
    from bibtexparser import model

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

    blocks = []
    for block in [*library.strings, *library.entries, *library.failed_blocks]:
        line = (block.start_line or 0) + 1 + first_line
        repeated = ""
        if isinstance(block, model.String):
            blocks.append(_Block("string", line, block.key, fields=((block.key, block.value),)))
            continue
        if isinstance(block, model.DuplicateFieldKeyBlock):
            repeated = ", ".join(sorted(getattr(block, "duplicate_keys", []) or [])) or "names"
            block = block.ignore_error_block
        elif isinstance(block, model.DuplicateBlockKeyBlock):  # reported by BibSummary
            block = block.ignore_error_block
        elif isinstance(block, model.ParsingFailedBlock):
            key = _KEY_IN_RAW.match(block.raw or "")
            reason = reasons.get(block.start_line or 0) or str(getattr(block, "error", "") or "")
            blocks.append(
                _Block(
                    "failed",
                    line,
                    key.group(1) if key and key.group(1) else None,
                    note=reason or "syntax error",
                )
            )
            continue
        fields: dict[str, str] = {}
        for item in block.fields:  # the first value of a repeated field wins, as in BibTeX
            fields.setdefault(item.key.lower(), str(item.value))
        blocks.append(
            _Block(
                "entry", line, block.key, block.entry_type.lower(), tuple(fields.items()), repeated
            )
        )
    blocks.sort(key=lambda b: b.line)
    return blocks


def _middle_cut(source: str) -> int | None:
    """An offset near the middle of `source` where a block starts outside all braces."""
    starts = _BLOCK_START.finditer(source, len(source) // 2)
    position, depth = 0, 0
    for _ in range(50):
        if (match := next(starts, None)) is None:
            break
        depth += source.count("{", position, match.start()) - source.count(
            "}", position, match.start()
        )
        position = match.start()
        if depth == 0:
            return position
    return None


def _parallel_blocks(source: str) -> list[_Block]:
    """_blocks(source), the first half parsed in a forked child while this process parses the
    second: bibtexparser's splitter is pure Python, and most of a large file's parse time."""
    cut = _middle_cut(source)
    if cut is None:
        return _blocks(source)
    head = Forked(lambda: _blocks(source[:cut]))
    try:
        tail = _blocks(source[cut:], first_line=source.count("\n", 0, cut))
        return head.result() + tail
    finally:
        head.close()


def parse_bib(
    path: Path, *, dialect: str = BIBTEX, text: str | None = None, parallel: bool = False
) -> BibFile:
    """Parse a .bib file. Raises InputError when it cannot be read at all.

    `parallel` parses a large file in two halves on two cores; only for callers without
    threads (see galcli.forked).
    """
    source = read_text(path, what="bibliography") if text is None else text
    if dialect == BIBER:
        source = _COMMENT_LINE.sub(lambda m: " " * len(m.group(0)), source)
    blocks = (
        _parallel_blocks(source) if parallel and len(source) >= PARALLEL_BYTES else _blocks(source)
    )

    strings = {block.key.lower(): "" for block in blocks if block.kind == "string"}
    result = BibFile(path=str(path))
    for block in blocks:
        if block.kind == "string":  # in file order, so later strings may use earlier ones
            strings[block.key.lower()] = resolve_value(block.fields[0][1], strings)
        elif block.kind == "failed":
            what = f"entry '{block.key}'" if block.key else "a block"
            result.problems.append(
                Problem(
                    "bib_parse_error",
                    ERROR,
                    f"cannot parse {what}: {block.note}",
                    key=block.key,
                    file=str(path),
                    line=block.line,
                )
            )
            if block.key:
                result.broken_keys.append(block.key)
        else:
            if block.note:
                result.problems.append(
                    Problem(
                        "duplicate_field",
                        WARNING,
                        f"entry '{block.key}' repeats field {block.note}; the first value is used",
                        key=block.key,
                        file=str(path),
                        line=block.line,
                    )
                )
            result.entries.append(
                BibEntry(
                    key=block.key,
                    entry_type=block.entry_type,
                    fields=dict(block.fields),
                    file=str(path),
                    line=block.line,
                    strings=strings,
                )
            )
    return result


def _unwrap(value: str) -> str:
    """Strip one pair of enclosing braces or quotes."""
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


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


def _duplicate(key: str, file: str, line: int, original_file: str, original_line: int) -> Problem:
    return Problem(
        "duplicate_key",
        WARNING,
        f"duplicate key '{key}' (first defined at {original_file}:{original_line}); "
        "BibTeX and biber use the first and skip this one",
        key=key,
        file=file,
        line=line,
    )


def first_definitions(bib_files: list[BibFile]) -> tuple[dict[str, BibEntry], list[Problem]]:
    """Each key's first definition across `bib_files` (in order), as BibTeX and biber resolve
    it, and a `duplicate_key` warning for every later one."""
    first: dict[str, BibEntry] = {}
    duplicates: list[Problem] = []
    for bib in bib_files:
        for entry in bib.entries:
            original = first.setdefault(entry.key, entry)
            if original is not entry:
                duplicates.append(
                    _duplicate(entry.key, entry.file, entry.line, original.file, original.line)
                )
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
                    _duplicate(info.key, info.file, info.line, original.file, original.line)
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


def load_bibliography(paths: list[Path]) -> tuple[list[BibEntry], list[Problem]]:
    """Entries of several .bib files, first definition of each key wins; with the problems
    found while reading them."""
    files = [parse_bib(path) for path in paths]
    first, duplicates = first_definitions(files)
    return list(first.values()), [p for f in files for p in f.problems] + duplicates
