"""Offsets and client positions (UTF-16 by default, UTF-8 and UTF-32 when negotiated), and the
client's settings, without a server."""

from __future__ import annotations

import pytest

pytest.importorskip("lsprotocol")

from lsprotocol import types  # noqa: E402

from galcli.lsp.positions import Text, path_of, uri_of  # noqa: E402
from galcli.lsp.settings import ServerSettings, read_settings  # noqa: E402

TEXT = "ab\r\nx𝒜y \\cite{k}\nlast"  # 𝒜 is outside the BMP: 2 UTF-16 units, 4 UTF-8 bytes


@pytest.mark.parametrize(
    ("encoding", "character"),
    [
        (types.PositionEncodingKind.Utf16, 4),
        (types.PositionEncodingKind.Utf8, 6),
        (types.PositionEncodingKind.Utf32, 3),
    ],
)
def test_offsets_and_positions_round_trip(encoding: str, character: int) -> None:
    text = Text(TEXT, encoding)
    offset = TEXT.index(" \\cite")
    position = text.position(offset)
    assert position == types.Position(line=1, character=character)
    assert text.offset(position) == offset
    assert text.at(2, 4) == position  # galcli's 1-based line and code-point column
    assert text.line_text(0) == "ab" and text.line_text(2) == "last"


def test_positions_past_the_end_are_clamped() -> None:
    text = Text(TEXT)
    assert text.offset(types.Position(line=9, character=0)) == len(TEXT)
    assert text.offset(types.Position(line=0, character=99)) == 2
    assert text.position(10_000) == types.Position(line=2, character=4)


def test_a_line_range_starts_at_its_first_word() -> None:
    text = Text("a\n   @misc{x,\n")
    assert text.line_range(2) == types.Range(
        start=types.Position(line=1, character=3), end=types.Position(line=1, character=11)
    )


def test_uris() -> None:
    assert path_of("untitled:Untitled-1") is None
    assert str(path_of("file:///tmp/a%20b/c.tex")) == "/tmp/a b/c.tex"
    assert uri_of("/tmp/a b/../c.tex") == "file:///tmp/c.tex"


def test_settings_from_the_client() -> None:
    settings, warnings = read_settings(
        {"galcli": {"unused": True, "debounce": 50, "embeddings": "yes", "nope": 1}},
        ServerSettings(),
    )
    assert settings.editor.unused and settings.debounce == 0.05
    assert settings.editor.embeddings  # unchanged: a bad value is said, not taken
    assert warnings == [
        "galcli.embeddings must be a bool, not 'yes'",
        "unknown setting galcli.nope (known: unused, fit, online, embeddings, debounce)",
    ]
    same, said = read_settings({"unused": False}, settings)  # the section itself
    assert not same.editor.unused and said == []
    assert read_settings(None, settings) == (settings, [])
    assert read_settings([1], settings)[1] == ["settings must be an object, not list"]
    assert read_settings({"galcli": {"debounce": True}}, settings)[1] == [
        "galcli.debounce must be a int, not True"
    ]


def test_a_command_s_range_ends_at_its_brace_on_its_own_line() -> None:
    from galcli.lsp.diagnostics import place_range

    text = Text("Some words and then \\input{sec\nmissing brace} here\n")
    found = place_range(text, 1, 21, None)  # \input at column 21, its brace on the next line
    assert found.start == types.Position(line=0, character=20)
    assert found.end == types.Position(line=0, character=21)  # not into the next line


PRELOADED = """
import asyncio, importlib.util, json, sys
from galcli.lsp.session import Session
from galcli.lsp.worker import SHARED_IMPORTS
installed = [m for m in SHARED_IMPORTS if importlib.util.find_spec(m.split('.')[0])]
before = [m for m in installed if m in sys.modules]

async def main():
    session = Session(server=None)
    session.start([])
    # the next job on the checker's thread, as the first check would be
    after = session.checker.submit(lambda: [m for m in installed if m not in sys.modules])
    print(json.dumps({"before": before, "after": after.result(), "installed": installed}))

asyncio.run(main())
"""


def test_the_extension_modules_threads_share_are_imported_before_the_first_check() -> None:
    import json
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", PRELOADED], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    # none loaded by the server's own imports, all of them by the time a check runs
    assert found["before"] == [] and found["after"] == []
    assert {"numpy", "bm25s", "rapidfuzz.process"} <= set(found["installed"])  # core dependencies
