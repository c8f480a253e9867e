"""Reading .bib files with bibtexparser (galcli/bib/parse.py)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from galcli.bib.entries import BIBER, BIBTEX
from galcli.bib.load import load
from galcli.bib.parse import parse_bib
from galcli.verify.bibtex import missing_fields


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


def test_lines_stay_true_after_a_backslash_at_a_line_end(tmp_path: Path) -> None:
    # bibtexparser counts no line break after a backslash (sympy's paper.bib has `doi\` inside
    # a title); every entry below it was reported one line too high.
    text = "@misc{a,\n  title = {doi\\\nng},\n}\n\n@misc{b, title={x}}\n@misc{c,\n title={y}}\n"
    parsed = bib(tmp_path, text)
    assert [(e.key, e.line) for e in parsed.entries] == [("a", 1), ("b", 6), ("c", 7)]
    lines = text.split("\n")
    assert all(lines[e.line - 1].startswith("@misc{" + e.key) for e in parsed.entries)


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


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('@{}(),="#%\n abkxyz0123\\')), max_size=200))
def test_any_bib_text_parses_without_crashing(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.bib"
    path.write_text(text, encoding="utf-8")
    parsed = parse_bib(path)
    for problem in parsed.problems:
        assert problem.line is not None and problem.line >= 1


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
    from galcli.bib import parse

    path = tmp_path / "refs.bib"
    text = _two_halves()
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(parse, "PARALLEL_BYTES", 0)
    assert parse._middle_cut(text) is not None  # it does split this file
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
        loaded = load([path], dialect, parallel=True)
        assert missing_fields(loaded.entries["child"], loaded.entries, dialect) == []  # crossref
        assert [p.kind for p in loaded.problems].count("duplicate_key") == 1


def test_no_split_inside_braces() -> None:
    from galcli.bib.parse import _middle_cut

    inside = "@misc{a, note={" + "x\n" * 50 + "\n@misc{fake, title={F}}\n" + "y\n" * 50 + "}}\n"
    assert _middle_cut(inside) is None
    text = inside + "\n@misc{b, title={B}}\n" + "@misc{c, title={C}}\n" * 3
    cut = _middle_cut(text)
    assert cut is not None and text[cut:].startswith("@misc{b,")


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
