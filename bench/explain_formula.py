"""bench/explain_formula.py: what a model's paraphrase adds to the built explanation.

On the equations of tests/data/formula_definitions.jsonl (the corpus papers), galcli builds each
explanation from verified parts, then asks a model (default: the embedded one) to paraphrase it
and sifts the sentences through the faithfulness check. Reported: sentences the model wrote,
the share rejected (what would have been printed as fact without the check), the share of kept
sentences that say something the built text does not already say in other words, and the time
with and without the model. The built explanation alone is the baseline, same equations, same run.

    python bench/explain_formula.py [--model NAME] [--equations 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from common import CORPORA, ROOT

GOLD = ROOT / "tests" / "data" / "formula_definitions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--equations", type=int, default=20)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    args = parser.parse_args()
    corpora = args.corpora if args.corpora.is_dir() else Path("/work/shared/corpora")
    if not corpora.is_dir():
        sys.exit("bench/explain_formula.py needs ../shared/corpora")

    from galcli.bib.words import content_words
    from galcli.model.base import GenerationParams
    from galcli.model.registry import load_backend
    from galcli.settings import load_settings
    from galcli.tasks.explain_formula import explain_in, load_tex
    from galcli.tasks.formula_context import Document
    from galcli.tasks.formula_paraphrase import paraphrase

    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    equations = list(dict.fromkeys((r["paper"], r["file"], r["equation_line"]) for r in rows))
    equations = equations[: args.equations]
    backend = load_backend(load_settings({"model": args.model, "log": False}))
    params = GenerationParams(max_new_tokens=160)
    built_seconds, model_seconds = [], []
    written = rejected = new = 0
    for paper, file, line in equations:
        path = corpora / "latex" / paper / file
        started = time.perf_counter()
        tex = load_tex(path)
        result = explain_in(tex, tex.at_line(line), Document.of(path))
        built_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        paraphrase(result, backend, params)
        model_seconds.append(time.perf_counter() - started)
        kept = [s for s in (result.paraphrase or "").split(". ") if s]
        written += len(kept) + len(result.rejected)
        rejected += len(result.rejected)
        built = content_words(result.explanation)
        new += sum(bool(content_words(sentence) - built) for sentence in kept)
    print(f"## explain-formula: model paraphrase ({backend.model_id}) vs the built explanation")
    print(f"equations: {len(equations)}")
    print(f"sentences the model wrote: {written}")
    print(f"rejected by the faithfulness check: {rejected} ({rejected / max(written, 1):.0%})")
    print(f"kept sentences that use a content word the built text lacks: {new}")
    print(f"built explanation: {statistics.median(built_seconds):.2f} s median an equation")
    print(f"paraphrase: {statistics.median(model_seconds):.2f} s median an equation (model warm)")


if __name__ == "__main__":
    main()
