"""`galcli lit-review`: a related-work section whose every sentence is traceable.

The entries are retrieved for the topic (BM25, fused with sentence embeddings when installed)
and grouped into themes, each headed by a phrase its titles share (`retrieve/headings`). Each
paper gets one sentence built from its own abstract: the sentence most relevant to the topic and
the theme, compressed by deletion and attributed with the entry's authors and year
(`review_prose`); an entry without an abstract is described by its title, saying so. A theme's
opening restates the theme, nothing more. Every sentence passes the faithfulness check against
the cited entry (`verify/faithful`) before it is kept, and no two sentences are the same. No
model is needed; with a `Rewriter` (`--paraphrase`) a model rewrites each sentence, and a
rewrite that fails the check is reported and the built sentence kept. `outline` prints the
notes as an annotated bibliography.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.errors import ExitCode
from galcli.model.base import Prompt
from galcli.provenance.stamp import Provenance, provenance_for, stamp
from galcli.retrieve.embeddings import HybridIndex
from galcli.retrieve.themes import group_into_themes
from galcli.tasks.review_notes import Note, build_note, ranked_sentences
from galcli.tasks.review_prose import (
    CITEP,
    CITET,
    TEMPLATE_WORDS,
    attributed,
    compress,
    opening,
    plain,
    title_only,
)
from galcli.tasks.review_rewrite import Rewriter, as_template
from galcli.tasks.session import HistoryEntry
from galcli.verify.faithful import Sources, check

EXTRACTIVE, REWRITTEN, OUTLINE = "extractive", "rewritten", "outline"
EXTRACT, TITLE, OPENING, QUOTE = "extract", "title", "opening", "quote"  # Sentence.kind

__all__ = ["Review", "ReviewRequest", "outline", "write_review"]


@dataclass(frozen=True)
class ReviewRequest:
    topic: str
    max_papers: int = 12
    max_themes: int | None = None
    dense: bool = True  # fuse sentence embeddings into the ranking when the model is installed


@dataclass
class Sentence:
    """One sentence of the section, as checked, with where its citation goes."""

    template: str  # the sentence with CITET / CITEP where the citation goes
    text: str  # as read by the faithfulness check: citations as "Mobley et al. (2012)"
    keys: list[str]
    kind: str  # EXTRACT, TITLE, OPENING or QUOTE (outline)
    source: str | None = None  # the abstract sentence it was built from
    rewritten: bool = False  # by the model, and passed the check

    def pieces(self) -> list[tuple[str, str]]:
        """The sentence for a renderer: ("text", words) and ("citet" | "citep", "") pieces."""
        marks = {CITET: "citet", CITEP: "citep"}
        parts = re.split(f"({CITET}|{CITEP})", self.template)
        return [(marks[p], "") if p in marks else ("text", p) for p in parts if p]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "keys": self.keys,
            "kind": self.kind,
            "source": self.source,
            "rewritten": self.rewritten,
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
    def title_only(self) -> list[str]:
        """Keys of entries without an abstract: described by their title alone."""
        return [n.key for n in self.notes if not n.has_abstract]

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "text": " ".join(s.text for s in self.sentences),
            "keys": self.keys,
            "sentences": [s.to_dict() for s in self.sentences],
            "notes": [n.to_dict() for n in self.notes],
            "title_only": self.title_only,
        }


@dataclass
class Draft:
    """A sentence that was not printed: a model's rewrite (or a built sentence) that failed."""

    key: str
    sentence: str
    reason: str
    by: str = "galcli"  # or the model that wrote it

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "sentence": self.sentence, "reason": self.reason, "by": self.by}


@dataclass
class Review:
    topic: str
    mode: str
    sections: list[Section]
    retrieved: list[BibEntry]
    provenance: Provenance
    rejected: list[Draft] = field(default_factory=list)
    model: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # key -> "Mobley et al."

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.keys_used else ExitCode.FINDINGS

    def history_entry(self) -> HistoryEntry | None:
        if self.model is None:
            return None  # built from the .bib: no model run to log
        verdicts = {"keys_used": self.keys_used, "rejected": len(self.rejected)}
        return HistoryEntry(self.topic, self.to_dict(), self.provenance, verdicts)

    @property
    def keys_used(self) -> list[str]:
        return list(dict.fromkeys(k for s in self.sections for k in s.keys))

    @property
    def cited_entries(self) -> list[BibEntry]:
        used = set(self.keys_used)
        return [e for e in self.retrieved if e.key in used]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for section in self.sections for s in section.sentences]

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "mode": self.mode,
            "sections": [s.to_dict() for s in self.sections],
            "keys_used": self.keys_used,
            "retrieved": [e.key for e in self.retrieved],
            "rejected": [d.to_dict() for d in self.rejected],
            "model": self.model,
            "provenance": self.provenance.as_dict(),
        }


def retrieve(request: ReviewRequest, entries: Sequence[BibEntry]) -> list[BibEntry]:
    index = HybridIndex(entries, dense=request.dense)
    return [hit.entry for hit in index.search(request.topic, k=request.max_papers)]


def _themes(request: ReviewRequest, retrieved: list[BibEntry]) -> list[tuple[str, list[BibEntry]]]:
    themes = group_into_themes(retrieved, request.max_themes, topic=request.topic)
    return [(theme.name, theme.entries) for theme in themes]


