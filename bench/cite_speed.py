"""bench/cite_speed.py: `galcli cite SENTENCE -b BIB --no-model` on a 1,000-entry .bib.

The .bib is the four corpus bibliographies together (1,034 entries). Measured in the same run:

  * galcli cite --no-model, first run (empty cache: entry vectors computed; the ONNX export too
    unless --keep-export) and warm (median of --repeat runs, interleaved with the baselines);
  * the same with GALCLI_NO_EMBEDDINGS=1: BM25 alone, i.e. what retrieval costs without the
    embedder;
  * `python -c "import typer"`: the floor of any Typer command;
  * in one process: where a warm run's time goes (bibliography, BM25 index, embedder).

    python bench/cite_speed.py [--repeat 5] [--keep-export]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import CORPORA, galcli_command, report, time_command, time_commands

SENTENCE = "Free energy calculations predict binding affinities of host-guest systems"
BIBS = (
    "latex/sympy_peerj2017/paper.bib",
    "latex/scipy_1.0_natmeth2020/references.bib",
    "latex/simoulin_phd_thesis_biblatex/main.bib",
    "bib_abstracts/benchmarkset.bib",
)


def breakdown(bib: Path) -> list[tuple[str, float, str]]:
    from galcli.bib.load import load
    from galcli.retrieve import embeddings
    from galcli.retrieve.bm25 import BM25Index

    rows = []
    started = time.perf_counter()
    entries = list(load([bib]).entries.values())
    rows.append((f"in-process: load {len(entries)} entries", time.perf_counter() - started, "s"))
    started = time.perf_counter()
    BM25Index(entries)
    rows.append(("in-process: BM25 index", time.perf_counter() - started, "s"))
    started = time.perf_counter()
    embedder = embeddings.embedder()
    if embedder is not None and embedder.ready():
        rows.append(("in-process: onnxruntime graph loaded", time.perf_counter() - started, "s"))
        started = time.perf_counter()
        embedder.embed_entries(entries)
        rows.append(("in-process: cached entry vectors", time.perf_counter() - started, "s"))
        started = time.perf_counter()
        embedder.embed([SENTENCE])
        rows.append(("in-process: query vector", time.perf_counter() - started, "s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep-export",
        action="store_true",
        help="copy the ONNX graph from your cache (the first run then only embeds the entries)",
    )
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit("bench/cite_speed.py needs ../shared/corpora")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        bib = work / "big.bib"
        bib.write_text(
            "\n".join((CORPORA / p).read_text(encoding="utf-8") for p in BIBS), encoding="utf-8"
        )
        from galcli import paths

        cache = work / "cache"
        if args.keep_export:
            for graph in (paths.cache_dir() / "embeddings").glob("*.onnx"):
                (cache / "embeddings").mkdir(parents=True, exist_ok=True)
                shutil.copy(graph, cache / "embeddings")
        os.environ.update({"GALCLI_CACHE_DIR": str(cache), "GALCLI_NO_LOG": "1"})
        cite = galcli_command("cite", SENTENCE, "-b", str(bib), "--no-model", "-q")
        first = time_command(cite, repeat=1)
        warm = time_commands(
            {"cite": cite, "typer": [sys.executable, "-c", "import typer"]}, repeat=args.repeat
        )
        bm25 = time_commands({"bm25": cite}, repeat=args.repeat, env={"GALCLI_NO_EMBEDDINGS": "1"})
        rows = [
            ("galcli cite --no-model, first run", first, "s"),
            ("galcli cite --no-model, warm", warm["cite"], "s"),
            ("same, BM25 alone (GALCLI_NO_EMBEDDINGS=1)", bm25["bm25"], "s"),
            ('python -c "import typer"', warm["typer"], "s"),
            *breakdown(bib),
        ]
        report(
            "cite --no-model on a 1,034-entry .bib (medians; load-sensitive: read the ratios)",
            rows,
            [
                ("warm cite / BM25 alone", warm["cite"] / bm25["bm25"], "close to 1"),
                ("warm cite / import typer", warm["cite"] / warm["typer"], "as low as possible"),
            ],
        )


if __name__ == "__main__":
    main()
