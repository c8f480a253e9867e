"""bench/smiles_speed.py: how long `galcli smiles NAME` makes a user wait (issue 16).

Interleaved runs, medians, in the same run as two floors that galcli cannot go below:
  * python: `python -c "import typer"` (the interpreter and the CLI library);
  * opsin: the bare OPSIN jar on one name (one JVM start: the price of a second, independent
    source), run the way galcli runs it (same flags, its class-data archive once it exists).
Measured: `galcli smiles caffeine --no-model`, `galcli smiles caffeine` (the model is skipped
because OPSIN and chemicals confirm caffeine), and a 50-name batch (--no-model), per name.
Targets: 1.5 s, 2 s and 0.3 s a name, wall time on a quiet machine; on a loaded one compare
the ratios to the floors. Caches (the chemicals index, OPSIN's class archive) are warmed first.

    python bench/smiles_speed.py [--repeat 5] [--before REV]

--before REV also times `smiles caffeine --no-model` as of git revision REV (exported to a
temporary folder), e.g. the commit before this work.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, galcli_command, report, time_command, time_commands

FIFTY = [
    "caffeine", "aspirin", "ethanol", "benzene", "toluene", "acetone", "methanol", "phenol",
    "naphthalene", "pyridine", "glycerol", "urea", "acetic acid", "formic acid", "cyclohexane",
    "hexane", "styrene", "aniline", "chloroform", "ibuprofen", "paracetamol", "nicotine",
    "glucose", "sucrose", "cholesterol", "propan-2-ol", "2-methylpropan-1-ol", "butan-1-ol",
    "diethyl ether", "ethyl acetate", "acetonitrile", "dimethyl sulfoxide", "tetrahydrofuran",
    "1,4-dioxane", "benzoic acid", "salicylic acid", "vanillin", "menthol", "camphor",
    "limonene", "indole", "quinoline", "furan", "thiophene", "pyrrole", "imidazole",
    "morphine", "codeine", "testosterone", "water",
]  # fmt: skip


def cpu_seconds(argv: list[str], repeat: int) -> float:
    """Median CPU time (user + system, the process and its children such as the JVM): steadier
    than wall time on a machine shared with other work."""
    values = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, capture_output=True, env={**os.environ, "GALCLI_NO_LOG": "1"})
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        values.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(values)


def opsin_floor(folder: Path) -> list[str]:
    from galcli.verify.chemnames import _class_archive, opsin_jar

    java = shutil.which("java")
    if java is None:
        sys.exit("bench/smiles_speed.py needs Java (OPSIN)")
    jar = opsin_jar()
    archive, _ = _class_archive(java, jar)
    share = [f"-XX:SharedArchiveFile={archive}"] if archive and archive.is_file() else []
    script = folder / "opsin.sh"
    script.write_text(
        f"echo caffeine | {java} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC {' '.join(share)} "
        f"-jar {jar} -osmi\n",
        encoding="utf-8",
    )
    return ["sh", str(script)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", metavar="REV", help="also time this git revision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        before: dict[str, float] = {}
        if args.before:
            old = folder / "before"
            old.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
            argv = galcli_command("smiles", "caffeine", "--no-model", "-q")
            env = {"PYTHONPATH": str(old), "GALCLI_NO_LOG": "1"}
            before["no_model"] = time_command(argv, repeat=args.repeat, env=env, cwd=str(old))
        batch = folder / "names.txt"
        batch.write_text("\n".join(FIFTY) + "\n", encoding="utf-8")
        # Warm the caches (chemicals index, OPSIN class archive) as a user's second run would.
        time_command(galcli_command("smiles", "caffeine", "--no-model", "-q"), repeat=2)
        commands = {
            "python": [sys.executable, "-c", "import typer"],
            "opsin": opsin_floor(folder),
            "no_model": galcli_command("smiles", "caffeine", "--no-model", "-q"),
            "default": galcli_command("smiles", "caffeine", "-q", "--no-log"),
            "batch": galcli_command("smiles", "--batch", str(batch), "--no-model", "-q"),
        }
        timed = time_commands(commands, repeat=args.repeat, accept=(0, 1))
        cpu = {name: cpu_seconds(argv, args.repeat) for name, argv in commands.items()}
    if before:
        report(
            f"as of {args.before} (same run)",
            [("galcli smiles caffeine --no-model", before["no_model"], "s")],
            [("now / before", timed["no_model"] / before["no_model"], "< 1")],
        )
    report(
        "CPU seconds (user + system, children included; medians)",
        [(name, value, "s") for name, value in cpu.items()],
        [
            (
                "--no-model / (python + OPSIN floors), CPU",
                cpu["no_model"] / (cpu["python"] + cpu["opsin"]),
                "close to 1",
            ),
        ],
    )
    per_name = timed["batch"] / len(FIFTY)
    floor = timed["python"] + timed["opsin"]
    report(
        "galcli smiles NAME: wall time (medians, interleaved)",
        [
            ("python -c 'import typer'", timed["python"], "s"),
            ("bare OPSIN JVM, one name", timed["opsin"], "s"),
            ("galcli smiles caffeine --no-model", timed["no_model"], "s  (target <= 1.5)"),
            ("galcli smiles caffeine (default)", timed["default"], "s  (target <= 2)"),
            ("50-name batch --no-model, per name", per_name, "s  (target <= 0.3)"),
        ],
        [
            ("--no-model / (python + OPSIN floors)", timed["no_model"] / floor, "close to 1"),
            ("default / --no-model", timed["default"] / timed["no_model"], "close to 1"),
        ],
    )


if __name__ == "__main__":
    main()
