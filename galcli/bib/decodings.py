"""LaTeX decodings of bibliography fields remembered across runs, in the user cache directory.

Retrieval decodes every entry's title, abstract and keywords on each run (BM25 indexes the
decoded text); with pylatexenc that is most of `galcli cite`'s time on a large .bib. Inside
`remembered()`, `normalize.latex_to_text` reads known decodings from, and adds new ones to, one
JSON file keyed by the raw text, so an unchanged bibliography is decoded once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from galcli import paths
from galcli.bib import normalize

VERSION = "1"  # change it when latex_to_text's output changes: the file is keyed by it
LIMIT = 50_000  # decodings kept; the oldest go first


def cache_file() -> Path:
    try:
        from importlib.metadata import version

        decoder = version("pylatexenc")
    except Exception:  # an uninstalled checkout: still one file per decoder release
        decoder = "unknown"
    return paths.cache_dir() / "latex" / f"decodings-{VERSION}-pylatexenc{decoder}.json"


@contextmanager
def remembered() -> Iterator[None]:
    """Within the block, `latex_to_text` remembers its decodings across runs."""
    if normalize.remembered is not None:  # already inside a block: it saves
        yield
        return
    path = cache_file()
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}  # none yet, or damaged: rebuilt on save
    before = len(known)
    normalize.remembered = known
    try:
        yield
    finally:
        normalize.remembered = None
    if len(known) != before:
        _save(path, dict(list(known.items())[-LIMIT:]))


def _save(path: Path, known: dict[str, str]) -> None:
    from galcli.fileio import atomic_writer

    try:
        with atomic_writer(path, "w") as handle:
            json.dump(known, handle, ensure_ascii=False)
    except OSError:
        pass  # a read-only cache costs the decoding next time, nothing else
