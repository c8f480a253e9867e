"""`galcli smiles validate`: RDKit validity of SMILES in bulk, streamed in constant memory."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

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
        }
        if self.record.name is not None:
            data["name"] = self.record.name
        return data


def _decoded(stream: BinaryIO, source: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, decoded one at a time so that a bad byte is reported
    on its own line and everything before it is still validated."""
    for number, raw in enumerate(stream, 1):
        yield number, decode_utf8(raw, source, first_line=number)


def read_lines(stream: BinaryIO, source: str) -> Iterator[SmilesRecord]:
    """`SMILES[<whitespace>name]` per line; blank lines and `#` comments are skipped."""
    for number, line in _decoded(stream, source):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(maxsplit=1)
        yield SmilesRecord(number, parts[0], parts[1] if len(parts) > 1 else None)


def read_column(stream: BinaryIO, source: str, column: str) -> Iterator[SmilesRecord]:
    """One column of a CSV or TSV file with a header row (the delimiter is detected)."""
    lines = _decoded(stream, source)
    try:
        _, header_line = next(lines)
    except StopIteration:
        raise InputError(
            "the file is empty; expected a header row",
            location=Location(source, 1),
            hint=f"the first row must name the columns, including {column!r}",
        ) from None
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    header = next(csv.reader([header_line], delimiter=delimiter))
    names = [h.strip() for h in header]
    folded = [name.casefold() for name in names]
    if column not in names and column.casefold() not in folded:
        raise InputError(
            f"no column {column!r} in the header",
            location=Location(source, 1),
            hint=f"columns are: {', '.join(names)}",
        )
    index = names.index(column) if column in names else folded.index(column.casefold())
    reader = csv.reader((line for _, line in lines), delimiter=delimiter)
    for row in reader:
        if not row:
            continue
        value = row[index] if index < len(row) else ""
        yield SmilesRecord(reader.line_num + 1, value)


def validate(records: Iterator[SmilesRecord]) -> Iterator[Validation]:
    validator = Validator()
    try:
        for record in records:
            yield Validation(record, validator.check(record.smiles))
    finally:
        validator.close()
