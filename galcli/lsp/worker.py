"""A daemon thread that runs jobs in order: the server's checks and its answers run on two of
them, so the protocol's event loop never waits, and `exit` never waits for a long scan."""

from __future__ import annotations

import contextlib
import importlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class Worker:
    """One daemon thread that runs jobs in the order they come."""

    def __init__(self, name: str) -> None:
        self.jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def submit(self, job: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self.jobs.put((job, future))
        return future

    def _run(self) -> None:
        while True:
            job, future = self.jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                future.set_exception(exc)


# The extension modules the server's threads import on first use (BM25, fuzzy matching, sentence
# embeddings). Two threads importing numpy at once can each meet the other's half-initialised
# module ("ImportError: cannot import name … from partially initialized module"): bench/lsp.py
# met it when the embeddings thread and a completion started together, and completion went on
# without embeddings, or without answers. So they are imported first, on the checker's thread,
# before any check: every request waits for its project's first check (session.py).
SHARED_IMPORTS = (
    "numpy",
    "scipy.sparse",
    "bm25s",
    "rapidfuzz.process",
    "rapidfuzz.distance",
    "onnxruntime",
    "tokenizers",
)


def preload() -> None:
    """Import SHARED_IMPORTS (those installed) on this thread."""
    for name in SHARED_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
