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
from functools import cached_property
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, latex_to_text
from galcli.errors import ExitCode
from galcli.model.base import CHAT, Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.retrieve.context import ContextQuery, ContextRanker
from galcli.retrieve.embeddings import HybridIndex
from galcli.retrieve.fusion import reciprocal_rank_fusion
from galcli.tasks.session import HistoryEntry
from galcli.verify.citations import (
    NOT_IN_BIB,
    PICKED,
    UNCHECKED,
    VERIFIED,
    TitleMatcher,
    display_names,
)

# Relevance floor: the IDF-weighted share of the sentence's terms that the best suggestion
# (its title, abstract, keywords, authors, and what the document says where it cites it) must
# contain; below it galcli says "no entry fits" instead of printing noise. Calibrated on 120
# hidden citations of the corpus papers, with and without their true entries in the .bib
# (bench/cite.py): the share does not tell a missing entry from a present one on real
# sentences (at 0.10 it keeps 60 of 66 hits and still prints for 98 of 120 placeholders whose
# entries were removed), so the floor is set where it loses no hit and only silences text that
# shares (almost) nothing with the bibliography.
FLOOR = 0.03
MODEL_WEIGHT = 1.0  # the model's ranking in the fusion, relative to retrieval (1.0)
SCORE_WEIGHT = 1.0  # the likelihood-gain ranking in the fusion
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
    floor: float = FLOOR  # see FLOOR; 0 prints the k best whatever they are
    score: bool = True  # score the retrieved candidates by the model's likelihood (when it can)
    generate: bool = True  # ask the model for its own proposals
    scored: int = 10  # how many retrieved candidates the likelihood path scores (time)


