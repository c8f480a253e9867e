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
