"""The one cache of parsed .bib files: JSON in the user cache directory, checked on read.

A Makefile runs `galcli check` on every build while the .bib rarely changes, and parsing a large
.bib with bibtexparser is most of a check's time (a 1,000-entry file: 0.2 s to parse, 0.02 s to
read back). Each file as given (`refs.bib` and `paper/refs.bib` are kept apart: problems report
the path as given) and dialect has one cache file. Its first line identifies the bytes it was
parsed from (a SHA-1 of them) and the layout; the second holds `BibFile.to_json()`. Anything
else — another version's layout, a damaged file, a file that is not JSON at all — is parsed
anew and overwritten. Nothing in a cache file is ever executed (no pickle).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from galcli.bib.entries import BibFile
from galcli.bib.parse import parse_bib, read_bytes

FORMAT = 4  # change it when BibFile.to_json or parse_bib's result changes
KEPT = 32  # cache files kept; the least recently used go first


def cache_path(path: Path, dialect: str) -> Path:
    from galcli import paths

    try:
        resolved = str(path.resolve())
    except OSError:
        resolved = str(path.absolute())
    name = hashlib.sha1(f"{path}|{resolved}|{dialect}".encode()).hexdigest()[:24]
    return paths.cache_dir() / "bib" / f"{name}.json"


def _identity(data: bytes, dialect: str) -> dict[str, Any]:
    from galcli import __version__

    return {
        "format": FORMAT,
        "version": __version__,
        "dialect": dialect,
        "sha1": hashlib.sha1(data).hexdigest(),
    }


def _stored(path: Path, dialect: str, identity: dict[str, Any]) -> str | None:
    """The cached parse's JSON text when the cache file was made from these bytes."""
    try:
        with cache_path(path, dialect).open(encoding="utf-8") as stored:
            if json.loads(stored.readline()) != identity:
                return None
            return stored.read()
    except (OSError, ValueError):  # missing, unreadable, not JSON, not UTF-8
        return None


def is_cached(path: Path, dialect: str) -> bool:
    """Whether `path`, as it is now, has a cached parse (read its bytes and one line)."""
    try:
        data = read_bytes(path)
    except Exception:  # noqa: BLE001 - unreadable: the loader reports it
        return False
    return _stored(path, dialect, _identity(data, dialect)) is not None


def remember(bib: BibFile, data: bytes, dialect: str) -> None:
    """Store `bib`, parsed from `data`; a cache that cannot be written only costs a parse."""
    from galcli.fileio import atomic_write_text, keep_recent

    target = cache_path(Path(bib.path), dialect)
    try:
        atomic_write_text(
            target,
            json.dumps(_identity(data, dialect)) + "\n" + json.dumps(bib.to_json()),
        )
        keep_recent(target.parent, "*.json", KEPT)
    except OSError:
        pass


def load_file(
    path: Path, dialect: str, *, parallel: bool = False, store: bool = True
) -> tuple[BibFile, bytes]:
    """`path` parsed (from the cache when its bytes have not changed), with the bytes read.

    `store=False` leaves writing the cache to the caller (`remember`), for a forked child that
    sends its result first. `-` (stdin) is parsed, never cached.
    """
    if str(path) == "-":
        return parse_bib(path, dialect=dialect), b""
    data = read_bytes(path)
    identity = _identity(data, dialect)
    text = _stored(path, dialect, identity)
    if text is not None:
        try:
            bib = BibFile.from_json(json.loads(text))
            if bib.path == str(path):
                with contextlib.suppress(OSError):
                    cache_path(path, dialect).touch()  # recently used: pruned last
                return bib, data
        except ValueError:
            pass  # damaged or foreign: parsed again below, and overwritten
    bib = parse_bib(path, dialect=dialect, data=data, parallel=parallel)
    if store:
        remember(bib, data, dialect)
    return bib, data
