"""bench/smiles_sizes.py: how RDKit's time grows with a SMILES's size, and where it crashes.

Each size runs in its own child process (a crash must not end the benchmark): parse and
canonicalise a chain of N carbons, a nest of N branches and N/6 benzene rings. Prints seconds
per shape and size and which sizes end with a signal (a segmentation fault is -11), next to a
baseline in the same run (the same work on ethanol, the process start included). This is how
galcli.verify.smiles.MAX_ATOMS was chosen: every line well under a second, far from a crash.

    python bench/smiles_sizes.py [--sizes 1000,2000,5000,10000,20000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

PROBE = """
import sys
from rdkit import Chem, rdBase
shape, n = sys.argv[1], int(sys.argv[2])
smiles = {
    "chain": "C" * n,
    "branches": "C(" * (n // 2) + "C" + ")" * (n // 2),
    "rings": "c1ccccc1" * max(1, n // 6),
    "ethanol": "CCO",
}[shape]
with rdBase.BlockLogs():
    mol = Chem.MolFromSmiles(smiles)
    Chem.MolToSmiles(mol)
"""


def run(shape: str, size: int, timeout: float) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, shape, str(size)], capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return timeout, "timeout"
    elapsed = time.perf_counter() - started
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    return elapsed, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000,20000")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    baseline, _ = run("ethanol", 3, args.timeout)
    print(f"baseline (process start + ethanol): {baseline:.3f} s")
    print(f"{'shape':<10} {'atoms':>7} {'seconds':>9} {'/ baseline':>11}  status")
    for shape in ("chain", "branches", "rings"):
        for size in (int(s) for s in args.sizes.split(",")):
            elapsed, status = run(shape, size, args.timeout)
            print(f"{shape:<10} {size:>7} {elapsed:>9.3f} {elapsed / baseline:>10.1f}x  {status}")


if __name__ == "__main__":
    main()
