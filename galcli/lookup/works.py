"""What a bibliographic service says about a work, in one shape for every service; and DOIs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CROSSREF = "crossref"
OPENALEX = "openalex"
SERVICE_NAMES = {CROSSREF: "Crossref", OPENALEX: "OpenAlex"}

# Crossref's own advice: /^10.\d{4,9}/[-._;()/:A-Z0-9]+$/i covers ~99.7% of its DOIs; galcli
# accepts any non-space suffix (old Wiley DOIs use <>, # and [), and refuses only what cannot be
# a DOI at all.
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|https?://doi\.org/|doi:\s*|doi\.org/|dx\.doi\.org/)",
    re.IGNORECASE,
)
_LATEX_ESCAPES = re.compile(r"\\([_%&#$])")


def normalize_doi(raw: str) -> str | None:
    """The bare DOI in a .bib `doi` field (URL forms, `doi:` and LaTeX escapes removed), or
    None when the field is not a DOI."""
    text = _LATEX_ESCAPES.sub(r"\1", raw.strip().strip("{}").strip())
    text = _DOI_PREFIXES.sub("", text).strip()
    text = urllib_unquote(text) if "%" in text else text
    return text if _DOI.match(text) else None


def urllib_unquote(text: str) -> str:
    import urllib.parse

    return urllib.parse.unquote(text)


@dataclass(frozen=True)
class Work:
    """A work as a service describes it."""

    source: str  # CROSSREF or OPENALEX
    doi: str | None
    title: str
    authors: list[str]  # display names, in order
    first_family: str  # the first author's family name ("" when the service lists none)
    year: int | None
    years: frozenset[int] = frozenset()  # every year the work may be dated by (print, online)
    venues: tuple[str, ...] = ()  # journal / proceedings titles, long and short forms
    retracted: bool = False
    retraction: str | None = None  # what says so (a notice's DOI, or the source's flag)
    extra_titles: tuple[str, ...] = field(default=(), compare=False)  # title + subtitle
    volume: str = ""
    pages: str = ""  # as the service gives them: "436-444", "e1003", an article number
    # (family, given) of each author in order, for writing an author list back (`check --fix`);
    # an organisation is (its name, "")
    names: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def matched(self) -> dict[str, Any]:
        return {
            "doi": self.doi,
            "title": self.title,
            "authors": self.authors,
            "year": self.year,
            "journal": self.venues[0] if self.venues else None,
            "volume": self.volume or None,
            "pages": self.pages or None,
        }


def first(value: Any) -> str:
    """The first string of a Crossref list field (title, container-title), or the string."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value.strip() if isinstance(value, str) else ""


def as_list(value: Any) -> list[Any]:
    """`value` if the service sent a list where one belongs, else nothing (never a crash)."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
