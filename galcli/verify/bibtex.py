"""Required fields per entry type, as BibTeX's standard styles and biblatex define them, and
the entries an entry takes data from (crossref, xdata, xref).

Which definition of a repeated key counts is `galcli.bib.duplicates`' job.
"""

from __future__ import annotations

import re

from galcli.bib.entries import BIBER, BIBTEX, BibEntry

# Fields that name other entries whose data a cited entry uses: a parent cited this way is
# used (biber includes it in the bibliography; BibTeX does once enough children cite it).
PARENT_FIELDS = ("crossref", "xdata", "xref")
_KEY_LIST = re.compile(r"\s*,\s*")

# Required fields per entry type, from BibTeX's btxdoc. Each inner tuple lists alternatives of
# which one must be present; biblatex's names (journaltitle, date, institution) are accepted.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year", "date")),
    "booklet": (("title",),),
    "inbook": (
        ("author", "editor"),
        ("title",),
        ("chapter", "pages"),
        ("publisher",),
        ("year", "date"),
    ),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year", "date")),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "conference": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "phdthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "proceedings": (("title",), ("year", "date")),
    "techreport": (("author",), ("title",), ("institution", "school"), ("year", "date")),
    "unpublished": (("author",), ("title",), ("note",)),
}
# Types only biblatex knows (BibTeX styles ignore them, so they are checked for biber only).
BIBLATEX_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "thesis": (("author",), ("title",), ("type",), ("institution", "school"), ("year", "date")),
    "report": (("author",), ("title",), ("type",), ("institution",), ("year", "date")),
    "online": (("author", "editor"), ("title",), ("year", "date"), ("url", "doi", "eprint")),
    "software": (("author", "editor"), ("title",), ("year", "date")),
    "dataset": (("author", "editor"), ("title",), ("year", "date")),
}


def missing_fields(
    entry: BibEntry, parents: dict[str, BibEntry] | None = None, dialect: str = BIBTEX
) -> list[str]:
    """Required fields that are absent or empty (crossref parents supply inherited fields)."""
    rules = REQUIRED.get(entry.entry_type)
    if rules is None and dialect == BIBER:
        rules = BIBLATEX_REQUIRED.get(entry.entry_type)
    if not rules:
        return []
    parent = parents.get(entry.get("crossref")) if parents and "crossref" in entry.fields else None

    def present(name: str) -> bool:
        if entry.has(name):
            return True
        if parent is None:
            return False
        return parent.has(name) or (name == "booktitle" and parent.has("title"))

    return ["/".join(options) for options in rules if not any(present(o) for o in options)]


def parent_keys(entry: BibEntry) -> tuple[str, ...]:
    """The keys of the entries `entry` takes data from (crossref, xdata lists, xref)."""
    keys: list[str] = []
    for name in PARENT_FIELDS:
        if entry.has(name):
            keys += [k for k in _KEY_LIST.split(entry.get(name).strip()) if k]
    return tuple(keys)
