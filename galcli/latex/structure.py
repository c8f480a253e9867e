"""The structure of a LaTeX file as a reader sees it: paragraphs, sentences, headings, the
document's title and abstract, and the plain words of a fragment.

Everything here works on a *masked* text (`texlex.mask`, with citation commands blanked by
`blank`), so offsets stay those of the file. Paragraphs end at blank lines and where a heading,
an `\\item` or a float/list/equation environment starts; a sentence is `sentences.sentence_at`
inside its paragraph, except in a table, where a row is the sentence (it names what a citation
in it is for) and the table with its caption the paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from galcli.latex.sentences import sentence_at

HEADING = re.compile(
    r"\\(?:part|chapter|section|subsection|subsubsection|paragraph)\*?\s*(?:\[[^\]]*\])?\s*"
    r"\{(?P<title>(?:[^{}]|\{[^{}]*\})*)\}"
)
_TITLE = re.compile(r"\\title\s*(?:\[[^\]]*\])?\s*\{(?P<title>(?:[^{}]|\{[^{}]*\})*)\}")
_ABSTRACT = re.compile(
    r"\\begin\{abstract\}(?P<body>.*?)\\end\{abstract\}"
    r"|\\abstract\s*\{(?P<arg>(?:[^{}]|\{[^{}]*\})*)\}",
    re.DOTALL,
)
_PARAGRAPH_BREAK = re.compile(
    r"\n[ \t]*\n|" + HEADING.pattern + r"|\\item\b"
    r"|\\(?:begin|end)\{(?:document|abstract|figure|table|itemize|enumerate|description|equation|"
    r"align)\*?\}"
)
_TABLE = re.compile(
    r"\\begin\{(?P<env>tabular[x*]?|tabulary|longtable\*?|tabu|supertabular|xtabular)\}"
)
_ROW_END = re.compile(r"\\\\|\\tabularnewline\b")
_OPTION = re.compile(r"\s*\[[^\]]*\]")
# What `plain` drops whole: references, labels, links, footnote marks and math.
_DROP = re.compile(
    r"\\(?:ref|eqref|autoref|cref|Cref|label|url|href|footnote|nocite)\*?"
    r"(?:\s*\[[^\[\]{}]*\]){0,2}(?:\s*\{[^{}]*\})?"
    r"|\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)",
    re.DOTALL,
)
_ACCENT = re.compile(r"\\[`'^\"~=.]\s*\{?[A-Za-z]\}?")
_COMMAND_NAME = re.compile(r"\\[A-Za-z@]+\*?(?:\[[^\[\]{}]*\])?")


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each span replaced by spaces (newlines kept): a citation command blanked
    is neither a word of its sentence nor a sentence end."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            start = position
        pieces += [text[position:start], re.sub(r"[^\n]", " ", text[start:end])]
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)


def plain(latex: str) -> str:
    """The words of a LaTeX fragment: references and math dropped, command names dropped
    (their arguments kept), accents decoded. Regular expressions, not a LaTeX parser: a long
    paper has hundreds of citing sentences, and ranking needs their words only. Citation
    commands are blanked before (`blank`), from the scanner's spans."""
    from galcli.bib.normalize import latex_to_text

    text = _DROP.sub(" ", latex)
    text = _ACCENT.sub(lambda m: latex_to_text(m[0]), text)
    text = _COMMAND_NAME.sub(" ", text.replace("~", " "))
    return " ".join(text.replace("{", "").replace("}", "").split())


def document_text(masked_files: Iterable[str]) -> str:
    """The words of the document's title and abstract (wherever the files hold them)."""
    parts = []
    for masked in masked_files:
        if title := _TITLE.search(masked):
            parts.append(title["title"])
        if abstract := _ABSTRACT.search(masked):
            parts.append(abstract["body"] or abstract["arg"] or "")
    return plain(" ".join(parts))


def headings(masked: str) -> list[tuple[int, str]]:
    """(offset, words of the title) of each sectioning command, in order."""
    return [(m.start(), plain(m["title"])) for m in HEADING.finditer(masked)]


class _Paragraphs:
    """Paragraph spans of one masked file, found once (a long paper has hundreds of citations)."""

    def __init__(self, masked: str) -> None:
        self.breaks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(masked)]
        self.ends = [end for _, end in self.breaks]
        self.length = len(masked)

    def span(self, position: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.ends, position)  # breaks that end at or before it
        start = self.breaks[index - 1][1] if index else 0
        while index < len(self.breaks) and self.breaks[index][0] < position:
            index += 1  # a break that spans the position itself
        end = self.breaks[index][0] if index < len(self.breaks) else self.length
        return start, end


def _skip_arguments(text: str, position: int, groups: int) -> int:
    """The offset after an optional `[...]` and up to `groups` brace groups at `position` (a
    tabular's position and column specification)."""
    if (option := _OPTION.match(text, position)) is not None:
        position = option.end()
    for _ in range(groups):
        start = position
        while start < len(text) and text[start] in " \t\n":
            start += 1
        if start >= len(text) or text[start] != "{":
            break
        depth = 0
        for index in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                position = index + 1
                break
        else:
            break
    return position


class Structure:
    """Sentence and paragraph spans of one masked file."""

    def __init__(self, masked: str) -> None:
        self.masked = masked
        self.paragraphs = _Paragraphs(masked)
        self.tables: list[tuple[int, int]] = []
        for match in _TABLE.finditer(masked):
            end = masked.find(f"\\end{{{match['env']}}}", match.end())
            groups = 2 if match["env"] in ("tabularx", "tabular*", "tabulary") else 1
            body = _skip_arguments(masked, match.end(), groups)
            self.tables.append((body, len(masked) if end < 0 else end))

    def paragraph(self, position: int) -> tuple[int, int]:
        return self.paragraphs.span(position)

    def sentence(self, position: int) -> tuple[int, int]:
        for start, end in self.tables:
            if start <= position < end:
                rows = [m.end() for m in _ROW_END.finditer(self.masked, start, position)]
                after = _ROW_END.search(self.masked, position, end)
                return (rows[-1] if rows else start), (after.start() if after else end)
        p_start, p_end = self.paragraphs.span(position)
        s_start, s_end = sentence_at(self.masked[p_start:p_end], position - p_start)
        return p_start + s_start, p_start + s_end
