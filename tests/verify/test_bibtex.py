from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from galcli.bib.entries import BIBER, BIBTEX, parse_bib
from galcli.verify.bibtex import missing_fields
from galcli.verify.keys import KeySuggester


def bib(tmp_path: Path, text: str, dialect: str = BIBTEX):
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return parse_bib(path, dialect=dialect)


def test_duplicate_field_keeps_the_entry_and_first_value(tmp_path: Path) -> None:
    parsed = bib(tmp_path, "@article{a,\n title={One},\n title={Two},\n year=2020}\n")
    assert [e.key for e in parsed.entries] == ["a"]
    assert parsed.entries[0].title == "One"
    [problem] = parsed.problems
    assert problem.kind == "duplicate_field" and problem.severity == "warning" and problem.line == 1


def test_duplicate_keys_are_all_kept_in_order(tmp_path: Path) -> None:
    parsed = bib(tmp_path, "@misc{k, title={First}}\n\n@misc{k, title={Second}}\n")
    assert [(e.key, e.title, e.line) for e in parsed.entries] == [
        ("k", "First", 1),
        ("k", "Second", 3),
    ]


def test_parse_error_has_the_line_the_key_and_a_reason(tmp_path: Path) -> None:
    parsed = bib(tmp_path, "@misc{ok, title={Fine}}\n\n@article{broken title={x}}\n")
    [problem] = parsed.problems
    assert problem.kind == "bib_parse_error" and problem.line == 3 and problem.key == "broken"
    assert "comma" in problem.message
    assert parsed.broken_keys == ["broken"]


def test_percent_lines_are_comments_for_biber_only(tmp_path: Path) -> None:
    text = "% @article{old,\n%   title = {Gone},\n% }\n@misc{new, title={Here}}\n"
    assert [e.key for e in bib(tmp_path, text, BIBER).entries] == ["new"]
    assert bib(tmp_path, text, BIBTEX).problems  # BibTeX trips over the commented entry


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
    from galcli.verify.bib_summary import BibSummary, FileSummary

    summary = BibSummary()
    summary.add(FileSummary.of(parsed, BIBTEX))
    suggester = KeySuggester([(i.key, i.author, i.year) for i in summary.entries.values()])
    assert suggester.suggest("vaswani2017attentoin")[0] == "vaswani2017attention"
    assert suggester.suggest("vaswani2017transformer") == ["vaswani2017attention"]
    assert suggester.suggest("devlin2019bert") == ["Devlin2019"]
    assert suggester.case_variant("devlin2019") == "Devlin2019"
    assert suggester.suggest("zzz") == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('@{}(),="#%\n abkxyz0123\\')), max_size=200))
