"""Citation placeholders in a LaTeX project, and the context a reader would use to fill them.

A placeholder is a cite command (any `\\...cite...` command the scanner knows) whose key list
is empty, `?`, `??` or `TODO` (also one such key among real ones: `\\cite{a,?}`), or a line
marked `% TODO cite`. Its context: the sentence around it, its paragraph, the section heading
above it, the document's title and abstract, and the keys already cited in the paragraph.
Elsewhere in the document, the sentences that cite a key describe that key ("citation
contexts"): they are collected too, since a draft often cites the same work again.

The same context is built, on request, for every real citation (`every_citation=True`):
`check --fit` (tasks/cite_fit.py) asks how well the cited key fits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from galcli.latex.project import LatexProject
from galcli.latex.scan import Citation, LineIndex
from galcli.latex.structure import Structure, blank, document_text, headings, plain
from galcli.latex.texlex import mask
from galcli.retrieve.context import ContextQuery

_TODO = re.compile(r"%[ \t]*TODO[ \t:]+cite\b[^\n]*", re.IGNORECASE)


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


@dataclass(frozen=True)
class CitingSentence:
    """A sentence (a table's row) that cites real keys: its words and those keys."""

    text: str
    keys: tuple[str, ...]  # each once, in the order cited


@dataclass(frozen=True)
class CitedContext:
    """One real key of one cite command and its context, as a placeholder there would have it:
    `context.exclude` holds the other keys cited in the same sentence (not the key itself)."""

    citation: Citation
    context: ContextQuery
    sentence: int  # its sentence in `TexDocument.sentences`


@dataclass
class TexDocument:
    """The placeholders of a project and what its other citations say about their keys."""

    placeholders: list[Placeholder]
    citing_sentences: dict[str, list[str]] = field(default_factory=dict)
    cocitations: dict[str, dict[str, int]] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)  # each file as read
    document: str = ""  # the words of the document's title and abstract
    headings: dict[Path, str] = field(default_factory=dict)  # in force where each file starts
    sentences: list[CitingSentence] = field(default_factory=list)
    citations: list[CitedContext] = field(default_factory=list)  # with `every_citation`


def read_document(
    project: LatexProject, todo_command: str = "\\citep", *, every_citation: bool = False
) -> TexDocument:
    """Every placeholder of `project` (files in the order they are read), with its context;
    with `every_citation`, the context of every real citation too (but `\\nocite`'s, which
    stand in no sentence).

    The citations are the scanner's records (every cite command it knows, the document's own
    cite macros included); their commands are blanked from the text the context is read from.
    """
    by_file: dict[str, list[Citation]] = {}
    for citation in project.citations:
        by_file.setdefault(citation.file, []).append(citation)
    masked = {path: mask(text) for path, text in project.texts.items()}
    blanked = {
        path: blank(hidden, [(c.command_start, c.command_end) for c in by_file.get(str(path), [])])
        for path, hidden in masked.items()
    }
    document = document_text(blanked.values())
    result = TexDocument(placeholders=[], texts=dict(project.texts), document=document)
    heading = ""
    for path in project.files:
        text, hidden = project.texts[path], blanked[path]
        mine = by_file.get(str(path), [])
        cited = sorted((c.start, c.key) for c in mine if not c.is_placeholder)
        commands = sorted({(c.command_start, c.command_end) for c in mine})
        structure = Structure(hidden)
        numbered = _collect_citing_sentences(hidden, structure, cited, result)
        titles = headings(hidden)
        result.headings[path] = heading
        found: list[tuple[int, Placeholder | Citation]] = [
            *_in_commands(masked[path], mine),
            *_todo_comments(text, hidden, todo_command),
        ]
        if every_citation:
            found += [
                (c.command_start, c)
                for c in mine
                if not c.is_placeholder and c.command.rstrip("*") != "\\nocite"
            ]
        reader = _Reader(hidden, structure, cited, commands, document)
        for position, place in sorted(found, key=lambda item: item[0]):
            above = [title for offset, title in titles if offset < position]
            heading = above[-1] if above else heading
            if isinstance(place, Placeholder):
                context = reader.context(position, heading, place.kept)
                result.placeholders.append(replace(place, file=path, context=context))
            else:
                context = reader.context(position, heading, (), place.key)
                sentence = numbered[structure.sentence(place.start)]
                result.citations.append(CitedContext(place, context, sentence))
        if titles:
            heading = titles[-1][1]
    return result


class _Reader:
    """The contexts of places in one file (paragraphs and sentences read once each)."""

    def __init__(
        self,
        hidden: str,
        structure: Structure,
        cited: list[tuple[int, str]],
        commands: list[tuple[int, int]],
        document: str,
    ) -> None:
        self.hidden, self.structure, self.cited = hidden, structure, cited
        self.commands, self.document = commands, document
        self._plain: dict[tuple[int, int], str] = {}

    def _words(self, span: tuple[int, int]) -> str:
        if span not in self._plain:
            self._plain[span] = plain(self.hidden[span[0] : span[1]])
        return self._plain[span]

    def context(
        self, position: int, heading: str, kept: tuple[str, ...], key: str | None = None
    ) -> ContextQuery:
        """The context of a placeholder (or of the citation of `key`) at `position`: keys of
        its sentence and `kept` are excluded from what it may suggest, `key` itself is not
        (nor is it one of the keys cited around it)."""
        p_start, p_end = self.structure.paragraph(position)
        s_start, s_end = self.structure.sentence(position)
        in_paragraph = [k for offset, k in self.cited if p_start <= offset < p_end]
        in_sentence = {k for offset, k in self.cited if s_start <= offset < s_end}
        around = (k for k in in_paragraph if k not in in_sentence and k != key)
        return ContextQuery(
            sentence=self._words((s_start, s_end)),
            local=plain(_local(self.hidden, self.commands, s_start, s_end, position)),
            paragraph=self._words((p_start, p_end)),
            heading=heading,
            document=self.document,
            cocited=tuple(dict.fromkeys(around)),
            exclude=frozenset(in_sentence | set(kept)) - {key},
        )


