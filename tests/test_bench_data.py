"""The hand-labelled definitions that bench/definitions.py scores against (tests/data and the
held-out sets of bench/data) are well formed: a row the bench cannot read would be skipped or
crash it, and a set whose rows disagree on their paper's commit would score another text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "bench" / "data").glob("heldout*_definitions.jsonl"))
KEYS = {"paper", "file", "equation_line", "symbol", "definition", "also", "split"}
HELDOUT_KEYS = KEYS | {"repo", "commit", "main", "label", "env", "note"}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _place(place: object, keys: frozenset[str] = frozenset({"file", "line"})) -> bool:
    """A place of a definition: its file and 1-based line (the gold one also its phrase)."""
    return (
        isinstance(place, dict)
        and keys <= set(place)
        and isinstance(place["line"], int)
        and place["line"] >= 1
    )


GOLD = frozenset({"file", "line", "phrase"})


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_each_held_out_row_names_its_paper_commit_symbol_and_definition(path: Path) -> None:
    rows = _rows(path)
    split = path.stem.removesuffix("_definitions")
    assert rows
    papers: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        assert HELDOUT_KEYS - {"note"} <= set(row) <= HELDOUT_KEYS, row  # a note is optional
        assert row["split"] == split
        assert re.fullmatch(r"[0-9a-f]{40}", row["commit"]) and "/" in row["repo"]
        assert isinstance(row["equation_line"], int) and row["equation_line"] >= 1
        assert row["symbol"].strip()
        assert row["definition"] is None or _place(row["definition"], GOLD)
        assert all(_place(place) for place in row["also"])
        # one checkout per paper: its rows agree on where it comes from
        source = (row["repo"], row["commit"], row["main"])
        assert papers.setdefault(row["paper"], source) == source
    keys = [(r["paper"], r["file"], r["equation_line"], r["symbol"]) for r in rows]
    assert len(keys) == len(set(keys))  # no symbol of an equation labelled twice


def test_the_corpus_rows_name_their_split() -> None:
    rows = _rows(ROOT / "tests" / "data" / "formula_definitions.jsonl")
    assert {row["split"] for row in rows} == {"tune", "test"}
    assert all(KEYS <= set(row) for row in rows)
    assert all(r["definition"] is None or _place(r["definition"], GOLD) for r in rows)
