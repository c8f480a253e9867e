"""`galcli smiles describe`: a molecule described from facts galcli computed or looked up.

The description is built, not generated: the name from galcli's name index (the `chemicals`
database, looked up by InChIKey), the formula and masses, functional groups, rings and
stereocentres from RDKit (verify/molecule.py), and Lipinski's rule of five. A model may
rewrite it only with --paraphrase (or -m), sentence by sentence through the faithfulness check:
a sentence whose formula, number or compound name is not in those facts is rejected with the
reason, on stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from galcli.errors import ExitCode, InputError
from galcli.model.base import Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.tasks.session import HistoryEntry
from galcli.verify.faithful import Rejected, sift
from galcli.verify.molecule import Structure, structure
from galcli.verify.smiles import diagnose, mol_from_smiles, properties

SYSTEM = (
    "You rewrite descriptions of molecules for a chemist in plain words. Keep every name, "
    "formula and number as written. Add no names, properties or facts."
)


@dataclass
class Description:
    smiles: str
    facts: dict[str, Any]
    name: str | None = None  # from galcli's name index, by InChIKey
    structure: Structure | None = None
    text: str = ""  # built from the facts
    paraphrase: str | None = None  # the model's sentences that passed the check
    rejected: list[Rejected] = field(default_factory=list)
    model: str | None = None
    provenance: Provenance | None = None
    warnings: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # why a fact is missing, by its name
    exit_code = ExitCode.OK

    def history_entry(self) -> HistoryEntry | None:
        if self.model is None:
            return None
        verdicts: dict[str, object] = {"kept": self.paraphrase is not None}
        verdicts["rejected"] = len(self.rejected)
        return HistoryEntry(self.smiles, self.paraphrase or "", self.provenance, verdicts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "smiles": self.smiles,
            "name": self.name,
            "properties": self.facts,
            "structure": self.structure.to_dict() if self.structure else None,
            "description": self.text,
            "paraphrase": self.paraphrase,
            "rejected": [r.to_dict() for r in self.rejected],
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


def parse_input(smiles: str) -> Any:
    """The molecule for a user's SMILES, or an InputError saying what is wrong with it."""
    check_ = diagnose(smiles)
    if not check_.valid:
        shown = repr(smiles) if len(smiles) <= 60 else f"{smiles[:59]!r}… ({len(smiles):,} chars)"
        raise InputError(
            f"invalid SMILES {shown}: {check_.error}",
            hint="check the SMILES, e.g. with `galcli smiles validate -`",
        )
    return mol_from_smiles(smiles)


def _name(inchikey: str | None, notes: dict[str, str]) -> str | None:
    if inchikey is None:
        return None
    from galcli.verify.chemindex import SourceUnavailable, chemicals_index

    try:
        found = chemicals_index().by_inchikey(inchikey)
    except SourceUnavailable as exc:
        notes["name"] = str(exc)
        return None
    if found is None:
        notes["name"] = "not in galcli's name index (the chemicals package's database)"
    return found.name if found is not None and found.name else None


def _counted(count: int, singular: str, plural: str) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    if count == 1:
        return ("an " if singular[0] in "aeiou" else "a ") + singular
    return f"{words.get(count, str(count))} {plural}"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_text(name: str | None, facts: dict[str, Any], shape: Structure) -> str:
    """The description, sentence by sentence from the facts (nothing else)."""
    who = f"{name[:1].upper()}{name[1:]} ({facts['smiles']})" if name else facts["smiles"]
    sentences = [
        f"{who} is {facts['formula']}, {facts['mol_weight']:.2f} g/mol "
        f"(monoisotopic mass {facts['exact_mass']:.4f})."
    ]
    if name is None:
        sentences[0] = sentences[0].rstrip(".") + "; galcli's name index does not know it."
    groups = [_counted(count, singular, plural) for singular, plural, count in shape.groups]
    if groups:
        sentences.append(f"It has {_listed(groups)}.")
    if shape.rings:
        names: dict[str, int] = {}
        for ring in shape.rings:
            names[ring.name] = names.get(ring.name, 0) + 1
        rings = [_counted(n, ring, ring + "s") for ring, n in names.items()]
        systems = (
            "" if shape.ring_systems == len(shape.rings) else
            f", fused into {_counted(shape.ring_systems, 'ring system', 'ring systems')}"
        )  # fmt: skip
        sentences.append(f"Its rings: {_listed(rings)}{systems}.")
    else:
        sentences.append("It has no rings.")
    centres, unassigned = facts["stereocentres"], facts["unassigned_stereocentres"]
    if centres:
        open_ = (
            ""
            if not unassigned
            else ", unassigned in the SMILES"
            if unassigned == centres
            else f", {unassigned} of them unassigned in the SMILES"
        )
        sentences.append(f"It has {_counted(centres, 'stereocentre', 'stereocentres')}{open_}.")
    else:
        sentences.append("It has no stereocentres.")
    violations = facts["lipinski_violations"]
    sentences.append(
        "It breaks none of Lipinski's rules of five."
        if not violations
        else f"It breaks {violations} of Lipinski's four rules of five."
    )
    return " ".join(sentences)


def _sources(result: Description) -> list[str]:
    parts = [result.text, result.smiles, result.name or ""]
    parts += [f"{key.replace('_', ' ')} {value}" for key, value in result.facts.items()]
    return parts


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
    result.name = _name(facts["inchikey"], result.notes)
    result.structure = structure(mol)
    result.text = describe_text(result.name, facts, result.structure)
    if backend is not None:
        paraphrase(result, backend, params, on_text)
    return result


def paraphrase(
    result: Description,
    backend: Backend,
    params: GenerationParams | None = None,
    on_text: Callable[[str], None] | None = None,
) -> None:
    """The model's rewrite of the description, each sentence kept only if it passes."""
    user = f"SMILES: {result.smiles}\n\nDescription: {result.text}\n\nRewrite it."
    raw = f"[START_I_SMILES]{result.smiles}[END_I_SMILES]\n\n{result.text}\n\nIn other words:"
    prompt = Prompt(
        raw=raw, stop=("\n\n",), messages=(Message("system", SYSTEM), Message("user", user))
    )
    params = params or GenerationParams()
    text = backend.generate(prompt, params, on_text).text.strip()
    result.model = backend.model_id
    result.provenance = provenance_for(backend, prompt, params)
    kept, result.rejected = sift(text, _sources(result))
    result.paraphrase = " ".join(kept) or None
    if not text:
        result.warnings.append("the model wrote nothing")
