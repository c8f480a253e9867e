"""Crossref REST API: a DOI's record (GET /works/{doi}) and bibliographic search (GET /works).

Fields read: `title`, `subtitle`, `author[].family`/`given`/`name`, `issued`,
`published-print`/`published-online` (`date-parts`), `container-title`,
`short-container-title`, `volume`, `page` (or `article-number`). Retractions: `updated-by`
entries of type retraction (from the publisher or Retraction Watch), a record that is itself a
retraction notice (`update-to`), a `relation` naming a retraction, and titles the publisher
prefixed with "RETRACTED".
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from galcli.lookup.http import HttpClient, LookupFailed
from galcli.lookup.works import CROSSREF, Work, as_dict, as_list, as_text, first

RETRACTION_TYPES = frozenset({"retraction", "withdrawal", "removal", "partial_retraction"})
_RETRACTED_TITLE = re.compile(r"^\s*(retracted|retraction)\b[:\s]", re.IGNORECASE)


def crossref_not_found(body: bytes) -> bool:
    """Crossref's own 404 for an unknown DOI: the text "Resource not found." """
    return b"not found" in body.lower()


def _year(message: dict[str, Any], field: str) -> int | None:
    parts = as_list(as_dict(message.get(field)).get("date-parts"))
    try:
        year = parts[0][0]
    except (TypeError, IndexError, KeyError):
        return None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _retraction(message: dict[str, Any]) -> str | None:
    for update in as_list(message.get("updated-by")):
        if isinstance(update, dict) and update.get("type") in RETRACTION_TYPES:
            notice = update.get("DOI")
            return f"retraction notice {notice}" if notice else "marked retracted"
    for update in as_list(message.get("update-to")):
        if isinstance(update, dict) and update.get("type") in RETRACTION_TYPES:
            return f"this DOI is the retraction notice of {update.get('DOI') or 'another work'}"
    for relation, targets in as_dict(message.get("relation")).items():
        if "retract" in relation:
            ids = [str(t["id"]) for t in as_list(targets) if isinstance(t, dict) and t.get("id")]
            return f"{relation} {', '.join(ids)}".strip()
    if _RETRACTED_TITLE.match(first(message.get("title"))):
        return "the title says RETRACTED"
    return None


def work_from_crossref(message: dict[str, Any]) -> Work:
    authors = [a for a in as_list(message.get("author")) if isinstance(a, dict)]
    names = [
        " ".join(as_text(a.get(p)) for p in ("given", "family") if as_text(a.get(p)))
        or as_text(a.get("name"))
        for a in authors
    ]
    first_family = (
        (as_text(authors[0].get("family")) or as_text(authors[0].get("name"))) if authors else ""
    )
    years = {
        y
        for y in (
            _year(message, f)
            for f in ("issued", "published-print", "published-online", "published")
        )
        if y
    }
    family_given = tuple(
        (as_text(a.get("family")), as_text(a.get("given")))
        if as_text(a.get("family"))
        else (as_text(a.get("name")), "")
        for a in authors
    )
    title = first(message.get("title"))
    subtitle = first(message.get("subtitle"))
    retraction = _retraction(message)
    return Work(
        source=CROSSREF,
        doi=as_text(message.get("DOI")) or None,
        title=title,
        authors=names,
        first_family=first_family,
        year=_year(message, "issued") or (min(years) if years else None),
        years=frozenset(years),
        venues=tuple(
            v
            for v in (
                first(message.get("container-title")),
                first(message.get("short-container-title")),
            )
            if v
        ),
        retracted=retraction is not None,
        retraction=retraction,
        extra_titles=(f"{title}: {subtitle}",) if subtitle else (),
        volume=as_text(message.get("volume")),
        pages=as_text(message.get("page")) or as_text(message.get("article-number")),
        names=tuple(name for name in family_given if name[0]),
    )


class Crossref:
    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self.base = client.config.crossref_url
        mailto = client.config.mailto
        self.polite = {"mailto": mailto} if mailto else {}

    def by_doi(self, doi: str) -> tuple[Work | None, float]:
        """The DOI's record (None when Crossref has no such DOI) and the answer's age."""
        url = f"{self.base}/works/{urllib.parse.quote(doi, safe='/:;()')}"
        answer = self.client.get_json(
            CROSSREF, url, polite_params=self.polite, not_found=crossref_not_found
        )
        if answer.status == 404:
            return None, answer.age
        message = (answer.data or {}).get("message") if isinstance(answer.data, dict) else None
        if not isinstance(message, dict):
            raise LookupFailed("Crossref answered without a work record")
        return work_from_crossref(message), answer.age

    def search(self, title: str, author: str | None, rows: int = 5) -> tuple[list[Work], float]:
        params = {"query.bibliographic": title, "rows": str(rows)}
        if author:
            params["query.author"] = author
        answer = self.client.get_json(
            CROSSREF, f"{self.base}/works", params, polite_params=self.polite
        )
        message = answer.data.get("message") if isinstance(answer.data, dict) else None
        items = message.get("items") if isinstance(message, dict) else None
        if not isinstance(items, list):
            raise LookupFailed("Crossref answered a search without a list of works")
        return [work_from_crossref(i) for i in items if isinstance(i, dict)], answer.age
