"""`galcli smiles describe`: RDKit's facts about a molecule, and a model's short description
written from those facts (and labelled as generated)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from galcli.errors import ExitCode, InputError
from galcli.model.base import Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.tasks.session import HistoryEntry
from galcli.verify.smiles import diagnose, mol_from_smiles, properties

SYSTEM = (
    "You are a chemistry assistant. Describe the molecule in two or three sentences for a "
    "chemist, using only the facts given. Do not invent properties or names."
)


@dataclass
class Description:
    smiles: str
    facts: dict[str, Any]
    text: str | None = None
    model: str | None = None
    provenance: Provenance | None = None
    warnings: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # why a fact is missing, by its name
    exit_code = ExitCode.OK

    def history_entry(self) -> HistoryEntry | None:
        if self.model is None:
            return None
        return HistoryEntry(self.smiles, self.text or "", self.provenance)

    def to_dict(self) -> dict[str, Any]:
        return {
            "smiles": self.smiles,
            "properties": self.facts,
            "description": self.text,
            "model": self.model,
            "provenance": self.provenance.as_dict() if self.provenance else None,
            "warnings": self.warnings,
            "notes": self.notes,
        }


def compute_facts(mol: Any) -> dict[str, Any]:
    from rdkit import Chem
    from rdkit.Chem import Crippen, Lipinski, rdMolDescriptors

    basic = properties(mol)
    logp = Crippen.MolLogP(mol)  # type: ignore[attr-defined]  # RDKit's stubs lack them
    donors = Lipinski.NumHDonors(mol)  # type: ignore[attr-defined]
    acceptors = Lipinski.NumHAcceptors(mol)  # type: ignore[attr-defined]
    violations = sum([basic.mol_weight > 500, logp > 5, donors > 5, acceptors > 10])
    centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
    return {
        **basic.to_dict(),
        "logp": round(logp, 3),
        "tpsa": round(rdMolDescriptors.CalcTPSA(mol), 2),
        "h_bond_donors": donors,
        "h_bond_acceptors": acceptors,
        "rotatable_bonds": rdMolDescriptors.CalcNumRotatableBonds(mol),
        "rings": rdMolDescriptors.CalcNumRings(mol),
        "aromatic_rings": rdMolDescriptors.CalcNumAromaticRings(mol),
        "heavy_atoms": mol.GetNumHeavyAtoms(),
        "stereocentres": len(centres),
        "unassigned_stereocentres": sum(1 for _, label in centres if label == "?"),
        "lipinski_violations": violations,
    }


def description_prompt(smiles: str, facts: dict[str, Any]) -> Prompt:
    listing = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in facts.items() if k != "smiles")
    user = f"SMILES: {smiles}\nComputed facts: {listing}\n\nDescription:"
    raw = f"[START_I_SMILES]{smiles}[END_I_SMILES]\n\nComputed facts: {listing}.\n\nDescription:"
    return Prompt(
        raw=raw, stop=("\n\n",), messages=(Message("system", SYSTEM), Message("user", user))
    )


def parse_input(smiles: str) -> Any:
    """The molecule for a user's SMILES, or an InputError saying what is wrong with it."""
    check = diagnose(smiles)
    if not check.valid:
        shown = repr(smiles) if len(smiles) <= 60 else f"{smiles[:59]!r}… ({len(smiles):,} chars)"
        raise InputError(
            f"invalid SMILES {shown}: {check.error}",
            hint="check the SMILES, e.g. with `galcli smiles validate -`",
        )
    return mol_from_smiles(smiles)


def describe_smiles(
    smiles: str,
    backend: Backend | None = None,
    params: GenerationParams | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Description:
    mol = parse_input(smiles)
    facts = compute_facts(mol)
    result = Description(smiles=facts["smiles"], facts=facts)
    if facts["inchikey"] is None:
        query = any(atom.GetAtomicNum() == 0 for atom in mol.GetAtoms())
        result.notes["inchikey"] = "query atoms" if query else "InChI cannot represent it"
    if backend is not None:
        prompt = description_prompt(facts["smiles"], facts)
        params = params or GenerationParams()
        result.text = backend.generate(prompt, params, on_text).text.strip()
        result.model = backend.model_id
        result.provenance = provenance_for(backend, prompt, params)
        if not result.text:
            result.warnings.append("the model wrote no description")
    return result
