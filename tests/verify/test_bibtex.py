from __future__ import annotations

from pathlib import Path

from galcli.bib.entries import BIBER, BIBTEX
from galcli.bib.parse import parse_bib
from galcli.verify.bibtex import missing_fields
from galcli.verify.keys import KeySuggester


def bib(tmp_path: Path, text: str, dialect: str = BIBTEX):
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return parse_bib(path, dialect=dialect)


def test_strings_and_latex_in_fields(tmp_path: Path) -> None:
    parsed = bib(
        tmp_path,
        '@string{jcp = "J. Chem. Phys."}\n@article{x, journal = jcp, '
        'author = {M{\\"u}ller, J. and Smith, A.}, title = {{DNA} folding}, year = 1999}',
    )
    entry = parsed.entries[0]
    assert entry.get("journal") == "J. Chem. Phys." and entry.year == "1999"
    assert missing_fields(entry) == []


def test_missing_fields_by_type_and_crossref(tmp_path: Path) -> None:
    parsed = bib(
        tmp_path,
        "@article{a, title={T}, note={}}\n"
        "@inproceedings{b, author={X}, title={T}, year=2001, crossref={p}}\n"
        "@proceedings{p, title={Proc}, year=2001}\n"
        "@online{o, title={Web}}\n@unpublished{u, author={A}, title={T}, note={}}\n",
    )
    entries = {e.key: e for e in parsed.entries}
    assert missing_fields(entries["a"]) == ["author", "journal/journaltitle", "year/date"]
    assert missing_fields(entries["b"], entries) == []
    assert missing_fields(entries["o"]) == []  # not a BibTeX type
    assert missing_fields(entries["o"], dialect=BIBER) == [
        "author/editor",
        "year/date",
        "url/doi/eprint",
    ]
    assert missing_fields(entries["u"]) == ["note"]


def test_key_suggestions(tmp_path: Path) -> None:
    parsed = bib(
        tmp_path,
        "@article{vaswani2017attention, author={Vaswani, Ashish and others},"
        " title={Attention}, year=2017}\n"
        "@article{Devlin2019, author={Jacob Devlin}, title={BERT}, year=2019}\n",
    )
    suggester = KeySuggester(parsed.entries)
    assert suggester.suggest("vaswani2017attentoin")[0] == "vaswani2017attention"
    assert suggester.suggest("vaswani2017transformer") == ["vaswani2017attention"]
    assert suggester.suggest("devlin2019bert") == ["Devlin2019"]
    assert suggester.case_variant("devlin2019") == "Devlin2019"
    assert suggester.suggest("zzz") == []


def test_parent_keys_from_crossref_xdata_and_xref(tmp_path: Path) -> None:
    from galcli.verify.bibtex import parent_keys

    parsed = bib(tmp_path, "@misc{c, crossref={p}, xdata={d1, d2}, xref=x}\n@misc{n, t={}}")
    assert parent_keys(parsed.entries[0]) == ("p", "d1", "d2", "x")
    assert parent_keys(parsed.entries[1]) == ()