class FileContext:
    """The context of any place in one file's text as it is now (an editor's buffer), for the
    placeholders it would hold there: the project-wide parts (`document`, the heading where
    the file starts) come from the last `read_document` of its project."""

    def __init__(
        self, text: str, citations: list[Citation], document: str = "", heading: str = ""
    ) -> None:
        hidden = blank(mask(text), [(c.command_start, c.command_end) for c in citations])
        cited = sorted((c.start, c.key) for c in citations if not c.is_placeholder)
        commands = sorted({(c.command_start, c.command_end) for c in citations})
        self.titles = headings(hidden)
        self.heading = heading
        self.reader = _Reader(hidden, Structure(hidden), cited, commands, document)

    def query(self, position: int, kept: tuple[str, ...] = ()) -> ContextQuery:
        """The context of a placeholder at `position` whose command already cites `kept`."""
        above = [title for offset, title in self.titles if offset < position]
        return self.reader.context(position, above[-1] if above else self.heading, kept)


LOCAL_WORDS = 3  # fewer words before the placeholder than this: take the words after it


def _local(
    hidden: str, commands: list[tuple[int, int]], start: int, end: int, position: int
) -> str:
    """The LaTeX between the cite command before `position` in the sentence `start:end` (or
    the sentence's start) and the placeholder; when that holds fewer than LOCAL_WORDS words,
    the LaTeX after the placeholder's command up to the next cite command (or the end)."""
    inside = [(s, e) for s, e in commands if start <= s < end]
    before = max((e for s, e in inside if e <= position), default=start)
    text = hidden[before:position]
    if len(plain(text).split()) >= LOCAL_WORDS:
        return text
    after = next((e for s, e in inside if s <= position < e), position)
    following = min((s for s, e in inside if s >= after), default=end)
    return hidden[after:following]


_NO_CONTEXT = ContextQuery(sentence="")


def _in_commands(masked: str, citations: list[Citation]) -> list[tuple[int, Placeholder]]:
    """(command offset, placeholder) for each key list holding a placeholder key (`\\cite{?}`,
    `\\cite{a,?}`, `\\cites{a}{?}`, a document macro's `\\refs{?}`): the list is what a fill
    replaces, its real keys are kept, and the place reported is the placeholder key's own."""
    lists: dict[tuple[int, int], list[Citation]] = {}
    for citation in citations:
        if citation.start >= citation.end and citation.key:
            continue  # a key a macro's body cites: there is no list to fill
        opening = masked.rfind("{", citation.command_start, citation.start + 1)
        closing = masked.find("}", citation.end, citation.command_end)
        if opening < 0 or closing < 0:
            continue
        lists.setdefault((opening + 1, closing), []).append(citation)
    found = []
    for (start, end), keys in lists.items():
        holes = [c for c in keys if c.is_placeholder]
        if not holes:
            continue
        first = holes[0]
        kept = tuple(c.key for c in keys if not c.is_placeholder)
        place = Placeholder(
            Path(first.file),
            first.line,
            first.column,
            first.command,
            start,
            end,
            "keys",
            kept,
            _NO_CONTEXT,
        )
        found.append((first.command_start, place))
    return found


def _todo_comments(text: str, hidden: str, todo_command: str) -> list[tuple[int, Placeholder]]:
    """(context offset, placeholder) for each line marked `% TODO cite`: a real comment (masked
    away, and not inside verbatim: there the text before it on the line would be masked too)."""
    lines = LineIndex(text)
    found = []
    for match in _TODO.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if (
            hidden[match.start()] != " "
            or before.strip() != hidden[line_start : match.start()].strip()
        ):
            continue
        if match.start() > 0 and text[match.start() - 1] == "\\":
            continue
        position = line_start + max(len(before.rstrip()) - 1, 0)
        line, column = lines(match.start())
        place = Placeholder(
            Path(), line, column, todo_command, line_start, match.end(), "comment", (), _NO_CONTEXT
        )
        found.append((position, place))
    return found


def _collect_citing_sentences(
    hidden: str, spans: Structure, cited: list[tuple[int, str]], result: TexDocument
) -> dict[tuple[int, int], int]:
    """For each real citation, the sentence it stands in; and which keys are cited together.
    Returns each citing sentence's span with its position in `result.sentences`."""
    by_sentence: dict[tuple[int, int], list[str]] = {}
    for offset, key in cited:
        by_sentence.setdefault(spans.sentence(offset), []).append(key)
    numbered = {}
    for (start, end), keys in by_sentence.items():
        sentence = plain(hidden[start:end])
        numbered[(start, end)] = len(result.sentences)
        result.sentences.append(CitingSentence(sentence, tuple(dict.fromkeys(keys))))
        for key in dict.fromkeys(keys):
            result.citing_sentences.setdefault(key, []).append(sentence)
            partners = result.cocitations.setdefault(key, {})
            for other in keys:
                if other != key:
                    partners[other] = partners.get(other, 0) + 1
    return numbered


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
