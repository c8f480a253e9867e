"""`galcli lit-review`: a related-work section that cites by construction.

The structure comes from galcli, not from the model: the entries are retrieved for the topic
(BM25, fused with sentence embeddings when installed), grouped into themes, and each paper gets
a grounded note from its own record (`review_notes`). The model then writes, per paper, one
short sentence from that note, and galcli attaches the paper's citation to it; then one opening
sentence per theme. A capable model may instead write each theme's whole paragraph from the
notes (`mode="paragraphs"`), citing with [key]. Either way, before anything is printed, every
citation is checked against the retrieved keys (others are removed and reported), every
generated sentence is scored for support (`verify.support`), and every retrieved paper that
no surviving sentence cites gets its quoted note, so the citations survive the checks.
`mode="outline"` skips the model: the notes alone, by theme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.errors import ExitCode
from galcli.model.base import Backend, GenerationParams, Prompt
from galcli.provenance.stamp import Provenance, provenance_for, stamp
from galcli.retrieve.embeddings import HybridIndex
from galcli.retrieve.themes import group_into_themes
from galcli.tasks.review_notes import Note, build_note, copies
from galcli.tasks.review_writing import (
    complete_sentence,
    opening_prompt,
    paper_prompt,
    paragraph_prompt,
    rephrase_prompt,
    split_citations,
    write_short,
)
from galcli.tasks.session import HistoryEntry
from galcli.verify.support import THRESHOLD, Support, score

SENTENCES, PARAGRAPHS, OUTLINE = "sentences", "paragraphs", "outline"
MODES = (SENTENCES, PARAGRAPHS, OUTLINE)
GENERATED, OPENING, QUOTE = "generated", "opening", "quote"

__all__ = [
    "MODES",
    "Review",
    "ReviewRequest",
    "outline",
    "split_citations",
    "write_review",
]


@dataclass(frozen=True)
class ReviewRequest:
    topic: str
    max_papers: int = 12
    max_themes: int | None = None
    params: GenerationParams = field(default_factory=GenerationParams)
    dense: bool = True  # fuse sentence embeddings into the ranking when the model is installed
    mode: str = SENTENCES
    strict: bool = False  # replace unsupported sentences by the cited papers' quoted notes


@dataclass
class Sentence:
    """One sentence of the section: generated (and scored) or quoted from a note."""

    text: str  # citations removed from the prose; keys listed separately
    keys: list[str]
    kind: str  # GENERATED (cites by key), OPENING (a theme's first line), QUOTE (a note)
    support: Support | None = None  # None for quotations: they are the evidence
    replaced: str | None = None  # with --strict: the generated text this quotation replaced
    attempts: int = 1  # generations it took (a second try follows an unsupported first one)

    @property
    def supported(self) -> bool | None:
        return None if self.support is None else self.support.supported

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "keys": self.keys,
            "kind": self.kind,
            "support": None if self.support is None else round(self.support.value, 3),
            "supported": self.supported,
            "scored": None if self.support is None else self.support.scorable,
            "evidence": None if self.support is None else self.support.evidence,
            "replaced": self.replaced,
            "attempts": self.attempts if self.kind == GENERATED else None,
        }


@dataclass
class Section:
    theme: str
    notes: list[Note]
    sentences: list[Sentence]

    @property
    def keys(self) -> list[str]:
        return list(dict.fromkeys(k for s in self.sentences for k in s.keys))

    @property
    def weak_evidence(self) -> list[str]:
        """Keys of entries without an abstract: their notes are title and venue only."""
        return [n.key for n in self.notes if not n.has_abstract]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "text": self.text,
            "keys": self.keys,
            "sentences": [s.to_dict() for s in self.sentences],
            "notes": [n.to_dict() for n in self.notes],
            "weak_evidence": self.weak_evidence,
        }


@dataclass
class Dropped:
    key: str
    theme: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "theme": self.theme, "reason": self.reason}


@dataclass
class Review:
    topic: str
    mode: str
    sections: list[Section]
    dropped: list[Dropped]
    model: str | None
    provenance: Provenance
    retrieved: list[BibEntry]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.keys_used else ExitCode.FINDINGS

    def history_entry(self) -> HistoryEntry | None:
        if self.model is None:
            return None  # an outline quotes the .bib: no model run
        verdicts = {
            "keys_used": self.keys_used,
            "dropped": [d.key for d in self.dropped],
            "unsupported": len(self.unsupported),
        }
        return HistoryEntry(self.topic, self.to_dict(), self.provenance, verdicts)

    @property
    def keys_used(self) -> list[str]:
        return list(dict.fromkeys(k for s in self.sections for k in s.keys))

    @property
    def cited_entries(self) -> list[BibEntry]:
        used = set(self.keys_used)
        return [e for e in self.retrieved if e.key in used]

    @property
    def generated(self) -> list[Sentence]:
        return [s for sec in self.sections for s in sec.sentences if s.support is not None]

    @property
    def unsupported(self) -> list[Sentence]:
        return [s for s in self.generated if s.supported is False]

    def to_dict(self) -> dict[str, Any]:
        cited = [s for s in self.generated if s.keys]
        return {
            "topic": self.topic,
            "mode": self.mode,
            "sections": [s.to_dict() for s in self.sections],
            "keys_used": self.keys_used,
            "retrieved": [e.key for e in self.retrieved],
            "dropped_citations": [d.to_dict() for d in self.dropped],
            "cited_generated_sentences": len(cited),
            "supported_cited_generated_sentences": sum(bool(s.supported) for s in cited),
            "model": self.model,
            "provenance": self.provenance.as_dict(),
            "unsupported_threshold": THRESHOLD,
        }


def retrieve(request: ReviewRequest, entries: Sequence[BibEntry]) -> list[BibEntry]:
    index = HybridIndex(entries, dense=request.dense)
    return [hit.entry for hit in index.search(request.topic, k=request.max_papers)]


def outline(request: ReviewRequest, entries: Sequence[BibEntry]) -> Review:
    """The annotated bibliography by theme: notes only, no model."""
    retrieved = retrieve(request, entries)
    sections = []
    for theme in group_into_themes(retrieved, request.max_themes):
        notes = [build_note(e, request.topic) for e in theme.entries]
        sentences = [Sentence(n.quotation(), [n.key], QUOTE) for n in notes]
        sections.append(Section(theme.name, notes, sentences))
    provenance = stamp(
        model="none (notes quoted from the .bib)",
        model_sha256=None,
        prompt=request.topic,
        watermark="off (nothing generated)",
    )
    return Review(request.topic, OUTLINE, sections, [], None, provenance, retrieved)


def _quotes_for(
    keys: Sequence[str], notes: dict[str, Note], replaced: str | None
) -> list[Sentence]:
    return [Sentence(notes[k].quotation(), [k], QUOTE, replaced=replaced) for k in keys]


class _Writer:
    """Writes one theme's sentences and keeps what the checks removed."""

    def __init__(
        self,
        request: ReviewRequest,
        backend: Backend,
        known: set[str],
        on_text: Callable[[str], None] | None,
    ) -> None:
        self.request = request
        self.backend = backend
        self.known = known
        self.on_text = on_text
        self.dropped: list[Dropped] = []
        self.prompts: list[str] = []

    def _generate(self, prompt: Prompt, params: GenerationParams, sentences: int) -> str:
        self.prompts.append(prompt.text_for(self.backend.profile))
        return write_short(self.backend, prompt, params, self.on_text, sentences=sentences)

    def _drop(self, key: str, theme: str, allowed: set[str]) -> None:
        if any(d.key == key and d.theme == theme for d in self.dropped):
            return
        if key not in self.known:
            reason = "not in the bibliography"
        elif key in allowed:
            reason = "cited for another paper's sentence"
        else:
            reason = "in the bibliography but not among the retrieved papers"
        self.dropped.append(Dropped(key, theme, reason))

    def paper_sentences(
        self, theme: str, notes: list[Note], entries: dict[str, BibEntry]
    ) -> list[Sentence]:
        """One sentence per paper. A sentence the checks do not support gets one second try
        from a narrower prompt (rephrase the note's best quotation); the better-supported of
        the two is kept, and scored like any other."""
        sentences: list[Sentence] = []
        for note in notes:
            best: Sentence | None = None
            prompts = [paper_prompt(self.request.topic, note), rephrase_prompt(note)]
            for attempt, prompt in enumerate(prompts, 1):
                prose = self._paper_prose(prompt, note, theme, set(entries))
                if prose:
                    checked = score(prose, [entries[note.key]])
                    if best is None or best.support is None or checked.value > best.support.value:
                        best = Sentence(prose, [note.key], GENERATED, checked)
                if best is not None:
                    best.attempts = attempt
                    if best.supported:
                        break
            if best is not None and copies(best.text, note):
                # a verbatim copy of the note is a quotation, not new prose: shown as one
                best = Sentence(note.quotation(), [note.key], QUOTE, replaced=best.text)
            sentences += [best] if best else _quotes_for([note.key], {note.key: note}, "")
        return sentences

    def _paper_prose(self, prompt: Prompt, note: Note, theme: str, allowed: set[str]) -> str:
        """The model's sentence about `note`, citations it wrote itself removed (and reported:
        galcli attaches the paper's key)."""
        parts = split_citations(
            complete_sentence(self._generate(prompt, self.request.params, sentences=1))
        )
        for _, keys in parts:
            for key in keys:
                if key != note.key:
                    self._drop(key, theme, allowed)
        return " ".join(p for p, _ in parts)

    def paragraph(
        self, theme: str, notes: list[Note], entries: dict[str, BibEntry]
    ) -> list[Sentence]:
        text = self._generate(
            paragraph_prompt(self.request.topic, theme, notes), self.request.params, sentences=0
        )
        sentences: list[Sentence] = []
        for prose, keys in split_citations(text):
            kept = []
            for key in dict.fromkeys(keys):
                if key in entries:
                    kept.append(key)
                else:
                    self._drop(key, theme, set(entries))
            cited = [entries[k] for k in kept] or list(entries.values())
            sentences.append(Sentence(prose, kept, GENERATED, score(prose, cited)))
        return sentences

    def opening(
        self, theme: str, notes: list[Note], entries: dict[str, BibEntry]
    ) -> Sentence | None:
        text = self._generate(
            opening_prompt(self.request.topic, theme, notes), self.request.params, sentences=1
        )
        prose = " ".join(p for p, _ in split_citations(complete_sentence(text)))
        if not prose:
            return None
        return Sentence(prose, [], OPENING, score(prose, list(entries.values())))


