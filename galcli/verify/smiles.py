"""SMILES validation and properties with RDKit, its log captured instead of sprayed on stderr.

Beyond RDKit's own parse: an empty string is not a molecule, and internal whitespace is refused
(RDKit would silently read `CC O` as ethane named "O"). Failures carry a kind (`empty`,
`whitespace`, `too_large`, `parse`, `valence`, `kekulize`, `sanitize`, `unwritable`) and
RDKit's own reason.

Every text handed to RDKit passes `size_problem` first. RDKit's parse and canonicalisation take
time that grows with the square of the atom count (on 2 cores: 2,000 atoms 0.2–0.4 s, 5,000
atoms 1.5–4 s, 14,000 atoms 17 s) and a 20,000-atom chain kills the process with a segmentation
fault (bench/smiles_sizes.py measures this). MAX_ATOMS keeps every line under half a second,
ten times below the crash, and above InChI's own limit of 1,024 atoms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_ATOMS = 2_000
MAX_CHARS = 20_000  # bracket atoms, bonds, ring digits: ten characters an atom at most, in practice
_TIMESTAMP = re.compile(r"^\[\d{2}:\d{2}:\d{2}\] ?")
# Atoms as SMILES writes them: a bracket atom, a two-letter organic-subset element, or one
# letter (aromatic lower case). An upper bound on what RDKit will build; cheap to count.
_ATOM_TOKEN = re.compile(r"\[[^\]]*\]|Cl|Br|[BCNOPSFI]|[bcnops]|\*")
_SPACE = re.compile(r"\s")
_KINDS = {
    "AtomValenceException": "valence",
    "AtomKekulizeException": "kekulize",
    "KekulizeException": "kekulize",
}


@dataclass(frozen=True)
class SmilesCheck:
    input: str
    valid: bool
    canonical: str | None = None
    kind: str = "ok"  # ok, empty, whitespace, too_large, parse, valence, kekulize, sanitize, …
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "valid": self.valid,
            "canonical": self.canonical,
            "error": self.error,
            "error_kind": None if self.valid else self.kind,
        }


@dataclass(frozen=True)
class Properties:
    smiles: str
    formula: str
    mol_weight: float
    exact_mass: float
    inchikey: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "smiles": self.smiles,
            "formula": self.formula,
            "mol_weight": round(self.mol_weight, 4),
            "exact_mass": round(self.exact_mass, 6),
            "inchikey": self.inchikey,
        }


def _quiet() -> Any:
    """RDKit's log blocked for the duration (it writes straight to the C++ stderr otherwise)."""
    from rdkit import rdBase

    return rdBase.BlockLogs()


def _parse_reason(messages: str) -> str:
    lines = [_TIMESTAMP.sub("", line).rstrip() for line in messages.splitlines()]
    head = next((line for line in lines if line.startswith("SMILES Parse Error:")), "")
    head = re.sub(r" (while parsing|for input): .*$", "", head.replace("SMILES Parse Error: ", ""))
    position = next(
        (m.group(1) for line in lines if (m := re.search(r"around position (\d+)", line))), None
    )
    return (head or "SMILES parse error") + (f" (around position {position})" if position else "")


def size_problem(smiles: str) -> SmilesCheck | None:
    """A `too_large` failure for a SMILES too big to hand to RDKit safely, else None."""
    text = smiles.strip()
    if len(text) > MAX_CHARS:
        return SmilesCheck(
            smiles,
            False,
            kind="too_large",
            error=f"SMILES too large to check: {len(text):,} characters "
            f"(the limit is {MAX_CHARS:,})",
        )
    if len(text) > MAX_ATOMS:  # at most one atom a character: count only when it can matter
        atoms = len(_ATOM_TOKEN.findall(text))
        if atoms > MAX_ATOMS:
            return SmilesCheck(
                smiles,
                False,
                kind="too_large",
                error=f"SMILES too large to check: about {atoms:,} atoms (the limit is "
                f"{MAX_ATOMS:,}; RDKit slows down and can crash on very large molecules)",
            )
    return None


def _written(smiles: str, mol: Any, to_smiles: Any) -> SmilesCheck:
    """The check of a parsed molecule: valid with its canonical SMILES, or why RDKit could not
    write it (e.g. "Too many rings open at once")."""
    try:
        return SmilesCheck(smiles, True, canonical=to_smiles(mol))
    except (ValueError, RuntimeError) as exc:
        return SmilesCheck(
            smiles, False, kind="unwritable", error=f"RDKit cannot write it as SMILES: {exc}"
        )


