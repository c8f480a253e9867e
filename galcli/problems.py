"""A problem found in the user's files: what, how bad, where, and what might be meant.

`Kind` is the closed set of problems galcli reports, each with its usual severity and a
one-line description; `check --help`, the README's table (docs/checks.md) and the SARIF rules
are generated from it, so a new kind is added here and nowhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # what a check did not look at (gcc's "note:"): neither fails it

    def __str__(self) -> str:
        return self.value


ERROR, WARNING, NOTE = Severity.ERROR, Severity.WARNING, Severity.NOTE


class Kind(str, Enum):
    """Every kind of problem galcli reports; `ABOUT` gives each its usual severity (a result
    may differ: an undefined key that BibTeX finds in another letter case is a warning) and
    what it means."""

    UNDEFINED_KEY = "undefined_key"
    CITATION_PLACEHOLDER = "citation_placeholder"
    DUPLICATE_KEY = "duplicate_key"
    DUPLICATE_FIELD = "duplicate_field"
    MISSING_FIELD = "missing_field"
    UNUSED_ENTRY = "unused_entry"
    BIB_PARSE_ERROR = "bib_parse_error"
    BIB_ENCODING = "bib_encoding"
    MISSING_FILE = "missing_file"
    INCLUDE_CYCLE = "include_cycle"
    REMOTE_BIBLIOGRAPHY = "remote_bibliography"
    CITATION_MISFIT = "citation_misfit"
    REFERENCE_NOT_FOUND = "reference_not_found"
    REFERENCE_METADATA_MISMATCH = "reference_metadata_mismatch"
    REFERENCE_RETRACTED = "reference_retracted"
    DOI_MALFORMED = "doi_malformed"

    def __str__(self) -> str:
        return self.value

    @property
    def severity(self) -> Severity:
        return ABOUT[self].severity

    @property
    def description(self) -> str:
        return ABOUT[self].description

    @property
    def online(self) -> bool:
        """Found only by `check --online`."""
        return ABOUT[self].online

    @property
    def option(self) -> str:
        """The option of `check` that looks for it, when one must ("--fit")."""
        return ABOUT[self].option


@dataclass(frozen=True)
class About:
    severity: Severity
    description: str
    online: bool = False
    option: str = ""  # an option of check that must be given (besides --online)


ABOUT: dict[Kind, About] = {
    Kind.UNDEFINED_KEY: About(
        ERROR,
        "a cited key that no .bib file defines (a warning when BibTeX would find it in "
        "another letter case)",
    ),
    Kind.CITATION_PLACEHOLDER: About(
        ERROR,
        "a citation still to be chosen: \\cite{?}, \\cite{}, \\cite{TODO} (galcli cite "
        "--tex fills it)",
    ),
    Kind.DUPLICATE_KEY: About(
        WARNING,
        "a key defined twice (or twice in different letter case); the first definition is used",
    ),
    Kind.DUPLICATE_FIELD: About(WARNING, "an entry that repeats a field; the first value is used"),
    Kind.MISSING_FIELD: About(
        WARNING,
        "a cited entry without a field its type requires (author, title, journal, year, …)",
    ),
    Kind.UNUSED_ENTRY: About(WARNING, "an entry that is never cited (--unused, --strict)"),
    Kind.BIB_PARSE_ERROR: About(
        ERROR, "a .bib block that cannot be parsed (its key still counts as defined)"
    ),
    Kind.BIB_ENCODING: About(
        ERROR,
        "a .bib file that is not UTF-8 (read as Latin-1; the message gives the iconv command)",
    ),
    Kind.MISSING_FILE: About(
        ERROR, "an \\input or \\include file, or a bibliography, that does not exist"
    ),
    Kind.INCLUDE_CYCLE: About(ERROR, "a file that includes itself, directly or not"),
    Kind.REMOTE_BIBLIOGRAPHY: About(
        NOTE, "a bibliography given as a URL, which galcli does not fetch"
    ),
    Kind.CITATION_MISFIT: About(
        WARNING,
        "a cited entry that fits its sentence far worse than other entries of the .bib (a "
        "note when unsure)",
        option="--fit",
    ),
    Kind.REFERENCE_NOT_FOUND: About(
        ERROR,
        "no work with this title and first author in Crossref or OpenAlex: possibly invented",
        online=True,
    ),
    Kind.REFERENCE_METADATA_MISMATCH: About(
        WARNING,
        "a real work whose year, first author, title, journal, volume or pages differ from the "
        "entry's (check --fix corrects them when the match is certain)",
        online=True,
    ),
    Kind.REFERENCE_RETRACTED: About(WARNING, "a work that has been retracted", online=True),
    Kind.DOI_MALFORMED: About(
        ERROR, "a doi field that is not a DOI (a URL form, a typo)", online=True
    ),
}


@dataclass(frozen=True)
class Problem:
    kind: Kind
    severity: Severity
    message: str
    key: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    suggestions: tuple[str, ...] = ()

    @classmethod
    def of(cls, kind: Kind, message: str, **where: object) -> Problem:
        """A problem of `kind` at its usual severity."""
        return cls(kind, kind.severity, message, **where)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["severity"] = self.severity.value
        data["suggestions"] = list(self.suggestions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Problem:
        """The inverse of `to_dict` (a cached summary); ValueError/KeyError/TypeError when the
        data is not a problem."""
        suggestions = data.get("suggestions", [])
        if not isinstance(suggestions, list) or not all(isinstance(s, str) for s in suggestions):
            raise TypeError("suggestions")
        optional = {}
        for name, kind in (("key", str), ("file", str), ("line", int), ("column", int)):
            value = data.get(name)
            if value is not None and not isinstance(value, kind):
                raise TypeError(name)
            optional[name] = value
        message = data["message"]
        if not isinstance(message, str):
            raise TypeError("message")
        return cls(
            Kind(str(data["kind"])),
            Severity(str(data["severity"])),
            message,
            suggestions=tuple(suggestions),
            **optional,  # type: ignore[arg-type]
        )

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.kind.value)


def kinds_help(*, online: bool) -> str:
    """The kinds `check` finds offline (`online=False`: one line per severity, as `check
    --help` lists them) or only with --online (`online=True`: a comma list)."""
    if online:
        return ", ".join(kind.value for kind in Kind if kind.online)
    lines = []
    for severity in Severity:
        names = [
            kind.value + (f" ({kind.option})" if kind.option else "")
            for kind in Kind
            if kind.severity == severity and not kind.online
        ]
        if names:
            lines.append(f"{severity}: " + ", ".join(names))
    return "\n".join(lines)