def outline(request: ReviewRequest, entries: Sequence[BibEntry]) -> Review:
    """The annotated bibliography by theme: each paper's note, quoted."""
    retrieved = retrieve(request, entries)
    sections = []
    for name, members in _themes(request, retrieved):
        notes = [build_note(e, request.topic) for e in members]
        quotes = [Sentence(n.quotation(), n.quotation(), [n.key], QUOTE) for n in notes]
        sections.append(Section(name, notes, quotes))
    provenance = stamp(
        model="none (notes quoted from the .bib)",
        model_sha256=None,
        prompt=request.topic,
        watermark="off (nothing generated)",
    )
    return Review(request.topic, OUTLINE, sections, retrieved, provenance)


def _signature(text: str) -> str:
    """What two sentences share when they say the same thing: their words, citations aside."""
    return " ".join(re.findall(r"\w+", text.replace(CITET, "").replace(CITEP, "").lower()))


class _Writer:
    """Builds the sentences in order, so that forms rotate and no sentence repeats."""

    def __init__(self, topic: str, rewriter: Rewriter | None) -> None:
        self.topic = topic
        self.rewriter = rewriter
        self.turn = 0  # the form of the next built sentence
        self.titles = 0  # the form of the next title-only one
        self.seen: set[str] = set()
        self.rejected: list[Draft] = []
        self.labels: dict[str, str] = {}

    def paper(self, entry: BibEntry, note: Note, theme: str) -> Sentence:
        label = f"{note.authors} ({note.year})"
        parenthetical = f"({note.authors}, {note.year})"
        self.labels[note.key] = note.authors
        title = note.title
        abstract = latex_to_text(entry.abstract)
        sources = Sources.of(
            [title, abstract, latex_to_text(entry.keywords), latex_to_text(entry.author)]
            + [label, self.topic, theme, TEMPLATE_WORDS]
        )
        lower = set(re.findall(r"(?<![\w-])[a-z][\w-]*", f"{title} {abstract}"))
        singular = " and " not in note.authors and "et al." not in note.authors
        built = None
        for candidate in ranked_sentences(abstract, f"{self.topic} {theme}") if abstract else []:
            core = compress(candidate)
            if len(core.split()) < 5 or _signature(core) in self.seen:
                continue  # two entries with one abstract (a duplicate) get different sentences
            template = attributed(core, self.turn, singular, lower.__contains__)
            text = plain(template, label, parenthetical)
            verdict = check(text, sources)
            if verdict.ok:
                self.turn += 1
                self.seen.add(_signature(core))
                built = Sentence(template, text, [note.key], EXTRACT, candidate)
                break
            self.rejected.append(Draft(note.key, text, verdict.reason()))
        if built is None:
            template = title_only(title, self.titles)
            self.titles += 1
            built = Sentence(template, plain(template, label, parenthetical), [note.key], TITLE)
        if self.rewriter is not None and built.kind == EXTRACT:
            self._rewrite(built, title, sources, label, parenthetical)
        self.seen.add(_signature(built.text))
        return built

    def _rewrite(
        self, built: Sentence, title: str, sources: Sources, label: str, parenthetical: str
    ) -> None:
        assert self.rewriter is not None
        draft, rejected = self.rewriter(built.text, title, sources, self.seen)
        if draft is None:
            assert rejected is not None
            model = self.rewriter.backend.model_id
            self.rejected.append(Draft(built.keys[0], rejected.sentence, rejected.reason, model))
            return
        built.template = as_template(draft, label, parenthetical)
        built.text = plain(built.template, label, parenthetical)
        built.rewritten = True

    def opening(self, theme: str, turn: int) -> Sentence | None:
        text = opening(theme, turn)
        if not check(text, [self.topic, theme, TEMPLATE_WORDS]).ok:
            return None  # cannot happen with the templates as they are; never print it unchecked
        return Sentence(text, text, [], OPENING)


def write_review(
    request: ReviewRequest, entries: Sequence[BibEntry], rewriter: Rewriter | None = None
) -> Review:
    retrieved = retrieve(request, entries)
    writer = _Writer(request.topic, rewriter)
    sections = []
    openings = 0
    for name, members in _themes(request, retrieved):
        notes = [build_note(e, request.topic) for e in members]
        sentences = []
        if len(members) > 1:
            first = writer.opening(name, openings)
            openings += 1
            sentences += [first] if first is not None else []
        sentences += [writer.paper(e, n, name) for e, n in zip(members, notes, strict=True)]
        sections.append(Section(name, notes, sentences))
    if rewriter is None:
        provenance = stamp(
            model="none (sentences built from the cited entries)",
            model_sha256=None,
            prompt=request.topic,
            watermark="off (nothing generated)",
        )
        model = None
    else:
        prompt = Prompt(raw="\n\n".join(rewriter.prompts))
        provenance = provenance_for(rewriter.backend, prompt, rewriter.params)
        model = rewriter.backend.model_id
    mode = EXTRACTIVE if rewriter is None else REWRITTEN
    return Review(
        request.topic, mode, sections, retrieved, provenance, writer.rejected, model, writer.labels
    )
