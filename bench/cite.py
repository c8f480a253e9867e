"""bench/cite.py: how well `galcli cite` finds the keys a real paper cites, against plain BM25.

Hidden-citation recovery (`cite --tex`): in a copy of each paper in ../shared/corpora/latex,
the keys of 30 randomly chosen cite commands (fixed seed) are replaced with `?`; galcli fills
the placeholders from their context; a hit is a hidden key among the 5 suggestions. Baseline,
same placeholders, same run: plain BM25 (bm25s, defaults, over each entry's title, abstract,
keywords and authors as written) on the placeholder's sentence alone.

Sentence-only (`cite --batch`): every sentence that cites, cite commands removed; recall@5.

Relevance floor: the same placeholders with their true entries removed from the .bib; how often
anything is still printed (noise), and how many placeholders with their entries present the
floor silences.

Model: the same placeholders with a model (`--model NAME`, default the embedded one), scoring
path and/or generative proposals, against --no-model on the same placeholders.

    python bench/cite.py [--model-sample 10] [--no-model] [--corpora PATH] [--papers JSON]

`--papers JSON` measures other papers instead (ones the weights in retrieve/context.py were
not chosen on): a JSON object mapping a name to {"main": "path/to/main.tex", "dialect":
"bibtex" or "biber"}, each main path relative to the JSON file's folder joined with the name.
bench/heldout_papers.json names the six papers (repository and commit) used that way: clone
each into a folder named after its key next to a copy of that file and pass the copy.

The machine is shared (2 cores, 8 engineers): times are as measured, noisy.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from common import CORPORA

from galcli.bib.entries import BIBER, BIBTEX
from galcli.bib.load import load as load_bib
from galcli.bib.normalize import latex_to_text
from galcli.latex.project import scan_project
from galcli.latex.texlex import mask

PAPERS = {
    "sympy": ("sympy_peerj2017", "paper.tex", BIBTEX),
    "scipy": ("scipy_1.0_natmeth2020", "paper.tex", BIBTEX),
    "simoulin": ("simoulin_phd_thesis_biblatex", "main.tex", BIBER),
    "mobley": ("mobley_benchmarksets_perpetual_review", "benchmarkset.tex", BIBTEX),
}
HIDDEN = 30
SEED = 17
_CITE = re.compile(r"~?\\[A-Za-z]*cite[A-Za-z]*\*?(\s*\[[^\]]*\]){0,2}\s*\{([^{}]*)\}")
_COMMAND = re.compile(
    r"\\(?P<name>[A-Za-z]*cite[A-Za-z]*)\*?(?:\s*\[[^\]]*\]){0,2}\s*\{(?P<keys>[^{}\\]*)\}"
)
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z\\])|\n\s*\n")


@dataclass
class Hidden:
    file: Path
    line: int
    gold: set[str]


def use_papers(listing: Path) -> None:
    """Measure the papers of `listing` (see the module's docstring) instead of the corpus's."""
    import json

    PAPERS.clear()
    for name, paper in json.loads(listing.read_text(encoding="utf-8")).items():
        dialect = BIBER if paper.get("dialect") == "biber" else BIBTEX
        PAPERS[name] = (str(listing.parent.resolve() / name), paper["main"], dialect)


def load(corpora: Path, paper: str) -> tuple[Path, list]:
    folder, main, dialect = PAPERS[paper]
    path = corpora / "latex" / folder / main  # an absolute folder (--papers) stays as it is
    project = scan_project(path)
    bibliography = load_bib([r.resolved for r in project.bibliographies if r.resolved], dialect)
    return path, list(bibliography.entries.values())


def hide(corpora: Path, paper: str, into: Path, entries: list) -> tuple[Path, list[Hidden]]:
    """A copy of the paper with HIDDEN random cite commands' keys replaced by `?`."""
    folder, main, _ = PAPERS[paper]
    copy = into / Path(folder).name  # never the paper itself, even for an absolute folder
    shutil.copytree(corpora / "latex" / folder, copy)
    project = scan_project(copy / main)
    defined = {e.key for e in entries}
    commands = []
    for file in project.files:
        text = file.read_bytes().decode("utf-8")
        for match in _COMMAND.finditer(mask(text)):
            keys = {k.strip() for k in match["keys"].split(",")} & defined
            if keys and match["name"] != "nocite":
                commands.append((file, match.span("keys"), keys))
    chosen = random.Random(f"{SEED}-{paper}").sample(commands, min(HIDDEN, len(commands)))
    hidden = []
    for file in {c[0] for c in chosen}:
        text = file.read_bytes().decode("utf-8")
        mine = sorted((c for c in chosen if c[0] == file), key=lambda c: c[1][0])
        shift = 0  # a key list over several lines becomes one "?": later lines move up
        for _, (start, end), keys in mine:
            start, end = start - shift, end - shift
            text = text[:start] + "?" + text[end:]
            shift += end - start - 1
            hidden.append(Hidden(file, text.count("\n", 0, start) + 1, keys))
        file.write_bytes(text.encode("utf-8"))
    return copy / main, hidden


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


def hit(ranked: list[str], gold: set[str], k: int = 5) -> float:
    return float(bool(set(ranked[:k]) & gold))


def recall(ranked: list[str], gold: set[str], k: int = 5) -> float:
    return len(set(ranked[:k]) & gold) / len(gold)


def sentence_cases(main: Path, entries: list) -> list[tuple[str, set[str]]]:
    defined = {e.key for e in entries}
    cases = []
    for file in scan_project(main).files:
        text = mask(file.read_text(encoding="utf-8"))
        for chunk in _BOUNDARY.split(text):
            keys = [k.strip() for m in _CITE.finditer(chunk) for k in m.group(2).split(",")]
            gold = {k for k in keys if k in defined}
            if not gold:
                continue
            prose = latex_to_text(_CITE.sub(" ", chunk))
            prose = " ".join(re.sub(r"\[[^\]]*\]|[{}\\]", " ", prose).split())
            if len(prose.split()) >= 5:
                cases.append((prose, gold))
    return cases


def run_tex(main: Path, citer_for, cite_request, bib: tuple[Path, ...] = ()):
    from galcli.tasks.cite_tex import TexCiteRequest, cite_tex

    started = time.perf_counter()
    result = cite_tex(TexCiteRequest(main, bib=bib, cite=cite_request), citer_for)
    return result, time.perf_counter() - started


def matched(result, hidden: list[Hidden]) -> list[tuple[list[str], str, set[str]]]:
    """(suggested keys, sentence, gold) for each hidden command, found by file and line."""
    rows = []
    for h in hidden:
        for p in result.placeholders:
            if p.placeholder.file == h.file and p.placeholder.line == h.line:
                rows.append(
                    ([s.key for s in p.result.suggestions], p.placeholder.context.sentence, h.gold)
                )
                break
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="skip the model runs")
    parser.add_argument("--model-sample", type=int, default=10, help="placeholders per paper")
    parser.add_argument("--model", default=None, help="model to measure (default: embedded)")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--papers", type=Path, help="other papers to measure (see above)")
    parser.add_argument(
        "--lexical", dest="dense", action="store_false", help="BM25 alone, no sentence embeddings"
    )
    parser.add_argument(
        "--variants", default="score,generate", help="model variants: score, generate, both"
    )
    args = parser.parse_args()
    if args.papers:
        use_papers(args.papers)
    corpora = args.corpora if args.corpora.is_dir() else Path("/work/shared/corpora")
    if not corpora.is_dir():
        sys.exit("bench/cite.py needs ../shared/corpora (or --corpora PATH)")
    from galcli.tasks.cite import FLOOR, Citer, CiteRequest

    request = CiteRequest("", k=5, floor=0.0)
    floored = CiteRequest("", k=5, floor=FLOOR)
    totals: dict[str, list[float]] = {}

    def add(name: str, values: list[float]) -> float:
        totals.setdefault(name, []).extend(values)
        return statistics.mean(values) if values else float("nan")

    backend = None
    if not args.no_model:
        from galcli.model.registry import load_backend
        from galcli.settings import load_settings

        backend = load_backend(load_settings({"model": args.model, "log": False}))
    print(f"## hidden-citation recovery, {HIDDEN} cite commands per paper (seed {SEED}), hit@5")
    with tempfile.TemporaryDirectory() as scratch:
        for paper in PAPERS:
            main_path, entries = load(corpora, paper)
            copy, hidden = hide(corpora, paper, Path(scratch) / paper, entries)
            plain = plain_bm25(entries)
            result, seconds = run_tex(copy, lambda e: Citer(e, dense=args.dense), request)
            rows = matched(result, hidden)
            ours = add("tex galcli", [hit(keys, gold) for keys, _, gold in rows])
            base = add("tex plain", [hit(plain(s, 5), gold) for _, s, gold in rows])
            sentence_only = add(
                "tex galcli sentence",
                [
                    hit(
                        [
                            s.key
                            for s in Citer(entries, dense=args.dense)
                            .suggest(replace(request, text=s))
                            .suggestions
                        ],
                        gold,
                    )
                    for _, s, gold in rows
                ],
            )
            # Floor: with the entries present, how many placeholders it silences; with every
            # hidden entry removed from the .bib, how many still print something.
            kept, _ = run_tex(copy, lambda e: Citer(e, dense=args.dense), floored)
            silenced = add(
                "floor silenced (true present)",
                [float(not p.result.suggestions) for p in kept.placeholders],
            )
            gold_keys = set().union(*(h.gold for h in hidden))
            without = [e for e in entries if e.key not in gold_keys]
            stripped = Path(scratch) / f"{paper}-stripped.bib"
            _write_bib(stripped, without)
            noise, _ = run_tex(copy, lambda e: Citer(e, dense=args.dense), floored, bib=(stripped,))
            printed = add(
                "floor printed (true removed)",
                [
                    float(bool(p.result.suggestions))
                    for p in noise.placeholders
                    if any(
                        p.placeholder.line == h.line and p.placeholder.file == h.file
                        for h in hidden
                    )
                ],
            )
            add("tex seconds", [seconds])
            print(
                f"  {paper:<9} {len(rows):>2} placeholders, {len(entries):>3} entries: plain BM25 "
                f"(sentence) {base:.3f}, galcli sentence-only {sentence_only:.3f}, galcli --tex "
                f"{ours:.3f} ({100 * (ours - base):+.1f} points); {seconds:.2f} s for all; floor: "
                f"silences {silenced:.2f} with entries present, prints {printed:.2f} with them "
                "removed"
            )
            if backend is not None:
                measure_model(
                    copy, hidden[: args.model_sample], backend, args.dense, add, args.variants
                )
    summary = {name: statistics.mean(values) for name, values in totals.items() if values}
    print(
        f"  all: plain BM25 {summary['tex plain']:.3f}, galcli sentence-only "
        f"{summary['tex galcli sentence']:.3f}, galcli --tex {summary['tex galcli']:.3f} "
        f"({100 * (summary['tex galcli'] - summary['tex plain']):+.1f} points)"
    )
    print(
        f"  floor {FLOOR}: silences {summary['floor silenced (true present)']:.3f} of placeholders "
        f"whose entries exist; prints something for {summary['floor printed (true removed)']:.3f} "
        "of placeholders whose entries were removed"
    )
    for name in ("no-model", "score", "generate", "both"):
        if f"model {name}" in summary:
            seconds = summary[f"model {name} s/placeholder"]
            print(
                f"  model {name}: hit@5 {summary[f'model {name}']:.3f}, {seconds:.2f} s/placeholder"
            )
    print(
        "\n## sentence-only recall@5 (cite --batch: every citing sentence, cite commands removed)"
    )
    plain_all, ours_all = [], []
    for paper in PAPERS:
        main_path, entries = load(corpora, paper)
        cases = sentence_cases(main_path, entries)
        plain = plain_bm25(entries)
        citer = Citer(entries, dense=args.dense)
        p = [recall(plain(t, 5), g) for t, g in cases]
        o = [
            recall([s.key for s in citer.suggest(replace(request, text=t)).suggestions], g)
            for t, g in cases
        ]
        plain_all += p
        ours_all += o
        print(
            f"  {paper:<9} {len(cases):>4} sentences: plain BM25 {statistics.mean(p):.3f}, "
            f"galcli {statistics.mean(o):.3f}"
        )
    print(
        f"  all: plain BM25 {statistics.mean(plain_all):.3f}, "
        f"galcli {statistics.mean(ours_all):.3f}"
    )


