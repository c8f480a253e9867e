"""`galcli lsp` as files are edited, closed and reopened, in a folder whose name has a space
and a non-ASCII letter (the URI a client sends is quoted): unsaved buffers are read, a
half-typed ignore comment does not stop the check, a reopened file gets its diagnostics again,
a new file closed unsaved leaves nothing behind, and a setting the user removes is reverted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import (
    change_file,
    diagnostics,
    document,
    open_file,
    position_of,
    start_client,
    stop_client,
    uri,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

MAIN = r"""\documentclass{article}
\begin{document}
\input{intro}
\bibliography{refs}
\end{document}
"""
INTRO = "Deep networks learn features~\\cite{smith2020deep}.\n"
REFS = """@article{smith2020deep,
  author = {Smith, Jane},
  title = {Deep Learning of Features},
  journal = {Journal of Learning},
  year = {2020},
}

@book{doe2019,
  author = {Doe, John},
  title = {A Book on Graphs},
  publisher = {Publisher},
  year = {2019},
}
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("editing") / "my paper é"
    folder.mkdir()
    (folder / "main.tex").write_text(MAIN, encoding="utf-8")
    (folder / "intro.tex").write_text(INTRO, encoding="utf-8")
    (folder / "refs.bib").write_text(REFS, encoding="utf-8")
    return folder


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(lsp_home: Path, workspace: Path) -> AsyncIterator[LanguageClient]:
    client = await start_client(lsp_home, workspace)
    yield client
    await stop_client(client)


async def test_an_unsaved_buffer_is_read_in_a_folder_with_a_space_in_its_name(
    client: LanguageClient, workspace: Path
) -> None:
    intro = workspace / "intro.tex"
    assert "%20" in uri(intro)  # the client quotes it
    open_file(client, intro)
    await diagnostics(client, intro)
    typed = INTRO + "Graphs are everywhere~\\cite{doe}\n"  # not saved
    change_file(client, intro, typed)
    (undefined,) = await diagnostics(client, intro, lambda found: bool(found))
    assert undefined.code == "undefined_key" and undefined.range.start.line == 1
    items = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=document(intro), position=position_of(typed, "doe}", 3)
        )
    )
    assert items is not None and [i.label for i in items.items][:1] == ["doe2019"]
    change_file(client, intro, INTRO)
    assert await diagnostics(client, intro, lambda found: not found) == []


async def test_a_half_typed_ignore_comment_is_reported_and_the_rest_is_checked(
    client: LanguageClient, workspace: Path
) -> None:
    intro = workspace / "intro.tex"
    typing = INTRO + "More~\\cite{nosuch} % galcli-ignore: undef\n"
    change_file(client, intro, typing)
    found = await diagnostics(client, intro, lambda found: len(found) == 2)
    assert {d.code for d in found} == {"bad_input", "undefined_key"}
    (comment,) = [d for d in found if d.code == "bad_input"]
    assert "unknown problem kind 'undef'" in comment.message and comment.range.start.line == 1
    change_file(client, intro, typing.replace("undef", "undefined_key"))
    assert await diagnostics(client, intro, lambda found: not found) == []
    change_file(client, intro, INTRO)


async def test_a_reopened_file_gets_its_diagnostics_again(
    client: LanguageClient, workspace: Path
) -> None:
    other = workspace / "other.tex"
    other.write_text("\\cite{missing}\n", encoding="utf-8")
    open_file(client, other)
    await diagnostics(client, other, lambda found: bool(found))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=document(other)))
    await diagnostics(client, other, lambda found: bool(found))  # checked again from the disk
    client.diagnostics.pop(uri(other))  # as Neovim does when it closes a buffer
    open_file(client, other)
    (again,) = await diagnostics(client, other, lambda found: bool(found))
    assert again.code == "undefined_key"


async def test_a_new_file_closed_without_saving_leaves_no_diagnostics(
    client: LanguageClient, workspace: Path
) -> None:
    new = workspace / "draft.tex"  # never written to the disk
    open_file(client, new, "\\documentclass{article}\n\\begin{document}\n\\cite{x}\n")
    await diagnostics(client, new, lambda found: bool(found))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=document(new)))
    assert await diagnostics(client, new, lambda found: not found) == []


async def test_a_setting_the_user_removes_is_reverted(
    client: LanguageClient, workspace: Path
) -> None:
    bib = workspace / "refs.bib"
    open_file(client, bib)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"galcli": {"unused": True}})
    )
    await diagnostics(client, bib, lambda found: any(d.code == "unused_entry" for d in found))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"galcli": {}})  # the setting removed
    )
    await diagnostics(client, bib, lambda found: not any(d.code == "unused_entry" for d in found))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"texlab": {"build": {}}})  # not ours
    )
    assert not any("galcli.texlab" in m.message for m in client.log_messages)
