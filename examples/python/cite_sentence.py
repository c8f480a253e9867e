"""Citation suggestions from Python, with a model loaded through galcli's registry.

python cite_sentence.py "Watermarks let anyone test generated text." ../paper/refs.bib
python cite_sentence.py "…" refs.bib --model fake:replies.json   # any galcli model string
"""

import argparse
from pathlib import Path

from galcli.bib.load import load
from galcli.model.registry import load_backend
from galcli.settings import load_settings
from galcli.tasks.cite import Citer, CiteRequest

parser = argparse.ArgumentParser()
parser.add_argument("sentence")
parser.add_argument("bib", type=Path)
parser.add_argument("--model", help="a galcli model string (default: the embedded model)")
parser.add_argument("--no-model", action="store_true", help="retrieval only")
args = parser.parse_args()

entries = list(load([args.bib]).entries.values())
backend = (
    None if args.no_model else load_backend(load_settings({"model": args.model, "log": False}))
)
result = Citer(entries, backend).suggest(CiteRequest(args.sentence, k=3))
for suggestion in result.suggestions:
    print(f"{suggestion.key}\t{suggestion.verdict}\t{suggestion.title}")
for rejected in result.rejected:
    print(f"rejected: {rejected.proposal!r} ({rejected.reason})")