@dataclass
class Suggestion:
    key: str
    title: str
    score: float
    # verified: the model wrote this entry's title (and authors); picked: an instruction model
    # chose its number from the list galcli showed it; unchecked: retrieval (and scoring) only
    verdict: str
    source: str  # "+"-joined: "model" (proposal or pick), "retrieval", "likelihood"
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
    below_floor: bool = False  # something ranked, but nothing fits well enough to print

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.suggestions else ExitCode.FINDINGS

    def history_entry(self) -> HistoryEntry | None:
        if self.model is None:
            return None  # retrieval alone is not a model run
        verdicts = {s.key: s.verdict for s in self.suggestions}
        return HistoryEntry(
            self.query,
            self.to_dict(),
            self.provenance,
            {**verdicts, "rejected": len(self.rejected)},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "rejected": [r.to_dict() for r in self.rejected],
            "model": self.model,
            "provenance": self.provenance.as_dict() if self.provenance else None,
            "no_entry_fits": self.below_floor,
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


def chat_prompt(sentence: str, shown: Sequence[BibEntry]) -> Prompt:
    listing = "\n".join(f"[{i}] {_describe(entry)}" for i, entry in enumerate(shown, 1))
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
        self.backend = backend

    @cached_property
    def matcher(self) -> TitleMatcher:
        """Matches the model's proposals to entries; built on the first proposal, since it
        decodes every title (half a second on a 1,000-entry .bib that --no-model never needs)."""
        return TitleMatcher(self.entries)

    def lexical_only_note(self) -> str | None:
        """What to say when embeddings were wanted but retrieval runs on BM25 alone."""
        if self.index.dense:
            return None
        from galcli.retrieve.embeddings import INSTALL_COMMAND

        return f"ranking by BM25 alone; for better suggestions: {INSTALL_COMMAND}"

    def ranker(
        self,
        citing_sentences: dict[str, list[str]] | None = None,
        cocitations: dict[str, dict[str, int]] | None = None,
    ) -> ContextRanker:
        """A context ranker over this bibliography for one document's placeholders.

        It fuses scores, BM25 and cosine similarities apart: the strength of each match counts
        (fusion.normalized_score_fusion), and the hybrid index's fused ranks carry none."""
        similar = self.index.similar if self.index.dense else None
        return ContextRanker(self.entries, similar, citing_sentences, cocitations)

    def suggest(
        self, request: CiteRequest, on_text: Callable[[str], None] | None = None
    ) -> CiteResult:
        depth = max(request.candidates, request.k, request.scored)
        ranking = [hit.entry for hit in self.index.search(request.text, k=depth)]
        return self._finish(request, ranking, request.text, frozenset(), None, on_text)

    def suggest_in_context(
        self,
        request: CiteRequest,
        query: ContextQuery,
        ranker: ContextRanker,
        on_text: Callable[[str], None] | None = None,
    ) -> CiteResult:
        """Suggestions for a placeholder: `request.text` is its sentence, `query` its context."""
        depth = max(request.candidates, request.k, request.scored)
        ranking = [ranked.entry for ranked in ranker.rank(query, k=depth)]
        context = query.sentence or query.paragraph
        return self._finish(request, ranking, context, query.exclude, ranker, on_text)

    def _finish(
        self,
        request: CiteRequest,
        ranking: list[BibEntry],
        context: str,
        exclude: frozenset[str],
        ranker: ContextRanker | None,
        on_text: Callable[[str], None] | None,
    ) -> CiteResult:
        rejected: list[Rejected] = []
        picks: list[tuple[BibEntry, str]] = []
        scored: list[BibEntry] = []
        draft = ""
        provenance = None
        if self.backend is not None:
            from galcli.tasks.cite_score import can_score, likelihood_ranking

            texts: list[str] = []
            prompt = None
            if request.generate or not can_score(self.backend):
                prompt, texts = self._ask(request, ranking, on_text)
                draft = "\n".join(texts)
                if self.backend.profile == CHAT:
                    picks, rejected = self._read_picks(texts, ranking[: request.candidates])
                else:
                    picks, rejected = self._read_proposals(texts)
            if request.score and can_score(self.backend):
                scored, prompt = likelihood_ranking(
                    self.backend, context, ranking[: request.scored]
                )
            if prompt is not None:
                provenance = provenance_for(self.backend, prompt, request.params)
        picks = [(entry, verdict) for entry, verdict in picks if entry.key not in exclude]
        verdicts: dict[str, str] = {}
        for entry, verdict in picks:
            verdicts.setdefault(entry.key, verdict)
        by_key = {entry.key: entry for entry in [*ranking, *scored, *(e for e, _ in picks)]}
        names = ["model", "retrieval", "likelihood"]
        rankings = [[e.key for e, _ in picks], [e.key for e in ranking], [e.key for e in scored]]
        fused = reciprocal_rank_fusion(rankings, [MODEL_WEIGHT, 1.0, SCORE_WEIGHT])
        members = [set(r) for r in rankings]
        suggestions = []
        for key, score in fused[: request.k]:
            entry = by_key[key]
            suggestions.append(
                Suggestion(
                    key=key,
                    title=latex_to_text(entry.title),
                    score=score,
                    verdict=verdicts.get(key, UNCHECKED),
                    source="+".join(n for n, m in zip(names, members, strict=True) if key in m),
                    year=entry.year,
                    authors=", ".join(display_names(entry.author)[:3]),
                )
            )
        below = False
        if suggestions and request.floor > 0 and not verdicts:
            best = max(self._evidence(request.text, by_key[s.key], ranker) for s in suggestions)
            if best < request.floor:
                suggestions, below = [], True
        return CiteResult(
            query=request.text,
            suggestions=suggestions,
            rejected=list(dict.fromkeys(rejected)),  # models often repeat a proposal
            model=self.backend.model_id if self.backend else None,
            provenance=provenance,
            draft=draft,
            below_floor=below,
        )

    def _evidence(self, text: str, entry: BibEntry, ranker: ContextRanker | None) -> float:
        """How well `entry` covers the sentence, by its own text or by what the document says
        where it cites it."""
        return ranker.coverage(text, entry) if ranker else self.index.bm25.coverage(text, entry)

    def _ask(
        self,
        request: CiteRequest,
        ranking: Sequence[BibEntry],
        on_text: Callable[[str], None] | None,
    ) -> tuple[Prompt, list[str]]:
        assert self.backend is not None
        if self.backend.profile == CHAT:
            prompt = chat_prompt(request.text, ranking[: request.candidates])
            params = replace(request.params, max_new_tokens=min(request.params.max_new_tokens, 48))
            return prompt, [self.backend.generate(prompt, params, on_text).text]
        prompt = galactica_prompt(request.text)
        generations = self.backend.sample(prompt, request.params, request.proposals, on_text)
        return prompt, [g.text for g in generations]

    def _read_proposals(
        self, texts: Sequence[str]
    ) -> tuple[list[tuple[BibEntry, str]], list[Rejected]]:
        """Galactica-style proposals: each must match an entry's title and authors to count.

        A proposal whose title matches an entry but whose authors do not (`mismatch`) is
        rejected like an invented one: stdout carries only what was verified. The entry can
        still be suggested by retrieval, as `unchecked`."""
        picks: list[tuple[BibEntry, str]] = []
        rejected: list[Rejected] = []
        for text in dict.fromkeys(t.strip() for t in texts if t.strip()):
            match = self.matcher.match(text)
            if match.entry is not None and match.verdict == VERIFIED:
                picks.append((match.entry, VERIFIED))
            else:
                key = match.entry.key if match.entry is not None else None
                rejected.append(Rejected(text, match.verdict, match.reason, key))
        return picks, rejected

    def _read_picks(
        self, texts: Sequence[str], shown: Sequence[BibEntry]
    ) -> tuple[list[tuple[BibEntry, str]], list[Rejected]]:
        """An instruction model's answer: numbers from the list ("2, 5"), list items it echoes
        ("[3] Title…"), or titles written out (matched like Galactica proposals)."""
        picks: list[tuple[BibEntry, str]] = []
        rejected: list[Rejected] = []

        def pick(number: int, text: str) -> None:
            if 1 <= number <= len(shown):
                picks.append((shown[number - 1], PICKED))
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
