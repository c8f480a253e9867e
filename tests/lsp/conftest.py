"""A real LSP client (pytest-lsp's) driving `galcli lsp` over stdio, one server per test module.

The server runs in a child process with its own config, data and cache directories, sentence
embeddings off (the ranking is then BM25 over the document's context: the same in every
checkout), and the worktree first on its path.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from tests.conftest import ROOT  # noqa: E402

TIMEOUT = 60.0  # seconds to wait for the server's diagnostics on a busy machine


def server_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GALCLI_")}
    env.update(
        PYTHONPATH=str(ROOT),
        GALCLI_CONFIG_DIR=str(home / "config"),
        GALCLI_DATA_DIR=str(home / "data"),
        GALCLI_CACHE_DIR=str(home / "cache"),
        GALCLI_NO_EMBEDDINGS="1",
        **extra,
    )
    return env


async def start_client(
    home: Path,
    folder: Path,
    *,
    command: list[str] | None = None,
    options: Any = None,
    capabilities: str = "visual-studio-code",
    env: dict[str, str] | None = None,
) -> LanguageClient:
    config = ClientServerConfig(
        server_command=command or [sys.executable, "-m", "galcli", "lsp"],
        server_env=env or server_env(home),
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    client.initialized_with = await client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(
            capabilities=client_capabilities(capabilities),
            root_uri=folder.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)],
            initialization_options=options,
        )
    )
    return client


async def stop_client(client: LanguageClient) -> int | None:
    """shutdown, exit, and the server's exit status (once: a second call only reads it)."""
    server = client._server
    if not getattr(client, "galcli_stopped", False):
        client.galcli_stopped = True  # type: ignore[attr-defined]
        await client.shutdown_session()
        await client.stop()
    return server.returncode if server is not None else None


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lsp_home(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Path]:
    yield tmp_path_factory.mktemp("lsp-home")


def uri(path: Path) -> str:
    return path.as_uri()


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri(path), language_id="latex", version=1, text=text
            )
        )
    )
    return text


_VERSIONS: dict[str, int] = {}


def change_file(client: LanguageClient, path: Path, text: str) -> None:
    """Replace a buffer's whole text (unsaved)."""
    version = _VERSIONS[uri(path)] = _VERSIONS.get(uri(path), 1) + 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics(
    client: LanguageClient,
    path: Path,
    until: Callable[[list[types.Diagnostic]], bool] = lambda found: True,
    timeout: float = TIMEOUT,
) -> list[types.Diagnostic]:
    """The diagnostics published for `path`, once `until` holds for them."""
    deadline = time.monotonic() + timeout
    while True:
        found = client.diagnostics.get(uri(path))
        if found is not None and until(list(found)):
            return list(found)
        if time.monotonic() > deadline:
            raise AssertionError(f"no such diagnostics for {path.name} in {timeout} s: {found}")
        await asyncio.sleep(0.05)


def position_of(text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """The position of the `nth` occurrence of `needle` in `text`, plus `offset` characters
    (ASCII text: characters are UTF-16 units)."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    return types.Position(line=line, character=index - (text.rfind("\n", 0, index) + 1))


def document(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri(path))
