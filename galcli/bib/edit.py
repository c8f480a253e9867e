"""Editing a .bib file in place, byte for byte: where each entry and field is, and edits by span.

bibtexparser (`parse.parse_bib`) says which entries a file defines and on which line each
starts; this module reads one entry from its `@` the way BibTeX does (braces counted, `"…"`
values ending at a quote outside braces, `#` concatenations, bare numbers and macros) to find
the span of every field's name and value. An entry is edited only when both readers agree on
its key and on every field's raw value (`EntryBlock.agrees_with`), and an edited text is parsed
again and compared with the old one (`changed_fields`), so a fix changes exactly the fields it
names and every other byte (entry order, comments, spacing, delimiters, `@string`s) stays.
`check --diff`/`--fix` plan their edits in tasks/check_fix.py (docs/checks.md).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from galcli.bib.entries import BibEntry
from galcli.bib.parse import parse_bib, read_bytes

_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(])\s*")
_KEY = re.compile(r"[^,\s{}()]*")
_NAME = re.compile(r"[^\s=,{}()\"#%']+")
_BARE = re.compile(r"[^\s,#{}()\"=%]+")
_SPECIALS = re.compile(r"[&%$#_]")
_UNWRITABLE = re.compile(r"[\\{}~^<>]")  # markup or TeX that a plain value cannot carry safely


class BibSyntaxError(ValueError):
    """The text at an entry's `@` is not an entry as BibTeX reads one."""


@dataclass(frozen=True)
class BibSource:
    """A .bib file's bytes and text (a UTF-8 byte-order mark kept apart, written back)."""

    path: Path
    data: bytes
    text: str
    bom: bytes
    utf8: bool  # False: not UTF-8, read as Latin-1 (never written back)

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode("utf-8")

    @property
    def ascii(self) -> bool:
        return self.text.isascii()


def read_source(path: Path) -> BibSource:
    """The bytes and text of a .bib file; InputError (exit 3) when it cannot be read."""
    data = read_bytes(path)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        return BibSource(path, data, data[len(bom) :].decode("utf-8"), bom, True)
    except UnicodeDecodeError:
        return BibSource(path, data, data.decode("latin-1"), b"", False)


@dataclass(frozen=True)
class FieldSpan:
    name: str  # as written ("Author", "title")
    start: int  # the name's first character
    name_end: int
    value_start: int  # the whole value as written: delimiters, `#` parts
    value_end: int

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class EntryBlock:
    entry_type: str
    key: str
    start: int  # the `@`
    key_end: int
    close: int  # the closing `}` or `)`
    fields: tuple[FieldSpan, ...]

    @property
    def end(self) -> int:
        return self.close + 1

    def field(self, name: str) -> FieldSpan | None:
        """The first field of this name (the one BibTeX uses)."""
        return next((f for f in self.fields if f.key == name), None)

    def repeated(self) -> list[FieldSpan]:
        """Every later occurrence of a field name already given (BibTeX keeps the first)."""
        seen: set[str] = set()
        later = []
        for item in self.fields:
            if item.key in seen:
                later.append(item)
            seen.add(item.key)
        return later

    def agrees_with(self, entry: BibEntry, text: str) -> bool:
        """Whether bibtexparser read this entry as this module does: the key, and the raw value
        of each field's first occurrence."""
        if self.key != entry.key or self.entry_type.lower() != entry.entry_type:
            return False
        firsts: dict[str, str] = {}
        for item in self.fields:
            firsts.setdefault(item.key, text[item.value_start : item.value_end])
        return firsts == entry.fields


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n\f\v":
        position += 1
    return position


