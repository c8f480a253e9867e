"""The one duplicate-key finder: which definition of a key BibTeX and biber use, and a warning
for every other one, in the words of the tool that complains.

BibTeX compares keys ignoring letter case: `Smith2020` and `smith2020` are the same entry and
it reports the second as a repeated entry. biber keeps both (its keys are case-sensitive) but
warns about a possible typo. An exact repeat is skipped by both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar

from galcli.problems import WARNING, Kind, Problem

BIBER = "biber"
BIBTEX = "bibtex"


class Defined(Protocol):
    """Anything that records where a key is defined (BibEntry, a check's KeyInfo)."""

    @property
    def key(self) -> str: ...

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int: ...


T = TypeVar("T", bound=Defined)


def duplicate_key_problem(
    key: str, file: str, line: int, original_file: str, original_line: int
) -> Problem:
    """An exact repeat of a key: both tools use the first definition."""
    return Problem(
        Kind.DUPLICATE_KEY,
        WARNING,
        f"duplicate key '{key}' (first defined at {original_file}:{original_line}); "
        "BibTeX and biber use the first and skip this one",
        key=key,
        file=file,
        line=line,
    )


def case_duplicate_problem(
    key: str, original_key: str, file: str, line: int, original: str, dialect: str
) -> Problem:
    """A key that differs from an earlier one only in letter case."""
    why = (
        "biber keeps both (its keys are case-sensitive) but warns of a possible typo "
        "(case mismatch)"
        if dialect == BIBER
        else "BibTeX ignores letter case in keys, reports a repeated entry and skips this one"
    )
    return Problem(
        Kind.DUPLICATE_KEY,
        WARNING,
        f"key '{key}' differs only in letter case from '{original_key}' "
        f"(defined at {original}); {why}",
        key=key,
        file=file,
        line=line,
    )


class FirstDefinitions(Generic[T]):
    """Keys in the order the tools read them: the first definition of each key, and a
    `duplicate_key` warning for each later definition (exact, or differing only in case).

    Every definition under a new spelling is kept (`first`), so a citation that uses either
    spelling finds an entry; which one BibTeX would use is the warning's job to say.
    """

    def __init__(self, dialect: str = BIBTEX) -> None:
        self.dialect = dialect
        self.first: dict[str, T] = {}
        self._folded: dict[str, T] = {}
        self.problems: list[Problem] = []

    def add(self, item: T) -> bool:
        """Record one definition; False (and a warning) when it repeats an earlier one."""
        original = self.first.setdefault(item.key, item)
        if original is not item:
            self.problems.append(
                duplicate_key_problem(item.key, item.file, item.line, original.file, original.line)
            )
            return False
        folded = self._folded.setdefault(item.key.lower(), item)
        if folded is not item:
            self.problems.append(
                case_duplicate_problem(
                    item.key,
                    folded.key,
                    item.file,
                    item.line,
                    f"{folded.file}:{folded.line}",
                    self.dialect,
                )
            )
        return True

    def add_all(self, items: Iterable[T]) -> None:
        for item in items:
            self.add(item)
