"""bench/generate.py: `galcli generate` on the embedded model against raw transformers.

Measured in one run, on the same weights:
  * cold: the first `galcli generate` with an empty cache (GGUF -> safetensors conversion);
  * warm: the same command again (cache present);
  * GGUF baseline: a Python process that loads the GGUF with transformers and generates the
    same number of tokens (what galcli would cost without its cache);
  * decoding speed: tokens/s of galcli (from its --json report) against `model.generate` on the
    cached safetensors weights in a plain process, same prompt and chat template.
Targets: warm <= 0.5x the GGUF baseline; galcli tokens/s >= 0.8x raw generate.

    python bench/generate.py [--tokens 64] [--repeat 3]
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
messages = [{"role": "system", "content": "You are a scientific writing assistant. Continue the user's text in the same style. Reply with the continuation only."},
            {"role": "user", "content": prompt}]
text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
inputs = tokenizer(text, return_tensors="pt", add_special_tokens=False)
started = time.perf_counter()
with torch.inference_mode():
    out = model.generate(**inputs, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False)
seconds = time.perf_counter() - started
new = out.shape[-1] - inputs["input_ids"].shape[-1]
print(json.dumps({"load": loaded - t0, "seconds": seconds, "tokens": new, "total": time.perf_counter() - t0}))
"""


def run_json(argv: list[str], env: dict[str, str]) -> tuple[dict, float]:
    started = time.perf_counter()
    completed = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"{' '.join(argv[:4])}… failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from galcli.model import embedded

    gguf = embedded.find_gguf()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "GALCLI_CACHE_DIR": cache, "GALCLI_NO_LOG": "1"}
        generate = galcli_command(
            "generate", PROMPT, "--max-new-tokens", str(args.tokens), "--json"
        )
        _, cold = run_json(generate, env)
        raw_script = os.path.join(cache, "raw.py")
        with open(raw_script, "w", encoding="utf-8") as handle:
            handle.write(RAW)
        warm, gguf_runs, raw_speeds, galcli_speeds, loads = [], [], [], [], []
        for _ in range(args.repeat):  # interleaved, so load changes hit all alike
            doc, wall = run_json(generate, env)
            warm.append(wall)
            galcli_speeds.append(doc["generation"]["tokens_per_second"])
            loads.append(doc["generation"]["load_seconds"])
            _, wall = run_json(
                [sys.executable, raw_script, str(gguf.parent), gguf.name, str(args.tokens), PROMPT],
                env,
            )
            gguf_runs.append(wall)
            cached = os.path.join(cache, "models", "smollm2-135m-instruct")
            raw, _ = run_json(
                [sys.executable, raw_script, cached, "", str(args.tokens), PROMPT], env
            )
            raw_speeds.append(raw["tokens"] / raw["seconds"])
    median = statistics.median
    report(
        f"galcli generate, embedded model, {args.tokens} new tokens",
        [
            ("cold galcli generate (conversion + load + generate)", cold, "s"),
            ("warm galcli generate (process)", median(warm), "s"),
            ("warm model load inside galcli", median(loads), "s"),
            ("GGUF load + generate with transformers (process)", median(gguf_runs), "s"),
            ("galcli decoding speed", median(galcli_speeds), "tok/s"),
            ("raw transformers generate speed (same weights)", median(raw_speeds), "tok/s"),
        ],
        [
            ("warm galcli / GGUF load+generate", median(warm) / median(gguf_runs), "<= 0.5"),
            (
                "galcli tok/s / raw generate tok/s",
                median(galcli_speeds) / median(raw_speeds),
                ">= 0.8",
            ),
        ],
    )


if __name__ == "__main__":
    main()
