"""'Did you mean' suggestions for citation keys that are not in the bibliography."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, fold

_AUTHOR_YEAR = re.compile(
    r"^(?P<author>[A-Za-z][A-Za-z'\-]*?)[^A-Za-z0-9]*(?P<year>(?:1[5-9]|20)\d{2})"
)
MAX_SUGGESTIONS = 5


class KeySuggester:
    """Close keys (by edit similarity) and entries matching an `author2020word`-style key.

    Authors and years are read only when an undefined key looks like `author2020…`: a check
    of a clean project never pays for parsing 5,000 author fields.
    """

    def __init__(self, entries: Sequence[BibEntry]) -> None:
        self.entries = entries
        self.keys = sorted({e.key for e in entries})
        self.lower = {k.lower(): k for k in self.keys}
        self._folded = [k.lower() for k in self.keys]
        self._by_year: dict[str, list[tuple[str, str]]] | None = None
        self._surnames: dict[str, dict[str, list[str]]] = {}

    def case_variant(self, key: str) -> str | None:
        """The defined key that differs from `key` only in letter case."""
        match = self.lower.get(key.lower())
        return match if match is not None and match != key else None

    def _keys_by_author(self, surname: str, year: str) -> list[str]:
        if self._by_year is None:
            self._by_year = defaultdict(list)
            for entry in self.entries:
                if entry.year:
                    self._by_year[entry.year].append((entry.key, entry.author))
        if year not in self._surnames:
            index: dict[str, list[str]] = defaultdict(list)
            for key, author in self._by_year.get(year, ()):
                names = author_last_names(author)
                if names:
                    index[names[0]].append(key)
            self._surnames[year] = index
        return self._surnames[year].get(surname, [])

    def suggest(self, key: str) -> list[str]:
        from rapidfuzz import fuzz, process

        found: list[str] = []
        if variant := self.case_variant(key):
            found.append(variant)
        for _, _score, index in process.extract(
            key.lower(), self._folded, scorer=fuzz.ratio, limit=3, score_cutoff=75
        ):
            found.append(self.keys[index])
        if pattern := _AUTHOR_YEAR.match(key):
            author = re.sub(r"[^a-z]", "", fold(pattern["author"]))
            found += self._keys_by_author(author, pattern["year"])
        unique = list(dict.fromkeys(k for k in found if k != key))
        return unique[:MAX_SUGGESTIONS]
