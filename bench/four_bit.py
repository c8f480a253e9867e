"""bench/four_bit.py: what the embedded model's 4-bit products cost in quality, against float32.

On the same weights in the same run (the GGUF's Q4_1 integers and scales, and their exact
float32 dequantization in galcli's cache), two measures:
  * perplexity of real scientific abstracts (the corpus .bib's abstract fields), scored in
    pieces of half `quantized.DENSE_FROM_ROWS` tokens, each after the same short prefix, so
    that the 4-bit products score them (longer steps use the float32 weights in both modes);
  * greedy continuations of the abstracts' first sentences: how many of the first N tokens
    the two modes share.
And the decoding time of each. Needs ../shared/corpora and the embedded model.

    python bench/four_bit.py [--abstracts 40] [--tokens 32]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from common import CORPORA, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=int, default=40)
    parser.add_argument("--tokens", type=int, default=32, help="greedy tokens a continuation")
    args = parser.parse_args()
    bib = CORPORA / "bib_abstracts" / "benchmarkset.bib"
    if not bib.is_file():
        sys.exit(f"needs {bib}")
    import bibtexparser

    from galcli.model import embedded, quantized
    from galcli.model.base import GenerationParams, Prompt
    from galcli.settings import Settings

    library = bibtexparser.parse_file(str(bib))
    abstracts = [
        e.fields_dict["abstract"].value for e in library.entries if "abstract" in e.fields_dict
    ][: args.abstracts]
    modes = {"4-bit": Settings.defaults(), "float32": Settings.defaults(four_bit=False)}
    backends = {name: embedded.load(None, s, print) for name, s in modes.items()}  # type: ignore[arg-type]
    tokenizer = backends["float32"].tokenizer
    # half the limit: a piece decoded to text and tokenized again may come out longer
    piece = quantized.DENSE_FROM_ROWS // 2
    nll = {name: 0.0 for name in modes}
    seconds = {name: 0.0 for name in modes}
    scored = 0
    shared = total = 0
    for abstract in abstracts:
        ids = tokenizer(abstract, add_special_tokens=False)["input_ids"][: 4 * piece]
        prefix = "Abstract. "
        pieces = [tokenizer.decode(ids[i : i + piece]) for i in range(0, len(ids), piece)]
        lengths = [len(tokenizer(p, add_special_tokens=False)["input_ids"]) for p in pieces]
        assert max(lengths) < quantized.DENSE_FROM_ROWS  # scored by the 4-bit products
        for name, backend in backends.items():
            nll[name] -= sum(backend.log_likelihoods(prefix, pieces))
        scored += sum(lengths)
        first = abstract.split(". ")[0]
        params = GenerationParams(max_new_tokens=args.tokens, watermark=False)
        outputs = {}
        for name, backend in backends.items():
            started = time.perf_counter()
            run = backend.generate(Prompt(first), params)
            seconds[name] += time.perf_counter() - started
            outputs[name] = tokenizer(run.text, add_special_tokens=False)["input_ids"]
        a, b = outputs["4-bit"], outputs["float32"]
        agree = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
        shared += min(len(a), len(b)) if agree is None else agree
        total += max(len(a), len(b))
    perplexity = {name: math.exp(value / scored) for name, value in nll.items()}
    rows = [
        ("abstracts", len(abstracts), ""),
        ("tokens scored", scored, ""),
        ("perplexity, 4-bit products", perplexity["4-bit"], ""),
        ("perplexity, float32", perplexity["float32"], ""),
        ("greedy tokens shared before the first difference", shared, f"of {total}"),
        ("decoding seconds, 4-bit", seconds["4-bit"], "s"),
        ("decoding seconds, float32", seconds["float32"], "s"),
    ]
    ratios = [
        ("perplexity 4-bit / float32", perplexity["4-bit"] / perplexity["float32"], "~1"),
        ("decoding time 4-bit / float32", seconds["4-bit"] / seconds["float32"], "< 1"),
    ]
    report(f"4-bit against float32 products, embedded model, {bib.name}", rows, ratios)


if __name__ == "__main__":
    main()
