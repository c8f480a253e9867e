"""bench/lit_review.py: is every sentence of `lit-review` traceable, and what does a model add?

On the .bib with abstracts of ../shared/corpora (the benchmark-sets review, 271 entries, 193
with abstracts) and TOPICS, the section is written twice: built from the entries (the default,
no model) and with the model rewriting each built sentence (`--paraphrase`, default the embedded
model). For each, in the same run:

- drafts that failed the faithfulness check, as a share of the drafts (the built variant: the
  sentences galcli built, a compression gone wrong failing; the rewritten one: the model's
  rewrites); they are not printed (the built sentence stays);
- printed sentences that fail an independent re-check against the cited entry's record, the
  topic, the heading and galcli's template words (must be 0);
- the share of retrieved papers cited; sentences printed twice (0); headings that are word lists,
  cut with "…" or not a phrase of the theme's titles (0); a sentence opening like the one
  before it (its first two words); seconds per topic.

    python bench/lit_review.py [--model NAME] [--no-model] [--papers 10]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from common import CORPORA

TOPICS = (
    "host-guest binding free energy",
    "hydration free energy",
    "protein-ligand binding affinity",
    "alchemical free energy methods",
    "reproducibility of relative free energy calculations across simulation packages",
)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def measure(review, entries, seconds: float) -> dict[str, float]:
    from galcli.bib.normalize import latex_to_text
    from galcli.tasks.review_prose import TEMPLATE_WORDS
    from galcli.verify.faithful import check

    printed = failing = repeated = same_opening = 0
    seen: set[str] = set()
    previous: list[str] = []
    bad_headings = 0
    for section in review.sections:
        titles = [_words(latex_to_text(entries[n.key].title)) for n in section.notes]
        phrase = _words(section.theme)
        if "," in section.theme or "…" in section.theme or not any(phrase in t for t in titles):
            bad_headings += 1
        for sentence in section.sentences:
            printed += 1
            sources = [review.topic, section.theme, TEMPLATE_WORDS] + [
                f"{review.labels.get(k, '')} {entries[k].year}" for k in sentence.keys
            ]
            for key in sentence.keys:
                entry = entries[key]
                sources += [entry.title, entry.abstract, entry.keywords, entry.author]
            failing += not check(sentence.text, sources).ok
            signature = _words(sentence.text)
            repeated += signature in seen
            seen.add(signature)
            opening = sentence.text.split()[:2]
            same_opening += opening == previous
            previous = opening
    cited = len(review.cited_entries)
    built = [d for d in review.rejected if d.by == "galcli"]
    rewritten = sum(s.rewritten for s in review.sentences)
    if review.model is None:  # drafts: galcli's built sentences
        drafts, rejected = printed + len(built), len(built)
    else:  # drafts: the model's rewrites of the built sentences
        rejected = len(review.rejected) - len(built)
        drafts = rewritten + rejected
    return {
        "printed": printed,
        "drafts": drafts,
        "rejected": rejected,
        "failing": failing,
        "cited": cited,
        "retrieved": len(review.retrieved),
        "repeated": repeated,
        "bad_headings": bad_headings,
        "same_opening": same_opening,
        "rewritten": rewritten,
        "seconds": seconds,
    }


def row(name: str, results: list[dict[str, float]]) -> str:
    total = {key: sum(r[key] for r in results) for key in results[0]}
    worst = max(r["rejected"] / max(r["drafts"], 1) for r in results)
    slowest = max(r["seconds"] for r in results)
    return (
        f"| {name} | {total['drafts']:.0f} | {total['rejected'] / max(total['drafts'], 1):.1%} "
        f"(worst topic {worst:.0%}) | {total['failing']:.0f} | "
        f"{total['cited']:.0f}/{total['retrieved']:.0f} | {total['repeated']:.0f} | "
        f"{total['bad_headings']:.0f} | {total['same_opening']:.0f} | "
        f"{total['rewritten']:.0f} | {slowest:.1f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--no-model", action="store_true", help="only the built variant")
    parser.add_argument("--papers", type=int, default=10)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    args = parser.parse_args()
    bib = args.corpora / "bib_abstracts" / "benchmarkset.bib"
    if not bib.is_file():
        sys.exit("bench/lit_review.py needs ../shared/corpora/bib_abstracts/benchmarkset.bib")

    from galcli.bib.load import load
    from galcli.tasks.lit_review import ReviewRequest, write_review

    entries = load([bib]).entries
    variants = {"built from the entries (default)": None}
    if not args.no_model:
        from galcli.model.base import GenerationParams
        from galcli.model.registry import load_backend
        from galcli.settings import load_settings
        from galcli.tasks.review_rewrite import Rewriter

        backend = load_backend(load_settings({"model": args.model, "log": False}))
        variants[f"rewritten by {backend.model_id}"] = Rewriter(
            backend, GenerationParams(max_new_tokens=96)
        )
    results: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for topic in TOPICS:
        request = ReviewRequest(topic, max_papers=args.papers, dense=False)
        for name, rewriter in variants.items():
            started = time.perf_counter()
            review = write_review(request, list(entries.values()), rewriter)
            results[name].append(measure(review, entries, time.perf_counter() - started))
            if rewriter is not None:
                rewriter.prompts.clear()
    print(f"## lit-review on benchmarkset.bib: {len(TOPICS)} topics, {args.papers} papers each")
    print()
    print(
        "| variant | drafts | failed the check, not printed | printed but failing a re-check "
        "| cited | repeated | bad headings | same opening as before | rewritten | slowest topic |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, rows in results.items():
        print(row(name, rows))


if __name__ == "__main__":
    main()
