"""`galcli smiles NAME --online`: PubChem as a source, against the fake service on 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from tests.conftest import Result
from tests.lookup.server import FakeServices, Reply, fixture

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="OPSIN needs Java")
PUBCHEM_PATH = "/pubchem/rest/pug/compound/name/{}/property/IsomericSMILES,InChIKey/JSON"
CAFFEINE = fixture("pubchem_properties.json")["PropertyTable"]["Properties"][0]


def candidates(result: Result) -> list[dict]:
    document = result.json()
    assert isinstance(document, dict)
    return document["candidates"]


@needs_java
def test_pubchem_confirms_what_only_opsin_knew(
    cli: Callable[..., Result], services: FakeServices
) -> None:
    name = "3-ethyl-2,4-dimethylpentan-1-ol"  # OPSIN parses it; chemicals does not list it
    offline = cli("smiles", name, "--no-model", "--json")
    assert [c["identity"] for c in candidates(offline)] == ["unverified"]
    # The old field name (IsomericSMILES), written differently from OPSIN's SMILES.
    services.pubchem[name] = {"CID": 19828404, "IsomericSMILES": "CCC(C(C)C)C(C)CO"}
    online = cli("smiles", name, "--no-model", "--online", "--json")
    assert online.code == 0
    top = candidates(online)[0]
    assert top["identity"] == "confirmed" and top["sources"] == ["opsin", "pubchem"]


@needs_java
def test_names_the_offline_sources_confirm_cost_no_request(
    cli: Callable[..., Result], services: FakeServices
) -> None:
    result = cli("smiles", "caffeine", "--no-model", "--online", "--json")
    assert candidates(result)[0]["identity"] == "confirmed"
    assert services.requests == 0


def test_a_name_only_pubchem_knows(cli: Callable[..., Result], services: FakeServices) -> None:
    services.pubchem["galcli test brand 7"] = CAFFEINE  # the new field name (SMILES)
    result = cli("smiles", "galcli test brand 7", "--no-model", "--online", "--json")
    assert result.code == 0
    top = candidates(result)[0]
    assert top["sources"] == ["pubchem"] and top["identity"] == "unverified"
    assert top["inchikey"] == CAFFEINE["InChIKey"]
    again = cli("smiles", "galcli test brand 7", "--no-model", "--online", "--json")
    assert candidates(again) == candidates(result) and services.requests == 1  # cached


def test_unknown_to_pubchem_too(cli: Callable[..., Result], services: FakeServices) -> None:
    result = cli("smiles", "florbisnazine", "--no-model", "--online", "--json")
    assert result.code == 1 and candidates(result) == []
    assert "pubchem" not in result.json()["unavailable_sources"]  # type: ignore[index]


def test_pubchem_faults_are_reported_not_raised(
    cli: Callable[..., Result], services: FakeServices
) -> None:
    services.pubchem["galcli test brand 7"] = CAFFEINE
    path = PUBCHEM_PATH.format("galcli test brand 7")
    services.script(
        path, Reply(503, {"Fault": {"Code": "PUGREST.ServerBusy"}}, {"Retry-After": "0"})
    )
    services.script(path, Reply(200, b"<html>busy</html>"))
    result = cli("smiles", "galcli test brand 7", "--no-model", "--online")
    assert result.code == 1 and result.stdout == ""
    assert "pubchem was not consulted: pubchem answered with malformed JSON" in result.stderr
    assert "Traceback" not in result.stderr
