"""Places in a text as galcli counts them (offsets of code points) and as a client does (LSP
positions: 0-based lines and characters in the negotiated encoding, UTF-16 by default)."""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

_NEWLINE = re.compile(r"\r\n|\r|\n")


def units(text: str, encoding: str) -> int:
    """The length of `text` in the client's code units."""
    if encoding == types.PositionEncodingKind.Utf32 or text.isascii():
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Text:
    """A text's line starts, to turn offsets into positions and back."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def line_text(self, line: int) -> str:
        """Line `line` (0-based) without its line break."""
        if not 0 <= line < len(self.starts):
            return ""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line] : end].rstrip("\r\n")

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        before = self.text[self.starts[line] : offset]
        return types.Position(line=line, character=units(before, self.encoding))

    def at(self, line: int, column: int) -> types.Position:
        """The position of 1-based `line` and code-point `column` (galcli's file:line:col)."""
        line = max(line - 1, 0)
        text = self.line_text(line)
        return types.Position(line=line, character=units(text[: max(column - 1, 0)], self.encoding))

    def offset(self, position: types.Position) -> int:
        """The offset of a client's position (clamped to the text)."""
        if position.line >= len(self.starts):
            return len(self.text)
        line = self.line_text(position.line)
        wanted = position.character
        if self.encoding == types.PositionEncodingKind.Utf32 or line.isascii():
            column = min(wanted, len(line))
        else:
            column, count = 0, 0
            while column < len(line) and count < wanted:
                count += units(line[column], self.encoding)
                column += 1
        return self.starts[position.line] + column

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def line_range(self, line: int) -> types.Range:
        """The text of 1-based `line`, from its first character that is not a space."""
        text = self.line_text(line - 1)
        indent = len(text) - len(text.lstrip())
        return types.Range(
            start=types.Position(line=line - 1, character=units(text[:indent], self.encoding)),
            end=types.Position(line=line - 1, character=units(text, self.encoding)),
        )


TEX_SUFFIXES = frozenset({".tex", ".ltx", ".latex"})
BIB_SUFFIXES = frozenset({".bib"})


def kind_of(path: Path) -> str | None:
    """ "tex", "bib", or None for a file the server does not read (decided by its name, not by
    the client's language id: editors disagree on those)."""
    suffix = path.suffix.lower()
    return "tex" if suffix in TEX_SUFFIXES else "bib" if suffix in BIB_SUFFIXES else None


def path_of(uri: str) -> Path | None:
    """The file a `file:` URI names; None for any other scheme (untitled:, git:)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def uri_of(path: str | Path) -> str:
    """The `file:` URI of a path as galcli names it (`..` folded, symbolic links kept)."""
    return Path(os.path.normpath(Path(path).absolute())).as_uri()
