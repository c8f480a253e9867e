"""The look-up services as a real HTTP server on 127.0.0.1, with the works the tests know."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lookup.server import FIXTURES, FakeServices, crossref_message, fixture


def known_works(services: FakeServices) -> None:
    services.add_work(fixture("crossref_work.json")["message"])  # LeCun et al., Deep learning
    services.add_work(fixture("crossref_retracted.json")["message"])  # Wakefield et al.
    services.add_work(
        crossref_message(
            "10.1162/neco.1997.9.8.1735",
            "Long Short-Term Memory",
            [("Sepp", "Hochreiter"), ("Jürgen", "Schmidhuber")],
            1997,
            "Neural Computation",
            "Neural Computation",
            volume="9",
            page="1735-1780",
        )
    )
    services.add_work(
        crossref_message(
            "10.1038/nature16961",
            "Mastering the game of Go with deep neural networks and tree search",
            [("David", "Silver"), ("Aja", "Huang"), ("Chris J.", "Maddison")],
            2016,
            "Nature",
            "Nature",
            volume="529",
            page="484-489",
        )
    )
    # Works that share words with the fabricated title, as a real search would return them.
    services.add_work(
        crossref_message(
            "10.1038/s41586-021-03819-2",
            "Highly accurate protein structure prediction with AlphaFold",
            [("John", "Jumper")],
            2021,
            "Nature",
        )
    )
    services.add_work(
        crossref_message(
            "10.1103/physrevlett.103.150502",
            "Quantum Algorithm for Linear Systems of Equations",
            [("Aram W.", "Harrow")],
            2009,
            "Physical Review Letters",
            "Phys. Rev. Lett.",
        )
    )


def own_cache(folder: Path) -> Path:
    """A cache directory of this test's own for look-up answers, sharing the session's model
    cache (converting the embedded model takes minutes; `smiles --no-model` still loads it
    until issue 16 is fixed)."""
    shared = Path(os.environ["GALCLI_CACHE_DIR"])
    folder.mkdir(parents=True)
    for name in ("models", "embeddings"):
        (shared / name).mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(shared / name, target_is_directory=True)
    return folder


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeServices]:
    """The fake services, running; galcli points at them and caches into this test's dir."""
    fake = FakeServices()
    known_works(fake)
    root = fake.start()
    monkeypatch.setenv("GALCLI_CROSSREF_URL", f"{root}/crossref")
    monkeypatch.setenv("GALCLI_OPENALEX_URL", f"{root}/openalex")
    monkeypatch.setenv("GALCLI_PUBCHEM_URL", f"{root}/pubchem")
    monkeypatch.setenv("GALCLI_CACHE_DIR", str(own_cache(tmp_path / "cache")))
    monkeypatch.setenv("GALCLI_ONLINE_TIMEOUT", "2")
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    """A copy of the test paper and its .bib (the user's files are never written)."""
    folder = tmp_path / "paper"
    folder.mkdir()
    for name in ("paper.tex", "references.bib"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder / "paper.tex"
