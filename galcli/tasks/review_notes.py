"""What each retrieved paper says, in its own words, for `galcli lit-review`.

A note is built from the entry's record alone: title, authors, year, venue, and the one or two
abstract sentences most relevant to the topic, kept verbatim. `--outline` prints notes as
quotations; the section's sentences are built from the best-ranked abstract sentence
(`ranked_sentences`, `review_prose`). An entry without an abstract gets a note from its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.bib.words import content_words
from galcli.latex.sentences import split_sentences

MAX_QUOTES = 2
QUOTE_CHARS = 320  # both quotations together; longer prompts cost the small model seconds


def _clean(text: str) -> str:
    return " ".join(latex_to_text(text).split())


def abstract_sentences(abstract: str) -> list[str]:
    """The abstract's sentences (not split after "e.g." or "et al.")."""
    return [s for s in split_sentences(_clean(abstract)) if len(s) > 1]


def authors_short(entry: BibEntry) -> str:
    """ "Mobley", "Mobley and Gilson" or "Mobley et al." as the entry's author field spells it."""
    people = [
        p.strip() for p in re.split(r"\s+and\s+", _clean(entry.author), flags=re.I) if p.strip()
    ]
    people = [p for p in people if p.lower() != "others"]
    last = [p.split(",")[0].strip() if "," in p else p.split()[-1] for p in people]
    if not last:
        return "Anonymous"
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


def venue(entry: BibEntry) -> str:
    return _clean(
        entry.get("journal")
        or entry.get("booktitle")
        or entry.get("publisher")
        or entry.get("institution")
        or entry.get("school")
    )


@dataclass(frozen=True)
class Note:
    """What one paper contributes to the review, from its own record."""

    key: str
    title: str
    authors: str  # short form: "Mobley et al."
    year: str
    venue: str
    quotes: tuple[str, ...]  # verbatim abstract sentences, most relevant to the topic
    has_abstract: bool

    @property
    def evidence(self) -> str:
        return "abstract" if self.has_abstract else "title and venue only"

    def quotation(self) -> str:
        """The note as one sentence of text: the quotations, or the title and venue."""
        if self.quotes:
            return " ".join(self.quotes)
        where = f", {self.venue}" if self.venue else ""
        return f"{self.title}{where}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "authors": self.authors,
            "year": self.year,
            "venue": self.venue,
            "quotes": list(self.quotes),
            "evidence": self.evidence,
        }


# sentences that lean on the one before ("These results", "It") read badly on their own
_ANAPHORIC = re.compile(
    r"^(?:\S+\s+){0,4}?(?:these|those|such|it|they|its|their|both|the latter|the former|"
    r"this(?! (?:paper|work|study|article|review|contribution|letter|report|chapter|thesis)\b))\b",
    re.I,
)
_BACK = re.compile(r"\b(?:these|those|the latter|the former|above)\b", re.I)  # "these failings"
_SELF = re.compile(
    r"^(?:(?:here|herein|in this \w+),?\s+)?(?:we|this (?:paper|work|study))\b", re.I
)


def ranked_sentences(abstract: str, wanted: str) -> list[str]:
    """The sentences of `abstract`, best first for a review about `wanted` (topic and theme):
    most content words shared, a sentence in which the paper speaks of itself ("We show") before
    one that leans on the sentence before it ("These results", "overcome these failings"),
    very short or very long ones last, and earlier sentences first among equals (abstracts say
    what a paper does first)."""
    sentences = abstract_sentences(abstract)
    words = content_words(wanted)

    def rank(i: int) -> tuple[float, int]:
        sentence = sentences[i]
        length = len(sentence.split())
        score: float = len(content_words(sentence) & words)
        score += 0.5 * bool(_SELF.match(sentence)) - 1.5 * bool(_ANAPHORIC.match(sentence))
        score -= bool(_BACK.search(sentence))
        score -= 2 * (length < 6) + (length > 60)
        return -score, i

    return [sentences[i] for i in sorted(range(len(sentences)), key=rank)]


def relevant_sentences(abstract: str, topic: str, limit: int = MAX_QUOTES) -> list[str]:
    """The `limit` sentences of `abstract` sharing most content words with `topic` (earlier
    sentences win ties: abstracts say what a paper does first), in the abstract's order, within
    QUOTE_CHARS together (the best one always kept, cut at a word if it alone is longer)."""
    sentences = abstract_sentences(abstract)
    if not sentences:
        return []
    wanted = content_words(topic)
    ranked = sorted(
        range(len(sentences)),
        key=lambda i: (-len(content_words(sentences[i]) & wanted), i),
    )
    chosen: list[int] = []
    used = 0
    for i in ranked[:limit]:
        if chosen and used + len(sentences[i]) > QUOTE_CHARS:
            continue
        chosen.append(i)
        used += len(sentences[i])
    quotes = [sentences[i] for i in sorted(chosen)]
    if len(quotes) == 1 and len(quotes[0]) > QUOTE_CHARS:
        quotes[0] = quotes[0][:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
    return quotes


def build_note(entry: BibEntry, topic: str) -> Note:
    quotes = relevant_sentences(entry.abstract, topic) if entry.abstract else []
    return Note(
        key=entry.key,
        title=_clean(entry.title).rstrip(".") or entry.key,
        authors=authors_short(entry),
        year=entry.year or "n.d.",
        venue=venue(entry),
        quotes=tuple(quotes),
        has_abstract=bool(quotes),
    )
