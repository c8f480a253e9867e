"""Citation placeholders in a LaTeX project, and the context a reader would use to fill them.

A placeholder is a cite command (any `\\...cite...` command the scanner knows) whose key list
is empty, `?`, `??` or `TODO` (also one such key among real ones: `\\cite{a,?}`), or a line
marked `% TODO cite`. Its context: the sentence around it, its paragraph, the section heading
above it, the document's title and abstract, and the keys already cited in the paragraph.
Elsewhere in the document, the sentences that cite a key describe that key ("citation
contexts"): they are collected too, since a draft often cites the same work again.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from galcli.bib.normalize import latex_to_text
from galcli.fileio import read_text
from galcli.latex.commands import NOT_CITATIONS
from galcli.latex.project import LatexProject
from galcli.latex.scan import LineIndex
from galcli.latex.sentences import sentence_at
from galcli.latex.texlex import mask
from galcli.retrieve.context import ContextQuery

PLACEHOLDER_KEYS = frozenset({"", "?", "??", "todo"})
_CITE = re.compile(
    r"\\(?P<name>[A-Za-z@]*cite[A-Za-z@]*)(?![A-Za-z@])(?P<star>\*?)"
    r"(?:\s*\[[^\[\]{}]*\]){0,2}\s*\{(?P<keys>[^{}\\]*)\}"
)
_TODO = re.compile(r"%[ \t]*TODO[ \t:]+cite\b[^\n]*", re.IGNORECASE)
_HEADING = re.compile(
    r"\\(?:part|chapter|section|subsection|subsubsection|paragraph)\*?\s*(?:\[[^\]]*\])?\s*"
    r"\{(?P<title>(?:[^{}]|\{[^{}]*\})*)\}"
)
_TITLE = re.compile(r"\\title\s*(?:\[[^\]]*\])?\s*\{(?P<title>(?:[^{}]|\{[^{}]*\})*)\}")
_ABSTRACT = re.compile(
    r"\\begin\{abstract\}(?P<body>.*?)\\end\{abstract\}"
    r"|\\abstract\s*\{(?P<arg>(?:[^{}]|\{[^{}]*\})*)\}",
    re.DOTALL,
)
# A paragraph ends at a blank line or where a heading or an environment of its own starts.
_PARAGRAPH_BREAK = re.compile(
    r"\n[ \t]*\n|" + _HEADING.pattern + r"|\\item\b"
    r"|\\(?:begin|end)\{(?:figure|table|itemize|enumerate|description|equation|align)\*?\}"
)
_DROP = re.compile(
    r"\\(?:[A-Za-z@]*cite[A-Za-z@]*|ref|eqref|autoref|cref|Cref|label|url|href|footnote)\*?"
    r"(?:\s*\[[^\[\]{}]*\]){0,2}(?:\s*\{[^{}]*\})?"
    r"|\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Placeholder:
    file: Path
    line: int
    column: int
    command: str  # as written, e.g. "\\citep"; for a `% TODO cite` line, the command to insert
    start: int  # the span of `text` that a filled placeholder replaces
    end: int
    replacement_kind: str  # "keys": the key list; "comment": the `% TODO cite` comment
    kept: tuple[str, ...]  # real keys already in the command
    context: ContextQuery


@dataclass
class TexDocument:
    """The placeholders of a project and what its other citations say about their keys."""

    placeholders: list[Placeholder]
    citing_sentences: dict[str, list[str]] = field(default_factory=dict)
    cocitations: dict[str, dict[str, int]] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)  # each file as read


_COMMAND_NAME = re.compile(r"\\[A-Za-z@]+\*?(?:\[[^\[\]{}]*\])?")


def plain(latex: str) -> str:
    """The words of a LaTeX fragment: cite/ref commands and math dropped, other command names
    dropped (their arguments kept), accents decoded. Regular expressions, not a LaTeX parser:
    a long paper has hundreds of citing sentences, and ranking needs their words only."""
    text = _DROP.sub(" ", latex)
    text = re.sub(r"\\[`'^\"~=.]\s*\{?[A-Za-z]\}?", lambda m: latex_to_text(m[0]), text)
    text = _COMMAND_NAME.sub(" ", text.replace("~", " "))
    return " ".join(text.replace("{", "").replace("}", "").split())


def _split_keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",")]


def _is_placeholder(key: str) -> bool:
    return key.strip().lower() in PLACEHOLDER_KEYS


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


_TABLE = re.compile(
    r"\\begin\{(?P<env>tabular[x*]?|tabulary|longtable\*?|tabu|supertabular|xtabular)\}"
)
_ROW_END = re.compile(r"\\\\|\\tabularnewline\b")
_OPTION = re.compile(r"\s*\[[^\]]*\]")


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


class _Sentences:
    """Sentence and paragraph spans of one masked file. In a table, a row is the sentence (it
    names what the citation is for) and the table with its caption the paragraph."""

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


def _document_text(masked_files: list[str]) -> str:
    parts = []
    for masked in masked_files:
        if title := _TITLE.search(masked):
            parts.append(title["title"])
        if abstract := _ABSTRACT.search(masked):
            parts.append(abstract["body"] or abstract["arg"] or "")
    return plain(" ".join(parts))


def read_document(project: LatexProject, todo_command: str = "\\citep") -> TexDocument:
    """Every placeholder of `project` (files in the order they are read), with its context."""
    texts = {path: read_text(path, what="LaTeX file") for path in project.files}
    masked = {path: mask(text) for path, text in texts.items()}
    document = _document_text(list(masked.values()))
    # Real citations (from the scanner, which knows every cite command and the document's
    # macros), grouped by file and by their command's position.
    real: dict[str, list[tuple[int, int, str]]] = {}
    for citation in project.citations:
        if not _is_placeholder(citation.key):
            real.setdefault(citation.file, []).append(
                (citation.line, citation.column, citation.key)
            )
    result = TexDocument(placeholders=[], texts=texts)
    heading = ""
    for path in project.files:
        text, hidden = texts[path], masked[path]
        lines = LineIndex(text)
        cited = sorted(
            (lines.offset(line, column), key) for line, column, key in real.get(str(path), [])
        )
        spans = _Sentences(hidden)
        _collect_citing_sentences(hidden, spans, cited, result)
        headings = [(m.start(), plain(m["title"])) for m in _HEADING.finditer(hidden)]
        found = _placeholder_spans(text, hidden, todo_command)
        for position, start, end, command, kept, kind in found:
            line, column = lines(position if kind == "keys" else start + text[start:end].index("%"))
            above = [title for offset, title in headings if offset < position]
            heading = above[-1] if above else heading
            p_start, p_end = spans.paragraph(position)
            s_start, s_end = spans.sentence(position)
            in_paragraph = [key for offset, key in cited if p_start <= offset < p_end]
            in_sentence = {key for offset, key in cited if s_start <= offset < s_end}
            context = ContextQuery(
                sentence=plain(hidden[s_start:s_end]),
                local=plain(_local(hidden, s_start, s_end, position)),
                paragraph=plain(hidden[p_start:p_end]),
                heading=heading,
                document=document,
                cocited=tuple(dict.fromkeys(k for k in in_paragraph if k not in in_sentence)),
                exclude=frozenset(in_sentence | set(kept)),
            )
            result.placeholders.append(
                Placeholder(path, line, column, command, start, end, kind, kept, context)
            )
        if headings:
            heading = headings[-1][1]
    return result


LOCAL_WORDS = 3  # fewer words before the placeholder than this: take the words after it


def _local(hidden: str, start: int, end: int, position: int) -> str:
    """The LaTeX between the cite command before `position` in the sentence `start:end` (or
    the sentence's start) and the placeholder; when that holds fewer than LOCAL_WORDS words,
    the LaTeX after the placeholder's command up to the next cite command (or the end)."""
    commands = [m.span() for m in _CITE.finditer(hidden, start, end)]
    before = max((e for s, e in commands if e <= position), default=start)
    text = hidden[before:position]
    if len(plain(text).split()) >= LOCAL_WORDS:
        return text
    after = next((e for s, e in commands if s <= position < e), position)
    following = min((s for s, e in commands if s >= after), default=end)
    return hidden[after:following]


def _placeholder_spans(
    text: str, hidden: str, todo_command: str
) -> list[tuple[int, int, int, str, tuple[str, ...], str]]:
    """(context position, replace start, replace end, command, kept keys, kind), in order."""
    found = []
    for match in _CITE.finditer(hidden):
        if match["name"] in NOT_CITATIONS:
            continue
        keys = _split_keys(match["keys"])
        if not any(_is_placeholder(k) for k in keys):
            continue
        kept = tuple(k for k in keys if not _is_placeholder(k))
        command = "\\" + match["name"] + match["star"]
        found.append((match.start(), *match.span("keys"), command, kept, "keys"))
    for match in _TODO.finditer(text):
        # A real comment (masked away, and not inside verbatim: there the text before it on
        # the line would be masked too).
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if (
            hidden[match.start()] != " "
            or before.strip() != hidden[line_start : match.start()].strip()
        ):
            continue
        if match.start() > 0 and text[match.start() - 1] == "\\":
            continue
        stripped = before.rstrip()
        position = line_start + max(len(stripped) - 1, 0)
        found.append((position, line_start, match.end(), todo_command, (), "comment"))
    found.sort()
    return found


def _collect_citing_sentences(
    hidden: str, spans: _Sentences, cited: list[tuple[int, str]], result: TexDocument
) -> None:
    """For each real citation, the sentence it stands in; and which keys are cited together."""
    by_sentence: dict[tuple[int, int], list[str]] = {}
    for offset, key in cited:
        by_sentence.setdefault(spans.sentence(offset), []).append(key)
    for (start, end), keys in by_sentence.items():
        sentence = plain(hidden[start:end])
        for key in dict.fromkeys(keys):
            result.citing_sentences.setdefault(key, []).append(sentence)
            partners = result.cocitations.setdefault(key, {})
            for other in keys:
                if other != key:
                    partners[other] = partners.get(other, 0) + 1


def fill(text: str, placeholders: list[Placeholder], keys: list[list[str]]) -> str:
    """`text` with each placeholder replaced by its keys (those without keys left as they are)."""
    pieces = []
    position = 0
    for placeholder, chosen in sorted(
        zip(placeholders, keys, strict=True), key=lambda pair: pair[0].start
    ):
        if not chosen:
            continue
        pieces.append(text[position : placeholder.start])
        if placeholder.replacement_kind == "keys":
            pieces.append(",".join([*placeholder.kept, *chosen]))
        else:
            line = text[placeholder.start : placeholder.end]
            before = line[: line.index("%")].rstrip()
            command = f"~{placeholder.command}{{{','.join(chosen)}}}"
            if before.endswith("."):
                pieces.append(before[:-1] + command + ".")
            else:
                pieces.append(before + command)
        position = placeholder.end
    pieces.append(text[position:])
    return "".join(pieces)
