"""The language server: pygls's `LanguageServer` with galcli's handlers (galcli/lsp/).

Each handler is thin: notifications mark files changed (the session checks their projects
once edits settle), requests run in the session's answerer thread with the file's project and
current text, and anything that raises is logged to the client and answered with nothing, so
no input ends the server (docs/editors.md).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from galcli import __version__
from galcli.errors import GalcliError
from galcli.lsp import completion, lookup
from galcli.lsp.positions import path_of
from galcli.lsp.session import Session
from galcli.lsp.settings import SECTION, ServerSettings, read_settings
from galcli.tasks.editor import EditorSettings

LOG = logging.getLogger("galcli.lsp")
NAME = "galcli"


class GalcliServer(LanguageServer):
    """pygls's server with galcli's session; errors outside requests go to the log only."""

    def __init__(self) -> None:
        super().__init__(
            NAME, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.session = Session(self)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """An error outside a request (a message that is not JSON, a notification handler
        that raised): said in the client's log, the traceback in the server's."""
        LOG.error("%s", error, exc_info=error)
        self.session.log(
            f"{type(error).__name__}: {error} (the server goes on)", types.MessageType.Warning
        )


def _folders(params: types.InitializeParams) -> list[Path]:
    uris = [f.uri for f in params.workspace_folders or []] or [params.root_uri or ""]
    if not params.workspace_folders and not params.root_uri and params.root_path:
        return [Path(params.root_path)]
    return [p for p in (path_of(u) for u in uris if u) if p is not None]


def _apply(server: GalcliServer, raw: Any, where: str) -> None:
    session = server.session
    # the client's whole configuration, over what the server started with: a setting the
    # user removed is back to that, not left as it was
    settings, warnings = read_settings(raw, session.initial_settings)
    for warning in warnings:
        session.log(f"{where}: {warning}", types.MessageType.Warning)
    if settings != session.settings:
        session.settings = settings
        session.log(f"settings: {settings.to_dict()}")
        session.recheck_all()


def build() -> GalcliServer:
    server = GalcliServer()
    session = server.session

    @server.feature(types.INITIALIZE)
    def initialize(ls: GalcliServer, params: types.InitializeParams) -> None:
        session.start(_folders(params))
        try:
            from galcli.settings import load_settings
            from galcli.tasks.online_check import lookup_config

            configured = load_settings({})
            session.settings = ServerSettings(EditorSettings(embeddings=configured.embeddings))
            session.online = lookup_config(configured)
        except GalcliError as exc:  # a bad galcli.toml: the defaults, and say why
            session.log(f"galcli settings not read: {exc}", types.MessageType.Warning)
        settings, warnings = read_settings(params.initialization_options, session.settings)
        session.settings = session.initial_settings = settings
        for warning in warnings:
            session.log(f"initializationOptions: {warning}", types.MessageType.Warning)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: GalcliServer, params: types.InitializedParams) -> None:
        folders = ", ".join(str(f) for f in session.workspace.folders) or "none"
        session.log(f"galcli {__version__} ready (workspace: {folders})")
        await _pull_settings(ls)

    async def _pull_settings(ls: GalcliServer) -> None:
        capabilities = ls.client_capabilities.workspace
        if capabilities is None or not capabilities.configuration:
            return
        try:
            answer = await ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as exc:  # noqa: BLE001 - a client that cannot answer: the defaults
            session.log(f"workspace/configuration failed: {exc}", types.MessageType.Warning)
            return
        if answer and isinstance(answer[0], dict):
            _apply(ls, answer[0], "workspace/configuration")

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration(ls: GalcliServer, params: types.DidChangeConfigurationParams) -> None:
        if isinstance(params.settings, dict) and params.settings:
            _apply(ls, params.settings, "didChangeConfiguration")
        else:  # the client says something changed: ask it what (the pull model)
            await _pull_settings(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders(ls: GalcliServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        found = [path_of(f.uri) for f in ls.workspace.folders.values()]  # pygls updated them
        session.workspace.folders = [p for p in found if p is not None]

    def changed(uri: str, *, relocate: bool, now: bool) -> None:
        path = path_of(uri)
        if path is not None:
            session.changed(path, relocate=relocate, now=now)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GalcliServer, params: types.DidOpenTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            session.forget_shown(path)
        changed(params.text_document.uri, relocate=True, now=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: GalcliServer, params: types.DidChangeTextDocumentParams) -> None:
        changed(params.text_document.uri, relocate=False, now=False)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GalcliServer, params: types.DidSaveTextDocumentParams) -> None:
        changed(params.text_document.uri, relocate=True, now=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GalcliServer, params: types.DidCloseTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is None:
            return
        session.forget_shown(path)
        if path.exists():
            changed(params.text_document.uri, relocate=False, now=False)  # the file on disk now
        else:
            session.closed_unsaved(path)  # a new file closed without saving: nothing to check

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["{", ","])
    )
    async def complete(ls: GalcliServer, params: types.CompletionParams) -> types.CompletionList:
        return await session.answer(
            "completion",
            params.text_document.uri,
            lambda a, p, t: completion.complete(session, a, p, t, params.position),
            completion.EMPTY,
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: GalcliServer, params: types.HoverParams) -> types.Hover | None:
        return await session.answer(
            "hover",
            params.text_document.uri,
            lambda a, p, t: lookup.hover(session, a, p, t, params.position),
            None,
        )

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: GalcliServer, params: types.DefinitionParams) -> list[types.Location]:
        return await session.answer(
            "definition",
            params.text_document.uri,
            lambda a, p, t: lookup.definition(session, a, p, t, params.position),
            [],
        )

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: GalcliServer, params: types.ReferenceParams) -> list[types.Location]:
        declaration = bool(params.context and params.context.include_declaration)
        return await session.answer(
            "references",
            params.text_document.uri,
            lambda a, p, t: lookup.references(session, a, p, t, params.position, declaration),
            [],
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def actions(ls: GalcliServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        diagnostics = list(params.context.diagnostics or [])
        return await session.answer(
            "code actions",
            params.text_document.uri,
            lambda a, p, t: completion.code_actions(session, a, p, t, params.range, diagnostics),
            [],
        )

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: GalcliServer, params: Any) -> None:
        session.close()

    return server
