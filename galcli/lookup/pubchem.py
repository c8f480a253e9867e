"""PubChem PUG REST: a compound name to its isomeric SMILES and InChIKey.

GET /rest/pug/compound/name/{name}/property/IsomericSMILES,InChIKey/JSON answers
`{"PropertyTable": {"Properties": [{"CID", "IsomericSMILES" | "SMILES", "InChIKey"}]}}`; since
2025 PubChem names the isomeric SMILES `SMILES` (and the old canonical one `ConnectivitySMILES`),
so both spellings are read. An unknown name is a 404 with a `Fault` body.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from galcli.lookup.http import HttpClient, LookupFailed

PUBCHEM = "pubchem"
SMILES_FIELDS = ("IsomericSMILES", "SMILES", "CanonicalSMILES", "ConnectivitySMILES")


def pubchem_not_found(body: bytes) -> bool:
    """PubChem's own 404: {"Fault": {"Code": "PUGREST.NotFound", …}}."""
    return b"PUGREST.NotFound" in body


@dataclass(frozen=True)
class Compound:
    cid: int | None
    smiles: str
    inchikey: str | None


class PubChem:
    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self.base = client.config.pubchem_url

    def by_name(self, name: str) -> Compound | None:
        """The first compound PubChem files under `name`, or None when it knows none."""
        quoted = urllib.parse.quote(name.strip(), safe="")
        url = f"{self.base}/rest/pug/compound/name/{quoted}/property/IsomericSMILES,InChIKey/JSON"
        answer = self.client.get_json(PUBCHEM, url, not_found=pubchem_not_found)
        if answer.status == 404:
            return None
        try:
            rows = answer.data["PropertyTable"]["Properties"]
        except (TypeError, KeyError) as exc:
            raise LookupFailed("PubChem answered without a property table") from exc
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict):
                continue
            smiles = next((row[f] for f in SMILES_FIELDS if isinstance(row.get(f), str)), None)
            if smiles:
                cid, key = row.get("CID"), row.get("InChIKey")
                return Compound(
                    cid if isinstance(cid, int) else None,
                    smiles,
                    key if isinstance(key, str) else None,
                )
        return None
