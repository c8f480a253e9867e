"""The `chemicals` package's name and CAS index, cached as an SQLite file for fast look-ups.

Importing `chemicals` pulls in numpy, scipy-like numerics and fluids (about 0.5 s) and loading
its PubChem database takes 0.3 s for the small file, 4 s for the large one; a name look-up
needs none of that. The first use builds, with the library's own loader, an SQLite copy of its
final indexes (name -> compound, CAS -> compound; the same "last file wins" order) under
galcli's cache directory, keyed by the installed data files. Later runs open that file: a look-up
costs a millisecond. If the cache cannot be written, the library is used directly.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA = 2  # 2: compounds by InChIKey (smiles describe names a molecule)


class SourceUnavailable(Exception):
    """A resolver cannot run here (no Java, package missing); the message says why."""


@dataclass(frozen=True)
class Compound:
    smiles: str
    name: str  # the database's own name for it (common name, else IUPAC name)


def _data_key() -> str:
    """A key for the installed chemicals data: its files' sizes and times, found without
    importing the package (importlib.metadata alone costs 0.1-0.2 s)."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec("chemicals")
    if spec is None or not spec.submodule_search_locations:
        raise SourceUnavailable("the chemicals package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "Identifiers"
    try:
        stamps = sorted(
            f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in folder.glob("*.tsv")
        )
    except OSError as exc:
        raise SourceUnavailable(f"the chemicals database cannot be read: {exc}") from exc
    if not stamps:
        raise SourceUnavailable(f"no chemicals database in {folder}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()[:16]


def _cache_file() -> Path:
    from galcli.paths import cache_dir

    return cache_dir() / "chemicals" / f"identifiers-{_data_key()}-v{SCHEMA}.sqlite"


def _loaded_database() -> Any:
    try:
        import chemicals.identifiers as identifiers
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise SourceUnavailable("the chemicals package is not installed") from exc
    database = identifiers.get_pubchem_db()
    database.finish_loading()
    return database


def _compound(hit: Any) -> Compound | None:
    if hit is None or not hit.smiles:
        return None
    return Compound(str(hit.smiles), str(hit.common_name or hit.iupac_name or ""))


class ChemicalsIndex:
    """Name and CAS look-ups, from the SQLite cache (or, failing that, the library itself)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._database: Any = None
        self._sql: sqlite3.Connection | None = None
        path = _cache_file()
        if not path.is_file():
            with contextlib.suppress(OSError, sqlite3.Error):
                self._build(path)
        if path.is_file():
            with contextlib.suppress(sqlite3.Error):
                self._sql = sqlite3.connect(
                    f"file:{path}?mode=ro", uri=True, check_same_thread=False
                )
        if self._sql is None:
            self._database = _loaded_database()

    def _build(self, path: Path) -> None:
        database = _loaded_database()
        self._database = database
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with contextlib.closing(sqlite3.connect(partial)) as sql:
                ids: dict[int, int] = {}
                rows: list[tuple[int, str, str]] = []
                for hit in {id(h): h for h in database.name_index.values()}.values():
                    if (found := _compound(hit)) is not None:
                        ids[id(hit)] = len(rows)
                        rows.append((len(rows), found.smiles, found.name))
                sql.execute("CREATE TABLE compound (id INTEGER PRIMARY KEY, smiles, name)")
                sql.execute(
                    "CREATE TABLE name (name TEXT PRIMARY KEY, compound INTEGER) WITHOUT ROWID"
                )
                sql.execute("CREATE TABLE cas (cas INTEGER PRIMARY KEY, compound INTEGER)")
                sql.executemany("INSERT INTO compound VALUES (?, ?, ?)", rows)
                for hit in database.CAS_index.values():
                    if id(hit) not in ids and (found := _compound(hit)) is not None:
                        ids[id(hit)] = len(rows)
                        rows.append((len(rows), found.smiles, found.name))
                        sql.execute("INSERT INTO compound VALUES (?, ?, ?)", rows[-1])
                sql.executemany(
                    "INSERT INTO name VALUES (?, ?)",
                    (
                        (key, ids[id(hit)])
                        for key, hit in database.name_index.items()
                        if isinstance(key, str) and id(hit) in ids
                    ),
                )
                sql.executemany(
                    "INSERT INTO cas VALUES (?, ?)",
                    (
                        (int(key), ids[id(hit)])
                        for key, hit in database.CAS_index.items()
                        if id(hit) in ids
                    ),
                )
                sql.execute(
                    "CREATE TABLE inchikey (key TEXT PRIMARY KEY, compound INTEGER) WITHOUT ROWID"
                )
                sql.executemany(
                    "INSERT OR IGNORE INTO inchikey VALUES (?, ?)",
                    (
                        (key, ids[id(hit)])
                        for key, hit in database.InChI_key_index.items()
                        if isinstance(key, str) and id(hit) in ids
                    ),
                )
                sql.commit()
            os.replace(partial, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(partial)

    def _query(self, sql: str, key: Any) -> Compound | None:
        assert self._sql is not None
        with self._lock:
            row = self._sql.execute(sql, (key,)).fetchone()
        return Compound(row[0], row[1]) if row else None

    def by_name(self, name: str) -> Compound | None:
        if self._sql is None:
            return _compound(self._database.name_index.get(name))
        return self._query(
            "SELECT smiles, c.name FROM name n JOIN compound c ON c.id = n.compound "
            "WHERE n.name = ?",
            name,
        )

    def by_cas(self, cas: str) -> Compound | None:
        number = int(cas.replace("-", ""))
        if self._sql is None:
            return _compound(self._database.CAS_index.get(number))
        return self._query(
            "SELECT smiles, c.name FROM cas n JOIN compound c ON c.id = n.compound WHERE n.cas = ?",
            number,
        )

    def by_inchikey(self, key: str) -> Compound | None:
        """The compound with this InChIKey (how `smiles describe` names a molecule)."""
        if self._sql is None:
            return _compound(self._database.InChI_key_index.get(key))
        return self._query(
            "SELECT smiles, c.name FROM inchikey n JOIN compound c ON c.id = n.compound "
            "WHERE n.key = ?",
            key,
        )

    def names(self) -> list[str]:
        """Every name in the index (for "did you mean")."""
        if self._sql is None:
            return [key for key in self._database.name_index if isinstance(key, str)]
        with self._lock:
            return [row[0] for row in self._sql.execute("SELECT name FROM name")]


@lru_cache(maxsize=1)
def chemicals_index() -> ChemicalsIndex:
    return ChemicalsIndex()
