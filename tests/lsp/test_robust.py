"""`galcli lsp` on bad input: none of it ends the server. An unparsable .bib, a binary file, a
50 MB .tex, requests for files it does not know: each gets a diagnostic or an empty answer, and
the next request is answered. Also: settings, hover on a formula, a .bib no project reads, the
exit status, and no torch or transformers in the server."""

from __future__ import annotations

import asyncio
import sys
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
    server_env,
    start_client,
    stop_client,
    uri,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

PAPER = r"""\documentclass{article}
\begin{document}
\input{intro}
\input{figure}
Let $W$ be the weight matrix and $x$ the input vector.
\begin{equation}
y = W x + b
\end{equation}
where $b$ is the bias.
\bibliography{refs}
\end{document}
"""
INTRO = "Deep networks learn features~\\cite{smith2020deep, nosuch}.\n"
REFS = """@article{smith2020deep,
  author = {Smith, Jane and Doe, John},
  title = {Deep Learning of {Features}},
  journal = {Journal of Learning},
  year = {2020},
  doi = {10.1000/xyz123},
}

@book{doe2019,
  author = {Doe, John},
  title = {A Book},
  publisher = {Publisher},
  year = {2019},
}
"""
# The server reports at exit which heavy modules it imported.
WRAPPER = (
    "import atexit, sys\n"
    "out = sys.argv[1]\n"
    "atexit.register(lambda: open(out, 'w').write("
    "' '.join(m for m in ('torch', 'transformers') if m in sys.modules) or 'none'))\n"
    "sys.argv = ['galcli', 'lsp']\n"
    "from galcli.cli import main\n"
    "sys.exit(main())\n"
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workspace")
    (folder / "paper.tex").write_text(PAPER, encoding="utf-8")
    (folder / "intro.tex").write_text(INTRO, encoding="utf-8")
    (folder / "figure.tex").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    (folder / "refs.bib").write_text(REFS, encoding="utf-8")
    (folder / "other.bib").write_text("@misc{lonely, title={Alone}\n", encoding="utf-8")
    line = "Filler text with a citation~\\cite{smith2020deep} on every line of it.\n"
    (folder / "huge.tex").write_text(line * (50_000_000 // len(line)), encoding="utf-8")
    return folder


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(lsp_home: Path, workspace: Path) -> AsyncIterator[LanguageClient]:
    command = [sys.executable, "-c", WRAPPER, str(lsp_home / "heavy.txt")]
    client = await start_client(lsp_home, workspace, command=command)
    yield client
    await stop_client(client)


async def hover_works(client: LanguageClient, workspace: Path) -> None:
    """The server still answers: a hover on a key of intro.tex."""
    at = position_of(INTRO, "smith2020deep", 2)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document(workspace / "intro.tex"), position=at)
    )
    assert hover is not None and "Deep Learning of Features" in hover.contents.value  # type: ignore[union-attr]


async def test_a_binary_input_file_is_a_diagnostic_where_it_is_included(
    client: LanguageClient, workspace: Path
) -> None:
    open_file(client, workspace / "paper.tex")
    (included,) = await diagnostics(client, workspace / "paper.tex", lambda found: bool(found))
    assert included.code == "bad_input" and included.range.start.line == 3
    assert included.message.startswith("cannot read 'figure': not valid UTF-8 text (byte 0x89)")
    (own,) = await diagnostics(client, workspace / "figure.tex", lambda found: bool(found))
    assert own.code == "bad_input" and own.range.start.line == 0
    # the rest of the project is still checked
    (undefined,) = await diagnostics(client, workspace / "intro.tex", lambda found: bool(found))
    assert undefined.code == "undefined_key" and "'nosuch'" in undefined.message
    assert any("figure.tex:1:1: not valid UTF-8" in m.message for m in client.log_messages)


async def test_hover_on_a_formula_gives_each_symbol_s_definition(
    client: LanguageClient, workspace: Path
) -> None:
    at = position_of(PAPER, "y = W x", 4)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document(workspace / "paper.tex"), position=at)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    shown = hover.contents.value
    assert shown.startswith("**y = W x + b** (equation)\n\ny equals W times x, plus b.")
    assert "Here W is the weight matrix (paper.tex:5)" in shown
    assert "| W | the weight matrix | paper.tex:5 |" in shown
    assert "| b | the bias | paper.tex:9 |" in shown
    outside = await client.text_document_hover_async(
        types.HoverParams(
            text_document=document(workspace / "paper.tex"), position=position_of(PAPER, "where")
        )
    )
    assert outside is None


