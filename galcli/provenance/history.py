"""The local history of model runs: what was asked, what came out, and flags on bad output.

SQLite in the user data directory, in WAL mode so that parallel galcli processes can write
without corrupting it. The schema is versioned with `PRAGMA user_version`; each migration runs
once, inside a transaction. Nothing here leaves the machine unless the user exports it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from galcli import __version__, paths
from galcli.errors import InputError, UsageError

FLAG_CATEGORIES = ("wrong-citation", "wrong-structure", "wrong-formula", "harmful", "other")

MIGRATIONS: tuple[str, ...] = (
    # 1: runs and flags
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created TEXT NOT NULL,
        command TEXT NOT NULL,
        arguments TEXT NOT NULL,
        model TEXT,
        model_sha256 TEXT,
        prompt TEXT,
        output TEXT,
        verdicts TEXT NOT NULL DEFAULT '{}',
        timings TEXT NOT NULL DEFAULT '{}',
        version TEXT NOT NULL
    );
    CREATE TABLE flags (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        created TEXT NOT NULL,
        category TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX flags_by_run ON flags(run_id);
    """,
    # 2: the watermark state of each run, for `galcli detect` questions later
    "ALTER TABLE runs ADD COLUMN watermark TEXT;",
)


def database_path() -> Path:
    return paths.data_dir() / "history.sqlite3"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Flag:
    category: str
    reason: str
    created: str

    def to_dict(self) -> dict[str, str]:
        return {"category": self.category, "reason": self.reason, "created": self.created}


@dataclass
class Run:
    id: int
    created: str
    command: str
    arguments: dict[str, Any]
    model: str | None
    model_sha256: str | None
    prompt: str | None
    output: str | None
    verdicts: dict[str, Any]
    timings: dict[str, float]
    version: str
    watermark: str | None
    flags: list[Flag] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "command": self.command,
            "arguments": self.arguments,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "prompt": self.prompt,
            "output": self.output,
            "verdicts": self.verdicts,
            "timings": self.timings,
            "version": self.version,
            "watermark": self.watermark,
            "flags": [f.to_dict() for f in self.flags],
        }


class History:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or database_path()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA foreign_keys = ON")
            self._migrate(connection)
            yield connection
        except sqlite3.DatabaseError as exc:
            raise InputError(
                f"the history database is unusable: {exc}",
                hint=f"move {self.path} aside; galcli starts a new one",
            ) from exc
        finally:
            connection.close()

    @staticmethod
    def _migrate(connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version >= len(MIGRATIONS):
            return
        connection.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def record(
        self,
        *,
        command: str,
        arguments: dict[str, Any],
        model: str | None,
        model_sha256: str | None,
        prompt: str | None,
        output: str | None,
        verdicts: dict[str, Any] | None = None,
        timings: dict[str, float] | None = None,
        watermark: str | None = None,
    ) -> int:
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO runs (created, command, arguments, model, model_sha256, prompt,"
                " output, verdicts, timings, version, watermark)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    command,
                    json.dumps(arguments, ensure_ascii=False, default=str),
                    model,
                    model_sha256,
                    prompt,
                    output,
                    json.dumps(verdicts or {}),
                    json.dumps(timings or {}),
                    __version__,
                    watermark,
                ),
            )
            assert cursor.lastrowid is not None  # set by every INSERT
            return cursor.lastrowid

    def runs(
        self, *, limit: int | None = None, flagged: bool = False, ids: list[int] | None = None
    ) -> list[Run]:
        query = "SELECT * FROM runs"
        conditions, values = [], []
        if flagged:
            conditions.append("id IN (SELECT run_id FROM flags)")
        if ids is not None:
            conditions.append(f"id IN ({','.join('?' * len(ids))})")
            values += ids
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        query += " ORDER BY id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        with self._connect() as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute(query, values).fetchall()
            flags: dict[int, list[Flag]] = {}
            if rows:
                marks = ",".join("?" * len(rows))
                for flag in connection.execute(
                    f"SELECT run_id, category, reason, created FROM flags WHERE run_id IN ({marks})"
                    " ORDER BY id",
                    [row["id"] for row in rows],
                ):
                    flags.setdefault(flag["run_id"], []).append(
                        Flag(flag["category"], flag["reason"], flag["created"])
                    )
        return [
            Run(
                id=row["id"],
                created=row["created"],
                command=row["command"],
                arguments=json.loads(row["arguments"]),
                model=row["model"],
                model_sha256=row["model_sha256"],
                prompt=row["prompt"],
                output=row["output"],
                verdicts=json.loads(row["verdicts"]),
                timings=json.loads(row["timings"]),
                version=row["version"],
                watermark=row["watermark"],
                flags=flags.get(row["id"], []),
            )
            for row in rows
        ]

    def get(self, run_id: int) -> Run:
        found = self.runs(ids=[run_id])
        if not found:
            raise UsageError(
                f"no run with id {run_id} in the history", hint="`galcli log list` shows the ids"
            )
        return found[0]

    def flag(self, run_id: int, *, reason: str, category: str) -> Flag:
        if category not in FLAG_CATEGORIES:
            raise UsageError(
                f"unknown category {category!r}", hint=f"use one of: {', '.join(FLAG_CATEGORIES)}"
            )
        if not reason.strip():
            raise UsageError("a flag needs a reason", hint='say what is wrong: --reason "…"')
        self.get(run_id)
        flag = Flag(category, reason.strip(), _now())
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO flags (run_id, created, category, reason) VALUES (?, ?, ?, ?)",
                (run_id, flag.created, category, flag.reason),
            )
        return flag

    def delete(self, run_id: int | None = None) -> int:
        """Delete one run (with its flags), or all runs when `run_id` is None."""
        with self._connect() as connection:
            if run_id is None:
                count = connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
                connection.execute("DELETE FROM runs")
                connection.execute("VACUUM")
                return int(count)
            deleted = connection.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount
        if not deleted:
            raise UsageError(
                f"no run with id {run_id} in the history", hint="`galcli log list` shows the ids"
            )
        return deleted
