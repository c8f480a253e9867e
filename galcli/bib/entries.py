"""Reading .bib files with bibtexparser 2, the way BibTeX and biber read them.

Entries bibtexparser rejects for a recoverable reason still define their key, as they do for
BibTeX: a duplicated field keeps the first value, a duplicated key keeps the first entry, and each
defect is reported as a warning. Entries that cannot be parsed at all are reported with their
line. For biblatex projects, lines starting with `%` are comments (biber reads them so, BibTeX
does not).
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from galcli.bib.duplicates import BIBER as BIBER
from galcli.bib.duplicates import BIBTEX as BIBTEX
from galcli.bib.duplicates import FirstDefinitions
from galcli.errors import InputError
from galcli.fileio import decode_utf8, input_errors, read_text
from galcli.forked import Forked
from galcli.problems import ERROR, WARNING, Problem

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
    # @string macros (name -> value), lower-case names as BibTeX compares them
    strings: dict[str, str] = field(default_factory=dict)


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
    key: str | None  # None only for a failed block whose key could not be read
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
    block: Any
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
    problems: list[Problem] = []
    source = _read_bib(path, problems) if text is None else text
    if dialect == BIBER:
        source = _COMMENT_LINE.sub(lambda m: " " * len(m.group(0)), source)
    blocks = (
        _parallel_blocks(source) if parallel and len(source) >= PARALLEL_BYTES else _blocks(source)
    )

    strings = {(block.key or "").lower(): "" for block in blocks if block.kind == "string"}
    result = BibFile(path=str(path), problems=problems, strings=strings)
    for block in blocks:
        if block.kind == "string":  # in file order, so later strings may use earlier ones
            strings[(block.key or "").lower()] = resolve_value(block.fields[0][1], strings)
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
                    key=block.key or "",
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


PARSED_VERSION = "1"  # change it when parse_bib's result changes: cached parses are keyed by it
CACHED_PARSES = 16  # .bib files whose parse is kept, the least recently used go first


def parse_bib_cached(path: Path) -> BibFile:
    """`parse_bib(path)`, kept in the user cache keyed by the file's name and bytes: a
    1,000-entry .bib takes 0.2 s to parse on 2 cores and 0.02 s to load (pickle)."""
    import hashlib
    import pickle

    from galcli import paths

    if str(path) == "-":
        return parse_bib(path)
    with input_errors(path, "bibliography"):
        data = Path(path).read_bytes()
    digest = hashlib.sha1(f"{PARSED_VERSION}\0{path}\0".encode() + data).hexdigest()[:20]
    cached = paths.cache_dir() / "bib" / f"{digest}.pickle"
    try:
        with cached.open("rb") as handle:
            found = pickle.load(handle)
        if isinstance(found, BibFile) and found.path == str(path):
            with contextlib.suppress(OSError):
                cached.touch()  # recently used: pruned last
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass  # not cached yet, or damaged, or from another version of galcli: parsed again
    parsed = parse_bib(path)
    from galcli.fileio import atomic_writer, keep_recent

    try:
        with atomic_writer(cached, "wb") as handle:
            pickle.dump(parsed, handle, protocol=pickle.HIGHEST_PROTOCOL)
        keep_recent(cached.parent, "*.pickle", CACHED_PARSES)
    except OSError:
        pass  # a read-only cache only costs the parse next time
    return parsed


def _read_bib(path: Path, problems: list[Problem]) -> str:
    """The text of a .bib file. One that is not UTF-8 is a problem of that file, not the end
    of the check: it is reported at its first bad byte and read as Latin-1 (every byte is a
    character there), so its keys still count."""
    if str(path) == "-":
        return read_text(path, what="bibliography")
    with input_errors(path, "bibliography"):
        data = Path(path).read_bytes()
    try:
        return decode_utf8(data, str(path))
    except InputError as exc:
        location = exc.location
        problems.append(
            Problem(
                "bib_encoding",
                ERROR,
                f"{exc.message}: read as Latin-1; LaTeX and biber expect UTF-8, "
                f"convert it with iconv -f latin1 -t utf-8 {path} > "
                f"{Path(path).with_name(Path(path).stem + '-utf8.bib')}",
                file=str(path),
                line=location.line if location else None,
                column=location.column if location else None,
            )
        )
        return data.decode("latin-1")


def first_definitions(
    bib_files: list[BibFile], dialect: str = BIBTEX
) -> tuple[dict[str, BibEntry], list[Problem]]:
    """Each key's first definition across `bib_files` (in order), as BibTeX and biber resolve
    it, and a `duplicate_key` warning for every later one (keys that differ only in letter
    case included: see galcli.bib.duplicates)."""
    finder: FirstDefinitions[BibEntry] = FirstDefinitions(dialect)
    for bib in bib_files:
        finder.add_all(bib.entries)
    return finder.first, finder.problems


def unique_paths(paths: list[Path]) -> list[Path]:
    """`paths` without repeats of one file under another spelling (`x.bib`, `./x.bib`), in
    order: a file named twice is read once, never a duplicate of itself."""
    seen: set[Path] = set()
    unique = []
    for path in paths:
        try:
            identity = path.resolve()
        except OSError:
            identity = path.absolute()
        if identity not in seen:
            seen.add(identity)
            unique.append(path)
    return unique


def load_bibliography(paths: list[Path]) -> tuple[list[BibEntry], list[Problem]]:
    """Entries of several .bib files, first definition of each key wins; with the problems
    found while reading them."""
    files = [parse_bib_cached(path) for path in unique_paths(paths)]
    first, duplicates = first_definitions(files)
    return list(first.values()), [p for f in files for p in f.problems] + duplicates
