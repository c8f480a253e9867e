"""Names to verified SMILES from Python, without a model (OPSIN + the chemicals database).

python resolve_names.py caffeine "2-methylpropan-1-ol" aspirin
"""

import sys

from galcli.tasks.smiles import SmilesRequest, SmilesResolver

names = sys.argv[1:] or ["caffeine", "2-methylpropan-1-ol"]
for result in SmilesResolver(backend=None).resolve_many([SmilesRequest(name) for name in names]):
    if not result.candidates:
        print(
            f"{result.query}: not found"
            + (f" (did you mean {result.did_you_mean[0]}?)" if result.did_you_mean else "")
        )
        continue
    top = result.candidates[0]
    print(
        f"{result.query}: {top.smiles} {top.formula} {top.mol_weight:.2f} g/mol, "
        f"{top.identity} by {'+'.join(top.sources)}"
    )
