"""The editor's open buffers, as pygls keeps them, with the disk behind them.

pygls keys its documents by unquoted URI: a path with a space or a non-ASCII letter is quoted
in the URI a client sends, so every look-up goes through `open_buffer`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from galcli.errors import GalcliError
from galcli.fileio import read_text
from galcli.lsp.positions import kind_of, path_of, uri_of
from galcli.tasks.editor import real_path

if TYPE_CHECKING:
    from pygls.workspace import TextDocument, Workspace


def open_buffer(workspace: Workspace, uri: str) -> TextDocument | None:
    """The open buffer of `uri`, if any."""
    return workspace.text_documents.get(unquote(uri))


def overlay(workspace: Workspace) -> dict[Path, str]:
    """The open buffers the server reads (.tex and .bib), by resolved path."""
    found = {}
    for document in list(workspace.text_documents.values()):
        path = path_of(document.uri)  # the keys are unquoted already: not URIs to read
        if path is not None and kind_of(path) is not None:
            found[real_path(path)] = document.source
    return found


def file_text(workspace: Workspace, file: str | Path) -> str:
    """A file's text for placing locations in it (any thread): its open buffer, else the file
    on disk, else nothing."""
    document = open_buffer(workspace, uri_of(file))
    if document is not None:
        return document.source
    try:
        return read_text(file)
    except GalcliError:
        return ""
