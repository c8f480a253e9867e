"""Reading .bib files for `check`, through a cache of their summaries.

Summaries are cached per file until the file changes, so an unchanged bibliography costs a read
of its cache, not a parse.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, NamedTuple

from galcli.bib.entries import parse_bib, unique_paths
from galcli.verify.bib_summary import BibSummary, FileSummary

# Part of every cache entry's identity: a summary stored in another layout is parsed anew.
CACHE_FORMAT = 2


def _cache_path(path: Path, dialect: str) -> Path:
    import hashlib

    from galcli import paths

    # The path as given is part of the key: problems report it, so `refs.bib` and
    # `paper/refs.bib` (the same file seen from two directories) are cached apart.
    name = hashlib.sha1(f"{path}|{path.resolve()}|{dialect}".encode()).hexdigest()
    return paths.cache_dir() / "bib" / f"{name}.json"


def _identity(path: Path, dialect: str) -> dict[str, Any]:
    from galcli import __version__

    stat = path.stat()
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "dialect": dialect,
        "version": __version__,
        "format": CACHE_FORMAT,
    }


def _open_cache(path: Path, dialect: str) -> IO[str] | None:
    """The cache file of `path`, read past its first line (the identity of the file it
    summarizes), or None when there is none or the file has changed since."""
    import json

    try:
        stored = _cache_path(path, dialect).open(encoding="utf-8")
    except OSError:
        return None
    try:
        if json.loads(stored.readline()) == _identity(path, dialect):
            return stored
    except (OSError, ValueError):
        pass
    stored.close()
    return None


def is_cached(path: Path, dialect: str) -> bool:
    """Whether an earlier check stored a summary of `path` as it is now (one short read)."""
    stored = _open_cache(path, dialect)
    if stored is not None:
        stored.close()
    return stored is not None


def cached_file_summary(path: Path, dialect: str) -> FileSummary | None:
    """The summary stored for `path` by an earlier check, if the file has not changed since."""
    import json

    stored = _open_cache(path, dialect)
    if stored is None:
        return None
    with stored:
        try:
            return FileSummary.from_json(json.loads(stored.read()))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # an unusable cache: parse the file


class ParsedSummary(NamedTuple):
    """A file's summary with the identity the file had when it was read, to be cached."""

    path: Path
    identity: dict[str, Any] | None
    summary: FileSummary


def remember_file_summary(parsed: ParsedSummary, dialect: str) -> None:
    import json

    from galcli.fileio import atomic_write_text

    if parsed.identity is None:
        return
    try:
        atomic_write_text(
            _cache_path(parsed.path, dialect),
            json.dumps(parsed.identity) + "\n" + json.dumps(parsed.summary.to_json()),
        )
    except OSError:
        pass  # a read-only cache costs the parse next time, nothing else


def _parse_summary(path: Path, dialect: str, *, parallel: bool = False) -> ParsedSummary:
    try:  # taken before reading: a file that changes meanwhile is parsed again next time
        identity = _identity(path, dialect)
    except OSError:
        identity = None  # parse_bib reports it
    bib = parse_bib(path, dialect=dialect, parallel=parallel)
    return ParsedSummary(path, identity, FileSummary.of(bib, dialect))


def file_summary(
    path: Path, dialect: str, *, deferred: list[ParsedSummary] | None = None, parallel: bool = False
) -> FileSummary:
    """The summary of `path`: from the cache unless the file changed, else parsed and cached.

    A Makefile runs `galcli check` on every build while the .bib rarely changes; parsing a
    large .bib with bibtexparser is most of a check's time. With `deferred`, a parsed file is
    appended there for the caller to remember_file_summary() later instead of cached now.
    """
    cached = cached_file_summary(path, dialect)
    if cached is not None:
        return cached
    parsed = _parse_summary(path, dialect, parallel=parallel)
    if deferred is None:
        remember_file_summary(parsed, dialect)
    else:
        deferred.append(parsed)
    return parsed.summary


def summarize(
    paths: list[Path],
    dialect: str,
    *,
    deferred: list[ParsedSummary] | None = None,
    parallel: bool = False,
) -> BibSummary:
    summary = BibSummary(dialect=dialect)
    for path in unique_paths(paths):
        summary.add(file_summary(path, dialect, deferred=deferred, parallel=parallel))
    return summary
