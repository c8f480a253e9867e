"""What RDKit says a molecule is made of: its functional groups (substructure matches), ring
systems and stereocentres. `smiles describe` builds its description from these facts only.

Each group is an RDKit SMARTS pattern matched with `GetSubstructMatches`; the patterns keep
groups apart that a looser count would merge (an ester's oxygen is not an ether, an amide's
nitrogen is not an amine, an aromatic ring's nitrogen is neither).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# (name, plural, SMARTS), most specific first; the first atom of a pattern is the group's own
# (a carbonyl carbon, an amine nitrogen): a group is counted once however many ways it matches.
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("carboxylic acid", "carboxylic acids", "[CX3](=O)[OX2H1]"),
    ("carboxylate", "carboxylates", "[CX3](=O)[OX1-]"),
    ("ester", "esters", "[CX3](=O)([#6])[OX2H0][#6]"),
    ("amide", "amides", "[#6X3](=[OX1])[#7X3]"),  # lactams and the carbonyls of caffeine too
    ("aldehyde", "aldehydes", "[CX3H1](=O)[#6]"),
    ("ketone", "ketones", "[CX3](=O)([#6])[#6]"),
    ("hydroxyl group (alcohol)", "hydroxyl groups (alcohol)", "[OX2H][CX4]"),
    ("hydroxyl group on an aromatic ring (phenol)", "phenolic hydroxyl groups", "[OX2H]c"),
    ("ether", "ethers", "[OD2;!$(O[CX3]=[O,S,N])]([#6])[#6;!$(C=[O,S,N])]"),
    ("primary amine", "primary amines", "[NX3;H2;!$(N[C,S]=[O,S,N]);!a][#6]"),
    ("secondary amine", "secondary amines", "[NX3;H1;!$(N[C,S]=[O,S,N]);!a]([#6])[#6]"),
    (
        "tertiary amine",
        "tertiary amines",
        "[NX3;H0;!$(N[C,S]=[O,S,N]);!$(N-[!#6]);!a]([#6])([#6])[#6]",
    ),
    ("nitrile", "nitriles", "[NX1]#[CX2]"),
    ("nitro group", "nitro groups", "[$([NX3](=O)=O),$([NX3+](=O)[O-])]"),
    ("thiol", "thiols", "[SX2H]"),
    ("sulfonamide", "sulfonamides", "[SX4](=O)(=O)[NX3]"),
    ("carbon-carbon double bond", "carbon-carbon double bonds", "[CX3;!a]=[CX3;!a]"),
    ("carbon-carbon triple bond", "carbon-carbon triple bonds", "C#C"),
    ("fluorine atom", "fluorine atoms", "[F]"),
    ("chlorine atom", "chlorine atoms", "[Cl]"),
    ("bromine atom", "bromine atoms", "[Br]"),
    ("iodine atom", "iodine atoms", "[I]"),
)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, str, Any]]:
    from rdkit import Chem

    return [(name, plural, Chem.MolFromSmarts(smarts)) for name, plural, smarts in GROUPS]


@dataclass(frozen=True)
class Ring:
    size: int
    aromatic: bool
    heteroatoms: tuple[str, ...]  # element symbols other than carbon, in order

    @property
    def name(self) -> str:
        if self.aromatic and self.size == 6 and not self.heteroatoms:
            return "benzene ring"
        kind = "aromatic" if self.aromatic else "non-aromatic"
        hetero = f" with {' and '.join(sorted(set(self.heteroatoms)))}" if self.heteroatoms else ""
        return f"{kind} {self.size}-membered ring{hetero}"


@dataclass(frozen=True)
class Structure:
    groups: tuple[tuple[str, str, int], ...]  # (name, plural, count) of each group found
    rings: tuple[Ring, ...]
    ring_systems: int  # rings that share atoms count as one system (a fused bicycle)

    def to_dict(self) -> dict[str, Any]:
        return {
            "functional_groups": {name: count for name, _, count in self.groups},
            "rings": [
                {"size": r.size, "aromatic": r.aromatic, "heteroatoms": list(r.heteroatoms)}
                for r in self.rings
            ],
            "ring_systems": self.ring_systems,
        }


def structure(mol: Any) -> Structure:
    """The functional groups, rings and ring systems of an RDKit molecule."""
    groups = []
    for name, plural, pattern in _patterns():
        count = len({match[0] for match in mol.GetSubstructMatches(pattern)})
        if count:
            groups.append((name, plural, count))
    info = mol.GetRingInfo()
    rings = []
    for atoms in info.AtomRings():
        symbols = [mol.GetAtomWithIdx(i).GetSymbol() for i in atoms]
        aromatic = all(mol.GetAtomWithIdx(i).GetIsAromatic() for i in atoms)
        rings.append(Ring(len(atoms), aromatic, tuple(s for s in symbols if s != "C")))
    return Structure(tuple(groups), tuple(rings), _systems(info.AtomRings()))


def _systems(rings: tuple[tuple[int, ...], ...]) -> int:
    systems: list[set[int]] = []
    for ring in rings:
        atoms = set(ring)
        joined = [s for s in systems if s & atoms]
        for system in joined:
            atoms |= system
            systems.remove(system)
        systems.append(atoms)
    return len(systems)
