"""Editing .bib files by span (galcli/bib/edit.py): entries read as BibTeX reads them, edits
that change only what they name."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from galcli.bib.edit import (
    BibSyntaxError,
    add_field,
    apply_edits,
    bibtex_text,
    changed_fields,
    find_entry,
    literal,
    read_entry,
    read_source,
    remove_field,
    replace_value,
)
from galcli.bib.entries import BIBER, BIBTEX
from galcli.bib.parse import parse_bib

TRICKY = (
    '@Article{k1,\n  Title = {A {B} "quoted" c},\n  author = "M{\\"u}ller, J. and Doe, X",\n'
    '  journal = jcp # " Letters",\n  year = 2001,\n  note = {x, y = z},\n}\n'
    "@book(k2, title={T (x)}, year=2000)\n"
    "@misc{k3}\n"
)


def values(text: str, start: int = 0) -> dict[str, str]:
    block = read_entry(text, start)
    return {f.name: text[f.value_start : f.value_end] for f in block.fields}


def test_fields_are_read_as_bibtex_reads_them() -> None:
    assert values(TRICKY) == {
        "Title": '{A {B} "quoted" c}',
        "author": '"M{\\"u}ller, J. and Doe, X"',  # a quote inside braces does not end it
        "journal": 'jcp # " Letters"',
        "year": "2001",
        "note": "{x, y = z}",
    }
    second = read_entry(TRICKY, TRICKY.index("@book"))
    assert second.key == "k2" and TRICKY[second.close] == ")"
    assert values(TRICKY, TRICKY.index("@book")) == {"title": "{T (x)}", "year": "2000"}
    empty = read_entry(TRICKY, TRICKY.index("@misc"))
    assert empty.key == "k3" and empty.fields == ()


@pytest.mark.parametrize(
    "text",
    ["@article{a, title={open}", "@article{a, title}", '@article{a, title="x}', "no entry", "@{"],
)
def test_what_is_not_an_entry_says_so(text: str) -> None:
    with pytest.raises(BibSyntaxError):
        read_entry(text, 0)


def test_both_readers_agree_on_every_entry_of_the_corpora(corpora: Path) -> None:
    """An entry is edited only when galcli and bibtexparser read it alike: on real .bib files
    they always do (biblatex's `%` lines are comments for biber only)."""
    files = sorted(corpora.glob("latex/*/*.bib"))
    assert files
    for path in files:
        source = read_source(path)
        dialect = BIBER if "biblatex" in path.parent.name else BIBTEX
        parsed = parse_bib(path, text=source.text, dialect=dialect)
        for entry in parsed.entries:
            block = find_entry(source.text, entry.line, entry.key)
            assert block is not None and block.agrees_with(entry, source.text), (path, entry.key)


ALIGNED = (
    "% a comment\n@article{a,\n  author  = {X},\n  title   = {T},\n  year    = {2000},\n"
    "  title   = {Again},\n}\n\n@string{j = {J}}\n"
)


def test_a_repeated_field_goes_and_a_new_one_follows_the_layout() -> None:
    block = read_entry(ALIGNED, ALIGNED.index("@"))
    [repeated] = block.repeated()
    added = add_field(block, ALIGNED, "doi", "10.1/x", (repeated,))
    assert added is not None
    edit, value = added
    after = apply_edits(ALIGNED, [remove_field(block, repeated), edit])
    assert value == "{10.1/x}"
    assert after == (
        "% a comment\n@article{a,\n  author  = {X},\n  title   = {T},\n  year    = {2000},\n"
        "  doi     = {10.1/x},\n}\n\n@string{j = {J}}\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@book{k, title={T}, year=2000}", "@book{k, title={T}, year=2000, doi={10.1/x}}"),
        (
            '@book{k,\r\n\tTitle="T",\r\n\tYear="1"\r\n}',
            '@book{k,\r\n\tTitle="T",\r\n\tYear="1",\r\n\tDoi="10.1/x"\r\n}',
        ),
        ("@book{k,\n  TITLE = {T}\n}", "@book{k,\n  TITLE = {T},\n  DOI = {10.1/x}\n}"),
    ],
)
def test_a_new_field_takes_the_entrys_separator_case_and_delimiters(
    text: str, expected: str
) -> None:
    block = read_entry(text, 0)
    added = add_field(block, text, "doi", "10.1/x")
    assert added is not None
    assert apply_edits(text, [added[0]]) == expected


