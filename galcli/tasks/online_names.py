"""`galcli smiles NAME --online`: PubChem as one more source, for names the offline sources
(OPSIN, `chemicals`) do not confirm between them.

PubChem's answer joins the others as a source of its own, so it can confirm a structure OPSIN
or the model proposed, or contradict it. A name the offline sources already agree on costs no
request. When PubChem cannot be asked, the name is resolved as offline and the reason is
reported as an unavailable source.
"""

from __future__ import annotations

from collections.abc import Sequence

from galcli.lookup.http import HttpClient, LookupConfig, LookupFailed
from galcli.lookup.pubchem import PUBCHEM, Compound, PubChem
from galcli.verify.chemnames import NameResolutions, Resolution
from galcli.verify.smiles import Validator, mol_from_smiles, properties


def _inchikey(validator: Validator, smiles: str) -> str | None:
    check = validator.check(smiles)
    if not check.valid:
        return None
    return properties(mol_from_smiles(check.canonical or smiles)).inchikey


def confirmed_offline(found: Sequence[Resolution], validator: Validator) -> bool:
    """Whether two offline sources gave the same structure (same InChIKey)."""
    keys = {r.source: _inchikey(validator, r.smiles) for r in found}
    values = [k for k in keys.values() if k]
    return len(values) >= 2 and len(set(values)) == 1


def add_pubchem(names: NameResolutions, queries: Sequence[str], config: LookupConfig) -> int:
    """Ask PubChem about each query the offline sources do not confirm; add what it knows to
    `names` as source "pubchem". Returns the number of requests sent."""
    from galcli.tasks.batch import map_in_threads  # threads only when looking up

    validator = Validator()
    pending = [
        q
        for q in dict.fromkeys(queries)
        if q.strip() and not confirmed_offline(names.by_name.get(q, []), validator)
    ]
    if not pending:
        return 0
    client = HttpClient(config)
    pubchem = PubChem(client)

    def ask(query: str) -> tuple[str, Compound | None, str | None]:
        try:
            return query, pubchem.by_name(query), None
        except LookupFailed as exc:
            return query, None, str(exc)

    answers = map_in_threads(ask, pending, config.max_in_flight)
    failures = [why for _, _, why in answers if why]
    for query, compound, _ in answers:
        if compound is not None:
            names.by_name.setdefault(query, []).append(Resolution(PUBCHEM, query, compound.smiles))
    if failures:
        count = f" ({len(failures)} of {len(pending)} names)" if len(pending) > 1 else ""
        names.unavailable[PUBCHEM] = failures[0] + count
    return client.requests
