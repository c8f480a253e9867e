"""Does a .bib entry describe this work? Title, first author, year and venue (and an article's
volume and pages), compared the way people write them: LaTeX and accents decoded, case and
punctuation ignored, journal abbreviations (Phys. Rev. Lett.) and acronyms (PNAS) accepted,
page ranges with any dash and an abbreviated last page (1735--80).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, fold, latex_to_text, normalize_title
from galcli.lookup.works import Work

SAME_TITLE = 90.0  # rapidfuzz similarity (0-100) from which two titles name the same work
SIMILAR_TITLE = 75.0  # a near miss: the same work if first author and year agree too
_VENUE_STOPWORDS = frozenset({"of", "the", "and", "on", "in", "for", "de", "&"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PREPRINT_SERVERS = frozenset({"arxiv", "biorxiv", "medrxiv", "chemrxiv", "ssrn", "preprints"})
_RETRACTED = re.compile(r"^(retracted|retraction|withdrawn)\s+")  # a publisher's title prefix


_DASHES = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Difference:
    field: str  # title, author, year, venue, volume, pages, doi
    entry: str  # what the .bib entry says
    source: str  # what the service says

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "entry": self.entry, "source": self.source}


def title_similarity(entry_title: str, work: Work) -> float:
    from rapidfuzz import fuzz

    ours = normalize_title(entry_title)
    if not ours:
        return 0.0
    best = 0.0
    for theirs in (work.title, *work.extra_titles):
        other = _RETRACTED.sub("", normalize_title(theirs))
        if other:
            best = max(best, fuzz.ratio(ours, other), fuzz.token_sort_ratio(ours, other))
    return best


def same_family(ours: str, theirs: str) -> bool:
    """Family names equal after folding, allowing particles (van der Waals / Waals) and small
    transliteration differences (Schrödinger / Schroedinger)."""
    from rapidfuzz import fuzz

    a, b = _NON_WORD.sub("", fold(ours)), _NON_WORD.sub("", fold(latex_to_text(theirs)))
    if not a or not b:
        return True
    return a == b or a.endswith(b) or b.endswith(a) or fuzz.ratio(a, b) >= 85


def _venue_words(text: str) -> list[str]:
    words = _NON_WORD.sub(" ", fold(latex_to_text(text))).split()
    return [w for w in words if w not in _VENUE_STOPWORDS]


def _abbreviates(short: list[str], long: list[str]) -> bool:
    """`short` abbreviates `long` word for word, as ISO 4 journal abbreviations do: each word
    keeps its first letter and some of the others in order (Natl. for National, J. Am. Chem.
    Soc.). Word counts must agree, so "Nature" does not abbreviate "Nature Reviews Chemistry"."""
    if len(short) != len(long):
        return False
    for word, full in zip(short, long, strict=True):
        if not full.startswith(word[:1]):
            return False
        rest = iter(full)
        if not all(letter in rest for letter in word):
            return False
    return True


def same_venue(ours: str, theirs: tuple[str, ...]) -> bool:
    from rapidfuzz import fuzz

    mine = _venue_words(ours)
    if not mine or not theirs:
        return True
    servers = _PREPRINT_SERVERS & set(mine)
    if servers and any(servers & set(_venue_words(v)) for v in theirs):
        return True  # "arXiv preprint arXiv:1706.03762" and "arXiv (Cornell University)"
    for venue in theirs:
        other = _venue_words(venue)
        if not other:
            continue
        if fuzz.token_sort_ratio(" ".join(mine), " ".join(other)) >= 90:
            return True
        if _abbreviates(mine, other) or _abbreviates(other, mine):
            return True
        acronym = "".join(w[0] for w in other)
        if len(mine) == 1 and mine[0] == acronym:
            return True
    return False


def entry_venue(entry: BibEntry) -> str:
    """The journal an article names (proceedings titles vary too much to compare)."""
    if entry.entry_type != "article":
        return ""
    return entry.get("journal") or entry.get("journaltitle")


def _page_range(pages: str) -> tuple[str, str]:
    """(first, last) page of a range as people write it ("pp. 1735--80" -> 1735, 1780)."""
    text = re.sub(r"^p{1,2}\.?\s*", "", fold(latex_to_text(pages)).strip())
    first, _, last = _DASHES.sub("-", text).partition("-")
    first, last = first.strip(), last.strip()
    if last.isdigit() and first.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last  # 1735--80
    return first, last


def same_pages(ours: str, theirs: str) -> bool:
    """The same first page (and the same last page when both give one)."""
    first, last = _page_range(ours)
    other_first, other_last = _page_range(theirs)
    if not first or not other_first:
        return True
    return first == other_first and (not last or not other_last or last == other_last)


def same_volume(ours: str, theirs: str) -> bool:
    mine, other = fold(latex_to_text(ours)).strip(), fold(theirs).strip()
    if not mine or not other or mine == other:
        return True
    numbers, other_numbers = _DIGITS.findall(mine), _DIGITS.findall(other)
    return bool(numbers) and numbers[:1] == other_numbers[:1]


def compare(entry: BibEntry, work: Work) -> list[Difference]:
    """Where the entry and the work disagree (empty when they describe the same work)."""
    differences = []
    if entry.title and work.title and title_similarity(entry.title, work) < SAME_TITLE:
        differences.append(Difference("title", latex_to_text(entry.title), work.title))
    names = author_last_names(entry.author)
    if names and work.first_family and not same_family(names[0], work.first_family):
        first_author = latex_to_text(entry.author).split(" and ")[0].strip()
        differences.append(Difference("author", first_author, work.first_family))
    if entry.year and work.year and int(entry.year) not in (work.years or {work.year}):
        differences.append(Difference("year", entry.year, str(work.year)))
    venue = entry_venue(entry)
    if venue and not same_venue(venue, work.venues):
        differences.append(Difference("venue", latex_to_text(venue), work.venues[0]))
    if entry.entry_type == "article":  # other types' volume (a series) and pages vary too much
        volume, pages = entry.get("volume"), entry.get("pages")
        if volume and work.volume and not same_volume(volume, work.volume):
            differences.append(Difference("volume", latex_to_text(volume), work.volume))
        if pages and work.pages and not same_pages(pages, work.pages):
            differences.append(Difference("pages", latex_to_text(pages), work.pages))
    return differences


def best_match(entry: BibEntry, works: list[Work]) -> Work | None:
    """The work among search results that the entry describes, if any: a title that is the
    same, or nearly the same with the same first author and year."""
    scored = sorted(
        ((title_similarity(entry.title, w), i) for i, w in enumerate(works)), reverse=True
    )
    names = author_last_names(entry.author)
    for score, index in scored:
        work = works[index]
        if score >= SAME_TITLE:
            return work
        if score >= SIMILAR_TITLE:
            author_ok = bool(names) and same_family(names[0], work.first_family)
            year_ok = (
                bool(entry.year)
                and work.year is not None
                and int(entry.year) in (work.years or {work.year})
            )
            if author_ok and year_ok:
                return work
    return None