def diagnose(smiles: str) -> SmilesCheck:
    """Why `smiles` is not a valid molecule (or that it is). Slower than `check`; for failures."""
    from rdkit import Chem, rdBase

    text = smiles.strip()
    if not text:
        return SmilesCheck(smiles, False, kind="empty", error="empty SMILES")
    if too_large := size_problem(smiles):
        return too_large
    if _SPACE.search(text):
        return SmilesCheck(
            smiles,
            False,
            kind="whitespace",
            error="SMILES contains whitespace (RDKit would read the rest as a name)",
        )
    # BlockLogs must be the outer context, or CaptureErrorLog sees nothing.
    with rdBase.BlockLogs(), rdBase.CaptureErrorLog() as captured:
        mol = Chem.MolFromSmiles(text)
        if mol is not None:
            if mol.GetNumAtoms() == 0:
                return SmilesCheck(smiles, False, kind="empty", error="no atoms")
            return _written(smiles, mol, Chem.MolToSmiles)
        raw = Chem.MolFromSmiles(text, sanitize=False)
        problems = Chem.DetectChemistryProblems(raw) if raw is not None else ()
        messages = captured.messages
    if raw is None:
        return SmilesCheck(smiles, False, kind="parse", error=_parse_reason(messages))
    if problems:
        kinds = [_KINDS.get(p.GetType(), "sanitize") for p in problems]
        kind = "valence" if "valence" in kinds else kinds[0]
        return SmilesCheck(
            smiles,
            False,
            kind=kind,
            error="; ".join(f"{p.GetType()}: {p.Message()}" for p in problems),
        )
    return SmilesCheck(
        smiles,
        False,
        kind="sanitize",
        error=_TIMESTAMP.sub("", messages.strip()) or "sanitization failed",
    )


class Validator:
    """Fast validation for streams: one blocked-log context, diagnosis only for failures."""

    def __init__(self) -> None:
        from rdkit import Chem

        self._from_smiles = Chem.MolFromSmiles
        self._to_smiles = Chem.MolToSmiles
        self._blocker = _quiet()

    def check(self, smiles: str) -> SmilesCheck:
        text = smiles.strip()
        if text and not _SPACE.search(text) and size_problem(text) is None:
            mol = self._from_smiles(text)
            if mol is not None and mol.GetNumAtoms():
                return _written(smiles, mol, self._to_smiles)
        return diagnose(smiles)

    def close(self) -> None:
        del self._blocker


def mol_from_smiles(smiles: str) -> Any:
    """An RDKit molecule for a SMILES that `check` accepted (None otherwise), quietly."""
    from rdkit import Chem

    if size_problem(smiles) is not None:
        return None
    with _quiet():
        mol = Chem.MolFromSmiles(smiles.strip())
    return mol if mol is not None and mol.GetNumAtoms() else None


def properties(mol: Any) -> Properties:
    from rdkit import Chem
    from rdkit.Chem import rdMolDescriptors

    # rdkit.Chem.Descriptors.MolWt is this function; importing Descriptors costs 0.1-0.3 s.

    with _quiet():
        inchikey = Chem.MolToInchiKey(mol) or None
        return Properties(
            smiles=Chem.MolToSmiles(mol),
            # Isotopes shown in the formula, so it agrees with the (isotope-aware) weight.
            formula=rdMolDescriptors.CalcMolFormula(mol, separateIsotopes=True),
            mol_weight=rdMolDescriptors._CalcMolWt(mol),
            exact_mass=rdMolDescriptors.CalcExactMolWt(mol),
            inchikey=inchikey,
        )


def draw(mol: Any, path: str, *, legend: str = "", size: int = 400) -> bytes:
    """A depiction as SVG or PNG bytes, chosen by the file extension."""
    from rdkit.Chem.Draw import rdMolDraw2D

    if path.lower().endswith(".svg"):
        drawer = rdMolDraw2D.MolDraw2DSVG(size, size)
    elif path.lower().endswith(".png"):
        drawer = rdMolDraw2D.MolDraw2DCairo(size, size)
    else:
        raise ValueError("drawings are .svg or .png")
    with _quiet():
        rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol, legend=legend)
        drawer.FinishDrawing()
    data = drawer.GetDrawingText()
    return data.encode("utf-8") if isinstance(data, str) else data
