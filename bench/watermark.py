"""bench/watermark.py: z-scores of galcli-generated texts against human paragraphs.

Generates N texts with the embedded model (watermark on, prompts taken from the first words of
real abstracts in ../shared/corpora/bib_abstracts), then scores them and N human paragraphs
(other abstracts from the same file) with `galcli detect`'s scorer. Reports the detection rate
and false positives at the threshold galcli uses; false positives must be 0.

    python bench/watermark.py [--texts 20] [--tokens 160]
"""

from __future__ import annotations

import argparse
import statistics
import sys

from common import CORPORA

from galcli.bib.normalize import latex_to_text
from galcli.bib.parse import parse_bib
from galcli.model.base import GenerationParams
from galcli.model.registry import load_backend
from galcli.provenance import watermark
from galcli.settings import load_settings
from galcli.tasks.detect import TOO_SHORT, WATERMARKED, WatermarkScorer
from galcli.tasks.generate import GenerateRequest, run_generate


def abstracts() -> list[str]:
    entries = parse_bib(CORPORA / "bib_abstracts" / "benchmarkset.bib").entries
    texts = [" ".join(latex_to_text(e.abstract).split()) for e in entries if len(e.abstract) > 600]
    return texts


def describe(label: str, results: list) -> None:
    scored = [r.z_score for r in results if r.z_score is not None]
    flagged = sum(r.verdict == WATERMARKED for r in results)
    short = sum(r.verdict == TOO_SHORT for r in results)
    print(
        f"  {label}: {len(results)} texts, watermarked {flagged}/{len(results)} "
        f"({flagged / len(results):.0%}), too short {short}; z median "
        f"{statistics.median(scored):.2f}, min {min(scored):.2f}, max {max(scored):.2f}"
    )
    print("    z-scores: " + ", ".join(f"{z:.1f}" for z in scored))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20)
    parser.add_argument("--tokens", type=int, default=160)
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit("bench/watermark.py needs ../shared/corpora")
    pool = abstracts()
    prompts = [" ".join(text.split()[:12]) for text in pool[: args.texts]]
    human = pool[args.texts : 2 * args.texts]
    settings = load_settings({"log": False})
    backend = load_backend(settings)
    scorer = WatermarkScorer(settings)
    generated, plain = [], []
    for marked, bucket in ((True, generated), (False, plain)):
        params = GenerationParams(max_new_tokens=args.tokens, temperature=0.7, watermark=marked)
        for seed, prompt in enumerate(prompts):
            text = run_generate(GenerateRequest(prompt, params.with_seed(seed)), backend).text
            bucket.append(scorer.score(text))
    print(
        f"\n## watermark detection (threshold z >= {watermark.Z_THRESHOLD}, "
        f"at least {watermark.MIN_TOKENS} tokens; key {watermark.HASHING_KEY}, "
        f"bias {watermark.BIAS}, green share {watermark.GREENLIST_RATIO})"
    )
    describe("generated, watermarked", generated)
    describe("generated, --no-watermark", plain)
    describe("human abstracts", [scorer.score(text) for text in human])


if __name__ == "__main__":
    main()
