"""What `check --diff` / `--fix` changes in one .bib entry (tasks/check_fix.py plans and writes
the files; the rules are in its docstring and docs/checks.md).

`EntryEdits` turns what is known about an entry (a repeated field, a DOI written as a URL, a
look-up's differences) into span edits of bib/edit.py and `Fix` records; `online_fixes` decides
whether a look-up's match is certain enough to correct the entry from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from galcli.bib.edit import (
    BibSource,
    Edit,
    EntryBlock,
    FieldSpan,
    add_field,
    bibtex_text,
    literal,
    remove_field,
    replace_value,
)
from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names
from galcli.lookup.compare import SAME_TITLE, SIMILAR_TITLE, same_family, title_similarity
from galcli.lookup.works import CROSSREF, SERVICE_NAMES, Work
from galcli.problems import Kind, Problem

if TYPE_CHECKING:
    from galcli.tasks.online_check import ReferenceCheck

_DOI_URL = re.compile(
    r"^\s*(?:https?://(?:www\.)?(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/|doi:\s*)(10\.\d{4,9}/\S+?)\s*$",
    re.IGNORECASE,
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# the field a difference names (lookup.compare.Difference.field) -> the .bib fields holding it
FIELDS = {
    "title": ("title",),
    "author": ("author",),
    "year": ("year",),
    "venue": ("journal", "journaltitle"),
    "volume": ("volume",),
    "pages": ("pages",),
}
BY_TITLE = frozenset({"volume", "pages"})  # what a match found by a title search may fix


@dataclass(frozen=True)
class Fix:
    file: str
    line: int  # of the entry
    key: str
    field: str  # lower case
    action: str  # "replace", "remove" or "add"
    old: str  # the value as written ("" when added)
    new: str  # the value written ("" when removed)
    why: str
    kind: str | None = None  # the problem it corrects, if one was reported

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "field": self.field,
            "action": self.action,
            "old": self.old,
            "new": self.new,
            "why": self.why,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class NotFixed:
    file: str
    line: int
    key: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "key": self.key, "why": self.why}


def _certain(entry: BibEntry, check: ReferenceCheck) -> bool:
    """Whether the matched work is certainly the entry's (docstring of this module)."""
    work = check.matched
    if work is None or not entry.title or not work.title:
        return False
    similarity = title_similarity(entry.title, work)
    names = author_last_names(entry.author)
    author_ok = bool(names) and bool(work.first_family) and same_family(names[0], work.first_family)
    year_ok = (
        bool(entry.year)
        and work.year is not None
        and int(entry.year) in (work.years or {work.year})
    )
    if check.matched_by == "doi":
        return similarity >= SAME_TITLE or (similarity >= SIMILAR_TITLE and (author_ok or year_ok))
    if check.matched_by == "title":
        return similarity >= SAME_TITLE and author_ok and (year_ok or not entry.year)
    return False


