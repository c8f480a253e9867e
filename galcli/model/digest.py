"""SHA-256 of model weights, remembered between runs.

Provenance records which weights produced a text. Hashing gigabytes on every run would cost
seconds, so a digest is cached under the user cache directory, keyed by path, size and mtime.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from galcli import paths
from galcli.fileio import atomic_write_text

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def files_sha256(files: Sequence[Path]) -> str | None:
    """One digest for a set of files: the SHA-256 of a file's own digest, or of the sorted
    `name digest` lines for several (sharded checkpoints)."""
    if not files:
        return None
    digests = [(path.name, cached_sha256(path)) for path in files]
    if len(digests) == 1:
        return digests[0][1]
    lines = "".join(f"{name} {digest}\n" for name, digest in sorted(digests))
    return hashlib.sha256(lines.encode()).hexdigest()


def cached_sha256(path: Path) -> str:
    index_path = paths.cache_dir() / "digests.json"
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    if not isinstance(index, dict):
        index = {}
    if key in index:
        return str(index[key])
    digest = sha256_file(path)
    index[key] = digest
    try:
        atomic_write_text(index_path, json.dumps(index, indent=1))
    except OSError:
        pass  # a read-only cache only costs the hash next time
    return digest


def file_identity(path: Path) -> dict[str, int]:
    stat = os.stat(path)
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
