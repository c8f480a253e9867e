"""bench/smiles.py: `galcli smiles validate` vs a plain RDKit loop over the same SMILES.

10,000+ SMILES built from ../shared/corpora/chem (the ESOL, FreeSolv and tricky sets, repeated),
one per line. Target: whole-process time of `galcli smiles validate FILE` <= 1.5x a plain Python
process that loops `Chem.MolFromSmiles` + `Chem.MolToSmiles` over the same file (same run).

    python bench/smiles.py [--count 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

from common import CORPORA as SHARED_CORPORA
from common import galcli_command, report, time_commands

# ../shared/corpora beside the checkout, or wherever GALCLI_CORPORA points (a worktree elsewhere).
CORPORA = Path(os.environ.get("GALCLI_CORPORA", SHARED_CORPORA))

PLAIN_LOOP = """
import sys
from rdkit import Chem, RDLogger
RDLogger.DisableLog("rdApp.*")
valid = 0
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        mol = Chem.MolFromSmiles(line.split()[0]) if line.strip() else None
        if mol is not None:
            Chem.MolToSmiles(mol)
            valid += 1
print(valid)
"""


def corpus_smiles() -> list[str]:
    chem = CORPORA / "chem"
    smiles = [
        row["smiles"].strip()
        for row in csv.DictReader((chem / "esol_names_smiles.csv").open(encoding="utf-8"))
    ]
    for line in (chem / "freesolv_names_smiles.txt").read_text(encoding="utf-8").splitlines():
        parts = [p.strip() for p in line.split(";")]
        if len(parts) >= 2 and parts[1] and not line.startswith("#"):
            smiles.append(parts[1])
    smiles += [
        row["smiles"]
        for row in csv.DictReader(
            (chem / "invalid_and_tricky_smiles.tsv").open(encoding="utf-8"), delimiter="\t"
        )
    ]
    return [s for s in smiles if s and " " not in s]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit("bench/smiles.py needs ../shared/corpora")
    base = corpus_smiles()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "molecules.smi"
        lines = [base[i % len(base)] for i in range(args.count)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        loop = Path(tmp) / "loop.py"
        loop.write_text(PLAIN_LOOP, encoding="utf-8")
        timed = time_commands(
            {
                "plain": [sys.executable, str(loop), str(path)],
                "galcli": galcli_command("smiles", "validate", str(path), "-q"),
                "json": galcli_command("smiles", "validate", str(path), "--json", "-q"),
            },
            repeat=args.repeat,
            accept=(0, 1),
        )
        plain, galcli, galcli_json = timed["plain"], timed["galcli"], timed["json"]
        report(
            f"galcli smiles validate: {len(lines)} SMILES ({len(base)} distinct)",
            [
                ("plain RDKit loop (process)", plain, "s"),
                ("galcli smiles validate (process)", galcli, "s"),
                ("galcli smiles validate --json (process)", galcli_json, "s"),
            ],
            [
                ("galcli / plain loop", galcli / plain, "<= 1.5"),
                ("galcli --json / plain loop", galcli_json / plain, "<= 1.5"),
            ],
        )


if __name__ == "__main__":
    main()