class EntryEdits:
    """The edits of one entry, and what they fix."""

    def __init__(self, source: BibSource, block: EntryBlock, entry: BibEntry) -> None:
        self.source, self.block, self.entry = source, block, entry
        self.edits: list[Edit] = []
        self.fixes: list[Fix] = []
        self.not_fixed: list[NotFixed] = []
        self.removed: tuple[FieldSpan, ...] = ()

    def raw(self, span: FieldSpan) -> str:
        return self.source.text[span.value_start : span.value_end]

    def fix(self, name: str, action: str, old: str, new: str, why: str, kind: str | None) -> None:
        entry = self.entry
        self.fixes.append(Fix(entry.file, entry.line, entry.key, name, action, old, new, why, kind))

    def refuse(self, why: str) -> None:
        entry = self.entry
        self.not_fixed.append(NotFixed(entry.file, entry.line, entry.key, why))

    def remove_repeated(self) -> None:
        repeated = self.block.repeated()
        for span in repeated:
            self.edits.append(remove_field(self.block, span))
            self.fix(
                span.key,
                "remove",
                f"{span.name} = {self.raw(span)}",
                "",
                "a repeated field: BibTeX and biber use the first value",
                Kind.DUPLICATE_FIELD.value,
            )
        self.removed = tuple(repeated)

    def bare_doi(self, kind: str | None) -> bool:
        span = self.block.field("doi")
        value = literal(self.raw(span)) if span is not None else None
        if span is None or value is None or (found := _DOI_URL.match(value.inner)) is None:
            return False
        doi = found[1]
        if "%" in doi:
            import urllib.parse

            doi = urllib.parse.unquote(doi)
        new = value.with_inner(doi)
        self.edits.append(replace_value(span, new))
        form = "doi:" if value.inner.strip().lower().startswith("doi:") else "a URL"
        self.fix("doi", "replace", self.raw(span), new, f"a DOI written as {form}", kind)
        return True

    def set_value(self, difference: str, new_text: str | None, why: str, kind: str) -> bool:
        """Replace the value of the field holding `difference` (keeping its delimiters)."""
        names = FIELDS[difference]
        span = next((s for n in names if (s := self.block.field(n)) is not None), None)
        if span is None:
            self.refuse(f"{difference}: the entry has no {' or '.join(names)} field to correct")
            return False
        old = self.raw(span)
        value = literal(old)
        if value is None:
            self.refuse(f"{span.key}: {old} is an @string macro or a # concatenation (fix by hand)")
            return False
        if new_text is None:
            self.refuse(f"{span.key}: {why}, but it holds markup or TeX that galcli does not write")
            return False
        if value.opening == "" and not new_text.isdigit():
            value = literal("{" + value.inner + "}") or value
        inner = "{" + new_text + "}" if value.protected else new_text
        new = value.with_inner(inner)
        if new == old:
            return True
        self.edits.append(replace_value(span, new))
        self.fix(span.key, "replace", old, new, why, kind)
        return True

    def text(self, value: str, span_name: str) -> str | None:
        span = self.block.field(span_name)
        quoted = span is not None and self.raw(span).startswith('"')
        return bibtex_text(value, quoted=quoted, ascii_only=self.source.ascii)

    def correct(self, check: ReferenceCheck, allowed: frozenset[str], kind: str) -> bool:
        """Correct each difference; True when every one was corrected."""
        work = check.matched
        assert work is not None
        name = SERVICE_NAMES.get(work.source, work.source)
        complete = True
        for difference in check.differences:
            why = f"{name} has '{difference.source}'"
            if difference.field not in allowed:
                complete = False
                continue
            if difference.field == "author":
                new = self.author_list(work)
                if new is None:
                    self.refuse(
                        f"author: {why}, but galcli writes an author list only from "
                        "Crossref's names"
                    )
                    complete = False
                    continue
                complete &= self.set_value("author", new, why, kind)
                continue
            new_value = {
                "title": work.title,
                "year": str(work.year or ""),
                "venue": work.venues[0] if work.venues else "",
                "volume": work.volume,
                "pages": self.pages(work.pages),
            }[difference.field]
            target = FIELDS[difference.field][0]
            complete &= self.set_value(difference.field, self.text(new_value, target), why, kind)
        return complete

    def pages(self, pages: str) -> str:
        span = self.block.field("pages")
        old = self.raw(span) if span is not None else ""
        dash = "-" if "-" in old and "--" not in old else "--"
        return re.sub(r"\s*(?:-+|\u2013|\u2014)\s*", dash, pages)

    def author_list(self, work: Work) -> str | None:
        """The work's authors as BibTeX writes them ("Family, Given and …"), as many as the
        entry names when it ends with "and others"."""
        if work.source != CROSSREF or not work.names:
            return None
        names = list(work.names)
        span = self.block.field("author")
        value = literal(self.raw(span)) if span is not None else None
        written = [p.strip() for p in _AND.split(value.inner)] if value is not None else []
        others = bool(written) and written[-1].lower() == "others"
        if others:
            names = names[: max(1, len(written) - 1)]
        people = []
        for family, given in names:
            family_text = self.text(family, "author")
            given_text = self.text(given, "author") if given else ""
            if family_text is None or given_text is None:
                return None
            if not given:
                family_text = "{" + family_text + "}"  # an organisation: one name, not split
            people.append(f"{family_text}, {given_text}" if given_text else family_text)
        if others and len(work.names) > len(people):
            people.append("others")
        return " and ".join(people)

    def add_doi(self, work: Work) -> None:
        assert work.doi is not None
        added = add_field(self.block, self.source.text, "doi", work.doi, self.removed)
        if added is None:
            self.refuse("the entry has no field to lay a doi field out after")
            return
        edit, value = added
        self.edits.append(edit)
        name = SERVICE_NAMES.get(work.source, work.source)
        self.fix("doi", "add", "", value, f"found in {name} by title and first author", None)


def url_doi(entry: BibEntry) -> bool:
    value = literal(entry.fields.get("doi", ""))
    return value is not None and _DOI_URL.match(value.inner) is not None


def online_fixes(edits: EntryEdits, check: ReferenceCheck, mismatch: Problem | None) -> bool:
    """The corrections of one looked-up entry; True when they correct the whole mismatch."""
    from galcli.tasks.online_check import MISMATCH, VERIFIED

    work = check.matched
    if work is None or check.verdict not in (VERIFIED, MISMATCH):
        return False
    entry = edits.entry
    kind = Kind.REFERENCE_METADATA_MISMATCH.value
    if check.verdict == MISMATCH and mismatch is None:
        return False  # suppressed: the user said to leave it
    if check.matched_by == "title" and any(d.field not in BY_TITLE for d in check.differences):
        edits.refuse(
            "found by a title search, not by DOI: its "
            + ", ".join(d.field for d in check.differences)
            + " may be another version's (a preprint, a conference paper); not corrected"
        )
        return False
    if not _certain(entry, check):
        if check.differences:
            edits.refuse(
                "the work found may not be this one (another version, or a similar title): "
                "not corrected"
            )
        return False
    if check.matched_by == "doi":
        return edits.correct(check, frozenset(FIELDS), kind)
    complete = edits.correct(check, BY_TITLE, kind)
    if work.doi and "doi" not in entry.fields:
        edits.add_doi(work)
    return complete and bool(check.differences)
