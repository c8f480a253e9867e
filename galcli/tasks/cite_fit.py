"""How well each cited entry fits the place that cites it (`galcli check --fit`).

`galcli cite --tex` ranks a .bib against a placeholder's context; this module turns that
engine around. Every citation gets the context a placeholder there would get
(tasks/cite_context.py: its sentence, the words next to the command, its paragraph, the keys
cited around it), and every entry of the .bib is ranked for it by each kind of evidence
separately (tasks/cite_evidence.py: its words, its meaning, the other sentences that cite it,
the keys cited with it, the entries cited around it).

A genuine citation is nearly always supported by at least one kind of evidence. A key typed
for another ranks low on all of them at once. So the rule: the cited entry is a misfit when
no kind of evidence puts it among the best `SUPPORT` share of the entries (a note; below
`CONFIDENT`, a warning). The keys cited in the same sentence do not compete: a co-cited key
is no evidence against another. What the rule costs and finds is measured by bench/fit.py on
copies of real papers with keys swapped for other keys of their .bib (docs/checks.md).

Not judged ("too thin to judge"): an entry with too little text for any ranking to mean
something (`CitationEvidence.thin`), and a sentence that matches no entry well (`CLEAR_CONTEXT`:
a row of a table, "as shown in"), where no entry fits better than another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.latex.scan import Citation
from galcli.problems import NOTE, WARNING, Kind, Problem
from galcli.tasks.cite_context import CitedContext, TexDocument, read_document
from galcli.tasks.cite_evidence import CitationEvidence

if TYPE_CHECKING:
    from galcli.latex.project import LatexProject

# The kinds of evidence (names as the messages say them), and their weights in the one fused
# ranking that orders the suggestions.
EVIDENCE: dict[str, float] = {
    "words": 1.0,
    "local": 0.5,
    "paragraph": 0.1,
    "meaning": 0.25,
    "local meaning": 1.0,
    "other citations": 0.5,
    "partners": 0.5,
    "nearby": 0.5,
    "neighbours": 1.0,
    "section": 1.0,
}
# The rule, chosen on the four corpus papers (bench/fit.py) and checked on six others. An entry
# is supported by a kind of evidence that ranks it among the best SUPPORT_RANK entries, or
# among the best share of the entries below, or scores it at least SUPPORT_SCORE of the best
# entry's score (and ranks it in the better half). The share depends on whether the document
# cites the key elsewhere too: a genuine key cited several times nearly always has support
# (its other citations, the keys cited with it), so it is reported as soon as no kind ranks it
# in the best 10%; a key cited once only below 25%.
# Without sentence embeddings a genuine citation has fewer ways to be supported, so the
# shares are larger (a key must rank lower to be reported): the same false alarms, fewer found.
SUPPORT_RANK = 10
SUPPORT = {  # a misfit below this: a note; (embeddings, cited elsewhere) -> share
    (True, True): 0.10,
    (True, False): 0.25,
    (False, True): 0.20,
    (False, False): 0.45,
}
CONFIDENT = {  # a warning below this
    (True, True): 0.20,
    (True, False): 0.50,
    (False, True): 0.30,
    (False, False): 0.60,
}
SUPPORT_SCORE = 0.5
# A sentence whose best match in the .bib (BM25 of its words) is weaker than this names
# nothing the .bib describes (a row of a table, "as shown in"): no entry fits it better than
# another, and it is not judged.
CLEAR_CONTEXT = 3.0
SUGGESTIONS = 3
FITS, DOUBTFUL, MISFIT = "fits", "doubtful", "misfit"
THIN, VAGUE = "thin", "vague"  # not judged: the entry's text, or the sentence, says too little


@dataclass(frozen=True)
class Fit:
    """The verdict on one key of one cite command."""

    citation: Citation
    entry: BibEntry
    verdict: str  # FITS, DOUBTFUL (a note), MISFIT (a warning); THIN or VAGUE: not judged
    rank: int = 0  # in the fused ranking of the entries that could stand there
    candidates: int = 0
    support: int = 0  # its best rank by any one kind of evidence
    evidence: str = ""  # that kind
    better: tuple[str, ...] = ()  # the best-fitting keys, best first
    scored: bool = False  # some kind of evidence scores it SUPPORT_SCORE of the best entry
    elsewhere: bool = False  # the document cites the key in another sentence too
    reason: str = ""  # why it was not judged

    @property
    def title(self) -> str:
        return " ".join(latex_to_text(self.entry.title).split()) or self.entry.key

    def problem(self) -> Problem | None:
        """The `citation_misfit` problem this verdict is, if it is one."""
        if self.verdict not in (MISFIT, DOUBTFUL):
            return None
        short = self.title if len(self.title) <= 80 else self.title[:77] + "..."
        message = (
            f"'{self.entry.key}' (\"{short}\") does not fit its sentence: it ranks "
            f"{_ordinal(self.rank)} of {self.candidates} entries, and no better than "
            f"{_ordinal(self.support)} by any single measure"
        )
        c = self.citation
        severity = WARNING if self.verdict == MISFIT else NOTE
        return Problem(
            Kind.CITATION_MISFIT,
            severity,
            message,
            key=c.key,
            file=c.file,
            line=c.line,
            column=c.column,
            suggestions=self.better,
        )


@dataclass
class FitReport:
    """The verdicts on every citation of a project whose key the .bib defines."""

    fits: list[Fit] = field(default_factory=list)
    dense: bool = False  # whether sentence embeddings were part of the evidence

    def count(self, verdict: str) -> int:
        return sum(fit.verdict == verdict for fit in self.fits)

    @property
    def problems(self) -> list[Problem]:
        return [p for fit in self.fits if (p := fit.problem()) is not None]

    @property
    def not_judged(self) -> int:
        return self.count(THIN) + self.count(VAGUE)

    @property
    def judged(self) -> int:
        return len(self.fits) - self.not_judged

    def to_dict(self) -> dict[str, Any]:
        return {
            "judged": self.judged,
            "misfits": self.count(MISFIT),
            "doubtful": self.count(DOUBTFUL),
            "too_thin": self.not_judged,
            "thin_entries": self.count(THIN),
            "vague_sentences": self.count(VAGUE),
            "embeddings": self.dense,
        }


def fit_project(
    project: LatexProject, entries: Sequence[BibEntry], *, dense: bool = True
) -> FitReport:
    """The fit of every citation of `project` whose key is one of `entries`."""
    document = read_document(project, every_citation=True)
    defined = {entry.key for entry in entries}
    cited = [c for c in document.citations if c.citation.key in defined]
    if not cited:
        return FitReport()
    scorer = FitScorer(entries, document, dense=dense)
    scorer.prepare(cited, remember=str(project.main.resolve()))
    return FitReport([scorer.fit(c) for c in cited], scorer.dense)


class FitScorer:
    """Judges the citations of one document against one bibliography (`fit`: one citation,
    so a language server can judge the one under the cursor)."""

    def __init__(
        self, entries: Sequence[BibEntry], document: TexDocument, *, dense: bool = True
    ) -> None:
        self.evidence = CitationEvidence(entries, document, dense=dense)
        self.entries = self.evidence.entries
        self.position = self.evidence.position

    @property
    def dense(self) -> bool:
        return self.evidence.dense

    def prepare(self, cited: Sequence[CitedContext], remember: str | None = None) -> None:
        """Embed the sentences and local words of `cited` in batches (and, with `remember`, a
        name for the document, keep them on disk for the next run)."""
        self.evidence.prepare(cited, remember)

    def fit(self, cited: CitedContext) -> Fit:
        """The verdict on `cited`, whose key must be one of the entries."""
        import numpy as np

        me = self.position[cited.citation.key]
        entry = self.entries[me]
        reason = self.evidence.thin(me)
        if reason:
            return Fit(cited.citation, entry, THIN, reason=reason)
        evidence = self.evidence.scores(cited)
        if evidence["words"].max() < CLEAR_CONTEXT:
            return Fit(cited.citation, entry, VAGUE, reason="the sentence matches no entry")
        excluded = [self.position[k] for k in cited.context.exclude if k in self.position]
        candidates = len(self.entries) - len(excluded)
        ranks = {name: _rank(values, me, candidates) for name, values in evidence.items()}
        best_kind = min(ranks, key=ranks.__getitem__)
        fused = np.zeros(len(self.entries), dtype=np.float32)
        scored = False
        for name, values in evidence.items():
            top = values.max()
            if top > 0:
                fused += EVIDENCE[name] * values / top
                # close to the best, and in the better half (not one of many tiny scores)
                close = bool(values[me] >= SUPPORT_SCORE * top) and ranks[name] <= candidates / 2
                scored = scored or close
        fused[excluded] = -1.0
        order = np.argsort(-fused, kind="stable")
        rank = int(np.nonzero(order == me)[0][0]) + 1
        better = tuple(self.entries[i].key for i in order[: min(rank - 1, SUGGESTIONS)])
        support = ranks[best_kind]
        elsewhere = self.evidence.cited_elsewhere(cited)
        group = (self.dense, elsewhere)

        def unsupported(share: float) -> bool:
            return not scored and support > max(SUPPORT_RANK, share * candidates)

        verdict = FITS
        if unsupported(CONFIDENT[group]):
            verdict = MISFIT
        elif unsupported(SUPPORT[group]):
            verdict = DOUBTFUL
        return Fit(
            cited.citation,
            entry,
            verdict,
            rank,
            candidates,
            support,
            best_kind,
            better,
            scored,
            elsewhere,
        )


def _rank(values: Any, position: int, candidates: int) -> int:
    """1 + how many entries score higher than the one at `position`; `candidates` (last) when
    it scores nothing."""
    value = values[position]
    return int((values > value).sum()) + 1 if value > 0 else candidates


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"
