"""add_pubchem: which names PubChem is asked about, and what its answers become."""

from __future__ import annotations

import os
from pathlib import Path

from galcli.lookup.http import LookupConfig
from galcli.tasks.online_names import add_pubchem
from galcli.verify.chemnames import NameResolutions, Resolution
from tests.lookup.server import FakeServices, Reply, fixture

CAFFEINE = "CN1C=NC2=C1C(=O)N(C(=O)N2C)C"


def config(tmp_path: Path) -> LookupConfig:
    return LookupConfig(pubchem_url=os.environ["GALCLI_PUBCHEM_URL"], cache_dir=tmp_path / "c")


def test_only_unconfirmed_names_are_asked(services: FakeServices, tmp_path: Path) -> None:
    services.pubchem["caffeine"] = fixture("pubchem_properties.json")["PropertyTable"][
        "Properties"
    ][0]
    names = NameResolutions(
        {
            # OPSIN and chemicals agree (written differently): no request.
            "theine": [
                Resolution("opsin", "theine", "N1(C)C(=O)N(C)C=2N=CN(C)C2C1=O"),
                Resolution("chemicals", "theine", CAFFEINE),
            ],
            "caffeine": [Resolution("opsin", "caffeine", CAFFEINE)],
            "nonsense": [],
        },
        {},
    )
    sent = add_pubchem(names, ["theine", "caffeine", "nonsense"], config(tmp_path))
    assert sent == 2
    asked = sorted(s.path.split("/name/")[1].split("/")[0] for s in services.seen)
    assert asked == ["caffeine", "nonsense"]
    assert [r.source for r in names.by_name["caffeine"]] == ["opsin", "pubchem"]
    assert names.by_name["caffeine"][1].smiles == CAFFEINE
    assert names.by_name["nonsense"] == [] and names.unavailable == {}


def test_disagreeing_offline_sources_are_not_confirmed(
    services: FakeServices, tmp_path: Path
) -> None:
    names = NameResolutions(
        {"x": [Resolution("opsin", "x", "CCO"), Resolution("chemicals", "x", "CCC")]}, {}
    )
    add_pubchem(names, ["x"], config(tmp_path))
    assert services.requests == 1


def test_failures_become_an_unavailable_source(services: FakeServices, tmp_path: Path) -> None:
    services.script(
        "/pubchem/rest/pug/compound/name/x/property/IsomericSMILES,InChIKey/JSON",
        Reply(400, {"Fault": {"Code": "PUGREST.BadRequest"}}),
    )
    names = NameResolutions({"x": []}, {})
    add_pubchem(names, ["x"], config(tmp_path))
    assert list(names.unavailable) == ["pubchem"]
    assert names.unavailable["pubchem"].startswith("pubchem answered HTTP 400")
