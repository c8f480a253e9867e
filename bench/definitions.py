"""bench/definitions.py: how well `explain-formula --file` finds where a paper defines the symbols
of its equations, against a hand-labelled set.

tests/data/formula_definitions.jsonl labels 204 symbols of equations in three papers of
../shared/corpora/latex (a PhD thesis, the SymPy and SciPy papers), each with the line of its
defining phrase or "not defined" (null). A reported definition is correct when its file is the
gold file and its line is within ±1 of the gold line (or of another genuine definition the
label lists). Precision: correct / reported; recall: correct / symbols the paper defines.
The "tune" split (two thesis chapters) is what the extraction rules were written on; "test" is
everything else (other chapters, SymPy, SciPy). `--heldout DIR` adds the held-out sets of
papers nobody tuned on, each labelled from galcli's symbol lists alone, never from its
definitions (bench/data/): heldout_definitions.jsonl, 172 symbols of two papers;
heldout2_definitions.jsonl, 156 symbols of two theses; heldout3_definitions.jsonl, 165 symbols
of a letter and a paper; heldout4_definitions.jsonl, 158 symbols of a paper and a thesis (whose
licence allows unmodified copies only: its rows give lines, not phrases);
heldout5_definitions.jsonl, 173 symbols of two energy-system papers (electricity markets,
near-optimal planning); heldout6_definitions.jsonl, 176 symbols of a geophysical-turbulence
paper and an acoustics thesis chapter; heldout7_definitions.jsonl, 160 symbols of an
epidemiology workflow paper and an astronomy/statistics paper (the Lomb-Scargle periodogram);
heldout8_definitions.jsonl, 149 symbols of a gravitational-wave paper (LEGWORK) and an MCMC
paper (emcee); heldout9_definitions.jsonl, 222 symbols of three papers (Gaussian processes in
astronomy, a glaciology finite-volume scheme, support vector comparison machines; the last two
without a licence: their rows give lines, not phrases); heldout10_definitions.jsonl, 222 symbols
of three papers (alchemical metadynamics, a catalyst-saturation model of a diesel aftertreatment
system whose `ltx_core` submodule is checked out from SeshaCharla/ltx_core at 869fb577, a
hierarchical model of stellar obliquities; the first two without a licence).
docs/explain-formula.md says which were read while rules were written. Also: the time
`explain-formula --file F --label L` takes as a whole process (target ≤ 1.5 s). `--by-kind`:
precision by how each definition was found.

    python bench/definitions.py [--corpora PATH] [--heldout DIR] [--show-errors] [--by-kind]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from common import CORPORA, ROOT, galcli_command, time_command

GOLD = ROOT / "tests" / "data" / "formula_definitions.jsonl"
HELDOUT = sorted((ROOT / "bench" / "data").glob("heldout*_definitions.jsonl"))


def evaluate(
    corpora: Path, show_errors: bool = False, gold: Path = GOLD, papers: Path | None = None
) -> dict[str, dict[str, float]]:
    from galcli.tasks.explain_formula import definitions_at, load_tex
    from galcli.tasks.formula_context import Document

    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line]
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    cache: dict[tuple[str, int], dict] = {}
    texes: dict[str, object] = {}
    documents: dict[str, object] = {}
    for row in rows:
        folder = (papers / row["paper"]) if papers else corpora / "latex" / row["paper"]
        path = folder / row["file"]
        key = (str(path), row["equation_line"])
        if str(path) not in texes:
            texes[str(path)] = tex = load_tex(path)
            documents[str(path)] = Document.around(tex)
        tex, document = texes[str(path)], documents[str(path)]
        macros = tex.definitions
        if key not in cache:
            # the formula on that line that holds the symbol (a line can hold several)
            maths = [m for m in tex.math if m.line <= key[1] <= m.end_line]
            wanted = [r["symbol"] for r in rows if (r["file"], r["equation_line"]) == (
                row["file"], key[1]) and r["paper"] == row["paper"]]  # fmt: skip
            maths.sort(key=lambda m: (not m.display, -sum(w in m.source for w in wanted)))
            cache[key] = definitions_at(tex, maths[0], document)
            if _lookup(cache[key], row["symbol"], macros) is None and len(maths) > 1:
                for other in maths[1:]:
                    found = definitions_at(tex, other, document)
                    if _lookup(found, row["symbol"], macros) is not None:
                        cache[key] = found
                        break
        found = cache[key]
        gold = row["definition"]
        symbol = _lookup(found, row["symbol"], macros)
        split = counts[row["split"]]
        split["symbols"] += 1
        split["defined"] += gold is not None
        if symbol is None:
            split["symbol_not_seen"] += 1
            if show_errors:
                print(f"  not a symbol of ours: {row['symbol']} ({row['file']}:{key[1]})")
            continue
        chosen = found[symbol]
        phrase = chosen.phrase if chosen is not None else None
        if phrase is None:
            if gold is not None and show_errors:
                print(f"  missed {row['symbol']} ({row['file']}:{key[1]}) gold {gold['line']}")
            continue
        split["reported"] += 1
        places = [gold] + row["also"] if gold else []
        right = any(
            p["file"] == _relative(phrase.file, row) and abs(p["line"] - phrase.line) <= 1
            for p in places
        )
        split["correct"] += right
        kind = counts["by kind: " + row["split"]]
        kind[f"{phrase.how}/{chosen.match}"] += 1
        kind[f"{phrase.how}/{chosen.match} right"] += right
        if not right and show_errors:
            print(
                f"  wrong {row['symbol']} ({row['file']}:{key[1]}): {phrase.file}:{phrase.line} "
                f"{phrase.how}/{chosen.match} {phrase.text!r}; "
                f"gold {gold and (gold['file'], gold['line'])}"
            )
    return counts


def _relative(name: str, row: dict) -> str:
    """A reported file name as the gold writes it (relative to the paper's folder)."""
    return name if not name.startswith("/") else str(Path(name).relative_to(Path(name).parents[
        len(Path(row["file"]).parts) - 1]))  # fmt: skip


def _within(inner: object, outer: object) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end  # type: ignore[attr-defined]


def _lookup(found: dict, written: str, macros: dict) -> object | None:
    """The symbol of `found` a label names as the source writes it (`\\mean{x}` for the
    `\\bar{x}` the document's macro stands for)."""
    from galcli.verify.formula.macros import expand_macros
    from galcli.verify.formula.parse import parse
    from galcli.verify.formula.symbols import named_symbols

    written = expand_macros(written, macros)[0]
    symbols = named_symbols(written, parse(written))
    # the symbols of a script are the symbol's own (the q of W^{(q, k)})
    symbols = [s for s in symbols if not any(o is not s and _within(s, o) for o in symbols)]
    if len(symbols) != 1:
        return None  # none, or an expression (`\\var{V}` is s²(V)): no one symbol of a formula
    keys = {symbols[-1].written_key, symbols[-1].key}
    for symbol in found:
        if symbol.written_key in keys or symbol.key in keys:
            return symbol
    # a label written when galcli named the symbol by its base alone (`K` of `K_{i\ell}`)
    bare = symbols[-1]
    if bare.sub is None and bare.sup is None:
        same = [s for s in found if re.sub(r"^\\math\w+\{(.*)\}$", r"\1", s.base) == bare.base]
        if len(same) == 1:
            return same[0]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--by-kind", action="store_true", help="precision by how each was found")
    parser.add_argument(
        "--heldout",
        type=Path,
        metavar="DIR",
        help="also measure bench/data/heldout*_definitions.jsonl: "
        "papers nobody tuned on, each checked out at its commit into DIR/<paper> (each row names "
        "repository and commit)",
    )
    args = parser.parse_args()
    corpora = args.corpora if args.corpora.is_dir() else Path("/work/shared/corpora")
    if not corpora.is_dir():
        sys.exit("bench/definitions.py needs ../shared/corpora (or --corpora PATH)")
    started = time.perf_counter()
    counts = evaluate(corpora, args.show_errors)
    if args.heldout:
        for gold in HELDOUT:
            counts.update(evaluate(corpora, args.show_errors, gold, args.heldout))
    seconds = time.perf_counter() - started
    print("## definitions of equation symbols, against tests/data/formula_definitions.jsonl")
    print("| split | symbols | defined in the paper | reported | correct | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    held = sorted((s for s in counts if s.startswith("heldout")), key=lambda s: int(s[7:] or 1))
    for split in [s for s in ("tune", "test") if s in counts] + held:
        c = counts[split]
        precision = c["correct"] / c["reported"] if c["reported"] else float("nan")
        recall = c["correct"] / c["defined"] if c["defined"] else float("nan")
        print(
            f"| {split} | {int(c['symbols'])} | {int(c['defined'])} | {int(c['reported'])} | "
            f"{int(c['correct'])} | {precision:.2f} | {recall:.2f} |"
        )
    rows = sum(int(c["symbols"]) for s, c in counts.items() if not s.startswith("by kind"))
    print(f"(all {rows} rows in {seconds:.1f} s)")
    if args.by_kind:
        print("\n## reported definitions by how they were found / how the symbol matched")
        print("| split | how/match | reported | correct |")
        print("|---|---|---|---|")
        for split, c in counts.items():
            if split.startswith("by kind: "):
                for kind in sorted(k for k in c if not k.endswith(" right")):
                    print(f"| {split[9:]} | {kind} | {int(c[kind])} | {int(c[kind + ' right'])} |")
    thesis = corpora / "latex" / "simoulin_phd_thesis_biblatex" / "chapters" / "transformers.tex"
    wall = time_command(
        galcli_command("explain-formula", "--file", str(thesis), "--label", "eq:layers"), repeat=5
    )
    print(f"explain-formula --file … --label eq:layers, whole process: {wall:.2f} s (≤ 1.5)")


if __name__ == "__main__":
    main()
