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
from pathlib import Path
from typing import Any, NamedTuple

from galcli.bib.entries import BIBER, BIBTEX, BibEntry, BibFile, resolve_value
from galcli.errors import InputError
from galcli.fileio import decode_utf8, input_errors, read_text
from galcli.forked import Forked
from galcli.problems import ERROR, WARNING, Kind, Problem

_KEY_IN_RAW = re.compile(r"@\s*[A-Za-z]+\s*[{(]\s*([^,\s=}]*)")
_ABORTED = re.compile(r"block \(line (\d+)\) aborted on line \d+ due to (.*)", re.S)
_COMMENT_LINE = re.compile(r"(?m)^[ \t]*%[^\n]*")
_BLOCK_START = re.compile(r"(?<=\n)@[A-Za-z]+\s*[{(]")
PARALLEL_BYTES = 256 * 1024  # below this, forking costs more than it saves


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

    lines = _start_lines(source, library.blocks)
    blocks = []
    block: Any
    for block in [*library.strings, *library.entries, *library.failed_blocks]:
        line = lines.get(id(block), block.start_line or 0) + 1 + first_line
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


def _start_lines(source: str, blocks: list[Any]) -> dict[int, int]:
    """The 0-based line where each block's text starts in `source`, found by its text.

    bibtexparser counts a line break after a backslash (`doi\\` at a line's end, inside a
    value) as no line break, so its `start_line` falls one line short for every such break
    above a block; the blocks' raw texts are pieces of `source`, in order."""
    lines: dict[int, int] = {}
    position = line = 0
    for block in blocks:
        raw = block.raw or ""
        found = source.find(raw, position) if raw else -1
        if found < 0:
            continue
        line += source.count("\n", position, found)
        lines[id(block)] = line
        line += raw.count("\n")
        position = found + len(raw)
    return lines


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
    path: Path,
    *,
    dialect: str = BIBTEX,
    text: str | None = None,
    data: bytes | None = None,
    parallel: bool = False,
) -> BibFile:
    """Parse a .bib file (or its `text`, or its bytes `data`, already read). Raises InputError
    when it cannot be read at all.

    `parallel` parses a large file in two halves on two cores; only for callers without
    threads (see galcli.forked).
    """
    problems: list[Problem] = []
    source = _read_bib(path, problems, data) if text is None else text
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
                    Kind.BIB_PARSE_ERROR,
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
                        Kind.DUPLICATE_FIELD,
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


def read_bytes(path: Path) -> bytes:
    """The bytes of a .bib file; InputError (exit 3, with the reason) when it cannot be read."""
    with input_errors(path, "bibliography"):
        return Path(path).read_bytes()


def _read_bib(path: Path, problems: list[Problem], data: bytes | None = None) -> str:
    """The text of a .bib file. One that is not UTF-8 is a problem of that file, not the end
    of the check: it is reported at its first bad byte and read as Latin-1 (every byte is a
    character there), so its keys still count."""
    if str(path) == "-":
        return read_text(path, what="bibliography")
    if data is None:
        data = read_bytes(path)
    try:
        return decode_utf8(data, str(path))
    except InputError as exc:
        location = exc.location
        problems.append(
            Problem(
                Kind.BIB_ENCODING,
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
