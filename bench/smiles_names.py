"""bench/smiles_names.py: how often `galcli smiles NAME` puts the right molecule first.

On the names in ../shared/corpora/chem (ESOL common names, FreeSolv IUPAC-style names):
  * top-1 exact: the top candidate's InChIKey equals the reference's;
  * top-1 skeleton: the first InChIKey block matches (stereo/charge layers may differ);
  * wrong confirmed: share of `confirmed` top candidates whose structure is not the reference;
  * invalid printed: share of printed candidates that RDKit rejects (must be 0).
Sources alone by default; `--model M --sample N` adds the model for the first N names of each set.

    python bench/smiles_names.py [--model smollm2 --sample 20]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time

from common import CORPORA

from galcli.tasks.smiles import CONFIRMED, SmilesRequest, SmilesResolver
from galcli.verify.smiles import Validator, mol_from_smiles, properties


def load_sets() -> dict[str, list[tuple[str, str]]]:
    chem = CORPORA / "chem"
    esol = [
        (row["Compound ID"], row["smiles"].strip())
        for row in csv.DictReader((chem / "esol_names_smiles.csv").open(encoding="utf-8"))
    ]
    freesolv = []
    for line in (chem / "freesolv_names_smiles.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        freesolv.append((parts[2], parts[1]))
    return {"FreeSolv (IUPAC names)": freesolv, "ESOL (common names)": esol}


def inchikey(smiles: str) -> str | None:
    mol = mol_from_smiles(smiles)
    return properties(mol).inchikey if mol is not None else None


def evaluate(pairs: list[tuple[str, str]], resolver: SmilesResolver, n: int) -> dict[str, float]:
    validator = Validator()
    started = time.perf_counter()
    results = resolver.resolve_many([SmilesRequest(name, n=n) for name, _ in pairs])
    seconds = time.perf_counter() - started
    exact = skeleton = confirmed = confirmed_wrong = printed = invalid = covered = 0
    for (_name, reference), result in zip(pairs, results, strict=False):
        printed += len(result.candidates)
        invalid += sum(not validator.check(c.smiles).valid for c in result.candidates)
        if not result.candidates:
            continue
        covered += 1
        top = result.candidates[0]
        expected = inchikey(reference)
        exact += top.inchikey == expected
        same_skeleton = bool(top.inchikey and expected and top.inchikey[:14] == expected[:14])
        skeleton += same_skeleton
        if top.identity == CONFIRMED:
            confirmed += 1
            confirmed_wrong += not same_skeleton
    total = len(pairs)
    return {
        "names": total,
        "resolved": covered / total,
        "top-1 exact": exact / total,
        "top-1 skeleton": skeleton / total,
        "confirmed top": confirmed / total,
        "wrong among confirmed (skeleton)": confirmed_wrong / max(confirmed, 1),
        "invalid printed": invalid / max(printed, 1),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="also ask this model (default: sources only)")
    parser.add_argument("--sample", type=int, default=20, help="names per set asked to the model")
    parser.add_argument("-n", type=int, default=3, help="model candidates per name")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit("bench/smiles_names.py needs ../shared/corpora")
    sets = load_sets()
    runs = [("OPSIN + chemicals", SmilesResolver(None), None)]
    if args.model:
        from galcli.model.registry import load_backend
        from galcli.settings import load_settings

        backend = load_backend(load_settings({"model": args.model}))
        runs += [
            ("OPSIN + chemicals (same sample)", SmilesResolver(None), args.sample),
            (f"OPSIN + chemicals + {backend.model_id}", SmilesResolver(backend), args.sample),
        ]
    for label, resolver, sample in runs:
        print(f"\n## {label}")
        for name, pairs in sets.items():
            scores = evaluate(pairs[:sample] if sample else pairs, resolver, args.n)
            cells = ", ".join(
                f"{k} {v:.1%}"
                if isinstance(v, float) and k != "seconds"
                else f"{k} {v:.1f}"
                if k == "seconds"
                else f"{k} {v}"
                for k, v in scores.items()
            )
            print(f"  {name}: {cells}")


if __name__ == "__main__":
    main()
