"""`galcli cite`: citation keys for a sentence, only ever from the user's own .bib files.

Two sources are fused: a retrieval ranking of the bibliography (BM25, fused with sentence
embeddings when the embedding model is installed) and the model's own
proposals (Galactica: `[START_REF] title, author [END_REF]`; instruction models: picks from a
numbered list of retrieved entries). A proposal counts only when it matches a real entry;
everything else is reported as rejected and never printed as a key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, latex_to_text
from galcli.model.base import CHAT, Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.retrieve.bm25 import Hit
from galcli.retrieve.embeddings import HybridIndex
from galcli.verify.citations import MISMATCH, NOT_IN_BIB, UNCHECKED, VERIFIED, TitleMatcher

RRF_K = 60  # reciprocal-rank-fusion constant (Cormack et al., 2009)
CHAT_SYSTEM = (
    "You help scientists cite their sources. You get a sentence from a paper and a "
    "numbered list of papers from the author's bibliography. Answer with the numbers "
    "of the papers the sentence should cite, most relevant first, separated by commas. "
    "Answer with numbers only."
)


@dataclass(frozen=True)
class CiteRequest:
    text: str
    k: int = 5
    params: GenerationParams = field(default_factory=GenerationParams)
    candidates: int = 10  # retrieved entries shown to an instruction model (prompt length is time)
    proposals: int = 3  # Galactica-style proposals (beams) to ask for


@dataclass
class Suggestion:
    key: str
    title: str
    score: float
    verdict: str  # verified (the model proposed it and it matches) or unchecked (retrieval only)
    source: str  # "retrieval", "model" or "model+retrieval"
    year: str = ""
    authors: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "score": round(self.score, 5),
            "verdict": self.verdict,
            "source": self.source,
            "year": self.year,
            "authors": self.authors,
        }


@dataclass(frozen=True)
class Rejected:
    proposal: str
    verdict: str  # not_in_bib or mismatch
    reason: str
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal,
            "verdict": self.verdict,
            "reason": self.reason,
            "key": self.key,
        }


@dataclass
class CiteResult:
    query: str
    suggestions: list[Suggestion]
    rejected: list[Rejected]
    model: str | None
    provenance: Provenance | None = None
    draft: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "rejected": [r.to_dict() for r in self.rejected],
            "model": self.model,
            "provenance": self.provenance.as_dict() if self.provenance else None,
        }


def plain_text(sentence: str) -> str:
    return " ".join(latex_to_text(sentence).split())


def _describe(entry: BibEntry) -> str:
    names = author_last_names(entry.author)
    who = f"{names[0].capitalize()}{' et al.' if len(names) > 1 else ''}" if names else ""
    detail = ", ".join(p for p in (who, entry.year) if p)
    return f"{latex_to_text(entry.title)}" + (f" ({detail})" if detail else "")


def galactica_prompt(sentence: str) -> Prompt:
    return Prompt(raw=f"{plain_text(sentence)} [START_REF]", stop=("[END_REF]",))


def chat_prompt(sentence: str, hits: Sequence[Hit]) -> Prompt:
    listing = "\n".join(f"[{i}] {_describe(hit.entry)}" for i, hit in enumerate(hits, 1))
    user = f"Sentence: {plain_text(sentence)}\n\nPapers:\n{listing}\n\nNumbers to cite:"
    return Prompt(raw=user, messages=(Message("system", CHAT_SYSTEM), Message("user", user)))


_NUMBER = re.compile(r"^\[?(\d{1,3})\]?(?=$|[\s.:)\]])")
_NUMBERS = re.compile(r"(?:and\s+)?[\[(]?\d{1,3}[\])]?(?:\s*(?:,|&|and)\s*[\[(]?\d{1,3}[\])]?)*\.?")


class Citer:
    """The index, title matcher and (optional) model for one bibliography; reused in batches."""

    def __init__(
        self, entries: Sequence[BibEntry], backend: Backend | None = None, *, dense: bool = True
    ) -> None:
        self.entries = list(entries)
        self.index = HybridIndex(self.entries, dense=dense)
        self.matcher = TitleMatcher(self.entries)
        self.backend = backend

    def suggest(
        self, request: CiteRequest, on_text: Callable[[str], None] | None = None
    ) -> CiteResult:
        hits = self.index.search(request.text, k=max(request.candidates, request.k))
        rejected: list[Rejected] = []
        picks: list[tuple[BibEntry, str]] = []
        draft = ""
        provenance = None
        if self.backend is not None:
            prompt, texts = self._ask(request, hits, on_text)
            draft = "\n".join(texts)
            provenance = provenance_for(self.backend, prompt, request.params)
            if self.backend.profile == CHAT:
                picks, rejected = self._read_picks(texts, hits[: request.candidates])
            else:
                picks, rejected = self._read_proposals(texts)
        verdicts: dict[str, str] = {}
        for entry, verdict in picks:
            verdicts.setdefault(entry.key, verdict)
        unique: dict[str, BibEntry] = {}
        for entry, _ in picks:
            unique.setdefault(entry.key, entry)
        ranked = self._fuse(hits, list(unique.values()))
        suggestions = []
        for entry, score, sources in ranked[: request.k]:
            suggestions.append(
                Suggestion(
                    key=entry.key,
                    title=latex_to_text(entry.title),
                    score=score,
                    verdict=verdicts.get(entry.key, UNCHECKED),
                    source="+".join(sources),
                    year=entry.year,
                    authors=", ".join(n.capitalize() for n in author_last_names(entry.author)[:3]),
                )
            )
        rejected = list(dict.fromkeys(rejected))  # models often repeat a proposal
        return CiteResult(
            query=request.text,
            suggestions=suggestions,
            rejected=rejected,
            model=self.backend.model_id if self.backend else None,
            provenance=provenance,
            draft=draft,
        )

    def _ask(
        self, request: CiteRequest, hits: Sequence[Hit], on_text: Callable[[str], None] | None
    ) -> tuple[Prompt, list[str]]:
        assert self.backend is not None
        if self.backend.profile == CHAT:
            prompt = chat_prompt(request.text, hits[: request.candidates])
            params = replace(request.params, max_new_tokens=min(request.params.max_new_tokens, 48))
            return prompt, [self.backend.generate(prompt, params, on_text).text]
        prompt = galactica_prompt(request.text)
        generations = self.backend.sample(prompt, request.params, request.proposals, on_text)
        return prompt, [g.text for g in generations]

    def _read_proposals(
        self, texts: Sequence[str]
    ) -> tuple[list[tuple[BibEntry, str]], list[Rejected]]:
        """Galactica-style proposals: each must match an entry's title to count."""
        picks: list[tuple[BibEntry, str]] = []
        rejected: list[Rejected] = []
        for text in dict.fromkeys(t.strip() for t in texts if t.strip()):
            match = self.matcher.match(text)
            if match.entry is not None and match.verdict in (VERIFIED, MISMATCH):
                picks.append((match.entry, match.verdict))
                if match.verdict == MISMATCH:
                    rejected.append(Rejected(text, MISMATCH, match.reason, match.entry.key))
            else:
                rejected.append(Rejected(text, match.verdict, match.reason))
        return picks, rejected

    def _read_picks(
        self, texts: Sequence[str], hits: Sequence[Hit]
    ) -> tuple[list[tuple[BibEntry, str]], list[Rejected]]:
        """An instruction model's answer: numbers from the list ("2, 5"), list items it echoes
        ("[3] Title…"), or titles written out (matched like Galactica proposals)."""
        picks: list[tuple[BibEntry, str]] = []
        rejected: list[Rejected] = []

        def pick(number: int, text: str) -> None:
            if 1 <= number <= len(hits):
                picks.append((hits[number - 1].entry, VERIFIED))
            else:
                rejected.append(
                    Rejected(text, NOT_IN_BIB, f"there is no paper [{number}] in the list")
                )

        for text in texts:
            for line in re.split(r"[;\n]+", text):
                line = line.strip(" \t-*•")
                if not line:
                    continue
                if _NUMBERS.fullmatch(line):
                    for number in re.findall(r"\d+", line):
                        pick(int(number), line)
                elif (leading := _NUMBER.match(line)) is not None:
                    pick(int(leading.group(1)), line)
                else:
                    found, more = self._read_proposals([line])
                    picks += found
                    rejected += more
        return picks, rejected

    @staticmethod
    def _fuse(
        hits: Sequence[Hit], picks: Sequence[BibEntry]
    ) -> list[tuple[BibEntry, float, list[str]]]:
        """Reciprocal-rank fusion of the retrieval ranking and the model's picks."""
        scores: dict[str, float] = {}
        sources: dict[str, list[str]] = {}
        entries: dict[str, BibEntry] = {}
        for rank, entry in enumerate(picks, 1):
            scores[entry.key] = scores.get(entry.key, 0.0) + 1 / (RRF_K + rank)
            sources.setdefault(entry.key, []).append("model")
            entries[entry.key] = entry
        for hit in hits:
            key = hit.entry.key
            scores[key] = scores.get(key, 0.0) + 1 / (RRF_K + hit.rank)
            sources.setdefault(key, []).append("retrieval")
            entries[key] = hit.entry
        order = sorted(scores, key=lambda key: -scores[key])
        return [(entries[key], scores[key], sources[key]) for key in order]
