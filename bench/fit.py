"""bench/fit.py: does `galcli check --fit` find keys swapped for other keys, and at what cost?

In copies of the papers in ../shared/corpora/latex, about one cited key in ten (`SHARE`) is
swapped for another key of the same .bib (seeded: `--seeds`, one copy per seed; the scan
records' key spans are edited, so every cite command and macro the scanner knows can be
hit). Measured on each copy, by the citation's file, line and column:

- recall: swapped keys reported as `citation_misfit` (warnings alone, and with the notes);
- false alarms: the authors' own (unswapped) citations reported;
- suggested: of the swapped keys found, those whose original key is among the suggestions;
- too thin: citations not judged (their entry has too little text);
- seconds: `fit_project` on the copy, first run (sentence embeddings computed) and again
  (read from the cache).

Baseline, same copies, same run: the cited entry ranked below 20 by plain BM25 (bm25s,
defaults, title/abstract/keywords/authors as written) on the citation's sentence alone.

    python bench/fit.py [--papers JSON] [--seeds 1,2,3] [--lexical] [--sweep]

The thresholds of tasks/cite_fit.py were chosen on the four corpus papers (the default run);
the six papers of bench/heldout_papers.json are held out: `--papers JSON` measures them (as
bench/cite.py: clone each at its commit into a folder named after its key, next to a copy of
that file, with each "main" path relative to that folder). `--sweep` also prints recall and
false alarms for other values of the notes' thresholds (tasks/cite_fit.py: SUPPORT);
`--lexical` measures word matching alone (the thresholds for it are its own).

The machine is shared (2 cores): times are as measured, noisy; the first run embeds the
copy's sentences (a new path each time), the second reads them from the cache.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cite import PAPERS, plain_bm25, use_papers
from common import CORPORA

from galcli.bib.load import dialect_of, project_files
from galcli.bib.load import load as load_bib
from galcli.latex.project import scan_project
from galcli.tasks import cite_fit
from galcli.tasks.cite_context import read_document

SHARE = 0.1  # of the citations whose keys are swapped
BASELINE_RANK = 20


@dataclass
class Case:
    swapped: bool
    original: str | None
    verdict: str
    support: int
    candidates: int
    better: tuple[str, ...]
    baseline: bool
    scored: bool = False
    elsewhere: bool = False
    entry_type: str = ""
    others: int = 0  # other citations of the key in the document
    words: int = 0  # in the sentence


@dataclass
class Paper:
    name: str
    cases: list[Case] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    citations: int = 0
    entries: int = 0


def swap(source: Path, main: str, into: Path, seed: int, name: str) -> dict[tuple, str]:
    """A copy of the paper in `into` with SHARE of its citations' keys swapped; returns
    (file, line, column) of each swapped key -> its original key."""
    shutil.copytree(source, into)
    project = scan_project(into / main)
    bibliography = load_bib(project_files(project, ()), dialect_of(project))
    keys = sorted(bibliography.entries)
    texts: dict[str, str] = {}
    eligible = []
    for citation in project.citations:
        if citation.key not in bibliography.entries or citation.command.rstrip("*") == "\\nocite":
            continue
        text = texts.setdefault(citation.file, Path(citation.file).read_text(encoding="utf-8"))
        if text[citation.start : citation.end] == citation.key:  # not a macro's literal key
            eligible.append(citation)
    rng = random.Random(f"{seed}-{name}")
    chosen = rng.sample(eligible, max(1, round(len(eligible) * SHARE)))
    in_command: dict[tuple[str, int], set[str]] = {}
    for citation in eligible:
        in_command.setdefault((citation.file, citation.command_start), set()).add(citation.key)
    swapped = {}
    for citation in sorted(chosen, key=lambda c: (c.file, -c.start)):  # from the end: spans hold
        taken = in_command[(citation.file, citation.command_start)]
        other = rng.choice([k for k in keys if k not in taken])
        text = texts[citation.file]
        texts[citation.file] = text[: citation.start] + other + text[citation.end :]
        swapped[(citation.file, citation.line, citation.column)] = citation.key
    for file, text in texts.items():
        Path(file).write_text(text, encoding="utf-8")
    return swapped


def measure(paper: Paper, main: Path, swapped: dict[tuple, str], dense: bool) -> None:
    project = scan_project(main)
    entries = list(load_bib(project_files(project, ()), dialect_of(project)).entries.values())
    started = time.perf_counter()
    report = cite_fit.fit_project(project, entries, dense=dense)
    paper.cold.append(time.perf_counter() - started)
    started = time.perf_counter()
    cite_fit.fit_project(scan_project(main), entries, dense=dense)
    paper.warm.append(time.perf_counter() - started)
    paper.citations, paper.entries = len(report.fits), len(entries)
    plain = plain_bm25(entries)
    sentences = {
        (c.citation.file, c.citation.line, c.citation.column): c.context.sentence
        for c in read_document(project, every_citation=True).citations
    }
    uses: dict[str, int] = {}
    for fit in report.fits:
        uses[fit.citation.key] = uses.get(fit.citation.key, 0) + 1
    for fit in report.fits:
        where = (fit.citation.file, fit.citation.line, fit.citation.column)
        ranked = plain(sentences[where], BASELINE_RANK)
        paper.cases.append(
            Case(
                where in swapped,
                swapped.get(where),
                fit.verdict,
                fit.support,
                fit.candidates,
                fit.better,
                fit.citation.key not in ranked,
                fit.scored,
                fit.elsewhere,
                fit.entry.entry_type.lower(),
                uses[fit.citation.key] - 1,
                len(sentences[where].split()),
            )
        )


def rates(cases: list[Case], flagged) -> tuple[float, float, float]:
    """(recall, false alarms, share of the found whose original is suggested)."""
    swapped = [c for c in cases if c.swapped]
    own = [c for c in cases if not c.swapped]
    found = [c for c in swapped if flagged(c)]
    suggested = [c for c in found if c.original in c.better]
    return (
        len(found) / max(len(swapped), 1),
        sum(map(flagged, own)) / max(len(own), 1),
        len(suggested) / max(len(found), 1),
    )


def row(name: str, cases: list[Case], cold: list[float], warm: list[float], extra: str) -> str:
    swapped = sum(c.swapped for c in cases)
    thin = sum(c.verdict in (cite_fit.THIN, cite_fit.VAGUE) for c in cases)
    warn = rates(cases, lambda c: c.verdict == cite_fit.MISFIT)
    both = rates(cases, lambda c: c.verdict in (cite_fit.MISFIT, cite_fit.DOUBTFUL))
    base = rates(cases, lambda c: c.baseline)
    return (
        f"| {name:<22} | {len(cases) - swapped:>5} | {swapped:>4} | {thin:>4} | "
        f"{warn[0]:.2f} / {warn[1]:.3f} | {both[0]:.2f} / {both[1]:.3f} | {both[2]:.2f} | "
        f"{base[0]:.2f} / {base[1]:.3f} | {statistics.mean(cold):5.2f} / "
        f"{statistics.mean(warm):5.2f} |{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=Path, help="other papers to measure (see above)")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--seeds", default="1,2,3", help="one swapped copy per seed")
    parser.add_argument("--lexical", dest="dense", action="store_false", help="no embeddings")
    parser.add_argument(
        "--sweep", action="store_true", help="recall and false alarms of other thresholds"
    )
    parser.add_argument("--dump", type=Path, help="write the cases (pickle) for analysis")
    args = parser.parse_args()
    if args.papers:
        use_papers(args.papers)
    corpora = args.corpora if args.corpora.is_dir() else Path("/work/shared/corpora")
    if not args.papers and not corpora.is_dir():
        sys.exit("bench/fit.py needs ../shared/corpora (or --corpora PATH)")
    seeds = [int(s) for s in args.seeds.split(",")]
    papers = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, (folder, main, _) in PAPERS.items():
            paper = Paper(name)
            for seed in seeds:
                copy = Path(scratch) / f"{name}-{seed}"
                swapped = swap(corpora / "latex" / folder, main, copy, seed, name)
                measure(paper, copy / main, swapped, args.dense)
                shutil.rmtree(copy)
            papers.append(paper)
            print(f"  {name}: done", file=sys.stderr)
    print(
        f"\n## check --fit: {SHARE:.0%} of the cited keys swapped for other keys of the .bib, "
        f"seeds {args.seeds}; {'with' if args.dense else 'without'} sentence embeddings; "
        f"{'held out' if args.papers else 'the papers the thresholds were chosen on'}\n"
    )
    print(
        "| paper                  | own   | swap | thin | warnings: recall / false alarms | "
        "+ notes: recall / false alarms | original suggested | baseline BM25<20: recall / "
        "false alarms | seconds: first / again | entries"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    everything: list[Case] = []
    for paper in papers:
        everything += paper.cases
        print(row(paper.name, paper.cases, paper.cold, paper.warm, f" {paper.entries}"))
    cold = [s for p in papers for s in p.cold]
    warm = [s for p in papers for s in p.warm]
    print(row("all", everything, cold, warm, ""))
    if args.dump:
        import pickle

        args.dump.write_bytes(pickle.dumps({p.name: p.cases for p in papers}))
    if args.sweep:
        print("\n## the notes' thresholds (SUPPORT: keys cited elsewhere, keys cited once)")
        pairs = ((0.05, 0.15), (0.1, 0.25), (0.15, 0.35), (0.2, 0.45), (0.3, 0.6), (0.4, 0.7))
        for elsewhere, once in pairs:

            def flagged(c: Case, shares: tuple[float, float] = (elsewhere, once)) -> bool:
                share = shares[0] if c.elsewhere else shares[1]
                judged = c.verdict not in (cite_fit.THIN, cite_fit.VAGUE)
                limit = max(cite_fit.SUPPORT_RANK, share * c.candidates)
                return judged and not c.scored and c.support > limit

            recall, alarms, suggested = rates(everything, flagged)
            print(
                f"  {elsewhere:.2f}, {once:.2f}: recall {recall:.3f}, false alarms {alarms:.4f} "
                f"(original suggested {suggested:.2f})"
            )


if __name__ == "__main__":
    main()
