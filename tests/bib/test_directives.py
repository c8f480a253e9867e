"""`% galcli-ignore:` lines above .bib entries (galcli/bib/directives.py)."""

from __future__ import annotations

from galcli.bib.directives import EntryIgnore, ignored_entries, ignored_kinds

BIB = """% galcli-ignore: missing_field
@article{a,
  title={x}}

% galcli-ignore: unused_entry, duplicate_field
% kept for the appendix
@book{b, title={y},
  year=1}
% galcli-ignore: unused_entry

@misc{c}
% galcli-ignore: unused_entry
@string{j = {J}}
@misc{d}
"""


def test_a_comment_run_directly_above_an_entry_names_its_lines() -> None:
    assert ignored_entries(BIB) == [
        EntryIgnore(1, 2, 3, ("missing_field",)),
        EntryIgnore(5, 7, 8, ("unused_entry", "duplicate_field")),
    ]  # a blank line or an @string between comment and entry: not that entry's


def test_kinds_as_written() -> None:
    assert ignored_kinds(" galcli-ignore:unused_entry ,  missing_field trailing") == (
        "unused_entry",
        "missing_field",
    )
    assert ignored_kinds(" galcli-ignore unused_entry") == ()
