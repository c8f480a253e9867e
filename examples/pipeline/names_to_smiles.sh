#!/usr/bin/env sh
# Turn a list of chemical names into a table of verified SMILES (no model: OPSIN + chemicals).
#   ./names_to_smiles.sh names.txt > table.tsv
# Columns: name, SMILES, identity (confirmed when two sources agree), sources.
# Names no source knows get an empty SMILES and identity "none".
set -eu
names=${1:?usage: names_to_smiles.sh NAMES.txt}
printf 'name\tsmiles\tidentity\tsources\n'
galcli smiles --batch "$names" --no-model -q \
  | if command -v jq >/dev/null 2>&1; then
      jq -r '[.query, (.candidates[0].smiles // ""), (.candidates[0].identity // "none"),
              ((.candidates[0].sources // []) | join(","))] | @tsv'
    else
      python3 -c 'import json, sys
for r in map(json.loads, sys.stdin):
    c = (r["candidates"] or [{}])[0]
    print("\t".join([r["query"], c.get("smiles", ""), c.get("identity", "none"), ",".join(c.get("sources", []))]))'
    fi
