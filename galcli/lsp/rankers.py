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
        # main -> (the analysis, its ranker, the embedding search it was built with)
        self.built: dict[Path, tuple[Analysis, ContextRanker | None, Search | None]] = {}
        # main -> (what its entries say, the embedding search made for them)
        self.dense: dict[Path, tuple[int, Search | None]] = {}
        self.warming: set[Path] = set()  # mains whose embeddings are being made
        self.said: dict[Path, tuple[Analysis, int]] = {}  # main -> its entries' signature

    def of(self, analysis: Analysis) -> ContextRanker | None:
        """The context ranker for `analysis` (built on first use, again after each check)."""
        main = real_path(analysis.main)
        similar = self._dense(analysis)
        with self.lock:
            cached = self.built.get(main)
            # a ranker built before the embeddings (or newer ones) were ready is built again
            if cached is not None and cached[0] is analysis and cached[2] is similar:
                return cached[1]
        built = ranker_for(analysis, similar)
        with self.lock:
            self.built[main] = (analysis, built, similar)
        return built

    def _dense(self, analysis: Analysis) -> Search | None:
        """Sentence-embedding search over the project's entries: the one made for them once it
        is ready. While they change (a .bib being edited) the last one made serves, and one
        new one is made at a time, for the entries as they are when it starts."""
        if not self.session.settings.editor.embeddings or not analysis.entries:
            return None
        main = real_path(analysis.main)
        entries = list(analysis.entries.values())
        known = self.said.get(main)
        if known is None or known[0] is not analysis:  # once per check, not per completion
            said = hash(tuple((e.key, e.get("title"), e.get("abstract")) for e in entries))
            known = self.said[main] = (analysis, said)
        said = known[1]
        with self.lock:
            made = self.dense.get(main)
            if (made is not None and made[0] == said) or main in self.warming:
                return made[1] if made is not None else None
            self.warming.add(main)
        threading.Thread(
            target=self._warm, args=(main, said, entries), name="galcli-embed", daemon=True
        ).start()
        return made[1] if made is not None else None

    def _warm(self, main: Path, said: int, entries: list) -> None:
        session = self.session
        started = time.perf_counter()
        try:
            search = dense_search(entries)
        except Exception as exc:  # noqa: BLE001 - completion goes on without embeddings
            session.loop.call_soon_threadsafe(session.failed, "sentence embeddings", exc)
            search = None
        with self.lock:
            self.dense[main] = (said, search)
            self.warming.discard(main)
        took = time.perf_counter() - started
        outcome = f"ready for {len(entries)} entries" if search else "not installed: BM25 alone"
        message = f"sentence embeddings {outcome} ({took:.1f} s)"
        session.log_threadsafe(message, types.MessageType.Info)
