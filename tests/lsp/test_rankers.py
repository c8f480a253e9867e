"""Completion's rankers: built on first use, and built again once the sentence embeddings of
the .bib are ready (they are made in the background; completion never waits for them)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("lsprotocol")

from galcli.lsp import rankers  # noqa: E402
from galcli.lsp.settings import ServerSettings  # noqa: E402
from galcli.tasks.editor import analyse  # noqa: E402


def test_a_ranker_built_before_the_embeddings_are_ready_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = tmp_path / "main.tex"
    main.write_text("\\documentclass{article}\n\\cite{a}\n\\bibliography{refs}\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@misc{a, title={Alpha}}\n", encoding="utf-8")
    analysis = analyse(main, {})
    release = threading.Event()

    def similar(query: str, k: int) -> list:
        return []

    def slow_embeddings(entries: list) -> object:
        release.wait(10)
        return similar

    said: list[str] = []
    original = rankers.ranker_for

    def ranker_built_while_the_embeddings_finish(analysis, similar):  # type: ignore[no-untyped-def]
        release.set()
        for _ in range(500):
            if said:
                break
            time.sleep(0.01)
        return original(analysis, similar)

    monkeypatch.setattr(rankers, "dense_search", slow_embeddings)
    monkeypatch.setattr(rankers, "ranker_for", ranker_built_while_the_embeddings_finish)
    session = SimpleNamespace(
        settings=ServerSettings(),
        loop=SimpleNamespace(call_soon_threadsafe=lambda f, *a: f(*a)),
        log_threadsafe=lambda message, kind: said.append(message),
        failed=lambda what, exc: said.append(f"{what}: {exc}"),
    )
    built = rankers.Rankers(session)  # type: ignore[arg-type]
    lexical = built.of(analysis)  # the embeddings got ready while it was built
    assert lexical is not None and lexical.similar is None
    assert said and said[0].startswith("sentence embeddings ready for 1 entries")
    dense = built.of(analysis)
    assert dense is not lexical and dense is not None and dense.similar is similar
    assert built.of(analysis) is dense


def test_a_bib_being_edited_starts_one_embedding_at_a_time_and_keeps_the_last_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = tmp_path / "main.tex"
    main.write_text("\\documentclass{article}\n\\cite{a}\n\\bibliography{refs}\n", encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={Alpha}}\n", encoding="utf-8")
    release = threading.Event()
    made: list[list[str]] = []

    def slow_embeddings(entries: list) -> object:
        made.append([e.key for e in entries])
        number = len(made)
        release.wait(10)
        return lambda query, k: [f"search {number}"]

    monkeypatch.setattr(rankers, "dense_search", slow_embeddings)
    said: list[str] = []
    session = SimpleNamespace(
        settings=ServerSettings(),
        loop=SimpleNamespace(call_soon_threadsafe=lambda f, *a: f(*a)),
        log_threadsafe=lambda message, kind: said.append(message),
        failed=lambda what, exc: said.append(f"{what}: {exc}"),
    )
    built = rankers.Rankers(session)  # type: ignore[arg-type]
    assert built._dense(analyse(main, {})) is None  # the first one starts
    for typed in ("b", "bo", "boo"):  # keys typed into the .bib while it is made
        edited = bib.read_text() + f"@misc{{{typed}, title={{Beta}}}}\n"
        assert built._dense(analyse(main, {bib.resolve(): edited})) is None
    release.set()
    for _ in range(500):
        if said:
            break
        time.sleep(0.01)
    assert made == [["a"]]  # one at a time: no thread for each key typed
    edited = analyse(main, {bib.resolve(): bib.read_text() + "@misc{boo, title={Beta}}\n"})
    first = built._dense(edited)  # the entries changed: the last search serves meanwhile
    assert first is not None and first("x", 1) == ["search 1"]
    for _ in range(500):
        if len(said) == 2:
            break
        time.sleep(0.01)
    assert made == [["a"], ["a", "boo"]]
    newer = built._dense(edited)
    assert newer is not None and newer("x", 1) == ["search 2"]
    assert built._dense(edited) is newer  # made once for these entries
