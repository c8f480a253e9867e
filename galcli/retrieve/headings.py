"""A theme's heading: a phrase its entries' titles share, as they spell it.

A heading is a run of words from a title (never across its punctuation, never starting or ending
with a function word), so it is a phrase that occurs in the entries: "Free energy calculations",
not "Free, energy, calculations", and never a title cut with "…". Phrases are compared by stems
("calculation" matches "calculations"); the one shared by most of the theme's titles wins, the
longer of two equally shared ones first, and a phrase also common in the other themes' titles
counts for less. A theme of one paper, or one whose titles share nothing, is headed by the part of
its best-ranked title before a colon when that is short, else by the title's most topical phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from galcli.bib.normalize import fold, latex_to_text
from galcli.bib.words import ignored_words, is_name, stems

MAX_WORDS = 6  # a heading longer than this is a title, not a heading
_CHUNK = re.compile(r"\s*(?:[:;,.?!()]|\s[–—-]\s)\s*")
_EDGE = frozenset(
    """using use via based toward towards new novel approach approaches method methods study
    studies role case versus vs revisited improved improving""".split()
)


@lru_cache(maxsize=1)
def _edge_words() -> frozenset[str]:
    """Words a heading neither starts nor ends with."""
    return ignored_words() | _EDGE


def _chunks(title: str) -> list[list[str]]:
    text = " ".join(latex_to_text(title).split()).rstrip(".")
    return [chunk.split() for chunk in _CHUNK.split(text) if chunk.strip()]


def _key(word: str) -> str:
    return fold(word).lower().replace("–", "-").strip("'’")


def _modifier(word: str) -> bool:
    """A word that modifies the next rather than ends a phrase: a participle ("blinded") or a
    hyphenated compound ("host-guest", "oligopeptide-binding")."""
    return word.endswith("ed") or bool(re.fullmatch(r"[a-z]+-[a-z]+(?:-[a-z]+)*", word))


def _phrases(title: str, whole: bool = False) -> dict[tuple[str, ...], list[str]]:
    """Every admissible run of words of `title`: stem tuple -> the words as written. With
    `whole`, only runs bounded by function words, participles or punctuation ("Crystal
    structures", not "Structures of the oligopeptide-binding")."""
    edge = _edge_words()
    found: dict[tuple[str, ...], list[str]] = {}
    for words in _chunks(title):
        lowered = [_key(w) for w in words]
        keys = stems(lowered)
        bound = [w in edge or w.endswith("ed") for w in lowered]  # participles end a run too
        for start in range(len(words)):
            if lowered[start] in edge or whole and (bound[start] or start and not bound[start - 1]):
                continue
            for end in range(start + 1, min(start + MAX_WORDS, len(words)) + 1):
                last = lowered[end - 1]
                if last in edge or not any(c.isalpha() for c in last) or _modifier(last):
                    continue
                if whole and (any(bound[start:end]) or end < len(words) and not bound[end]):
                    continue
                found.setdefault(tuple(keys[start:end]), words[start:end])
    return found


def _proper(words: Sequence[str], texts: Sequence[str]) -> set[str]:
    """Words of the phrase that the texts also capitalise mid-sentence (names: "Monte Carlo")."""
    capitalised = set(re.findall(r"(?<=[a-z,;] )([A-Z][a-z]+)\b", " ".join(texts)))
    return {w for w in words if w in capitalised}


def sentence_case(words: Sequence[str], texts: Sequence[str] = ()) -> str:
    """Title-case words as a heading: names ("GROMACS", "SAMPL4", "pKa") and words the texts
    capitalise mid-sentence keep their case, the first word is capitalised, the rest lower."""
    keep = _proper(words, texts)
    cased = []
    for word in words:
        parts = re.split(r"([-–])", word)  # "Host-Guest": each part on its own
        cased.append("".join(p if p in keep or is_name(p) else p.lower() for p in parts))
    if cased and cased[0][:1].islower() and not is_name(cased[0]):
        cased[0] = cased[0][:1].upper() + cased[0][1:]
    return " ".join(cased)


def heading(
    titles: Sequence[str],
    others: Sequence[str] = (),
    topic: str = "",
    taken: Sequence[str] = (),
    texts: Sequence[str] = (),
) -> str:
    """The heading of a theme whose entries have `titles` (best-ranked first); `others` are the
    titles of the other themes, `taken` headings already used, `texts` the abstracts (for names)."""
    phrases = [_phrases(t) for t in titles]
    outside = [set(_phrases(t)) for t in others]
    used = {h.lower() for h in taken}
    taken_keys = [tuple(stems([_key(w) for w in h.split()])) for h in taken]
    wanted = set(stems([fold(w).lower() for w in topic.split()]))
    candidates: dict[tuple[str, ...], tuple[float, list[str]]] = {}
    if len(titles) < 2:
        return _lone(titles[0], wanted, used, texts) if titles else "Related work"
    edge = _edge_words()
    for position, found in enumerate(phrases):
        for key, words in found.items():
            if key in candidates:
                continue
            inside = sum(key in p for p in phrases)
            if inside < 2:
                continue
            length = sum(k not in edge for k in key)  # "predictions of host-guest": 2
            spread = sum(key in o for o in outside) / max(len(outside), 1)
            score = inside / len(titles) * (1 + 0.5 * min(length, 4)) * (1 - 0.5 * spread)
            score += 0.05 * len(set(key) & wanted) - 0.01 * position
            candidates[key] = (score, words)
    for key, (_, words) in sorted(candidates.items(), key=lambda c: -c[1][0]):
        if not any(_overlaps(key, other) for other in taken_keys):
            return sentence_case(words, texts)
    return _lone(titles[0], wanted, used, texts) if titles else "Related work"


def _overlaps(key: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether heading `key` would not tell its theme from one headed `other`: the same phrase,
    a part of it, or it with one word more ("Protein–ligand", "Protein-ligand binding")."""
    if len(key) > len(other) + 1:
        return False
    short, long = sorted((key, other), key=len)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _lone(title: str, wanted: set[str], used: set[str], texts: Sequence[str]) -> str:
    """A heading from one title: its part before a colon when short, else its most topical
    phrase (the longest among the equally topical)."""
    chunks = _chunks(title)
    if chunks and len(chunks[0]) <= MAX_WORDS:
        text = sentence_case(chunks[0], texts)
        if text.lower() not in used:
            return text
    whole = _phrases(title, whole=True)
    ranked = sorted(whole.items(), key=lambda item: (-len(set(item[0]) & wanted), -len(item[0])))
    for _, words in ranked:
        text = sentence_case(words, texts)
        if text.lower() not in used:
            return text
    return sentence_case(chunks[0][:MAX_WORDS], texts) if chunks else "Related work"
