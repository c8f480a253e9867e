"""Bibliography data: a .bib entry as BibTeX and biber read it, and a parsed file.

`parse.parse_bib` makes them with bibtexparser, `cache` keeps them between runs, `load` is the
one way the rest of galcli reads .bib files (docs/architecture.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from galcli.bib.duplicates import BIBER as BIBER
from galcli.bib.duplicates import BIBTEX as BIBTEX
from galcli.bib.duplicates import FirstDefinitions
from galcli.problems import Problem

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


def _unwrap(value: str) -> str:
    """Strip one pair of enclosing braces or quotes."""
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


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

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "entries": [[e.key, e.entry_type, e.line, e.fields] for e in self.entries],
            "problems": [p.to_dict() for p in self.problems],
            "broken_keys": self.broken_keys,
            "strings": self.strings,
        }

    @classmethod
    def from_json(cls, data: Any) -> BibFile:
        """The inverse of `to_json`, checked field by field: ValueError when `data` is not
        what `to_json` writes (a damaged or foreign cache file), so it is parsed anew."""
        try:
            path, strings = data["path"], data["strings"]
            if not (isinstance(path, str) and _str_dict(strings)):
                raise TypeError("path or strings")
            entries = []
            for key, entry_type, line, fields in data["entries"]:
                if not (
                    isinstance(key, str)
                    and isinstance(entry_type, str)
                    and isinstance(line, int)
                    and _str_dict(fields)
                ):
                    raise TypeError(f"entry {key!r}")
                entries.append(BibEntry(key, entry_type, fields, path, line, strings))
            broken = data["broken_keys"]
            if not (isinstance(broken, list) and all(isinstance(k, str) for k in broken)):
                raise TypeError("broken_keys")
            problems = [Problem.from_dict(p) for p in data["problems"]]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a parsed .bib file: {exc}") from exc
        return cls(path, entries, problems, broken, strings)


def _str_dict(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


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
