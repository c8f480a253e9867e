#!/usr/bin/env sh
# Suggest citations for every sentence of a text file, from a .bib.
#   ./cite_sentences.sh abstract.txt ../paper/refs.bib
# Prints "sentence<TAB>\citep{keys}" per sentence; keys come only from the .bib.
set -eu
text=${1:?usage: cite_sentences.sh TEXT.txt REFS.bib}
bib=${2:?usage: cite_sentences.sh TEXT.txt REFS.bib}
shift 2
# One sentence per line (a period, ! or ? followed by a space ends a sentence).
sentences=$(mktemp)
trap 'rm -f "$sentences"' EXIT
tr '\n' ' ' < "$text" | sed 's/\([.!?]\) /\1\n/g' | sed '/^ *$/d' > "$sentences"
galcli cite --batch "$sentences" --bib "$bib" -k 2 -q "$@" \
  | if command -v jq >/dev/null 2>&1; then
      jq -r '.query + "\t\\citep{" + ([.suggestions[].key] | join(",")) + "}"'
    else
      python3 -c 'import json, sys
for r in map(json.loads, sys.stdin):
    print(r["query"] + "\t\\citep{" + ",".join(s["key"] for s in r["suggestions"]) + "}")'
    fi
