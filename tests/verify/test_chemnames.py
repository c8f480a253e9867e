"""Offline name resolution: CAS numbers, check digits, and what "did you mean" may offer."""

from __future__ import annotations

import pytest

from galcli.verify import chemnames
from galcli.verify.chemnames import (
    CHEMICALS,
    cas_check_digit,
    cas_problem,
    chemicals_resolve,
    is_cas_number,
    resolve_names,
    similar_names,
)


@pytest.mark.parametrize(
    ("cas", "smiles"), [("7732-18-5", "O"), ("7664-41-7", "N"), ("58-08-2", None)]
)
def test_cas_numbers_resolve_through_the_chemicals_database(cas: str, smiles: str | None) -> None:
    found = chemicals_resolve(cas)
    if smiles is None:  # caffeine's CAS number: some structure, whatever its spelling
        assert found is not None and "N" in found
    else:
        assert found == smiles


def test_cas_check_digits() -> None:
    assert is_cas_number("7732-18-5") and not is_cas_number("7732185")
    assert cas_check_digit("7732-18-5") == 5 and cas_check_digit("7664-41-0") == 7
    assert cas_problem("7732-18-5") is None
    assert cas_problem("7732-18-4") == "the CAS number's check digit is wrong (expected 5)"
    assert cas_problem("caffeine") is None


def test_a_cas_number_with_a_wrong_check_digit_is_not_looked_up(monkeypatch) -> None:
    monkeypatch.setattr(chemnames, "chemicals_index", lambda: pytest.fail("looked up"))
    found = resolve_names(["7732-18-4"], sources=(CHEMICALS,))
    assert found.by_name == {"7732-18-4": []}
    assert found.problems == {"7732-18-4": "the CAS number's check digit is wrong (expected 5)"}
    assert similar_names("7732-18-4") == []


def test_did_you_mean_offers_the_compound_not_a_misspelt_synonym() -> None:
    # The database keeps "caffine" as a synonym of caffeine: never offer it back.
    assert similar_names("caffiene") == ["caffeine"]
    assert similar_names("napthalene") == ["naphthalene"]
    for suggestion in similar_names("caffiene") + similar_names("asprin"):
        assert chemicals_resolve(suggestion), suggestion  # every suggestion resolves


def test_opsin_runs_once_for_all_names(monkeypatch) -> None:
    runs: list[list[str]] = []

    class Recorder(chemnames.OpsinRun):
        def __init__(self, names: list[str], timeout: float = 300.0) -> None:
            runs.append(names)
            super().__init__(names, timeout)

    monkeypatch.setattr(chemnames, "OpsinRun", Recorder)
    names = ["ethanol", "propan-2-ol", "benzene", "7732-18-5"]
    found = resolve_names(names)
    if "opsin" in found.unavailable:
        pytest.skip(found.unavailable["opsin"])
    assert len(runs) == 1 and runs[0] == ["ethanol", "propan-2-ol", "benzene"]  # no CAS
    assert all(found.by_name[n] for n in names)


def test_the_cached_index_answers_as_the_chemicals_library_does() -> None:
    import chemicals.identifiers as identifiers

    from galcli.verify.chemindex import ChemicalsIndex

    chemindex_first = ChemicalsIndex()  # builds the SQLite cache if this session has none
    cached = ChemicalsIndex()
    assert cached._sql is not None and cached._database is None  # the library is not loaded
    library = identifiers.get_pubchem_db()
    for name in ("caffeine", "caffine", "water", "2-methylpropan-1-ol", "dncb"):
        assert cached.by_name(name) == chemindex_first.by_name(name)
        assert cached.by_name(name).smiles == library.search_name(name).smiles, name
    assert cached.by_cas("7732-18-5").smiles == library.search_CAS("7732-18-5").smiles == "O"
    assert cached.by_name("caffine").name == "caffeine"
    assert cached.by_name("no such compound at all") is None