def _checked(sentences: list[Sentence], notes: list[Note], strict: bool) -> list[Sentence]:
    """With `strict`, unsupported sentences give way to their papers' quoted notes (an
    unsupported opening is left out); then every paper no sentence cites gets its note."""
    by_key = {n.key: n for n in notes}
    result: list[Sentence] = []
    for sentence in sentences:
        if strict and sentence.supported is False:
            if sentence.keys:
                result += _quotes_for(sentence.keys, by_key, replaced=sentence.text)
            continue
        result.append(sentence)
    cited = {k for s in result for k in s.keys}
    result += _quotes_for([n.key for n in notes if n.key not in cited], by_key, replaced=None)
    seen: set[tuple[str, ...]] = set()
    unique = []
    for sentence in result:  # one quotation per paper, even if two sentences gave way to it
        marker = (sentence.kind, sentence.text)
        if sentence.kind == QUOTE and marker in seen:
            continue
        seen.add(marker)
        unique.append(sentence)
    return unique


def write_review(
    request: ReviewRequest,
    entries: Sequence[BibEntry],
    backend: Backend,
    on_text: Callable[[str], None] | None = None,
    progress: Callable[..., None] = lambda *a, **k: None,
) -> Review:
    retrieved = retrieve(request, entries)
    progress(1, description="grouping into themes")
    themes = group_into_themes(retrieved, request.max_themes)
    progress(1, description="writing")
    writer = _Writer(request, backend, {e.key for e in entries}, on_text)
    sections: list[Section] = []
    for theme in themes:
        notes = [build_note(e, request.topic) for e in theme.entries]
        cited = {e.key: e for e in theme.entries}
        if request.mode == PARAGRAPHS:
            sentences = writer.paragraph(theme.name, notes, cited)
        else:
            sentences = writer.paper_sentences(theme.name, notes, cited)
            if len(notes) > 1:
                first = writer.opening(theme.name, notes, cited)
                sentences = ([first] if first else []) + sentences
        sections.append(Section(theme.name, notes, _checked(sentences, notes, request.strict)))
        progress(1)
    provenance = provenance_for(backend, Prompt(raw="\n\n".join(writer.prompts)), request.params)
    return Review(
        request.topic,
        request.mode,
        sections,
        writer.dropped,
        backend.model_id,
        provenance,
        retrieved,
    )
