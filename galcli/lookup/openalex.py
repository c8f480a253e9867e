"""OpenAlex: the second source. GET /works/doi:{doi} and GET /works?search=….

Fields read: `doi` (a https://doi.org/ URL), `title`/`display_name`, `publication_year`,
`authorships[].author.display_name`, `primary_location.source.display_name`, `is_retracted`,
`biblio.volume`/`first_page`/`last_page`.
OpenAlex also knows DataCite DOIs (arXiv, Zenodo) that Crossref does not.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from galcli.bib.normalize import author_last_names
from galcli.lookup.http import HttpClient, LookupFailed
from galcli.lookup.works import OPENALEX, Work, as_dict, as_list, as_text


def openalex_not_found(body: bytes) -> bool:
    """OpenAlex's own 404: JSON such as {"error": "404 Not Found", "message": …}."""
    return b"not found" in body.lower()


def work_from_openalex(record: dict[str, Any]) -> Work:
    names = [
        as_text(as_dict(a.get("author")).get("display_name"))
        for a in as_list(record.get("authorships"))
        if isinstance(a, dict)
    ]
    names = [n for n in names if n]
    year = record.get("publication_year")
    year = year if isinstance(year, int) and not isinstance(year, bool) else None
    source = as_dict(as_dict(record.get("primary_location")).get("source")).get("display_name")
    doi = (
        as_text(record.get("doi")).removeprefix("https://doi.org/").removeprefix("http://doi.org/")
    )
    retracted = record.get("is_retracted") is True
    family = names[0] if names else ""
    if family:  # OpenAlex gives "Given Family"; the bib side folds names the same way
        family = (author_last_names(family) or [family])[0]
    biblio = as_dict(record.get("biblio"))
    first_page, last_page = as_text(biblio.get("first_page")), as_text(biblio.get("last_page"))
    pages = f"{first_page}-{last_page}" if first_page and last_page else first_page
    return Work(
        source=OPENALEX,
        doi=doi or None,
        title=as_text(record.get("title")) or as_text(record.get("display_name")),
        authors=names,
        first_family=family,
        year=year,
        years=frozenset({year} if year else ()),
        venues=(source,) if isinstance(source, str) and source else (),
        retracted=retracted,
        retraction="OpenAlex marks it retracted" if retracted else None,
        volume=as_text(biblio.get("volume")),
        pages=pages if first_page != last_page else first_page,
        names=tuple(_family_given(name) for name in names),
    )


def _family_given(display_name: str) -> tuple[str, str]:
    """("Family", "Given") of OpenAlex's "Given Family": the last word is the family name, as
    `author_last_names` reads a name without a comma."""
    given, _, family = display_name.strip().rpartition(" ")
    return family, given


class OpenAlex:
    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self.base = client.config.openalex_url
        mailto = client.config.mailto
        self.polite = {"mailto": mailto} if mailto else {}

    def by_doi(self, doi: str) -> tuple[Work | None, float]:
        url = f"{self.base}/works/doi:{urllib.parse.quote(doi, safe='/:;()')}"
        answer = self.client.get_json(
            OPENALEX, url, polite_params=self.polite, not_found=openalex_not_found
        )
        if answer.status == 404:
            return None, answer.age
        if not isinstance(answer.data, dict) or not answer.data.get("id"):
            raise LookupFailed("OpenAlex answered without a work record")
        return work_from_openalex(answer.data), answer.age

    def search(self, title: str, rows: int = 5) -> tuple[list[Work], float]:
        answer = self.client.get_json(
            OPENALEX,
            f"{self.base}/works",
            {"search": title, "per-page": str(rows)},
            polite_params=self.polite,
        )
        results = answer.data.get("results") if isinstance(answer.data, dict) else None
        if not isinstance(results, list):
            raise LookupFailed("OpenAlex answered a search without a list of works")
        return [work_from_openalex(r) for r in results if isinstance(r, dict)], answer.age