async def test_an_unparsable_bib_buffer_is_reported_and_its_fix_clears_it(
    client: LanguageClient, workspace: Path
) -> None:
    bib = workspace / "refs.bib"
    open_file(client, bib)
    broken = REFS + "\n@article{broken,\n  title = {Unclosed,\n"
    change_file(client, bib, broken)
    found = await diagnostics(
        client, bib, lambda found: any(d.code == "bib_parse_error" for d in found)
    )
    (parse,) = [d for d in found if d.code == "bib_parse_error"]
    assert parse.range.start.line == 15 and "entry 'broken'" in parse.message
    await hover_works(client, workspace)
    duplicate = REFS + "\n@misc{doe2019, title={Again}}\n"
    change_file(client, bib, duplicate)
    found = await diagnostics(
        client, bib, lambda found: [d.code for d in found] == ["duplicate_key"]
    )
    (related,) = found[0].related_information or []
    assert related.location.uri == uri(bib) and related.location.range.start.line == 8
    assert related.message == "first defined here"
    change_file(client, bib, REFS)
    assert await diagnostics(client, bib, lambda found: not found) == []


async def test_a_50_mb_tex_file_is_not_read_and_the_server_goes_on(
    client: LanguageClient, workspace: Path
) -> None:
    huge = workspace / "huge.tex"
    open_file(client, huge)
    found = await diagnostics(client, huge, lambda found: bool(found))
    assert [d.code for d in found] == ["bad_input"]
    assert "a file of 50 MB, over the 4 MB limit: not scanned" in found[0].message
    await hover_works(client, workspace)


async def test_requests_for_unknown_files_get_empty_answers(
    client: LanguageClient, workspace: Path
) -> None:
    nowhere = types.TextDocumentIdentifier(uri=(workspace / "nowhere" / "x.tex").as_uri())
    at = types.Position(line=0, character=0)
    hover = types.HoverParams(text_document=nowhere, position=at)
    assert await client.text_document_hover_async(hover) is None
    untitled = types.TextDocumentIdentifier(uri="untitled:Untitled-1")
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=untitled, position=at)
    )
    assert isinstance(completion, types.CompletionList) and list(completion.items) == []
    pdf = types.TextDocumentIdentifier(uri=(workspace / "paper.pdf").as_uri())
    definition = types.DefinitionParams(text_document=pdf, position=at)
    assert await client.text_document_definition_async(definition) == []
    beyond = types.Position(line=500, character=80)  # past the end of the file
    assert (
        await client.text_document_hover_async(
            types.HoverParams(text_document=document(workspace / "intro.tex"), position=beyond)
        )
        is None
    )
    await hover_works(client, workspace)


async def test_a_bib_no_project_reads_is_checked_alone(
    client: LanguageClient, workspace: Path
) -> None:
    other = workspace / "other.bib"
    open_file(client, other)
    found = await diagnostics(client, other, lambda found: bool(found))
    assert [d.code for d in found] == ["bib_parse_error"]