def measure_model(copy: Path, sample: list[Hidden], backend, dense: bool, add, wanted: str) -> None:
    """The model's scoring path, its own proposals, and both, against --no-model on the same
    placeholders (same document, same ranker), with the time each takes per placeholder."""
    from galcli.model.base import GenerationParams
    from galcli.tasks.cite import Citer, CiteRequest
    from galcli.tasks.cite_tex import TexCiteRequest, project_bibliography

    document, entries, _, _ = project_bibliography(TexCiteRequest(copy))
    where = {(p.file, p.line): p for p in document.placeholders}
    chosen = [(where[(h.file, h.line)], h.gold) for h in sample if (h.file, h.line) in where]
    params = GenerationParams(max_new_tokens=48)
    variants = {
        "no-model": (None, CiteRequest("", k=5, floor=0.0)),
        "score": (backend, CiteRequest("", k=5, floor=0.0, generate=False, params=params)),
        "generate": (backend, CiteRequest("", k=5, floor=0.0, score=False, params=params)),
        "both": (backend, CiteRequest("", k=5, floor=0.0, params=params)),
    }
    line = []
    for name, (model, request) in variants.items():
        if name != "no-model" and name not in wanted.split(","):
            continue
        citer = Citer(entries, model, dense=dense)
        ranker = citer.ranker(document.citing_sentences, document.cocitations)
        started = time.perf_counter()
        hits = []
        for placeholder, gold in chosen:
            cite = replace(request, text=placeholder.context.sentence)
            result = citer.suggest_in_context(cite, placeholder.context, ranker)
            hits.append(hit([s.key for s in result.suggestions], gold))
        seconds = (time.perf_counter() - started) / max(len(chosen), 1)
        add(f"model {name}", hits)
        add(f"model {name} s/placeholder", [seconds])
        line.append(f"{name} {statistics.mean(hits):.3f} ({seconds:.2f} s)")
    print(f"    model {backend.model_id} on {len(chosen)} placeholders: " + ", ".join(line))


def _write_bib(path: Path, entries: list) -> None:
    blocks = []
    for entry in entries:
        fields = ",\n".join(
            f"  {name} = {{{value}}}"
            for name, value in ((n, entry.get(n)) for n in entry.fields)
            if "{" not in value or value.count("{") == value.count("}")
        )
        blocks.append(f"@{entry.entry_type}{{{entry.key},\n{fields}\n}}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


if __name__ == "__main__":
    main()
