"""The one cache of parsed .bib files (galcli/bib/cache.py): JSON, checked on read, rebuilt
when it is damaged or foreign, never executed."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from galcli.bib import cache
from galcli.bib.entries import BIBTEX
from galcli.bib.load import load

LATIN = b"@article{a, title={Caf\xe9}}\n@article{a, title={Again}}\n"


@pytest.fixture
def bib(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("GALCLI_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    path.write_bytes(LATIN)
    return path


def no_parse(*args, **kwargs):
    raise AssertionError("parsed again")


def test_a_parse_is_cached_by_content_with_its_problems(bib: Path, monkeypatch) -> None:
    first = load([bib])
    assert list(first.entries) == ["a"]
    assert sorted(p.kind for p in first.problems) == ["bib_encoding", "duplicate_key"]
    (saved,) = (bib.parent / "cache" / "bib").glob("*.json")
    identity, payload = saved.read_text(encoding="utf-8").splitlines()
    assert json.loads(identity)["dialect"] == BIBTEX and json.loads(payload)["path"] == str(bib)
    with monkeypatch.context() as patch:
        patch.setattr(cache, "parse_bib", no_parse)
        again = load([bib])
    assert again.entries == first.entries and again.problems == first.problems
    bib.write_text("@article{b, title={New}}\n", encoding="utf-8")
    os.utime(bib, ns=(1, 1))  # even with an old mtime: the bytes decide
    assert list(load([bib]).entries) == ["b"]


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # cut off
        b"\x80\x04not json at all",  # a pickle's first bytes
        b'{"format": 3}\n{"path": 1}\n',  # foreign JSON
        b"[]\n[]\n",
    ],
)
def test_a_damaged_or_foreign_cache_file_is_parsed_again(bib: Path, damage: bytes) -> None:
    first = load([bib])
    (saved,) = (bib.parent / "cache" / "bib").glob("*.json")
    saved.write_bytes(damage)
    assert load([bib]).entries == first.entries
    assert saved.read_bytes() != damage  # rewritten as a good cache file


def test_the_payload_is_validated_not_trusted(bib: Path) -> None:
    """A cache file with the right identity line but entries of the wrong shape is rebuilt."""
    first = load([bib])
    (saved,) = (bib.parent / "cache" / "bib").glob("*.json")
    identity, payload = saved.read_text(encoding="utf-8").splitlines()
    bad = json.loads(payload)
    bad["entries"][0][3] = {"title": ["not", "a", "string"]}
    saved.write_text(identity + "\n" + json.dumps(bad), encoding="utf-8")
    assert load([bib]).entries == first.entries


class _Exploit:
    def __reduce__(self):
        return (os.system, ("touch EXPLOITED",))


def test_a_pickle_in_the_cache_is_never_executed(bib: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = load([bib])
    (saved,) = (bib.parent / "cache" / "bib").glob("*.json")
    identity = saved.read_text(encoding="utf-8").splitlines()[0]
    saved.write_bytes(identity.encode() + b"\n" + pickle.dumps(_Exploit()))
    assert load([bib]).entries == first.entries
    assert not (tmp_path / "EXPLOITED").exists()
    # and the pickles an older galcli wrote next to it are never read
    (saved.parent / "0123.pickle").write_bytes(pickle.dumps(_Exploit()))
    assert load([bib]).entries == first.entries
    assert not (tmp_path / "EXPLOITED").exists()


def test_a_read_only_cache_costs_only_the_parse(bib: Path, tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "bib").write_text("a file where the folder should be")
    assert list(load([bib]).entries) == ["a"]
