"""bench/cite.py: recall@5 of `galcli cite` on real papers, against plain BM25 in the same run.

From each paper in ../shared/corpora/latex, every sentence that cites is taken, its \\cite
commands are removed, and the pipeline is asked for 5 keys from the paper's own .bib.
recall@5 = mean over sentences of |true keys in the top 5| / |true keys|.

  * plain BM25: bm25s with its defaults (English stopwords, no stemming) over each entry's title,
    abstract, keywords and authors, as written in the .bib;
  * galcli retrieval: galcli's BM25 index (LaTeX decoded, accents folded, stemmed, title weighted);
  * galcli default: retrieval fused with the model's proposals (slow: the model runs per sentence;
    `--model-sample N` limits it to N sentences per paper, compared on the same sentences).

    python bench/cite.py [--model-sample 40] [--no-model]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass

from common import CORPORA

from galcli.bib.entries import BIBER, BIBTEX, first_definitions, parse_bib
from galcli.bib.normalize import latex_to_text
from galcli.verify.latex_project import scan_project
from galcli.verify.latex_scan import mask

PAPERS = {
    "sympy": ("sympy_peerj2017/paper.tex", BIBTEX),
    "scipy": ("scipy_1.0_natmeth2020/paper.tex", BIBTEX),
    "simoulin": ("simoulin_phd_thesis_biblatex/main.tex", BIBER),
    "mobley": ("mobley_benchmarksets_perpetual_review/benchmarkset.tex", BIBTEX),
}
_CITE = re.compile(r"~?\\[A-Za-z]*cite[A-Za-z]*\*?(\s*\[[^\]]*\]){0,2}\s*\{([^{}]*)\}")
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z\\])|\n\s*\n")


@dataclass
class Case:
    paper: str
    text: str
    gold: set[str]


def sentences(paper: str) -> tuple[list[Case], list]:
    main, dialect = PAPERS[paper]
    path = CORPORA / "latex" / main
    project = scan_project(path)
    bibs = [parse_bib(r.resolved, dialect=dialect) for r in project.bibliographies if r.resolved]
    defined, _ = first_definitions(bibs)
    cases: list[Case] = []
    for file in project.files:
        text = mask(file.read_text(encoding="utf-8"))
        for chunk in _BOUNDARY.split(text):
            keys = [k.strip() for m in _CITE.finditer(chunk) for k in m.group(2).split(",")]
            gold = {k for k in keys if k in defined}
            if not gold:
                continue
            prose = latex_to_text(_CITE.sub(" ", chunk))
            prose = " ".join(re.sub(r"\[[^\]]*\]|[{}\\]", " ", prose).split())
            if len(prose.split()) >= 5:
                cases.append(Case(paper, prose, gold))
    return cases, list(defined.values())


def plain_bm25(entries: list) -> object:
    import bm25s

    corpus = [
        " ".join(e.get(f) for f in ("title", "abstract", "keywords", "author")) for e in entries
    ]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
    )

    def search(query: str, k: int) -> list[str]:
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False, return_ids=False)
        if not tokens[0]:
            return []
        documents, scores = retriever.retrieve(tokens, k=min(k, len(entries)), show_progress=False)
        return [entries[int(i)].key for i, s in zip(documents[0], scores[0], strict=False) if s > 0]

    return search


def recall(ranked: list[str], gold: set[str], k: int = 5) -> float:
    return len(set(ranked[:k]) & gold) / len(gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="skip the model run")
    parser.add_argument(
        "--model-sample", type=int, default=40, help="sentences per paper for the model run"
    )
    parser.add_argument(
        "--model", default=None, help="model for the default run (default: embedded)"
    )
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit("bench/cite.py needs ../shared/corpora")
    from galcli.tasks.cite import Citer, CiteRequest

    backend = None
    if not args.no_model:
        from galcli.model.base import GenerationParams
        from galcli.model.registry import load_backend
        from galcli.settings import load_settings

        backend = load_backend(load_settings({"model": args.model, "log": False}))
        params = GenerationParams(max_new_tokens=48)
    rows = []
    totals: dict[str, list[float]] = {
        "plain": [],
        "galcli": [],
        "sample plain": [],
        "sample galcli": [],
        "sample default": [],
    }
    for paper in PAPERS:
        cases, entries = sentences(paper)
        plain = plain_bm25(entries)
        citer = Citer(entries)
        plain_scores = [recall(plain(c.text, 5), c.gold) for c in cases]
        ours = [
            recall([s.key for s in citer.suggest(CiteRequest(c.text, k=5)).suggestions], c.gold)
            for c in cases
        ]
        totals["plain"] += plain_scores
        totals["galcli"] += ours
        row = [
            paper,
            len(cases),
            len(entries),
            statistics.mean(plain_scores),
            statistics.mean(ours),
        ]
        if backend is not None:
            sample = cases[: args.model_sample]
            with_model = Citer(entries, backend)
            started = time.perf_counter()
            fused = [
                recall(
                    [
                        s.key
                        for s in with_model.suggest(
                            CiteRequest(c.text, k=5, params=params)
                        ).suggestions
                    ],
                    c.gold,
                )
                for c in sample
            ]
            seconds = (time.perf_counter() - started) / max(len(sample), 1)
            totals["sample plain"] += plain_scores[: len(sample)]
            totals["sample galcli"] += ours[: len(sample)]
            totals["sample default"] += fused
            row += [
                len(sample),
                statistics.mean(plain_scores[: len(sample)]),
                statistics.mean(fused),
                seconds,
            ]
        rows.append(row)
    print("\n## recall@5 of cite suggestions (sentences that cite, their own .bib)")
    for row in rows:
        line = (
            f"  {row[0]:<9} {row[1]:>4} sentences, {row[2]:>3} entries: plain BM25 {row[3]:.3f}, "
            f"galcli retrieval {row[4]:.3f}"
        )
        if len(row) > 5:
            line += (
                f"; on {row[5]} sentences: plain {row[6]:.3f}, galcli default (with {backend.model_id}) "
                f"{row[7]:.3f}, {row[8]:.1f} s/sentence"
            )
        print(line)
    print(
        f"  all: plain BM25 {statistics.mean(totals['plain']):.3f}, galcli retrieval "
        f"{statistics.mean(totals['galcli']):.3f} "
        f"(+{100 * (statistics.mean(totals['galcli']) - statistics.mean(totals['plain'])):.1f} points)"
    )
    if backend is not None:
        print(
            f"  model sample: plain BM25 {statistics.mean(totals['sample plain']):.3f}, galcli retrieval "
            f"{statistics.mean(totals['sample galcli']):.3f}, galcli default "
            f"{statistics.mean(totals['sample default']):.3f}"
        )


if __name__ == "__main__":
    main()
