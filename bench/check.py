"""bench/check.py: `galcli check` on a generated project vs bibtexparser parsing the same .bib.

A project with 20,000 citations (in 40 included files, with comments, verbatim blocks and a few
undefined keys) and a .bib of 5,000 entries. Target: `galcli check` total time (a whole process)
<= 1.5x the time bibtexparser alone takes to parse the .bib, in the same run. Measured cold (the
.bib changed since the last check, so it is parsed) and warm (unchanged: its summary is cached).

    python bench/check.py [--citations 20000] [--entries 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from common import galcli_command, report, time_call, time_commands

WORDS = (
    "neural field quantum protein binding free energy graph molecule solvent kernel sparse "
    "matrix solver dynamics lattice spectra catalysis enzyme transformer attention"
).split()


def make_project(directory: Path, citations: int, entries: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    keys = [f"{rng.choice(WORDS)}{1950 + i % 70}{rng.choice(WORDS)}{i}" for i in range(entries)]
    with (directory / "refs.bib").open("w", encoding="utf-8") as bib:
        for index, key in enumerate(keys):
            title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            bib.write(
                f"@article{{{key},\n  author = {{Author{index}, A. and Other, B.}},\n"
                f"  title = {{{{{title}}}}},\n  journal = {{J. Bench.}},\n"
                f"  year = {{{1950 + index % 70}}},\n  volume = {{{index % 90}}},\n"
                f"  pages = {{{index}--{index + 9}}},\n  abstract = {{{title} {title}.}}\n}}\n\n"
            )
    files = 40
    per_file = citations // files
    chapters = []
    for number in range(files):
        lines = []
        for i in range(per_file):
            cited = (
                rng.sample(keys, 2)
                if i % 7
                else [f"undefined{number}x{i}"]
                if i % 350 == 0
                else [rng.choice(keys)]
            )
            lines.append(
                f"Sentence {i} about {rng.choice(WORDS)} \\citep[p.~{i}]{{{', '.join(cited)}}}. "
                f"% a comment \\cite{{ignored{i}}}"
            )
            if i % 100 == 0:
                lines.append("\\begin{verbatim}\n\\cite{not_a_key}\n\\end{verbatim}")
        name = f"chapter{number}.tex"
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        chapters.append(f"\\input{{chapter{number}}}")
    main = directory / "main.tex"
    main.write_text(
        "\\documentclass{article}\n\\usepackage{natbib}\n\\begin{document}\n"
        + "\n".join(chapters)
        + "\n\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    return main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citations", type=int, default=20000)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import bibtexparser

    with tempfile.TemporaryDirectory() as tmp:
        main_tex = make_project(Path(tmp), args.citations, args.entries)
        bib = Path(tmp) / "refs.bib"
        bib_text = bib.read_text(encoding="utf-8")
        parse = time_call(lambda: bibtexparser.parse_string(bib_text), repeat=args.repeat)
        check = " ".join(galcli_command("check", str(main_tex)))
        timed = time_commands(
            {
                "parse": [
                    sys.executable,
                    "-c",
                    f"import bibtexparser; bibtexparser.parse_file({str(bib)!r})",
                ],
                "cold": ["sh", "-c", f"touch {bib} && exec {check}"],  # a new mtime: parsed again
                "warm": galcli_command("check", str(main_tex)),
            },
            repeat=args.repeat,
            accept=(0, 1),
            env={"GALCLI_CACHE_DIR": str(Path(tmp) / "cache")},
        )
        parse_process, cold, warm = timed["parse"], timed["cold"], timed["warm"]
        report(
            f"galcli check: {args.citations} citations, {args.entries} entries",
            [
                ("bibtexparser.parse_string (in process)", parse, "s"),
                ("python -c 'bibtexparser.parse_file' (process)", parse_process, "s"),
                ("galcli check, .bib changed (process)", cold, "s"),
                ("galcli check, .bib unchanged (process)", warm, "s"),
            ],
            [
                ("cold check / bibtexparser parse (process)", cold / parse_process, "<= 1.5"),
                ("cold check / bibtexparser parse (in process)", cold / parse, "<= 1.5"),
                ("warm check / bibtexparser parse (process)", warm / parse_process, "<= 1.5"),
            ],
        )


if __name__ == "__main__":
    main()
