"""LaTeX decodings of bibliography fields remembered across runs, in the user cache directory.

Retrieval decodes every entry's title, abstract and keywords on each run (BM25 indexes the
decoded text); with pylatexenc that is most of `galcli cite`'s time on a large .bib. Inside
`remembered()`, `normalize.latex_to_text` reads known decodings from, and adds new ones to, one
JSON file keyed by the raw text, so an unchanged bibliography is decoded once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path

from galcli import paths
from galcli.bib import normalize

VERSION = "1"  # change it when latex_to_text's output changes: the file is keyed by it
LIMIT = 50_000  # decodings kept; the oldest go first


def cache_file() -> Path:
    from pylatexenc.version import version_str  # importlib.metadata costs 0.05-0.1 s

    return paths.cache_dir() / "latex" / f"decodings-{VERSION}-pylatexenc{version_str}.json"


class Decodings(MutableMapping[str, str]):
    """The decodings of the cache file, read on the first lookup: a warm run whose indexes
    and vectors are cached decodes nothing and reads nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[str, str] | None = None
        self.added = False

    @property
    def known(self) -> dict[str, str]:
        if self._known is None:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}  # none yet, or damaged: rebuilt on save
            self._known = loaded if isinstance(loaded, dict) else {}
        return self._known

    def __getitem__(self, text: str) -> str:
        return self.known[text]

    def __setitem__(self, text: str, decoded: str) -> None:
        self.known[text] = decoded
        self.added = True

    def __delitem__(self, text: str) -> None:
        del self.known[text]

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


@contextmanager
def remembered() -> Iterator[None]:
    """Within the block, `latex_to_text` remembers its decodings across runs."""
    if normalize.remembered is not None:  # already inside a block: it saves
        yield
        return
    decodings = Decodings(cache_file())
    normalize.remembered = decodings
    try:
        yield
    finally:
        normalize.remembered = None
    if decodings.added:
        _save(decodings.path, dict(list(decodings.known.items())[-LIMIT:]))


def _save(path: Path, known: dict[str, str]) -> None:
    from galcli.fileio import atomic_writer

    try:
        with atomic_writer(path, "w") as handle:
            json.dump(known, handle, ensure_ascii=False)
    except OSError:
        pass  # a read-only cache costs the decoding next time, nothing else
