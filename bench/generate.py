"""bench/generate.py: `galcli generate` on the embedded model against raw transformers.

Measured in one run, on the same weights, interleaved so that load changes hit all alike:
  * cold: the first `galcli generate` with an empty cache (GGUF -> safetensors conversion);
  * warm: the same command again (cache present), its `load_seconds` and tokens/s;
  * before: the same warm command run from another checkout (`--before DIR`, e.g. the commit
    before this branch), for `load_seconds` and wall time before/after;
  * GGUF baseline: a Python process that loads the GGUF with transformers and generates the
    same number of tokens (what galcli would cost without its cache);
  * raw generate: tokens/s of `model.generate` on the cached safetensors in a plain process,
    same prompt and chat template, once with torch's default OpenMP settings (what a user's
    script gets) and once with OMP_WAIT_POLICY=PASSIVE (what galcli sets), so the gain of the
    decoding loop itself is visible apart from the thread policy.
galcli runs with --no-watermark for the speed ratios (raw generate has no watermark) and once
with it, to show its cost. It decodes with the GGUF's own 4-bit weights by default; a run with
GALCLI_FOUR_BIT=0 shows its float32 forward pass on the very weights raw generate uses.
Targets (issue 16): warm load_seconds <= 1.0; galcli tok/s >= 1.3x raw generate; warm wall
<= 0.25x the GGUF baseline. The machine is shared (2 cores, several engineers): read the ratios,
not the absolute numbers.

    python bench/generate.py [--tokens 64] [--repeat 3] [--before /path/to/old/checkout]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from common import galcli_command, report

PROMPT = "The Schrödinger equation describes"
RAW = r"""
import json, sys, time
t0 = time.perf_counter()
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
source, gguf, tokens, prompt = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
kwargs = {"gguf_file": gguf} if gguf else {}
tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32, **kwargs)
loaded = time.perf_counter()
system = ("You are a scientific writing assistant. Continue the user's text in the same style. "
          "Reply with the continuation only.")
messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
inputs = tokenizer(text, return_tensors="pt", add_special_tokens=False)
started = time.perf_counter()
with torch.inference_mode():
    out = model.generate(**inputs, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False)
seconds = time.perf_counter() - started
new = out.shape[-1] - inputs["input_ids"].shape[-1]
total = time.perf_counter() - t0
print(json.dumps({"load": loaded - t0, "seconds": seconds, "tokens": new, "total": total}))
"""


def run_json(argv: list[str], env: dict[str, str], cwd: str | None = None) -> tuple[dict, float]:
    """`cwd`: the checkout to run; `python -m galcli` imports the galcli of its working
    directory before PYTHONPATH's."""
    started = time.perf_counter()
    completed = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"{' '.join(argv[:4])}… failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", help="a checkout of galcli to compare with (PYTHONPATH)")
    args = parser.parse_args()
    from galcli.model import embedded

    gguf = embedded.find_gguf()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "GALCLI_CACHE_DIR": cache, "GALCLI_NO_LOG": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        passive = {**env, "OMP_WAIT_POLICY": "PASSIVE"}
        tokens = ["--max-new-tokens", str(args.tokens), "--json"]
        generate = galcli_command("generate", PROMPT, *tokens, "--no-watermark")
        watermarked = galcli_command("generate", PROMPT, *tokens)
        _, cold = run_json(generate, env)
        raw_script = os.path.join(cache, "raw.py")
        with open(raw_script, "w", encoding="utf-8") as handle:
            handle.write(RAW)
        cached = os.path.join(cache, "models", "smollm2-135m-instruct")
        raw = [sys.executable, raw_script, cached, "", str(args.tokens), PROMPT]
        runs: dict[str, list[float]] = {}

        def note(name: str, value: float) -> None:
            runs.setdefault(name, []).append(value)

        precision = ""
        for _ in range(args.repeat):
            doc, wall = run_json(generate, env)
            note("warm", wall)
            note("speed", doc["generation"]["tokens_per_second"])
            note("load", doc["generation"]["load_seconds"])
            precision = doc["provenance"]["precision"]
            doc, _ = run_json(watermarked, env)
            note("speed watermarked", doc["generation"]["tokens_per_second"])
            doc, _ = run_json(generate, {**env, "GALCLI_FOUR_BIT": "0"})
            note("speed float32", doc["generation"]["tokens_per_second"])
            if args.before:
                old_env = {**env, "PYTHONPATH": args.before}
                doc, wall = run_json(generate, old_env, cwd=args.before)
                note("before warm", wall)
                note("before load", doc["generation"]["load_seconds"])
                note("before speed", doc["generation"]["tokens_per_second"])
            gguf_run = [sys.executable, raw_script, str(gguf.parent), gguf.name]
            _, wall = run_json([*gguf_run, str(args.tokens), PROMPT], env)
            note("gguf", wall)
            doc, _ = run_json(raw, env)
            note("raw speed", doc["tokens"] / doc["seconds"])
            doc, _ = run_json(raw, passive)
            note("raw speed passive", doc["tokens"] / doc["seconds"])
    m = {name: statistics.median(values) for name, values in runs.items()}
    rows = [
        ("cold galcli generate (conversion + load + generate)", cold, "s"),
        ("warm galcli generate (process)", m["warm"], "s"),
        ("warm model load inside galcli (load_seconds)", m["load"], "s"),
        ("GGUF load + generate with transformers (process)", m["gguf"], "s"),
        ("galcli decoding speed (--no-watermark)", m["speed"], "tok/s"),
        ("galcli decoding speed (watermark on)", m["speed watermarked"], "tok/s"),
        ("galcli decoding speed in float32 (GALCLI_FOUR_BIT=0)", m["speed float32"], "tok/s"),
        ("raw transformers generate (default OpenMP)", m["raw speed"], "tok/s"),
        ("raw transformers generate (OMP_WAIT_POLICY=PASSIVE)", m["raw speed passive"], "tok/s"),
    ]
    ratios = [
        ("warm galcli / GGUF load+generate", m["warm"] / m["gguf"], "<= 0.25"),
        ("galcli tok/s / raw generate tok/s", m["speed"] / m["raw speed"], ">= 1.3"),
        (
            "galcli float32 tok/s / raw generate tok/s",
            m["speed float32"] / m["raw speed"],
            "(same arithmetic)",
        ),
        (
            "galcli float32 tok/s / raw generate tok/s, both passive OpenMP",
            m["speed float32"] / m["raw speed passive"],
            "(the loop alone)",
        ),
        ("warm load_seconds / 1 s", m["load"], "<= 1.0"),
    ]
    if args.before:
        rows += [
            ("before: warm galcli generate (process)", m["before warm"], "s"),
            ("before: load_seconds", m["before load"], "s"),
            ("before: decoding speed", m["before speed"], "tok/s"),
        ]
        ratios += [
            ("load_seconds after / before", m["load"] / m["before load"], "< 1"),
            ("warm wall after / before", m["warm"] / m["before warm"], "< 1"),
        ]
    title = f"galcli generate, embedded model, {args.tokens} new tokens; galcli: {precision}"
    report(title, rows, ratios)


if __name__ == "__main__":
    main()
