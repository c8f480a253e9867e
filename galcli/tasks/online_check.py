"""`galcli check --online`: is each .bib entry a real work with the metadata it claims?

An entry with a DOI is looked up by DOI (Crossref, then OpenAlex); one without, or whose DOI no
service knows, is searched by title and first author. The verdicts tell the two common failures
apart: a work that does not exist (`reference_not_found`, an error) and a real work with wrong
details (`reference_metadata_mismatch`, a warning: most "hallucination" flags on real
bibliographies are these). `doi_malformed` needs no network. An entry is `unchecked` when a
service that could have decided it could not be asked; it never counts as a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from galcli.bib.entries import BibEntry
from galcli.bib.normalize import author_last_names, latex_to_text
from galcli.lookup.compare import SIMILAR_TITLE, Difference, best_match, compare, title_similarity
from galcli.lookup.http import HttpClient, LookupConfig, LookupFailed
from galcli.lookup.works import SERVICE_NAMES, Work, normalize_doi
from galcli.problems import Kind, Problem

if TYPE_CHECKING:
    from galcli.lookup.crossref import Crossref
    from galcli.lookup.openalex import OpenAlex
    from galcli.settings import Settings

VERIFIED = "verified"
NOT_FOUND = Kind.REFERENCE_NOT_FOUND
MISMATCH = Kind.REFERENCE_METADATA_MISMATCH
RETRACTED = Kind.REFERENCE_RETRACTED
DOI_MALFORMED = Kind.DOI_MALFORMED
UNCHECKED = "unchecked"
FIELD_NAMES = {"author": "first author", "doi": "DOI"}
_DOI_URL = re.compile(r"^https?://(dx\.)?doi\.org/10\.", re.IGNORECASE)
# Entry types Crossref and OpenAlex cover well enough that "not found" means something when the
# entry has no DOI; other types (misc, online, software, techreport, theses…) are often absent.
INDEXED_TYPES = frozenset(
    {"article", "inproceedings", "conference", "incollection", "inbook", "book", "proceedings"}
)


def lookup_config(settings: Settings) -> LookupConfig:
    from galcli import paths

    return LookupConfig(
        crossref_url=settings.crossref_url,
        openalex_url=settings.openalex_url,
        pubchem_url=settings.pubchem_url,
        mailto=settings.mailto,
        timeout=settings.online_timeout,
        cache_dir=paths.cache_dir() / "lookup",
        max_age_days=settings.online_cache_days,
    )


def load_lookup_config() -> LookupConfig:
    """The look-up settings from the environment and config file (no command-line flags)."""
    from galcli.settings import load_settings

    return lookup_config(load_settings({}))


@dataclass
class ReferenceCheck:
    key: str
    verdict: str
    file: str
    line: int
    source: str | None = None  # the service whose record decided the verdict
    matched: Work | None = None
    differences: list[Difference] = field(default_factory=list)
    note: str = ""  # why: the DOI that is not a DOI, the retraction, what could not be asked
    age: float | None = None  # seconds since the deciding answer was fetched (cache age)
    # how `matched` was found: "doi" (the entry's DOI, with a similar title), "title" (a search
    # by title and first author); "" when it is the work of a DOI whose title is another one
    matched_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "verdict": self.verdict,
            "source": self.source,
            "matched": self.matched.matched() if self.matched else None,
            "matched_by": self.matched_by or None,
            "differences": [d.to_dict() for d in self.differences],
            "note": self.note,
            "file": self.file,
            "line": self.line,
            "age_seconds": None if self.age is None else round(self.age),
        }

    def problem(self) -> Problem | None:
        if self.verdict not in (NOT_FOUND, MISMATCH, RETRACTED, DOI_MALFORMED):
            return None
        return Problem.of(
            Kind(str(self.verdict)), self.message(), key=self.key, file=self.file, line=self.line
        )

    def message(self) -> str:
        name = SERVICE_NAMES.get(self.source or "", self.source or "")
        work = self.matched
        if self.verdict == MISMATCH and work is not None:
            found = f"{name} has it as DOI {work.doi}" if work.doi else f"found in {name}"
            said = "; ".join(
                f"{FIELD_NAMES.get(d.field, d.field)}: entry has '{d.entry}', {name} has "
                f"'{d.source}'"
                for d in self.differences
            )
            return f"entry '{self.key}' is a real work ({found}) but {said}"
        if self.verdict == RETRACTED and work is not None:
            return f"entry '{self.key}' (DOI {work.doi}) is retracted ({name}: {self.note})"
        return f"entry '{self.key}': {self.note}"


@dataclass
class OnlineReport:
    references: list[ReferenceCheck]
    requests: int = 0  # requests sent over the network
    from_cache: int = 0  # answers served from the cache
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.references if (p := r.problem()) is not None]

    def count(self, verdict: str) -> int:
        return sum(r.verdict == verdict for r in self.references)

    def json_fields(self) -> dict[str, Any]:
        """What `check --online --json` adds to the check's document."""
        return {"references": [r.to_dict() for r in self.references], "online": self.to_dict()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "from_cache": self.from_cache,
            "warnings": self.warnings,
            "counts": {
                v: self.count(v)
                for v in (VERIFIED, MISMATCH, NOT_FOUND, RETRACTED, DOI_MALFORMED, UNCHECKED)
            },
        }


class _Services:
    def __init__(self, client: HttpClient) -> None:
        from galcli.lookup.crossref import Crossref
        from galcli.lookup.openalex import OpenAlex

        self.client = client
        self.crossref: Crossref = Crossref(client)
        self.openalex: OpenAlex = OpenAlex(client)


