"""bench/batch.py: `cite --batch` throughput, local backend vs an OpenAI-compatible server.

The same 20 sentences (from ../shared/corpora/latex), the same bibliography and the same
weights (the embedded model's cache): once with the local transformers backend, then through
`transformers serve` on 127.0.0.1 with --concurrency 1 and 4. Needs `transformers[serving]`.

    python bench/batch.py [--sentences 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from cite import sentences
from common import CORPORA, galcli_command, report


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        argv, capture_output=True, text=True, env={**os.environ, "GALCLI_NO_LOG": "1"}
    )
    if completed.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(argv[:6])}…\n{completed.stderr[-1500:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20)
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit("bench/batch.py needs ../shared/corpora")
    from galcli.model import embedded

    directory, _ = embedded.prepare(print)
    cases, _ = sentences("mobley")
    bib = CORPORA / "latex" / "mobley_benchmarksets_perpetual_review" / "benchmarkset.bib"
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "sentences.txt"
        batch.write_text(
            "\n".join(c.text for c in cases[: args.sentences]) + "\n", encoding="utf-8"
        )
        base = galcli_command("cite", "--batch", str(batch), "--bib", str(bib), "-q")
        local = timed(base)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "transformers.cli.transformers",
                "serve",
                str(directory),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            remote = base + [
                "--model",
                f"openai:{directory}",
                "--base-url",
                f"http://127.0.0.1:{port}/v1",
            ]
            timed(remote + ["-j", "1"])  # the server loads the model on the first request
            serial = timed(remote + ["-j", "1"])
            parallel = timed(remote + ["-j", "4"])
        finally:
            server.terminate()
            server.wait(timeout=60)
    n = min(args.sentences, len(cases))
    report(
        f"cite --batch, {n} sentences, embedded model weights, same machine",
        [
            ("local backend (process)", local, "s"),
            ("openai backend, transformers serve, -j 1", serial, "s"),
            ("openai backend, transformers serve, -j 4", parallel, "s"),
            ("local", n / local, "sentences/s"),
            ("server -j 1", n / serial, "sentences/s"),
            ("server -j 4", n / parallel, "sentences/s"),
        ],
        [
            ("server -j 4 time / local time", parallel / local, "none; < 1 is faster"),
        ],
    )


if __name__ == "__main__":
    main()
