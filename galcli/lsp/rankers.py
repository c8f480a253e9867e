"""The context rankers completion and the placeholder actions use, one per project: built on
first use and again after each check (the document's citing sentences change), with sentence
embeddings once they are ready (built in the background the first time a .bib is seen:
embedding a new bibliography takes seconds to minutes, and completion never waits for it)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from galcli.tasks.editor import Analysis, real_path
from galcli.tasks.editor_cite import dense_search, ranker_for

if TYPE_CHECKING:
    from galcli.lsp.session import Session
    from galcli.retrieve.context import ContextRanker, Search


class Rankers:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.lock = threading.Lock()
        # main -> (the analysis, its ranker, whether it has the embeddings)
        self.built: dict[Path, tuple[Analysis, ContextRanker | None, bool]] = {}
        self.dense: dict[tuple[str, ...], Search | None] = {}
        self.warming: set[tuple[str, ...]] = set()

    def of(self, analysis: Analysis) -> ContextRanker | None:
        """The context ranker for `analysis` (built on first use, again after each check)."""
        main = real_path(analysis.main)
        similar = self._dense(analysis)
        with self.lock:
            cached = self.built.get(main)
            # a ranker built while the embeddings were made lacks them: built again
            if cached is not None and cached[0] is analysis and cached[2] == (similar is not None):
                return cached[1]
        built = ranker_for(analysis, similar)
        with self.lock:
            self.built[main] = (analysis, built, similar is not None)
        return built

    def _dense(self, analysis: Analysis) -> Search | None:
        """Sentence-embedding search over the entries once it is ready; until then None, and
        the first call starts building it."""
        if not self.session.settings.editor.embeddings or not analysis.entries:
            return None
        key = tuple(sorted(analysis.entries))
        with self.lock:
            if key in self.dense:
                return self.dense[key]
            if key in self.warming:
                return None
            self.warming.add(key)
        entries = list(analysis.entries.values())
        threading.Thread(
            target=self._warm, args=(key, entries), name="galcli-embed", daemon=True
        ).start()
        return None

    def _warm(self, key: tuple[str, ...], entries: list) -> None:
        session = self.session
        started = time.perf_counter()
        try:
            search = dense_search(entries)
        except Exception as exc:  # noqa: BLE001 - completion goes on without embeddings
            session.loop.call_soon_threadsafe(session.failed, "sentence embeddings", exc)
            search = None
        with self.lock:
            self.dense[key] = search
            self.warming.discard(key)
        took = time.perf_counter() - started
        said = f"ready for {len(entries)} entries" if search else "not installed: BM25 alone"
        session.log_threadsafe(f"sentence embeddings {said} ({took:.1f} s)", types.MessageType.Info)