async def test_a_folder_added_to_the_workspace_lends_its_bibliography(
    client: LanguageClient, workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A chapter no document includes yet is checked against the .bib of the document of the
    workspace folder it is in, once that folder is added."""
    folder = tmp_path_factory.mktemp("thesis")
    (folder / "thesis.tex").write_text(
        "\\documentclass{book}\n\\bibliography{refs}\n", encoding="utf-8"
    )
    thesis = "@misc{thesis2020, title={A Thesis}, author={Roe, R.}, year=2020}\n"
    (folder / "refs.bib").write_text(thesis, encoding="utf-8")
    draft = folder / "drafts" / "new.tex"
    draft.parent.mkdir()
    draft.write_text("New \\cite{thesis2020, thesis2002}.\n", encoding="utf-8")
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=folder.as_uri(), name="thesis")], removed=[]
            )
        )
    )
    open_file(client, draft)
    (typo,) = await diagnostics(client, draft, lambda found: bool(found))
    assert typo.code == "undefined_key" and "'thesis2002'" in typo.message  # not thesis2020


async def test_settings_change_what_is_reported(client: LanguageClient, workspace: Path) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"galcli": {"unused": True, "bogus": 1}})
    )
    found = await diagnostics(
        client, workspace / "refs.bib", lambda found: any(d.code == "unused_entry" for d in found)
    )
    (unused,) = [d for d in found if d.code == "unused_entry"]
    assert "'doe2019' is never cited" in unused.message and unused.range.start.line == 8
    for _ in range(100):
        if any("unknown setting galcli.bogus" in m.message for m in client.log_messages):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError([m.message for m in client.log_messages])
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"galcli": {"unused": False}})
    )
    await diagnostics(
        client,
        workspace / "refs.bib",
        lambda found: not any(d.code == "unused_entry" for d in found),
    )


async def test_with_galcli_fit_a_swapped_key_is_a_hint_with_the_key_that_fits(
    client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """check --fit's made-up project (30 works on unrelated subjects), one key swapped."""
    from tests.tasks.test_cite_fit import bib, sentences

    folder = tmp_path_factory.mktemp("fit")
    (folder / "refs.bib").write_text(bib(), encoding="utf-8")
    body = "\n\n".join(sentences({20: "bee2005"}))
    text = f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\n\\bibliography{{refs}}\n"
    main = folder / "main.tex"
    main.write_text(text + "\\end{document}\n", encoding="utf-8")
    open_file(client, main)
    assert await diagnostics(client, main) == []  # galcli.fit is off
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"galcli": {"fit": True}})
    )
    (misfit,) = await diagnostics(client, main, lambda found: bool(found))
    assert misfit.code == "citation_misfit" and misfit.severity == types.DiagnosticSeverity.Hint
    assert misfit.data["suggestions"][0] == "cache2006"  # type: ignore[index]
    swapped = text.index("bee2005", text.index("cache replacement"))
    assert misfit.range.start == position_of(text, "bee2005", nth=1)
    assert text[swapped - 6 : swapped] == "\\cite{"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=document(main),
            range=misfit.range,
            context=types.CodeActionContext(diagnostics=[misfit]),
        )
    )
    assert actions is not None
    first = actions[0]
    assert isinstance(first, types.CodeAction)
    assert first.title == "Cite 'cache2006' instead of 'bee2005' (fits better)"
    assert first.edit.changes[uri(main)][0].new_text == "cache2006"  # type: ignore[union-attr]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"galcli": {"fit": False}})
    )
    assert await diagnostics(client, main, lambda found: not found) == []


async def test_the_server_never_imports_torch_and_exits_0_after_shutdown(
    lsp_home: Path, workspace: Path, client: LanguageClient
) -> None:
    """Completion, hover and checks have run in this server; it ends as the protocol says."""
    await client.text_document_completion_async(
        types.CompletionParams(
            text_document=document(workspace / "intro.tex"),
            position=position_of(INTRO, "smith2020deep"),
        )
    )
    assert await stop_client(client) == 0
    assert (lsp_home / "heavy.txt").read_text(encoding="utf-8") == "none"


async def test_exit_without_shutdown_is_status_1(lsp_home: Path, workspace: Path) -> None:
    client = await start_client(lsp_home, workspace, env=server_env(lsp_home))
    client.exit(None)
    assert client._server is not None
    assert await asyncio.wait_for(client._server.wait(), 60) == 1
    await client.stop()
