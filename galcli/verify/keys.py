"""'Did you mean' suggestions for citation keys that are not in the bibliography."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from galcli.verify.bibtex import BibEntry
from galcli.verify.normalize import author_last_names, fold

_AUTHOR_YEAR = re.compile(r"^(?P<author>[A-Za-z][A-Za-z'\-]*?)[^A-Za-z0-9]*(?P<year>(?:1[5-9]|20)\d{2})")
MAX_SUGGESTIONS = 5


class KeySuggester:
    """Close keys (by edit similarity) and entries matching an `author2020word`-style key."""

    def __init__(self, entries: Sequence[BibEntry]) -> None:
        self.entries = entries
        self.keys = sorted({e.key for e in entries})
        self.lower = {k.lower(): k for k in self.keys}
        self._by_author_year: dict[tuple[str, str], list[str]] | None = None

    def case_variant(self, key: str) -> str | None:
        """The defined key that differs from `key` only in letter case."""
        match = self.lower.get(key.lower())
        return match if match is not None and match != key else None

    def _author_year_index(self) -> dict[tuple[str, str], list[str]]:
        if self._by_author_year is None:
            index: dict[tuple[str, str], list[str]] = defaultdict(list)
            for entry in self.entries:
                names = author_last_names(entry.author)
                if names and entry.year:
                    index[(names[0], entry.year)].append(entry.key)
            self._by_author_year = dict(index)
        return self._by_author_year

    def suggest(self, key: str) -> list[str]:
        from rapidfuzz import fuzz, process

        found: list[str] = []
        if variant := self.case_variant(key):
            found.append(variant)
        for match, _score, _ in process.extract(key, self.keys, scorer=fuzz.ratio, limit=3,
                                                processor=str.lower, score_cutoff=75):
            found.append(match)
        if pattern := _AUTHOR_YEAR.match(key):
            author = re.sub(r"[^a-z]", "", fold(pattern["author"]))
            found += self._author_year_index().get((author, pattern["year"]), [])
        unique = list(dict.fromkeys(k for k in found if k != key))
        return unique[:MAX_SUGGESTIONS]
