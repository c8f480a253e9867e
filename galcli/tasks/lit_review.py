"""`galcli lit-review`: a related-work section written only from the user's own .bib entries.

Retrieval (the same BM25 ranking as `cite`) picks the entries, clustering groups them into
themes, and the model writes one paragraph per theme from those entries' titles and abstracts,
citing them by their real keys. Before anything is printed, every citation is checked against
the retrieved keys (others are removed and reported) and every cited sentence is scored for
support against the cited entries' text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, latex_to_text
from galcli.model.base import Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.retrieve.embeddings import HybridIndex
from galcli.retrieve.themes import Theme, group_into_themes
from galcli.verify.support import THRESHOLD, support

ABSTRACT_CHARS = 700
CHAT_SYSTEM = (
    "You write the related-work section of a scientific paper. Write one paragraph "
    "about the papers given, using only what their titles and abstracts say. Cite a "
    "paper by writing its key in square brackets, e.g. [smith2020], right after the "
    "claim it supports. Cite only the keys given. Do not invent results."
)
# [key], [key1, key2], \cite{a,b}, \citep[..]{a}, [@key]
_CITATION = re.compile(r"\\[A-Za-z]*cite[A-Za-z]*\*?(?:\[[^\]]*\])*\{([^{}]*)\}|\[@?([^\[\]]+)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\\\[])")


@dataclass(frozen=True)
class ReviewRequest:
    topic: str
    max_papers: int = 12
    max_themes: int | None = None
    params: GenerationParams = field(default_factory=GenerationParams)
    dense: bool = True  # fuse sentence embeddings into the ranking when the model is installed


@dataclass
class Sentence:
    text: str  # with citations removed from the prose; keys listed separately
    keys: list[str]
    support: float | None  # None for sentences that cite nothing

    @property
    def supported(self) -> bool | None:
        return None if self.support is None else self.support >= THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "keys": self.keys,
            "support": None if self.support is None else round(self.support, 3),
            "supported": self.supported,
        }


@dataclass
class Section:
    theme: str
    entries: list[BibEntry]
    sentences: list[Sentence]
    weak_evidence: list[str]  # keys of entries without an abstract

    @property
    def keys(self) -> list[str]:
        return list(dict.fromkeys(k for s in self.sentences for k in s.keys))

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "text": self.text,
            "keys": self.keys,
            "sentences": [s.to_dict() for s in self.sentences],
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
    sections: list[Section]
    dropped: list[Dropped]
    model: str
    provenance: Provenance
    retrieved: list[BibEntry]

    @property
    def keys_used(self) -> list[str]:
        return list(dict.fromkeys(k for s in self.sections for k in s.keys))

    @property
    def cited_entries(self) -> list[BibEntry]:
        used = set(self.keys_used)
        return [e for e in self.retrieved if e.key in used]

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "sections": [s.to_dict() for s in self.sections],
            "keys_used": self.keys_used,
            "dropped_citations": [d.to_dict() for d in self.dropped],
            "model": self.model,
            "provenance": self.provenance.as_dict(),
            "unsupported_threshold": THRESHOLD,
        }


def _brief(entry: BibEntry) -> str:
    names = author_last_names(entry.author)
    who = f"{names[0].capitalize()}{' et al.' if len(names) > 1 else ''}" if names else "Unknown"
    abstract = " ".join(latex_to_text(entry.abstract).split())
    if len(abstract) > ABSTRACT_CHARS:
        abstract = abstract[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"
    return (
        f"[{entry.key}] {latex_to_text(entry.title)} ({who}, {entry.year or 'n.d.'}). "
        f"{abstract or '(no abstract available)'}"
    )


def paragraph_prompt(topic: str, theme: Theme) -> Prompt:
    listing = "\n".join(_brief(e) for e in theme.entries)
    user = (
        f"Topic of the review: {topic}\nTheme of this paragraph: {theme.name}\n\n"
        f"Papers:\n{listing}\n\nWrite the paragraph, citing with [key]."
    )
    raw = (
        f"# Related work: {topic}\n\n## {theme.name}\n\nReferences:\n{listing}\n\n"
        f"Paragraph (citing with [key]):\n"
    )
    return Prompt(
        raw=raw,
        stop=("\n\n#", "\n\nReferences"),
        messages=(Message("system", CHAT_SYSTEM), Message("user", user)),
    )


def split_citations(text: str) -> list[tuple[str, list[str]]]:
    """Sentences of `text` with the keys each cites (citation markup removed from the text)."""
    sentences = []
    for raw in _SENTENCE.split(" ".join(text.split())):
        keys: list[str] = []
        for match in _CITATION.finditer(raw):
            group = match.group(1) if match.group(1) is not None else match.group(2)
            keys += [k.strip().lstrip("@") for k in re.split(r"[,;]", group) if k.strip()]
        prose = re.sub(r"\[[^\]]*$", "", _CITATION.sub("", raw))  # and an unclosed "[key…"
        prose = re.sub(r"\s+([.,;:!?])", r"\1", prose)
        prose = re.sub(
            r"([,;:])(?:\s*[,;:])+", r"\1", prose
        )  # "In addition, [x], has" -> one comma
        prose = " ".join(re.sub(r"\(\s*\)", "", prose).split())
        if prose:
            sentences.append((prose, keys))
    return sentences


def write_review(
    request: ReviewRequest,
    entries: Sequence[BibEntry],
    backend: Backend,
    on_text: Callable[[str], None] | None = None,
    progress: Callable[..., None] = lambda *a, **k: None,
) -> Review:
    index = HybridIndex(entries, dense=request.dense)
    hits = index.search(request.topic, k=request.max_papers)
    retrieved = [hit.entry for hit in hits]
    progress(1, description="grouping into themes")
    themes = group_into_themes(retrieved, request.max_themes)
    progress(1, description="writing paragraphs")
    allowed = {e.key: e for e in retrieved}
    known = {e.key for e in entries}
    sections: list[Section] = []
    dropped: list[Dropped] = []
    prompts: list[str] = []
    for theme in themes:
        prompt = paragraph_prompt(request.topic, theme)
        prompts.append(prompt.text_for(backend.profile))
        text = backend.generate(prompt, request.params, on_text).text
        sentences: list[Sentence] = []
        for prose, keys in split_citations(text):
            kept = []
            for key in dict.fromkeys(keys):
                if key in allowed:
                    kept.append(key)
                elif not any(d.key == key and d.theme == theme.name for d in dropped):
                    reason = (
                        "not in the bibliography"
                        if key not in known
                        else "in the bibliography but not among the retrieved papers"
                    )
                    dropped.append(Dropped(key, theme.name, reason))
            score = support(prose, [allowed[k] for k in kept]) if kept else None
            sentences.append(Sentence(prose, kept, score))
        sections.append(
            Section(
                theme.name,
                theme.entries,
                sentences,
                [e.key for e in theme.entries if not e.abstract],
            )
        )
        progress(1)
    provenance = provenance_for(backend, Prompt(raw="\n\n".join(prompts)), request.params)
    return Review(request.topic, sections, dropped, backend.model_id, provenance, retrieved)