def _verdict(
    entry: BibEntry, work: Work, age: float, extra: list[Difference], matched_by: str
) -> ReferenceCheck:
    differences = extra + compare(entry, work)
    verdict: str
    if work.retracted:
        verdict = RETRACTED
    else:
        verdict = MISMATCH if differences else VERIFIED
    return ReferenceCheck(
        entry.key,
        verdict,
        entry.file,
        entry.line,
        source=work.source,
        matched=work,
        differences=differences,
        note=work.retraction or "",
        age=age,
        matched_by=matched_by,
    )


def check_entry(entry: BibEntry, services: _Services) -> ReferenceCheck:
    """The verdict on one entry; `unchecked` when a service that mattered could not answer."""
    raw_doi = entry.get("doi")
    doi = normalize_doi(raw_doi) if raw_doi else None
    if not raw_doi and _DOI_URL.match(entry.get("url")):  # Zotero puts the DOI in the url
        doi = normalize_doi(entry.get("url"))
    if raw_doi and doi is None:
        return ReferenceCheck(
            entry.key,
            DOI_MALFORMED,
            entry.file,
            entry.line,
            note=f"doi '{raw_doi}' is not a DOI (a DOI looks like 10.1234/suffix)",
        )
    failures: list[str] = []
    borrowed: tuple[Work, float] | None = None  # the DOI's work, when its title is another one
    if doi:
        for service in (services.crossref, services.openalex):
            try:
                work, age = service.by_doi(doi)
            except LookupFailed as exc:
                failures.append(str(exc))
                continue
            if work is None:
                continue
            if (
                not entry.title
                or not work.title
                or title_similarity(entry.title, work) >= (SIMILAR_TITLE)
            ):
                return _verdict(entry, work, age, [], "doi")
            # A real DOI on another work: a common way invented references look real. Is there
            # a work with the entry's title?
            borrowed = (work, age)
            break
    if not entry.title:
        return ReferenceCheck(
            entry.key,
            UNCHECKED,
            entry.file,
            entry.line,
            note="; ".join(failures) or "no DOI and no title to search for",
        )
    found, age = _search(entry, services, failures)
    if found is not None:
        extra = []
        if doi and (found.doi or "").lower() != doi.lower():
            extra = [Difference("doi", doi, found.doi or "none")]
        return _verdict(entry, found, age, extra, "title")
    if failures:
        if borrowed is not None:  # the searches could not run: at least the DOI disagrees
            return _verdict(entry, *borrowed, [], "")
        return ReferenceCheck(
            entry.key, UNCHECKED, entry.file, entry.line, note="; ".join(dict.fromkeys(failures))
        )
    title = latex_to_text(entry.title)
    if borrowed is not None:
        other = borrowed[0]
        return ReferenceCheck(
            entry.key,
            NOT_FOUND,
            entry.file,
            entry.line,
            source=other.source,
            note=f"DOI {doi} is another work ('{other.title}', {other.first_family} "
            f"{other.year}), and no work matches the title '{title}' (asked Crossref and OpenAlex)",
        )
    if not doi and entry.entry_type not in INDEXED_TYPES:
        return ReferenceCheck(
            entry.key,
            UNCHECKED,
            entry.file,
            entry.line,
            note=f"not found, but Crossref and OpenAlex index few @{entry.entry_type} entries "
            "without a DOI (web pages, software, reports): check it by hand",
        )
    what = f"no work has DOI {doi}, and none" if doi else "no work"
    return ReferenceCheck(
        entry.key,
        NOT_FOUND,
        entry.file,
        entry.line,
        note=f"{what} matches the title '{title}' (asked Crossref and OpenAlex)",
    )


def _search(entry: BibEntry, services: _Services, failures: list[str]) -> tuple[Work | None, float]:

    title = " ".join(latex_to_text(entry.title).split())
    names = author_last_names(entry.author)
    try:
        works, age = services.crossref.search(title, names[0] if names else None)
        if (work := best_match(entry, works)) is not None:
            return work, age
    except LookupFailed as exc:
        failures.append(str(exc))
    try:
        works, age = services.openalex.search(title)
        if (work := best_match(entry, works)) is not None:
            return work, age
    except LookupFailed as exc:
        failures.append(str(exc))
    return None, 0.0


def check_references(
    entries: list[BibEntry],
    config: LookupConfig,
    on_done: Callable[[ReferenceCheck], None] | None = None,
) -> OnlineReport:
    """Check every entry, a few at a time (the client keeps at most 4 requests in flight)."""
    from galcli.tasks.batch import map_in_threads  # threads only when looking up

    client = HttpClient(config)
    services = _Services(client)

    def one(entry: BibEntry) -> ReferenceCheck:
        result = check_entry(entry, services)
        if on_done is not None:
            on_done(result)
        return result

    results = map_in_threads(one, entries, config.max_in_flight)
    report = OnlineReport(results, requests=client.requests, from_cache=client.from_cache)
    down = client.down()
    unchecked = report.count(UNCHECKED)
    if down:
        report.warnings.append(
            "; ".join(down.values())
            + f": {unchecked} entr{'y' if unchecked == 1 else 'ies'} left unchecked "
            "(check the network connection, or try again later)"
        )
    elif unchecked:
        report.warnings.append(
            f"{unchecked} entr{'y' if unchecked == 1 else 'ies'} left unchecked "
            "(see their notes; galcli check --json lists them)"
        )
    return report


def online_check(
    entries: Iterable[BibEntry],
    config: LookupConfig,
    on_done: Callable[[], None] | None = None,
) -> OnlineReport:
    """check_references for the entries a check found relevant, in file order; `on_done` is
    called after each entry (a progress bar)."""
    ordered = sorted(entries, key=lambda e: (e.file, e.line))
    return check_references(ordered, config, None if on_done is None else lambda _: on_done())
