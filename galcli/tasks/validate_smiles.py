"""`galcli smiles validate`: RDKit validity of SMILES in bulk, streamed in constant memory."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from galcli.errors import InputError, Location
from galcli.fileio import decode_utf8
from galcli.verify.smiles import SmilesCheck, Validator


@dataclass(frozen=True)
class SmilesRecord:
    line: int
    smiles: str
    name: str | None = None


@dataclass(frozen=True)
class Validation:
    record: SmilesRecord
    check: SmilesCheck

    def to_dict(self) -> dict[str, Any]:
        data = {
            "line": self.record.line,
            "input": self.record.smiles,
            "valid": self.check.valid,
            "canonical": self.check.canonical,
            "error": self.check.error,
            "error_kind": None if self.check.valid else self.check.kind,
        }
        if self.record.name is not None:
            data["name"] = self.record.name
        return data


def _decoded(stream: IO[bytes], source: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, decoded one at a time so that a bad byte is reported
    on its own line and everything before it is still validated."""
    for number, raw in enumerate(stream, 1):
        yield number, decode_utf8(raw, source, first_line=number)


def read_lines(stream: IO[bytes], source: str) -> Iterator[SmilesRecord]:
    """`SMILES[<whitespace>name]` per line; blank lines and `#` comments are skipped."""
    for number, line in _decoded(stream, source):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(maxsplit=1)
        yield SmilesRecord(number, parts[0], parts[1] if len(parts) > 1 else None)


DELIMITERS = ",;\t|"
SNIFF_LINES = 20


def sniff_delimiter(sample: list[str]) -> str:
    """The delimiter of a table from its first lines (csv.Sniffer, restricted to the usual
    ones): comma, semicolon (European spreadsheets, FreeSolv), tab or bar."""
    text = "\n".join(sample)
    try:
        return csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:  # one column, or too little text to tell: the most frequent candidate
        header = sample[0] if sample else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_column(stream: IO[bytes], source: str, column: str) -> Iterator[SmilesRecord]:
    """One column of a table (CSV, TSV, semicolon-separated) with a header row."""
    lines = _decoded(stream, source)
    head = list(itertools.islice(lines, SNIFF_LINES))
    if not head:
        raise InputError(
            "the file is empty; expected a header row",
            location=Location(source, 1),
            hint=f"the first row must name the columns, including {column!r}",
        )
    delimiter = sniff_delimiter([line.rstrip("\r\n") for _, line in head])
    header = next(csv.reader([head[0][1]], delimiter=delimiter))
    names = [h.strip() for h in header]
    folded = [name.casefold() for name in names]
    if column not in names and column.casefold() not in folded:
        raise InputError(
            f"no column {column!r} in the header",
            location=Location(source, 1),
            hint=f"columns are: {', '.join(names)}",
        )
    index = names.index(column) if column in names else folded.index(column.casefold())
    rest = itertools.chain(head[1:], lines)
    reader = csv.reader((line for _, line in rest), delimiter=delimiter)
    rows = 0
    for row in reader:
        if not row or not any(cell.strip() for cell in row):
            continue
        rows += 1
        value = row[index] if index < len(row) else ""
        yield SmilesRecord(reader.line_num + 1, value)
    if rows == 0:
        raise InputError(
            "the table has a header but no rows",
            location=Location(source, 2),
            hint=f"add one row per molecule below the header, with its SMILES under {column!r}",
        )


def validate(records: Iterator[SmilesRecord]) -> Iterator[Validation]:
    validator = Validator()
    try:
        for record in records:
            yield Validation(record, validator.check(record.smiles))
    finally:
        validator.close()
