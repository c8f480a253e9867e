#!/usr/bin/env sh
# Keep the rows of a CSV whose SMILES column RDKit accepts; report the others on stderr.
#   ./keep_valid_rows.sh molecules.csv smiles > valid.csv
# galcli writes one JSON line per row ({"line", "input", "valid", "canonical", "error"});
# jq (or Python, where jq is missing) turns the valid lines' numbers into a row filter.
set -eu
csv=${1:?usage: keep_valid_rows.sh FILE.csv [COLUMN]}
column=${2:-smiles}

lines=$(galcli smiles validate "$csv" --column "$column" --json -q \
        | if command -v jq >/dev/null 2>&1; then jq -r 'select(.valid) | .line';
          else python3 -c 'import json,sys; [print(r["line"]) for r in map(json.loads, sys.stdin) if r["valid"]]'; fi) || true
# Row 1 is the header; the numbers above are file line numbers.
awk -v keep="$(echo $lines)" 'BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
     NR == 1 || want[NR]' "$csv"