def test_any_bib_text_parses_without_crashing(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.bib"
    path.write_text(text, encoding="utf-8")
    parsed = parse_bib(path)
    for problem in parsed.problems:
        assert problem.line is not None and problem.line >= 1


def test_summaries_are_cached_until_the_file_changes(tmp_path: Path, monkeypatch) -> None:
    import os

    from galcli.verify import bib_cache as bibtex

    path = tmp_path / "refs.bib"
    path.write_text("@misc{a, title={A}}\n@misc{a, title={Again}}\n@article{b, title={B}}\n")
    first = bibtex.summarize([path], BIBTEX)
    assert list(first.entries) == ["a", "b"] and [p.kind for p in first.problems] == [
        "duplicate_key"
    ]
    assert first.entries["b"].missing == ("author", "journal/journaltitle", "year/date")

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed although the cached summary was valid")

    monkeypatch.setattr(bibtex, "parse_bib", no_parsing)
    again = bibtex.summarize([path], BIBTEX)
    assert again.entries == first.entries and again.problems == first.problems
    monkeypatch.undo()

    path.write_text("@misc{c, title={C}}\n")
    os.utime(path, ns=(1, 1))  # a different mtime, even on coarse clocks
    assert list(bibtex.summarize([path], BIBTEX).entries) == ["c"]


def _two_halves(filler: int = 200) -> str:
    """A .bib whose second half uses a macro, a crossref parent and a key of the first, and has
    a repeated field, a duplicate key and a broken entry: what a split parse could get wrong."""
    first = [
        '@string{jcp = "J. Chem. Phys."}',
        "@book{parent, author={P}, title={Parent}, publisher={X}, year=1999}",
    ]
    first += [
        f"@article{{a{i}, author={{A{i} and B}}, title={{{{Title {i}}}}}, journal=jcp, "
        f"year={2000 + i % 20}}}"
        for i in range(filler)
    ]
    second = [
        "@inbook{child, author={C}, title={Child}, chapter={3}, crossref={parent}}",
        "@article{a0, author={Again}, title={Dup}, journal=jcp, year=2001}",
        "@article{twice, author={T}, title={One}, title={Two}, journal=jcp, year=2002}",
        "@article{broken, author={B}, title={Missing brace, year=2003}\n",
    ]
    second += [f"@misc{{m{i}, title={{Misc {i}}}, howpublished=jcp}}" for i in range(filler)]
    return "\n\n".join(first + second) + "\n"


def test_parallel_parse_equals_the_plain_one(tmp_path: Path, monkeypatch) -> None:
    from galcli.bib import entries
    from galcli.verify import bib_cache as bibtex

    path = tmp_path / "refs.bib"
    text = _two_halves()
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(entries, "PARALLEL_BYTES", 0)
    assert entries._middle_cut(text) is not None  # it does split this file
    for dialect in (BIBTEX, BIBER):
        plain = parse_bib(path, dialect=dialect)
        split = parse_bib(path, dialect=dialect, parallel=True)
        assert [(e.key, e.entry_type, e.fields, e.line) for e in split.entries] == [
            (e.key, e.entry_type, e.fields, e.line) for e in plain.entries
        ]
        assert split.problems == plain.problems and split.broken_keys == plain.broken_keys
        assert {p.kind for p in split.problems} == {"duplicate_field", "bib_parse_error"}
        entries = {e.key: e for e in split.entries}
        assert entries["m3"].get("howpublished") == "J. Chem. Phys."  # macro from the other half
        assert text.splitlines()[entries["twice"].line - 1].startswith("@article{twice")
        summary = bibtex.summarize([path], dialect, parallel=True)
        assert "child" in summary.entries and summary.entries["child"].missing == ()  # crossref
        assert [p.kind for p in summary.problems].count("duplicate_key") == 1


def test_no_split_inside_braces() -> None:
    from galcli.bib.entries import _middle_cut

    inside = "@misc{a, note={" + "x\n" * 50 + "\n@misc{fake, title={F}}\n" + "y\n" * 50 + "}}\n"
    assert _middle_cut(inside) is None
    text = inside + "\n@misc{b, title={B}}\n" + "@misc{c, title={C}}\n" * 3
    cut = _middle_cut(text)
    assert cut is not None and text[cut:].startswith("@misc{b,")


def summary_of(tmp_path: Path, files: dict[str, str], dialect: str = BIBTEX):
    from galcli.verify.bib_cache import summarize

    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return summarize([tmp_path / name for name in files], dialect)


def test_keys_differing_only_in_case_are_duplicates_for_bibtex(tmp_path: Path) -> None:
    one = summary_of(tmp_path, {"one.bib": "@misc{Smith2020, title={A}}\n@misc{smith2020, x={}}"})
    [problem] = one.problems
    assert (problem.kind, problem.key, problem.line) == ("duplicate_key", "smith2020", 2)
    assert "differs only in letter case from 'Smith2020'" in problem.message
    assert f"{tmp_path / 'one.bib'}:1" in problem.message and "BibTeX" in problem.message
    across = summary_of(
        tmp_path, {"a.bib": "@misc{Smith2020, title={A}}", "b.bib": "@misc{SMITH2020, t={}}"}
    )
    assert [(p.kind, p.file) for p in across.problems] == [
        ("duplicate_key", str(tmp_path / "b.bib"))
    ]


def test_biber_keeps_case_variants_but_warns(tmp_path: Path) -> None:
    summary = summary_of(
        tmp_path, {"r.bib": "@misc{Smith2020, t={A}}\n@misc{smith2020, t={B}}"}, BIBER
    )
    assert set(summary.entries) == {"Smith2020", "smith2020"}
    [problem] = summary.problems
    assert "biber keeps both" in problem.message and "possible typo" in problem.message


def test_exact_duplicates_are_reported_once_by_the_one_finder(tmp_path: Path) -> None:
    from galcli.bib.entries import first_definitions

    text = "@misc{k, t={1}}\n@misc{k, t={2}}\n@misc{K, t={3}}\n"
    summary = summary_of(tmp_path, {"r.bib": text})
    first, problems = first_definitions([parse_bib(tmp_path / "r.bib")])
    assert [(p.line, p.message) for p in summary.problems] == [
        (p.line, p.message) for p in problems
    ]
    assert [p.line for p in problems] == [2, 3] and first["k"].get("t") == "1"


def test_the_same_file_named_twice_is_read_once(tmp_path: Path, monkeypatch) -> None:
    from galcli.bib.entries import load_bibliography

    (tmp_path / "x.bib").write_text("@misc{a, title={A}}\n@misc{b, title={B}}\n")
    monkeypatch.chdir(tmp_path)
    from galcli.verify.bib_cache import summarize

    summary = summarize([Path("x.bib"), Path("./x.bib"), tmp_path / "x.bib"], BIBTEX)
    assert summary.files == ["x.bib"] and summary.problems == [] and len(summary.entries) == 2
    entries, problems = load_bibliography([Path("x.bib"), tmp_path / "x.bib"])
    assert [e.key for e in entries] == ["a", "b"] and problems == []


def test_a_bib_of_string_macros_only_is_valid(tmp_path: Path) -> None:
    abbreviations = '@string{jcp = "J. Chem. Phys."}\n@String{jacs = {J. Am. Chem. Soc.}}\n'
    assert summary_of(tmp_path, {"abbrev.bib": abbreviations}).problems == []
    empty = summary_of(tmp_path, {"notes.bib": "just some text\n"})
    assert [p.message for p in empty.problems] == ["no entries in this file: is it a .bib file?"]


def test_a_latin1_bib_is_reported_at_its_first_bad_byte_and_still_read(tmp_path: Path) -> None:
    path = tmp_path / "latin.bib"
    path.write_bytes("@misc{a,\n  author={Jos\xe9}, title={T}}\n".encode("latin-1"))
    parsed = parse_bib(path)
    [problem] = parsed.problems
    assert (problem.kind, problem.severity, problem.line, problem.column) == (
        "bib_encoding",
        "error",
        2,
        14,
    )
    assert "iconv -f latin1 -t utf-8" in problem.message
    assert parsed.entries[0].get("author") == "José"


def test_parent_keys_from_crossref_xdata_and_xref(tmp_path: Path) -> None:
    from galcli.verify.bib_summary import parent_keys

    parsed = bib(tmp_path, "@misc{c, crossref={p}, xdata={d1, d2}, xref=x}\n@misc{n, t={}}")
    assert parent_keys(parsed.entries[0]) == ("p", "d1", "d2", "x")
    assert parent_keys(parsed.entries[1]) == ()


def test_a_parsed_bibliography_is_cached_by_content(tmp_path: Path, monkeypatch) -> None:
    import pickle

    from galcli.bib import entries as bib_entries

    monkeypatch.setenv("GALCLI_CACHE_DIR", str(tmp_path / "cache"))
    bib = tmp_path / "refs.bib"
    bib.write_bytes(b"@article{a, title={Caf\xe9}}\n@article{a, title={Again}}\n")
    first, problems = bib_entries.load_bibliography([bib])
    (saved,) = (tmp_path / "cache" / "bib").glob("*.pickle")
    assert [e.key for e in first] == ["a"] and len(problems) == 2  # Latin-1, duplicate

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    with monkeypatch.context() as patch:
        patch.setattr(bib_entries, "parse_bib", no_parse)
        again, problems_again = bib_entries.load_bibliography([bib])
    assert again == first and problems_again == problems  # warnings come back too
    bib.write_text("@article{b, title={New}}\n", encoding="utf-8")
    assert [e.key for e in bib_entries.load_bibliography([bib])[0]] == ["b"]
    saved.write_bytes(pickle.dumps("not a parse"))
    bib.write_bytes(b"@article{a, title={Caf\xe9}}\n@article{a, title={Again}}\n")
    assert bib_entries.load_bibliography([bib])[0] == first  # a damaged cache is parsed again