def _braced_end(text: str, position: int) -> int:
    """The offset after the `}` that closes the `{` at `position` (BibTeX counts every brace)."""
    depth = 0
    for index in range(position, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    raise BibSyntaxError("unbalanced braces")


def _quoted_end(text: str, position: int) -> int:
    """The offset after the `"` that closes the one at `position` (outside braces)."""
    depth = 0
    for index in range(position + 1, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                break
        elif char == '"' and depth == 0:
            return index + 1
    raise BibSyntaxError("unterminated quoted value")


def _value_end(text: str, position: int) -> int:
    """The offset after a field value (parts joined by `#`) that starts at `position`."""
    while True:
        if position >= len(text):
            raise BibSyntaxError("the file ends inside a value")
        char = text[position]
        if char == "{":
            end = _braced_end(text, position)
        elif char == '"':
            end = _quoted_end(text, position)
        elif bare := _BARE.match(text, position):
            end = bare.end()
        else:
            raise BibSyntaxError(f"unexpected {char!r} where a value starts")
        after = _skip_space(text, end)
        if after < len(text) and text[after] == "#":
            position = _skip_space(text, after + 1)
            continue
        return end


def read_entry(text: str, start: int) -> EntryBlock:
    """The entry whose `@` is at `start`; BibSyntaxError when it is not one."""
    head = _HEAD.match(text, start)
    if head is None:
        raise BibSyntaxError("no entry starts here")
    closing = "}" if head[2] == "{" else ")"
    key = _KEY.match(text, head.end())
    assert key is not None  # the pattern matches the empty string
    position = _skip_space(text, key.end())
    fields: list[FieldSpan] = []
    if position < len(text) and text[position] == ",":
        position += 1
        while True:
            position = _skip_space(text, position)
            if position < len(text) and text[position] == closing:
                break
            name = _NAME.match(text, position)
            if name is None:
                raise BibSyntaxError("a field name was expected")
            equals = _skip_space(text, name.end())
            if equals >= len(text) or text[equals] != "=":
                raise BibSyntaxError(f"'=' was expected after {name[0]}")
            value_start = _skip_space(text, equals + 1)
            value_end = _value_end(text, value_start)
            fields.append(FieldSpan(name[0], name.start(), name.end(), value_start, value_end))
            position = _skip_space(text, value_end)
            if position < len(text) and text[position] == ",":
                position += 1
            elif position >= len(text) or text[position] != closing:
                raise BibSyntaxError("',' or the end of the entry was expected")
    if position >= len(text) or text[position] != closing:
        raise BibSyntaxError("the end of the entry was expected")
    return EntryBlock(head[1], key[0], start, key.end(), position, tuple(fields))


def find_entry(text: str, line: int, key: str) -> EntryBlock | None:
    """The entry `key` that starts on `line` (1-based), as bibtexparser located it."""
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    if not 1 <= line <= len(starts):
        return None
    begin = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    position = text.find("@", begin, end)
    while position >= 0:
        try:
            block = read_entry(text, position)
        except BibSyntaxError:
            block = None
        if block is not None and block.key == key:
            return block
        position = text.find("@", position + 1, end)
    return None


# -- edits ----------------------------------------------------------------------------------


class Edit(NamedTuple):
    start: int
    end: int
    text: str


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with each span replaced; ValueError when two edits overlap."""
    pieces, position = [], 0
    for edit in sorted(edits):
        if edit.start < position:
            raise ValueError("overlapping edits")
        pieces += [text[position : edit.start], edit.text]
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


@dataclass(frozen=True)
class Literal:
    """A field value that is one literal: `{…}`, `"…"` or a bare number."""

    opening: str
    inner: str
    closing: str

    def with_inner(self, inner: str) -> str:
        return self.opening + inner + self.closing

    @property
    def protected(self) -> bool:
        """`{{Title}}`: the whole value in a second pair of braces (kept as it is cased)."""
        inner = self.inner
        if not inner.startswith("{"):
            return False
        try:
            return _braced_end(inner, 0) == len(inner)
        except BibSyntaxError:
            return False


def literal(raw: str) -> Literal | None:
    """`raw` as one literal, or None for a macro or a `#` concatenation."""
    if raw.isdigit():
        return Literal("", raw, "")
    try:
        if raw.startswith("{") and _braced_end(raw, 0) == len(raw):
            return Literal("{", raw[1:-1], "}")
        if raw.startswith('"') and _quoted_end(raw, 0) == len(raw):
            return Literal('"', raw[1:-1], '"')
    except BibSyntaxError:
        return None
    return None


def bibtex_text(value: str, *, quoted: bool = False, ascii_only: bool = False) -> str | None:
    """`value` (plain text from a service) as the inside of a BibTeX value: `& % $ # _`
    escaped, non-ASCII letters as LaTeX accents when the file is ASCII (`ascii_only`); None
    when it holds markup or TeX (`<i>`, a backslash, braces) that cannot be written safely."""
    value = " ".join(value.split())
    if not value or _UNWRITABLE.search(value):
        return None
    text = _SPECIALS.sub(lambda m: "\\" + m[0], value)
    if ascii_only and not text.isascii():
        from pylatexenc.latexencode import UnicodeToLatexEncoder

        encoder = UnicodeToLatexEncoder(
            non_ascii_only=True,
            replacement_latex_protection="braces-all",
            unknown_char_policy="keep",
            unknown_char_warning=False,
        )
        text = encoder.unicode_to_latex(text)
        if not text.isascii():  # a character LaTeX has no name for
            return None
    return text.replace('"', '{"}') if quoted else text


def replace_value(field: FieldSpan, raw: str) -> Edit:
    return Edit(field.value_start, field.value_end, raw)


def remove_field(block: EntryBlock, field: FieldSpan) -> Edit:
    """Remove `field` with the separator before it (the previous value's comma and the line
    break): the entry keeps its layout, trailing comma or not."""
    index = block.fields.index(field)
    previous = block.fields[index - 1].value_end if index else block.key_end
    return Edit(previous, field.value_end, "")


def add_field(
    block: EntryBlock, text: str, name: str, inner: str, removed: tuple[FieldSpan, ...] = ()
) -> tuple[Edit, str] | None:
    """A new field after the last one (of those not `removed` by other edits), laid out as
    that one is: the separator, indentation, `=` alignment, delimiters and name case the entry
    already uses; and its value as written. None for an entry without fields (no layout to
    follow)."""
    fields = [f for f in block.fields if f not in removed]
    if not fields:
        return None
    last = fields[-1]
    previous = fields[-2].value_end if len(fields) > 1 else block.key_end
    separator = text[previous : last.start]
    if not re.fullmatch(r"[ \t]*,\s*", separator):
        indent = re.match(r"[ \t]*", text[text.rfind("\n", 0, last.start) + 1 :])
        separator = ",\n" + (indent[0] if indent else "  ")
    between = text[last.name_end : last.value_start]
    if not re.fullmatch(r"\s*=\s*", between) or "\n" in between:
        between = " = "
    widths = {len(text[f.start : f.value_start].split("=")[0]) for f in fields}
    if len(widths) == 1 and widths != {len(last.name) + 1}:  # `author  = `: aligned at `=`
        between = " " * max(1, widths.pop() - len(name)) + between.lstrip(" \t")
    if last.name.isupper() and len(last.name) > 1:
        name = name.upper()
    elif last.name[:1].isupper():
        name = name.capitalize()
    opening, closing = ('"', '"') if text[last.value_start] == '"' else ("{", "}")
    value = opening + inner + closing
    return Edit(last.value_end, last.value_end, separator + name + between + value), value


# -- checking an edit -----------------------------------------------------------------------


def changed_fields(
    path: Path, before: str, after: str, dialect: str
) -> list[tuple[str, dict[str, str | None]]] | None:
    """What an edit changed, as bibtexparser reads both texts: for each entry (in order, by
    key) the fields whose raw value differs (None: removed). None when the edit changed anything
    else: the entries, their order or types, the @strings, or what parses."""
    old = parse_bib(path, text=before, dialect=dialect)
    new = parse_bib(path, text=after, dialect=dialect)
    if (
        old.strings != new.strings
        or old.broken_keys != new.broken_keys
        or [(e.key, e.entry_type) for e in old.entries]
        != [(e.key, e.entry_type) for e in new.entries]
    ):
        return None
    changes = []
    for was, now in zip(old.entries, new.entries, strict=True):
        if was.fields != now.fields:
            names = sorted(set(was.fields) | set(now.fields))
            changes.append(
                (
                    was.key,
                    {n: now.fields.get(n) for n in names if was.fields.get(n) != now.fields.get(n)},
                )
            )
    return changes
