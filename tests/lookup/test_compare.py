"""DOIs in the forms people write them, and entry-versus-work comparison."""

from __future__ import annotations

import pytest

from galcli.bib.entries import BibEntry
from galcli.lookup.compare import (
    best_match,
    compare,
    same_family,
    same_pages,
    same_venue,
    same_volume,
)
from galcli.lookup.crossref import work_from_crossref
from galcli.lookup.openalex import work_from_openalex
from galcli.lookup.works import normalize_doi
from tests.lookup.server import fixture


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1038/nature14539", "10.1038/nature14539"),
        ("https://doi.org/10.1038/nature14539", "10.1038/nature14539"),
        ("http://dx.doi.org/10.1038/nature14539", "10.1038/nature14539"),
        ("doi:10.1038/nature14539", "10.1038/nature14539"),
        ("{10.1016/S0140-6736(97)11096-0}", "10.1016/S0140-6736(97)11096-0"),
        (r"10.1000/a\_b", "10.1000/a_b"),
        ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", None),
    ],
)
def test_normalize_doi(raw: str, doi: str | None) -> None:
    expected = doi if doi is not None else raw
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "10.1038", "doi.org/nature-2020", "1O.1038/nature14539", "10.12/x", "10.1038/ a b"]
)
def test_not_a_doi(raw: str) -> None:
    assert normalize_doi(raw) is None


def entry(**fields: str) -> BibEntry:
    kind = fields.pop("type", "article")
    return BibEntry("k", kind, {k: "{" + v + "}" for k, v in fields.items()}, "x.bib", 1)


def test_real_record_shapes_are_read() -> None:
    work = work_from_crossref(fixture("crossref_work.json")["message"])
    assert (work.doi, work.title, work.first_family, work.year) == (
        "10.1038/nature14539",
        "Deep learning",
        "LeCun",
        2015,
    )
    assert work.authors[0] == "Yann LeCun" and not work.retracted
    retracted = work_from_crossref(fixture("crossref_retracted.json")["message"])
    assert retracted.retracted and "10.1016/S0140-6736(10)60175-4" in (retracted.retraction or "")
    alex = work_from_openalex(fixture("openalex_work.json"))
    assert alex.doi == "10.48550/arxiv.1706.03762" and alex.first_family == "vaswani"
    assert alex.year == 2017 and not alex.retracted


def test_same_work_written_differently() -> None:
    work = work_from_crossref(fixture("crossref_work.json")["message"])
    assert (
        compare(
            entry(
                title="{D}eep {L}earning.",
                author="Le{C}un, Y. and others",
                year="2015",
                journal="Nature",
            ),
            work,
        )
        == []
    )
    wrong = compare(entry(title="Deep learning", author="Bengio, Yoshua", year="2016"), work)
    assert [(d.field, d.entry, d.source) for d in wrong] == [
        ("author", "Bengio, Yoshua", "LeCun"),
        ("year", "2016", "2015"),
    ]
    assert [d.field for d in compare(entry(title="Shallow learning", journal="Science"), work)] == [
        "title",
        "venue",
    ]


def test_volume_pages_and_author_names_are_read() -> None:
    work = work_from_crossref(fixture("crossref_work.json")["message"])
    assert (work.volume, work.pages) == ("521", "436-444")
    assert work.names[:2] == (("LeCun", "Yann"), ("Bengio", "Yoshua"))
    record = dict(fixture("openalex_work.json"))
    record["biblio"] = {"volume": "30", "first_page": "5998", "last_page": "6008"}
    alex = work_from_openalex(record)
    assert (alex.volume, alex.pages) == ("30", "5998-6008")
    assert alex.names[0] == ("Vaswani", "Ashish")
    assert work.matched()["volume"] == "521" and work.matched()["pages"] == "436-444"


def test_an_articles_volume_and_pages_are_compared() -> None:
    work = work_from_crossref(fixture("crossref_work.json")["message"])  # 521, 436-444
    right = entry(title="Deep learning", author="LeCun, Y.", year="2015", volume="521")
    assert compare(right, work) == []
    for pages in ("436--444", "436-44", r"pp. 436\textendash444", "436", "436 – 444"):
        assert compare(entry(title="Deep learning", pages=pages), work) == [], pages
    wrong = compare(entry(title="Deep learning", volume="512", pages="463--444"), work)
    assert [(d.field, d.entry, d.source) for d in wrong] == [
        ("volume", "512", "521"),
        ("pages", "463--444", "436-444"),
    ]
    # A book's or a proceedings' volume is a series number: not compared.
    assert compare(entry(type="inproceedings", title="Deep learning", volume="3"), work) == []
    assert same_volume("9", "9") and same_volume("{9}", "9") and same_volume("Suppl. 2", "suppl 2")
    assert not same_volume("9", "19") and not same_pages("1735--1780", "1735-1781")


def test_retracted_title_prefix_is_not_a_title_difference() -> None:
    work = work_from_crossref(fixture("crossref_retracted.json")["message"])
    title = (
        "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental "
        "disorder in children"
    )
    assert compare(entry(title=title, author="Wakefield, A. J.", year="1998"), work) == []


def test_family_names_and_venues() -> None:
    assert same_family("waals", "van der Waals")
    assert same_family("schrodinger", "Schrödinger")
    assert not same_family("hassabis", "Silver")
    assert same_venue("Phys. Rev. Lett.", ("Physical Review Letters",))
    assert same_venue("J. Am. Chem. Soc.", ("Journal of the American Chemical Society",))
    assert same_venue("PNAS", ("Proceedings of the National Academy of Sciences",))
    assert not same_venue("Science", ("Nature",))
    assert not same_venue("Nature", ("Nature Reviews Chemistry",))
    assert not same_venue("Physical Review", ("Physical Review Letters",))
    assert same_venue(
        "Proc. Natl. Acad. Sci. U.S.A.",
        ("Proceedings of the National Academy of Sciences of the United States of America",),
    )
    assert same_venue(
        "IEEE Trans. Pattern Anal. Mach. Intell.",
        ("IEEE Transactions on Pattern Analysis and Machine Intelligence",),
    )
    assert same_venue("The Lancet", ("Lancet",))
    assert same_venue("Neural Comput.", ("Neural Computation",))
    assert same_venue("arXiv preprint arXiv:1706.03762", ("arXiv (Cornell University)",))
    assert not same_venue("arXiv preprint arXiv:1706.03762", ("Nature",))


def test_search_results_need_a_matching_title() -> None:
    deep = work_from_crossref(fixture("crossref_work.json")["message"])
    assert best_match(entry(title="Deep learning", author="LeCun, Yann"), [deep]) is deep
    assert best_match(entry(title="Deep reinforcement learning for robots"), [deep]) is None
