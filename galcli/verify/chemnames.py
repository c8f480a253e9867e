"""Chemical names to structures, from two offline sources independent of any language model.

* OPSIN (the jar shipped in the `py2opsin` package; needs Java) parses systematic and many common
  names. galcli runs the jar itself, one JVM for all names of a run, through stdin: py2opsin's
  wrapper writes a temp file into the current directory and misreports failures.
* The `chemicals` package's PubChem-derived identifier database (~70k compounds with synonyms
  and CAS numbers) knows trivial names. galcli looks names up in its name index only, so a
  "name" such as `CO` or an empty string is not silently read as a formula or an element.

Failed names are retried with a few principled rewrites (PCB shorthand, a trailing
parenthetical note, Greek letters spelled out); nothing is fuzzy-matched into a result.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

OPSIN = "opsin"
CHEMICALS = "chemicals"
MULTIPLIERS = {
    1: "",
    2: "di",
    3: "tri",
    4: "tetra",
    5: "penta",
    6: "hexa",
    7: "hepta",
    8: "octa",
    9: "nona",
    10: "deca",
}
GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ω": "omega",
    "′": "'",
    "’": "'",
}
_PCB = re.compile(r"^\s*((?:\d'?)(?:\s*,\s*\d'?)*)\s*-\s*PCB\s*$", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"^(.*\S)\s+\([^()]*\)$")


@dataclass(frozen=True)
class Resolution:
    source: str
    name: str  # the spelling that resolved (may be a rewrite of the query)
    smiles: str


class SourceUnavailable(Exception):
    """A resolver cannot run here (no Java, package missing); the message says why."""


def clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def name_variants(name: str) -> list[str]:
    """The name, then rewrites worth a retry when it fails."""
    base = clean_name(name)
    variants = [base]
    if match := _PCB.match(base):  # "2,2',5-PCB" -> "2,2',5-trichloro-1,1'-biphenyl"
        locants = [part.strip() for part in match.group(1).split(",")]
        if len(set(locants)) == len(locants) <= 10:  # a repeated locant is a typo: don't guess
            variants.append(f"{','.join(locants)}-{MULTIPLIERS[len(locants)]}chloro-1,1'-biphenyl")
    if match := _TRAILING_NOTE.match(base):  # "Etoposide (148-167,25mg/ml)"
        variants.append(match.group(1))
    greek = "".join(GREEK.get(c, c) for c in base)
    if greek != base:
        variants.append(greek)
    return list(dict.fromkeys(v for v in variants if v))


@lru_cache(maxsize=1)
def opsin_jar() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("py2opsin")
    if spec is None or not spec.submodule_search_locations:
        raise SourceUnavailable("the py2opsin package (which ships OPSIN) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    jars = sorted(folder.glob("opsin*.jar"))
    if not jars:
        raise SourceUnavailable(f"no OPSIN jar in {folder}")
    return jars[-1]


def opsin_resolve(names: list[str], timeout: float = 300.0) -> list[str | None]:
    """SMILES for each name (None where OPSIN cannot parse it), one JVM for all names."""
    if not names:
        return []
    java = shutil.which("java")
    if java is None:
        raise SourceUnavailable("Java is not installed (OPSIN needs a Java 8+ runtime on PATH)")
    lines = "\n".join(re.sub(r"[\r\n]+", " ", n) for n in names) + "\n"
    try:
        completed = subprocess.run(
            [
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                str(opsin_jar()),
                "-osmi",
            ],
            input=lines,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SourceUnavailable(f"OPSIN could not run: {exc}") from exc
    if completed.returncode != 0:
        raise SourceUnavailable(
            f"OPSIN exited with status {completed.returncode}: {completed.stderr.strip()[:200]}"
        )
    # OPSIN answers one line per input line, empty where a name failed.
    answers = completed.stdout.split("\n")[: len(names)]
    answers += [""] * (len(names) - len(answers))
    return [a.strip() or None for a in answers]


@lru_cache(maxsize=1)
def _chemicals_db() -> Any:
    try:
        import chemicals.identifiers as identifiers
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise SourceUnavailable("the chemicals package is not installed") from exc
    database = identifiers.get_pubchem_db()
    database.finish_loading()
    return database


def chemicals_resolve(name: str) -> str | None:
    """SMILES from the chemicals name index, trying the spellings chemicals itself tries."""
    text = clean_name(name)
    if not text:
        return None
    index = _chemicals_db().name_index
    squeezed = text.replace(" ", "")
    for candidate in (
        text,
        text.lower(),
        squeezed,
        squeezed.lower(),
        squeezed.replace("-", ""),
        squeezed.replace("-", "").lower(),
    ):
        hit = index.get(candidate)
        if hit is not None and hit.smiles:
            return str(hit.smiles)
    return None


@dataclass
class NameResolutions:
    """What each source made of each name; `unavailable` maps a source to why it did not run."""

    by_name: dict[str, list[Resolution]]
    unavailable: dict[str, str]


def resolve_names(
    names: list[str], sources: tuple[str, ...] = (OPSIN, CHEMICALS)
) -> NameResolutions:
    """Resolve every name with every source (retrying failures with the name's variants)."""
    variants = {name: name_variants(name) for name in names}
    results: dict[str, list[Resolution]] = {name: [] for name in names}
    unavailable: dict[str, str] = {}
    if OPSIN in sources:
        pending = [(name, variant) for name in names for variant in variants[name]]
        try:
            answers = opsin_resolve([variant for _, variant in pending])
        except SourceUnavailable as exc:
            unavailable[OPSIN] = str(exc)
        else:
            done: set[str] = set()
            for (name, variant), smiles in zip(pending, answers, strict=False):
                if smiles and name not in done:
                    results[name].append(Resolution(OPSIN, variant, smiles))
                    done.add(name)
    if CHEMICALS in sources:
        try:
            for name in names:
                for variant in variants[name]:
                    if smiles := chemicals_resolve(variant):
                        results[name].append(Resolution(CHEMICALS, variant, smiles))
                        break
        except SourceUnavailable as exc:
            unavailable[CHEMICALS] = str(exc)
    return NameResolutions(results, unavailable)


def similar_names(name: str, limit: int = 3) -> list[str]:
    """Names in the chemicals database one edit away from `name` (typos: "napthalene").

    Only ever offered as a "did you mean": one edit can also turn a name into another compound
    (chlorodibromethane vs chlorodibromoethane).
    """
    from rapidfuzz import distance, process

    text = clean_name(name).lower()
    if len(text) < 5:
        return []
    try:
        names = _chemicals_names()
    except SourceUnavailable:
        return []
    found = process.extract(
        text, names, scorer=distance.Levenshtein.distance, score_cutoff=1, limit=limit
    )
    return [match for match, _, _ in found if match != text]


@lru_cache(maxsize=1)
def _chemicals_names() -> list[str]:
    return [key for key in _chemicals_db().name_index if isinstance(key, str)]
