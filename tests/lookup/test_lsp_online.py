"""`galcli lsp` with `galcli.online`: the verdicts of `check --online` from the look-up cache,
only when the setting is on, and never a request while the user types."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.lookup.server import FakeServices

pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402

from tests.lsp.conftest import (  # noqa: E402
    diagnostics,
    open_file,
    server_env,
    start_client,
    stop_client,
)

ONLINE = {"reference_not_found", "reference_metadata_mismatch", "doi_malformed"}


@pytest.mark.asyncio(loop_scope="function")
async def test_online_verdicts_come_from_the_cache_when_asked_for(
    cli: Callable[..., Result], services: FakeServices, paper: Path, tmp_path: Path
) -> None:
    assert cli("check", str(paper), "--online").code == 1  # fills the look-up cache
    asked = services.requests
    env = server_env(tmp_path / "home")
    env.update({k: v for k, v in os.environ.items() if k.startswith("GALCLI_")})
    env["GALCLI_NO_EMBEDDINGS"] = "1"
    client = await start_client(tmp_path / "home", paper.parent, env=env)
    try:
        open_file(client, paper)
        bib = paper.with_name("references.bib")
        found = await diagnostics(client, paper) + await diagnostics(client, bib)
        assert not ONLINE & {str(d.code) for d in found}  # off by default
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"galcli": {"online": True}})
        )
        found = await diagnostics(client, bib, lambda found: ONLINE <= {str(d.code) for d in found})
        fabricated = [d for d in found if d.code == "reference_not_found"]
        assert fabricated and "fabricated2021quantum" in str(fabricated[0].data)
    finally:
        assert await stop_client(client) == 0
    assert services.requests == asked  # the server asked nothing: the cache answered