def test_a_value_keeps_its_delimiters() -> None:
    assert literal("{{Title}}") is not None and literal("{{Title}}").protected  # type: ignore[union-attr]
    assert literal('"x {"} y"') == literal('"x {"} y"') and literal("2001") is not None
    assert literal("jcp") is None and literal('{a} # "b"') is None and literal("{a}{b}") is None
    text = '@misc{k, year = 2017, note = "n"}'
    block = read_entry(text, 0)
    year = block.field("year")
    assert year is not None
    assert apply_edits(text, [replace_value(year, "2016")]) == '@misc{k, year = 2016, note = "n"}'


def test_overlapping_edits_are_refused() -> None:
    block = read_entry(ALIGNED, ALIGNED.index("@"))
    title = block.field("title")
    assert title is not None
    with pytest.raises(ValueError):
        apply_edits(ALIGNED, [replace_value(title, "{x}"), replace_value(title, "{y}")])


def test_values_from_a_service_are_written_safely() -> None:
    assert bibtex_text("Q&A: 100% of $5 #1 a_b") == r"Q\&A: 100\% of \$5 \#1 a\_b"
    assert bibtex_text("Jürgen", ascii_only=True) == '{\\"u}'.join(["J", "rgen"])
    assert bibtex_text("Jürgen") == "Jürgen"  # a UTF-8 file keeps UTF-8
    assert bibtex_text('say "hi"', quoted=True) == 'say {"}hi{"}'
    for unsafe in ("<i>E. coli</i>", "a {b}", "x \\y", "", "snow ☃"):
        assert bibtex_text(unsafe, ascii_only=True) is None, unsafe


def test_changed_fields_sees_exactly_what_an_edit_changed(tmp_path: Path) -> None:
    block = read_entry(ALIGNED, ALIGNED.index("@"))
    title = block.field("title")
    assert title is not None
    after = apply_edits(ALIGNED, [replace_value(title, "{New}")])
    path = tmp_path / "refs.bib"
    assert changed_fields(path, ALIGNED, after, BIBTEX) == [("a", {"title": "{New}"})]
    assert changed_fields(path, ALIGNED, ALIGNED.replace("{J}", "{K}"), BIBTEX) is None
    assert changed_fields(path, ALIGNED, ALIGNED.replace("@article{a", "@book{a"), BIBTEX) is None


def test_a_byte_order_mark_and_latin1_are_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes(b"\xef\xbb\xbf@misc{k, title={\xc3\xa9}}\n")
    source = read_source(path)
    assert (
        source.utf8
        and source.text.startswith("@")
        and source.encode(source.text) == (path.read_bytes())
    )
    path.write_bytes(b"@misc{k, title={\xe9}}\n")
    assert not read_source(path).utf8


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('@{}(),="#%\n abkxyz0123\\')), max_size=120))
def test_any_text_reads_as_an_entry_or_says_why(text: str) -> None:
    for start in [i for i, c in enumerate(text) if c == "@"] or [0]:
        try:
            block = read_entry(text, start)
        except BibSyntaxError:
            continue
        assert start <= block.key_end <= block.close < len(text)
        for item in block.fields:
            assert start < item.start < item.name_end < item.value_start < item.value_end
            assert item.value_end <= block.close
        if block.fields:  # removing a field touches nothing outside the entry
            removed = apply_edits(text, [remove_field(block, block.fields[-1])])
            assert removed.startswith(text[: block.fields[-1].start - 1][:start])
            assert removed.endswith(text[block.close :])
