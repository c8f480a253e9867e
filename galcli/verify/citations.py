"""Matching a model's reference proposal to the user's bibliography.

A proposal such as "Attention Is All You Need, Vaswani" becomes a citation only if it matches a
real entry: by normalised title (rapidfuzz), then by author. Proposals that match nothing are
rejected, never printed as keys (docs/architecture.md; verdicts: verified / mismatch /
not_in_bib, and `picked` for an instruction model's pick from a list galcli showed it, which
matched nothing because the model wrote no title).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, fold, latex_to_text, normalize_title

VERIFIED = "verified"
MISMATCH = "mismatch"
NOT_IN_BIB = "not_in_bib"
UNCHECKED = "unchecked"
PICKED = "picked"

TITLE_MATCH = 90.0  # rapidfuzz ratio (0-100) from which two normalised titles are the same work
MIN_TITLE_CHARS = 8  # shorter proposals ("Smith", "[3]") cannot identify a work by title


@dataclass(frozen=True)
class ProposalMatch:
    proposal: str
    verdict: str
    entry: BibEntry | None
    title_score: float
    reason: str


class TitleMatcher:
    def __init__(self, entries: Sequence[BibEntry]) -> None:
        self.entries = [e for e in entries if e.title]
        self.titles = [normalize_title(e.title) for e in self.entries]

    def match(self, proposal: str) -> ProposalMatch:
        from rapidfuzz import fuzz, process

        text = proposal.strip().strip(".;")
        # "Title, Author" (Galactica's [START_REF] format) or just "Title".
        head, _, tail = text.rpartition(",")
        candidates = [normalize_title(text)] + ([normalize_title(head)] if head else [])
        best: tuple[float, int] | None = None
        for candidate in candidates:
            if len(candidate) < MIN_TITLE_CHARS or not self.titles:
                continue
            found = process.extractOne(candidate, self.titles, scorer=fuzz.ratio)
            if found is not None and (best is None or found[1] > best[0]):
                best = (found[1], found[2])
        if best is None:
            return ProposalMatch(proposal, NOT_IN_BIB, None, 0.0, "too short to identify a work")
        score, index = best
        entry = self.entries[index]
        if score < TITLE_MATCH:
            return ProposalMatch(
                proposal,
                NOT_IN_BIB,
                None,
                score,
                f"no entry has this title (closest: '{entry.key}', {score:.0f}% similar)",
            )
        claimed = [fold(word) for word in tail.replace(" and ", " ").split()] if head else []
        names = author_last_names(entry.author)
        if claimed and names and not any(_surname_matches(word, names) for word in claimed):
            return ProposalMatch(
                proposal,
                MISMATCH,
                entry,
                score,
                f"title matches '{entry.key}' but the authors differ "
                f"(entry: {', '.join(names[:3])})",
            )
        return ProposalMatch(proposal, VERIFIED, entry, score, "title matches")


def _surname_matches(word: str, names: Sequence[str]) -> bool:
    from rapidfuzz import fuzz

    word = "".join(c for c in word if c.isalnum())
    return len(word) > 1 and any(fuzz.ratio(word, name) >= 85 for name in names)


def display_names(authors: str) -> list[str]:
    """Last names as written, LaTeX decoded, with their particles: "M{\\"u}ller, H. and
    Juan de la Cruz" -> ["Müller", "de la Cruz"] (bibtexparser's BibTeX name rules)."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for person in split_multiple_persons_names(authors.strip()) if authors.strip() else []:
        if person.strip().lower() == "others":
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except Exception:  # noqa: BLE001 - a malformed name is shown as written, not a crash
            names.append(" ".join(latex_to_text(person).split()))
            continue
        name = " ".join([*parts.von, *parts.last]) or " ".join(parts.first)
        names.append(" ".join(latex_to_text(name).split()))
    return [n for n in names if n]
