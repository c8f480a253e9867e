"""Chemical names to structures, from two offline sources independent of any language model.

* OPSIN (the jar shipped in the `py2opsin` package; needs Java) parses systematic and many common
  names. galcli runs the jar itself, one JVM for all names of a run, through stdin: py2opsin's
  wrapper writes a temp file into the current directory and misreports failures.
* The `chemicals` package's PubChem-derived identifier database (~70k compounds with synonyms
  and CAS numbers) knows trivial names and CAS numbers. galcli looks names up in its name index
  and CAS-shaped queries (`7732-18-5`) in its CAS index only, so a "name" such as `CO` or an
  empty string is not silently read as a formula or an element. A CAS number whose check digit
  is wrong is a typo, reported as such and never looked up.

Failed names are retried with a few principled rewrites (PCB shorthand, a trailing
parenthetical note, Greek letters spelled out); nothing is fuzzy-matched into a result.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from galcli.verify.chemindex import SourceUnavailable, chemicals_index

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
_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


@dataclass(frozen=True)
class Resolution:
    source: str
    name: str  # the spelling that resolved (may be a rewrite of the query)
    smiles: str


def is_cas_number(text: str) -> bool:
    """Shaped like a CAS Registry Number (2–7 digits, 2 digits, a check digit)."""
    return _CAS.match(clean_name(text)) is not None


def cas_check_digit(text: str) -> int:
    """The check digit a CAS number's other digits call for (CAS's weighted sum, mod 10)."""
    digits = clean_name(text).replace("-", "")[:-1]
    return sum(weight * int(d) for weight, d in enumerate(reversed(digits), 1)) % 10


def cas_problem(text: str) -> str | None:
    """Why a CAS-shaped query cannot be a CAS number (a wrong check digit), or None."""
    if not is_cas_number(text):
        return None
    expected = cas_check_digit(text)
    if int(clean_name(text)[-1]) != expected:
        return f"the CAS number's check digit is wrong (expected {expected})"
    return None


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


class OpsinRun:
    """OPSIN started now on all `names` (one JVM), answered by `result()`: the JVM starts while
    the caller does other work, such as the chemicals look-ups."""

    def __init__(self, names: list[str], timeout: float = 300.0) -> None:
        self.count = len(names)
        self.timeout = timeout
        self._answer: dict[str, Any] = {}
        self._thread: threading.Thread | None = None
        if not names:
            return
        java = shutil.which("java")
        if java is None:
            raise SourceUnavailable("Java is not installed (OPSIN needs a Java 8+ runtime on PATH)")
        jar = opsin_jar()
        command = [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
        self._archive, self._partial = _class_archive(java, jar)
        if self._archive is not None and self._archive.is_file():
            command.append(f"-XX:SharedArchiveFile={self._archive}")
            self._partial = None
        elif self._partial is not None:
            command.append(f"-XX:ArchiveClassesAtExit={self._partial}")
        command += ["-jar", str(jar), "-osmi"]
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        except OSError as exc:
            raise SourceUnavailable(f"OPSIN could not run: {exc}") from exc
        lines = "\n".join(re.sub(r"[\r\n]+", " ", n) for n in names) + "\n"
        # communicate() in a thread: a long input must not block on a full pipe meanwhile.
        self._thread = threading.Thread(target=self._talk, args=(lines,), daemon=True)
        self._thread.start()

    def _talk(self, lines: str) -> None:
        try:
            self._answer["out"] = self._process.communicate(lines, timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
            self._process.kill()
            self._answer["error"] = exc

    def result(self) -> list[str | None]:
        """SMILES for each name (None where OPSIN cannot parse it)."""
        if self._thread is None:
            return []
        self._thread.join()
        if "error" in self._answer:
            raise SourceUnavailable(f"OPSIN could not run: {self._answer['error']}")
        stdout, stderr = self._answer["out"]
        if self._process.returncode != 0:
            raise SourceUnavailable(
                f"OPSIN exited with status {self._process.returncode}: {stderr.strip()[:200]}"
            )
        if self._partial is not None and self._archive is not None:
            with contextlib.suppress(OSError):
                os.replace(self._partial, self._archive)
        # OPSIN answers one line per input line, empty where a name failed.
        answers = stdout.split("\n")[: self.count]
        answers += [""] * (self.count - len(answers))
        return [a.strip() or None for a in answers]


def _class_archive(java: str, jar: Path) -> tuple[Path | None, Path | None]:
    """(the JVM class-data archive for OPSIN, where this run may write it if it is missing).

    A class-data sharing archive, written by the first run (-XX:ArchiveClassesAtExit, JDK 13+)
    and mapped by later ones, saves about a third of OPSIN's start-up CPU time. It is keyed by
    the Java binary and the jar; a JVM that cannot use it ignores it.
    """
    import hashlib

    from galcli.paths import cache_dir

    try:
        real = Path(java).resolve()
        key = f"{real}:{real.stat().st_mtime_ns}:{jar}:{jar.stat().st_size}"
        folder = cache_dir() / "opsin"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None, None
    archive = folder / f"{jar.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.jsa"
    return archive, archive.with_name(f".{archive.name}.{os.getpid()}.tmp")


def opsin_resolve(names: list[str], timeout: float = 300.0) -> list[str | None]:
    """SMILES for each name (None where OPSIN cannot parse it), one JVM for all names."""
    return OpsinRun(names, timeout).result()


def chemicals_resolve(name: str) -> str | None:
    """SMILES from the chemicals database: CAS numbers from its CAS index, names from its name
    index with the spellings chemicals itself tries (see chemindex for the cached index)."""
    text = clean_name(name)
    if not text:
        return None
    index = chemicals_index()
    if is_cas_number(text):
        if cas_problem(text):
            return None
        hit = index.by_cas(text)
        return hit.smiles if hit else None
    squeezed = text.replace(" ", "")
    for candidate in dict.fromkeys(
        (
            text,
            text.lower(),
            squeezed,
            squeezed.lower(),
            squeezed.replace("-", ""),
            squeezed.replace("-", "").lower(),
        )
    ):
        if hit := index.by_name(candidate):
            return hit.smiles
    return None


@dataclass
class NameResolutions:
    """What each source made of each name; `unavailable` maps a source to why it did not run;
    `problems` maps a query to why it cannot be a name (a CAS number with a wrong check digit).
    """

    by_name: dict[str, list[Resolution]]
    unavailable: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)


def resolve_names(
    names: list[str], sources: tuple[str, ...] = (OPSIN, CHEMICALS)
) -> NameResolutions:
    """Resolve every name with every source (retrying failures with the name's variants).

    OPSIN runs once for all names, in its own process, while chemicals answers here.
    """
    unique = list(dict.fromkeys(names))
    problems = {name: why for name in unique if (why := cas_problem(name))}
    variants = {name: name_variants(name) for name in unique if name not in problems}
    results: dict[str, list[Resolution]] = {name: [] for name in unique}
    unavailable: dict[str, str] = {}
    pending = [
        (name, variant)
        for name, spellings in variants.items()
        if not is_cas_number(name)  # OPSIN parses names, not registry numbers
        for variant in spellings
    ]
    opsin: OpsinRun | None = None
    if OPSIN in sources:
        try:
            opsin = OpsinRun([variant for _, variant in pending])
        except SourceUnavailable as exc:
            unavailable[OPSIN] = str(exc)
    found: dict[str, Resolution] = {}
    if CHEMICALS in sources:
        try:
            for name, spellings in variants.items():
                for variant in spellings:
                    if smiles := chemicals_resolve(variant):
                        found[name] = Resolution(CHEMICALS, variant, smiles)
                        break
        except SourceUnavailable as exc:
            unavailable[CHEMICALS] = str(exc)
    if opsin is not None:
        try:
            answers = opsin.result()
        except SourceUnavailable as exc:
            unavailable[OPSIN] = str(exc)
        else:
            for (name, variant), smiles in zip(pending, answers, strict=False):
                if smiles and not results[name]:
                    results[name].append(Resolution(OPSIN, variant, smiles))
    for name, resolution in found.items():
        results[name].append(resolution)
    return NameResolutions(results, unavailable, problems)


def similar_names(name: str, limit: int = 3) -> list[str]:
    """Compounds whose name in the chemicals database is one edit (a typo, a swap of two
    letters) away from `name`: "napthalene" -> naphthalene, "caffiene" -> caffeine.

    Each suggestion is the database's own name for a compound with a structure, never the
    matched synonym itself: the database keeps common misspellings as synonyms ("caffine"),
    and those must not be offered back. Only ever offered as a "did you mean": one edit can
    also turn a name into another compound (chlorodibromethane vs chlorodibromoethane).
    CAS numbers get none (a number one digit away is another compound).
    """
    from rapidfuzz import distance, process

    text = clean_name(name).lower()
    if len(text) < 5 or is_cas_number(text):
        return []
    try:
        index = chemicals_index()
        names = _all_names()
    except SourceUnavailable:
        return []
    found = process.extract(
        text, names, scorer=distance.OSA.distance, score_cutoff=1, limit=limit * 4
    )
    suggestions: list[str] = []
    for match, _, _ in found:
        hit = index.by_name(match)
        if hit is None:
            continue
        proper = hit.name or match
        if proper.lower() != text and proper not in suggestions:
            suggestions.append(proper)
    return suggestions[:limit]


@lru_cache(maxsize=1)
def _all_names() -> list[str]:
    return chemicals_index().names()
