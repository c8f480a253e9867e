"""No answer a service can give, and no DOI field, makes galcli crash (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from galcli.lookup.crossref import work_from_crossref
from galcli.lookup.openalex import work_from_openalex
from galcli.lookup.works import normalize_doi

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
CROSSREF_KEYS = [
    "DOI", "title", "subtitle", "author", "issued", "published-print", "published-online",
    "published", "container-title", "short-container-title", "updated-by", "update-to",
    "relation", "type",
]  # fmt: skip
OPENALEX_KEYS = ["doi", "title", "display_name", "publication_year", "authorships",
                 "primary_location", "is_retracted"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(CROSSREF_KEYS), json_values))
def test_any_crossref_record(message: dict[str, Any]) -> None:
    work = work_from_crossref(message)
    assert isinstance(work.title, str) and isinstance(work.first_family, str)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(OPENALEX_KEYS), json_values))
def test_any_openalex_record(record: dict[str, Any]) -> None:
    work = work_from_openalex(record)
    assert isinstance(work.title, str)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_doi_field(raw: str) -> None:
    doi = normalize_doi(raw)
    assert doi is None or (
        doi.startswith("10.") and "/" in doi and not any(c.isspace() for c in doi)
    )
